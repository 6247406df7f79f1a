"""The dedupe after-step: bring clusters up to date with the records changed since the last run.

``after_ingest(archive, context)`` (named in ``cupola.pipeline.AFTER_STEPS``) reads the records whose
``seq`` is above its mark (archive meta ``dedupe_seq``), places them in chunks, and moves the mark
to the archive's ``seq`` after its own writes, so its rewrites of ``record.cluster`` are not taken
for new changes. Ingesting 1,000 records into a large archive touches those 1,000 and the clusters
they join, nothing else. A backlog of more than one chunk (a first clustering, a recluster) writes
``record.cluster`` once at the end instead of after every chunk (see ``cupola.dedupe.refresh``); meta
``dedupe_refresh_pending`` says such a run is under way, and a run that finds it left over (the last
one died) recomputes every cluster. ``recluster(archive)`` starts over from scratch (manual overrides
are kept and applied again).
"""

from __future__ import annotations

import logging
from typing import Any

from cupola.archive import Archive
from cupola.dedupe.engine import Engine, Stats

log = logging.getLogger("cupola")
MARK = "dedupe_seq"
PENDING = "dedupe_refresh_pending"
CHUNK_SIZE = 5000


def update(archive: Archive, *, progress: Any = None, chunk_size: int = CHUNK_SIZE,
           defer: bool | None = None) -> Stats:
    """Cluster every record changed since the mark. Call inside ``archive.writing()``.

    ``defer``: write ``record.cluster`` once after the last chunk (default: when there is more than one
    chunk) rather than after each; the clusters come out the same.
    """
    mark = int(archive.meta(MARK, "0") or 0)
    end = archive.max_seq()
    total = archive.conn.execute("SELECT count(*) FROM records WHERE seq > ? AND seq <= ?",
                                 (mark, end)).fetchone()[0]
    engine = Engine(archive, defer=total > chunk_size if defer is None else defer)
    if archive.meta(PENDING, ""):  # a deferred run died before its refresh: recompute every cluster
        engine.affected.update(c for (c,) in archive.conn.execute("SELECT id FROM dedupe_clusters"))
    if engine.defer:
        archive.set_meta(PENDING, "1")
    stats = Stats()
    chunk = []
    for seq, record in archive.iter_records(mark):
        if seq > end:
            break
        chunk.append(record)
        if len(chunk) >= chunk_size:
            stats.add(engine.run(chunk))
            chunk = []
            if progress is not None:
                progress("dedupe", stats.seen, total)
    if chunk:
        stats.add(engine.run(chunk))
    if engine.defer or engine.affected:
        stats.records_written, stats.clusters_changed = engine.refresh()
    if progress is not None:
        progress("dedupe", stats.seen, total)
    archive.set_meta(MARK, str(archive.max_seq()))
    if archive.meta(PENDING, ""):
        with archive.transaction() as conn:
            conn.execute("DELETE FROM meta WHERE key = ?", (PENDING,))
    return stats


def recluster(archive: Archive, *, progress: Any = None) -> Stats:
    """Forget every cluster and place all records again (manual splits and merges still apply)."""
    with archive.transaction() as conn:
        for table in ("dedupe_members", "dedupe_clusters", "dedupe_keys", "dedupe_seen"):
            conn.execute(f"DELETE FROM {table}")
        conn.execute("DELETE FROM meta WHERE key = ?", (MARK,))
    return update(archive, progress=progress)


def after_ingest(archive: Archive, context: Any) -> dict[str, Any]:
    stats = update(archive, progress=getattr(context, "report", None))
    clusters = archive.conn.execute("SELECT kind, count(*), sum(size) FROM dedupe_clusters GROUP BY kind").fetchall()
    return {"checked": stats.seen, "placed": stats.placed, "unchanged": stats.skipped, "joined": stats.joined,
            "records_updated": stats.records_written,
            "clusters": {kind: {"clusters": n, "records": size} for kind, n, size in clusters}}
