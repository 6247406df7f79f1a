"""Writing ``record.cluster``: recompute changed clusters and rewrite the records whose field differs.

A cluster's members all carry its size, so every change of a cluster rewrites all its members. The
engine therefore refreshes once per chunk for small updates, but once at the end for a big backlog
(``Engine.defer``; see ``cupola.dedupe.pipeline.update``): placing 1M records in 200 chunks and
rewriting each growing stack after every chunk made the first clustering quadratic (100k records in
101 s, the next 100k in 205 s). Work is done a batch of clusters at a time, so memory stays bounded.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from cupola.dedupe import store
from cupola.dedupe.representative import choose_representative

if TYPE_CHECKING:
    from cupola.dedupe.engine import Engine

KIND_RANK = {"record": 0, "photo": 1, "series": 2}
BATCH = 2000  # clusters (or touched records) per transaction


def refresh(engine: Engine, batch: int = BATCH) -> tuple[int, int]:
    """Recompute ``engine.affected`` clusters and write ``record.cluster`` where it differs.

    -> (records written, clusters recomputed). Touched records outside those clusters get the field
    their current cluster (or none) gives them.
    """
    done: set[str] = set()
    written = changed = 0
    affected = sorted(engine.affected)
    for start in range(0, len(affected), batch):
        desired: dict[str, dict[str, Any] | None] = {}
        with engine.archive.transaction():
            for cluster in affected[start:start + batch]:
                changed += _recompute(engine, cluster, desired)
        written += _write(engine, desired)
        done.update(desired)
    rest = [record_id for record_id in engine.touched if record_id not in done]
    for start in range(0, len(rest), batch * 5):
        chunk = rest[start:start + batch * 5]
        written += _write(engine, {record_id: current(engine.conn, record_id) for record_id in chunk})
    engine.affected.clear()
    engine.touched.clear()
    return written, changed


def _recompute(engine: Engine, cluster: int, desired: dict[str, dict[str, Any] | None]) -> int:
    member_rows = store.members(engine.conn, cluster)
    if len(member_rows) < 2:
        store.drop_cluster(engine.conn, cluster)
        for row in member_rows:
            desired[row[0]] = None
            engine.member_of.pop(row[0], None)
        engine.sizes.pop(cluster, None)
        return 0
    records = engine.archive.get_many([m[0] for m in member_rows])
    links = [m[1] for m in member_rows if m[1] in KIND_RANK]
    kind = max(links, key=KIND_RANK.get) if links else "series"
    rep = choose_representative(list(records.values())).id
    store.save_cluster(engine.conn, cluster, kind, rep, len(member_rows))
    engine.sizes[cluster] = len(member_rows)
    for record_id in records:
        desired[record_id] = {"id": store.cluster_name(cluster), "kind": kind, "size": len(member_rows),
                              "role": "representative" if record_id == rep else "member", "representative": rep}
    return 1


def _write(engine: Engine, desired: dict[str, dict[str, Any] | None]) -> int:
    out = []
    for record_id, record in engine.archive.get_many(list(desired)).items():
        prepared = engine.touched.get(record_id)
        dirty = prepared is not None and prepared.dirty
        if dirty:
            record.assets = prepared.record.assets
        if record.cluster != desired[record_id] or dirty:
            record.cluster = desired[record_id]
            out.append(record)
    if out:
        engine.archive.replace_data(out)
    return len(out)


def current(conn: sqlite3.Connection, record_id: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT c.id, c.kind, c.size, c.representative FROM dedupe_members m "
                       "JOIN dedupe_clusters c ON c.id = m.cluster_id WHERE m.record_id = ?",
                       (record_id,)).fetchone()
    if row is None or row[2] < 2:
        return None
    return {"id": store.cluster_name(row[0]), "kind": row[1], "size": row[2],
            "role": "representative" if row[3] == record_id else "member", "representative": row[3]}
