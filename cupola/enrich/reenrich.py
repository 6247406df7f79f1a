"""Re-run caption understanding over a whole archive (after a KB or rule update).

``reenrich(archive)`` walks the records present when it starts, re-enriches them in batches with
``Archive.replace_data`` (content hashes unchanged, seq bumped so derived indexes resync) inside the
archive's write lock, then brings the keyword index up to date.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from importlib import resources
from typing import Any

from cupola.archive import Archive
from cupola.enrich.pipeline import enrich_record

BATCH_SIZE = 1000


def kb_version() -> str:
    """A short digest of the shipped KB: stored in the archive so a stale enrichment can be seen."""
    blob = resources.files("cupola.data").joinpath("kb/kb.json.gz").read_bytes()
    return hashlib.sha256(blob).hexdigest()[:12]


def reenrich(archive: Archive, *, batch_size: int = BATCH_SIZE,
             progress: Callable[[str, int, int | None], None] | None = None) -> dict[str, Any]:
    """Enrich every record again; returns {"records", "changed", "indexed", "seconds", "kb_version"}."""
    started = time.perf_counter()
    total = archive.count()
    done = changed = 0
    with archive.writing():
        last_seq = archive.max_seq()
        batch = []
        for seq, record in archive.iter_records(0, batch_size=batch_size):
            if seq > last_seq:
                break  # rows rewritten by this run come back with a newer seq: stop there
            before = (record.entities, record.event, record.credit, record.taken_at, record.taken_precision,
                      record.taken_source)
            record = enrich_record(record, None)
            after = (record.entities, record.event, record.credit, record.taken_at, record.taken_precision,
                     record.taken_source)
            done += 1
            if after != before:
                batch.append(record)
            if len(batch) >= batch_size:
                changed += archive.replace_data(batch)
                batch = []
            if progress is not None and done % 500 == 0:
                progress("reenrich", done, total)
        if batch:
            changed += archive.replace_data(batch)
        archive.set_meta("enrich_kb_version", kb_version())
        if progress is not None:
            progress("reenrich", done, total)
        from cupola.index.keyword import sync

        indexed = sync(archive)
    return {"records": done, "changed": changed, "indexed": indexed, "kb_version": kb_version(),
            "seconds": round(time.perf_counter() - started, 3)}
