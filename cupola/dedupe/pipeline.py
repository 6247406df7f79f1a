"""The dedupe after-step: bring clusters up to date with the records changed since the last run.

``after_ingest(archive, context)`` (named in ``cupola.pipeline.AFTER_STEPS``) reads the records whose
``seq`` is above its mark (archive meta ``dedupe_seq``), places them in chunks, and moves the mark
to the archive's ``seq`` after its own writes, so its rewrites of ``record.cluster`` are not taken
for new changes. Ingesting 1,000 records into a large archive touches those 1,000 and the clusters
they join, nothing else. A backlog of more than one chunk (a first clustering, a recluster) writes
``record.cluster`` once at the end instead of after every chunk (see ``cupola.dedupe.refresh``); meta
``dedupe_refresh_pending`` says such a run is under way, and a run that finds it left over (the last
one died) recomputes every cluster. ``recluster(archive)`` starts over from scratch (manual overrides
are kept and applied again). A run that finds the dedupe tables empty (the first clustering, a
recluster) feeds the engine in bulk (``Engine.bulk``: the same placement, its state kept in memory).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from cupola.archive import Archive
from cupola.archive.bulk_writes import checkpointing, collector_paused
from cupola.dedupe.bulk import PENDING, flush
from cupola.dedupe.engine import Engine, Stats
from cupola.dedupe.feed import READER_MIN, READERS, chunks

log = logging.getLogger("cupola")
MARK = "dedupe_seq"
CHUNK_SIZE = 5000


def update(archive: Archive, *, progress: Any = None, chunk_size: int = CHUNK_SIZE,
           defer: bool | None = None, bulk: bool | None = None, readers: int | None = None) -> Stats:
    """Cluster every record changed since the mark. Call inside ``archive.writing()``.

    ``defer``: write ``record.cluster`` once after the last chunk (default: when there is more than one
    chunk) rather than after each; the clusters come out the same. ``bulk``: keep the run's state in
    memory (default, and only possible, when the dedupe tables are empty); implies ``defer``.
    ``readers``: processes preparing chunks (``cupola.dedupe.feed``; default: ``READERS`` for a large backlog).
    """
    mark = int(archive.meta(MARK, "0") or 0)
    end = archive.max_seq()
    total = archive.conn.execute("SELECT count(*) FROM records WHERE seq > ? AND seq <= ?",
                                 (mark, end)).fetchone()[0]
    if archive.meta(PENDING, "") == "bulk":  # a bulk run died while placing: start it over (see dedupe.bulk)
        with archive.transaction() as conn:
            _empty_tables(conn)
            conn.execute("DELETE FROM meta WHERE key = ?", (PENDING,))
    empty = not archive.meta(PENDING, "") and all(
        archive.conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None
        for table in ("dedupe_seen", "dedupe_members", "dedupe_clusters", "dedupe_keys"))
    bulk = empty if bulk is None else bulk and empty
    engine = Engine(archive, defer=bulk or (total > chunk_size if defer is None else defer), bulk=bulk)
    if archive.meta(PENDING, ""):  # a deferred run died before its refresh: recompute every cluster
        engine.affected.update(c for (c,) in archive.conn.execute("SELECT id FROM dedupe_clusters"))
        engine.trusted = False
    if engine.defer:
        archive.set_meta(PENDING, "bulk" if bulk else "1")
    stats = Stats()
    if readers is None:
        readers = READERS if total >= READER_MIN else 0
    with collector_paused() if engine.bulk else contextlib.nullcontext():
        for chunk in chunks(archive, mark, end, chunk_size, readers if total > 0 else 0):
            stats.add(engine.run(chunk))
            if progress is not None and stats.seen < total:
                progress("dedupe", stats.seen, total)
        with checkpointing(archive) if engine.bulk else contextlib.nullcontext():
            if engine.bulk:
                flush(engine)
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
        _empty_tables(conn)
        conn.execute("DELETE FROM meta WHERE key = ?", (MARK,))
    return update(archive, progress=progress)


def _empty_tables(conn: Any) -> None:
    for table in ("dedupe_members", "dedupe_clusters", "dedupe_keys", "dedupe_seen"):
        conn.execute(f"DELETE FROM {table}")


def after_ingest(archive: Archive, context: Any) -> dict[str, Any]:
    stats = update(archive, progress=getattr(context, "report", None))
    clusters = archive.conn.execute("SELECT kind, count(*), sum(size) FROM dedupe_clusters GROUP BY kind").fetchall()
    return {"checked": stats.seen, "placed": stats.placed, "unchanged": stats.skipped, "joined": stats.joined,
            "records_updated": stats.records_written,
            "clusters": {kind: {"clusters": n, "records": size} for kind, n, size in clusters}}
