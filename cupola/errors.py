"""Cupola's exceptions.

    CupolaError                 base: every error Cupola raises on purpose
    ├── UsageError              the caller asked for something impossible (bad option, bad path)
    ├── SourceError             an input could not be read at all (which file, why, what to do)
    ├── ArchiveError            the archive is missing, locked, or from a newer version
    └── NotFound                a record, cluster or gallery id that does not exist

Errors carry context (``where``: file, record id, stage) and a ``hint`` saying what to do.
Per-record problems during ingest are not exceptions: they are ``Rejection`` values
(see ``cupola.model``) so one bad record never stops the rest.
"""

from __future__ import annotations


class CupolaError(Exception):
    """Base class. ``str(err)`` is one line: what, where, what to do."""

    exit_code = 1

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        parts = [self.message]
        if self.where:
            parts[0] = f"{self.where}: {self.message}"
        if self.hint:
            parts.append(self.hint)
        return " — ".join(parts)


class UsageError(CupolaError):
    exit_code = 2


class SourceError(CupolaError):
    pass


class ArchiveError(CupolaError):
    pass


class NotFound(CupolaError):
    pass
