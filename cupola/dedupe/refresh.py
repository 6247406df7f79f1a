"""Writing ``record.cluster``: recompute changed clusters and rewrite the records whose field differs.

A cluster's members all carry its size, so every change of a cluster rewrites all its members. The
engine therefore refreshes once per chunk for small updates, but once at the end for a big backlog
(``Engine.defer``; see ``cupola.dedupe.pipeline.update``): placing 1M records in 200 chunks and
rewriting each growing stack after every chunk made the first clustering quadratic (100k records in
101 s, the next 100k in 205 s). Work is done a batch of clusters at a time, so memory stays bounded.

Only the ``cluster`` member of a record's stored JSON is replaced (SQLite ``json_set``, which keeps the
rest of the text byte for byte), so records are not decoded and encoded again in Python; a record whose
assets gained a pHash while it was placed is written whole. A cluster that only gained members (the
common case of an incremental run: new records joining stacks) is not graded again: its representative
is the better of the stored one and the newcomers, and its members are patched without being read. A bulk run (``Engine.bulk``) is refreshed by
``cupola.dedupe.bulk.refresh_bulk``, which reads no record.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from cupola.dedupe import store
from cupola.dedupe.representative import best_ranked, rank_key

if TYPE_CHECKING:
    from cupola.dedupe.engine import Engine

KIND_RANK = {"record": 0, "photo": 1, "series": 2}
BATCH = 2000  # clusters (or touched records) per transaction


def refresh(engine: Engine, batch: int = BATCH) -> tuple[int, int]:
    """Recompute ``engine.affected`` clusters and write ``record.cluster`` where it differs.

    -> (records written, clusters recomputed). Touched records outside those clusters get the field
    their current cluster (or none) gives them.
    """
    if engine.bulk:
        from cupola.dedupe.bulk import refresh_bulk

        return refresh_bulk(engine)
    done: set[str] = set()
    written = changed = 0
    affected = sorted(engine.affected)
    for start in range(0, len(affected), batch):
        desired: dict[str, dict[str, Any] | None] = {}
        before: dict[str, dict[str, Any] | None] = {}
        with engine.archive.transaction():
            for cluster in affected[start:start + batch]:
                if engine.trusted and cluster in engine.added and cluster not in engine.recompute:
                    changed += _grown(engine, cluster, desired, before)
                else:
                    changed += _recompute(engine, cluster, desired, before)
        written += write(engine, desired, before)
        done.update(desired)
    rest = [record_id for record_id in engine.touched if record_id not in done]
    for start in range(0, len(rest), batch * 5):
        chunk = rest[start:start + batch * 5]
        before = {record_id: record.cluster for record_id, record in engine.archive.get_many(chunk).items()}
        written += write(engine, {record_id: current(engine.conn, record_id) for record_id in chunk}, before)
    engine.affected.clear()
    engine.touched.clear()
    engine.added.clear()
    engine.recompute.clear()
    return written, changed


def kind_of(member_rows: list[tuple]) -> str:
    links = [m[1] for m in member_rows if m[1] in KIND_RANK]
    return max(links, key=KIND_RANK.get) if links else "series"


def _dissolved(engine: Engine, cluster: int, ids: list[str], desired: dict[str, dict[str, Any] | None]) -> None:
    for record_id in ids:
        desired[record_id] = None
        engine.member_of.pop(record_id, None)
    engine.sizes.pop(cluster, None)


def _desired(engine: Engine, cluster: int, kind: str, rep: str, ids: list[str],
             desired: dict[str, dict[str, Any] | None]) -> None:
    engine.sizes[cluster] = len(ids)
    for record_id in ids:
        desired[record_id] = cluster_field(cluster, kind, len(ids), rep, record_id)


def cluster_field(cluster: int, kind: str, size: int, rep: str, record_id: str) -> dict[str, Any]:
    """A member's ``record.cluster``."""
    return {"id": store.cluster_name(cluster), "kind": kind, "size": size,
            "role": "representative" if record_id == rep else "member", "representative": rep}


def _grown(engine: Engine, cluster: int, desired: dict[str, dict[str, Any] | None],
           before: dict[str, dict[str, Any] | None]) -> int:
    """A cluster that only gained members: its representative is the best of the stored one and the
    newcomers (the stored one was the best of the rest, whose ranks did not change), and every member's
    field changes (its size did), so members are neither read nor graded again."""
    row = engine.conn.execute("SELECT representative FROM dedupe_clusters WHERE id = ?", (cluster,)).fetchone()
    member_rows = store.members(engine.conn, cluster)
    ids = [m[0] for m in member_rows]
    stored = row[0] if row is not None else None
    if stored is None or stored not in ids or len(ids) < 2:
        return _recompute(engine, cluster, desired, before)
    present = set(ids)
    candidates = [stored, *(m for m in engine.added[cluster] if m in present and m != stored)]
    missing = [m for m in candidates if m not in engine.ranks]
    for record_id, record in engine.archive.get_many(missing).items():
        engine.ranks[record_id] = rank_key(record)
    kind, rep = kind_of(member_rows), best_ranked(candidates, engine.ranks)
    store.save_cluster(engine.conn, cluster, kind, rep, len(ids))
    _desired(engine, cluster, kind, rep, ids, desired)
    return 1


def _recompute(engine: Engine, cluster: int, desired: dict[str, dict[str, Any] | None],
               before: dict[str, dict[str, Any] | None]) -> int:
    member_rows = store.members(engine.conn, cluster)
    if len(member_rows) < 2:
        store.drop_cluster(engine.conn, cluster)
        _dissolved(engine, cluster, [m[0] for m in member_rows], desired)
        return 0
    ranks = {}
    for record_id, record in engine.archive.get_many([m[0] for m in member_rows]).items():
        ranks[record_id] = rank_key(record)
        before[record_id] = record.cluster
    kind, rep = kind_of(member_rows), best_ranked(list(ranks), ranks)
    store.save_cluster(engine.conn, cluster, kind, rep, len(member_rows))
    _desired(engine, cluster, kind, rep, list(ranks), desired)
    return 1


def write(engine: Engine, desired: dict[str, dict[str, Any] | None], before: Any, batch: int = 0) -> int:
    """Write ``desired`` fields that differ from ``before`` (id -> field when read), in transactions of ``batch``."""
    whole, patch = [], []
    for record_id, value in desired.items():
        prepared = engine.touched.get(record_id)
        if prepared is not None and prepared.dirty:  # its assets gained a pHash: store the record whole
            prepared.record.cluster = value
            whole.append(prepared.record)
        elif before.get(record_id) != value:
            patch.append((record_id, value))
    if whole:
        engine.archive.replace_data(whole)
    step = batch or len(patch) or 1
    for start in range(0, len(patch), step):
        patch_cluster(engine.archive, patch[start:start + step])
    return len(whole) + len(patch)


def patch_cluster(archive: Any, rows: list[tuple[str, dict[str, Any] | None]]) -> None:
    """Set ``record.cluster`` of existing records in their stored JSON, with a new seq (as ``replace_data``)."""
    archive.patch_field("cluster", rows)


def current(conn: sqlite3.Connection, record_id: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT c.id, c.kind, c.size, c.representative FROM dedupe_members m "
                       "JOIN dedupe_clusters c ON c.id = m.cluster_id WHERE m.record_id = ?",
                       (record_id,)).fetchone()
    if row is None or row[2] < 2:
        return None
    return {"id": store.cluster_name(row[0]), "kind": row[1], "size": row[2],
            "role": "representative" if row[3] == record_id else "member", "representative": row[3]}
