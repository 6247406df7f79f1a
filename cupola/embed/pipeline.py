"""The ingest after-step: vectors for new or changed text (skipped with ``no_vectors``)."""

from __future__ import annotations

from typing import Any

from cupola.archive import Archive
from cupola.embed.update import update


def after_ingest(archive: Archive, context: Any) -> dict[str, Any]:
    if context.options.get("no_vectors"):
        return {"skipped": True}

    def progress(done: int, total: int) -> None:
        context.report("embed", done, total)

    return update(archive, progress=progress)
