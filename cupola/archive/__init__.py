"""SQLite storage: the truth. See ``cupola.archive.store.Archive``."""

from cupola.archive.store import Archive, UpsertResult

__all__ = ["Archive", "UpsertResult"]
