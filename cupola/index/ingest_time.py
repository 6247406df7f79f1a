"""Keyword documents for new records, written while ingest reads on.

The keyword index is derived from the archive and caught up by ``sync`` after ingest. For records
that are new to the archive, the document can be built from the record ingest just stored, instead of
reading every record back from SQLite afterwards; tantivy's indexing thread then works while Python
normalises the next batch. ``index_stored`` (a stored-step, see ``cupola.pipeline``) adds them to an
open writer; the index after-step commits it and lets ``sync`` skip each record still at the seq it
was indexed with (a record changed again since, e.g. clustered by the dedupe step, is indexed again).

Nothing here moves the index's mark: if ingest is interrupted, the writer is rolled back (or its
uncommitted documents vanish with the process) and the next sync indexes everything after the mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cupola.archive import Archive
from cupola.index.keyword import (
    SCHEMA_VERSION,
    new_index,
    open_writer,
    read_meta,
    record_document,
    tantivy_index,
    write_meta,
)

STATE_KEY = "index"


@dataclass
class PendingDocuments:
    writer: Any
    indexed: dict[str, int] = field(default_factory=dict)  # id -> seq of each document added
    done: bool = False

    def add(self, stored: list[tuple[int, Any]]) -> None:
        for seq, record in stored:
            self.writer.add_document(record_document(record, seq))
            self.indexed[record.id] = seq

    def commit(self) -> dict[str, int]:
        """Commit the documents; returns what ``sync`` may skip (which also writes the vocabulary)."""
        if self.done:
            return {}
        self.done = True
        try:
            self.writer.commit()
            self.writer.wait_merging_threads()
        except BaseException:
            self.writer.rollback()
            raise
        return self.indexed

    def abandon(self) -> None:
        if not self.done:
            self.done = True
            self.writer.rollback()


def _start(archive: Archive, first_seq: int) -> PendingDocuments | None:
    """An open writer on the archive's index, or None when the after-step must rebuild it anyway."""
    directory = archive.index_dir
    meta = read_meta(directory)
    if meta.get("schema") == SCHEMA_VERSION and (directory / "data").exists():
        index = tantivy_index(directory / "data")
    elif first_seq == 1:  # a new archive: start its index empty, at mark 0
        index = new_index(directory)
        write_meta(directory, 0)
    else:
        return None
    return PendingDocuments(open_writer(index))


def index_stored(archive: Archive, stored: list[tuple[int, Any]], context: Any) -> None:
    """Stored-step: add documents for the records just stored (new ids, as stored)."""
    if not stored:
        return
    pending = context.shared.get(STATE_KEY)
    if pending is None:
        pending = _start(archive, min(seq for seq, _ in stored)) or False
        context.shared[STATE_KEY] = pending
    if pending:
        pending.add(stored)


def finish(context: Any) -> dict[str, int]:
    """Commit what ingest indexed; id -> seq for ``sync(skip=...)`` (empty when nothing was)."""
    pending = context.shared.pop(STATE_KEY, None) if context is not None else None
    return pending.commit() if pending else {}
