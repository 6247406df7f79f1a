"""Reviewing clusters: list them largest first, show one, and let a person split or merge.

Corrections are stored in ``dedupe_overrides`` both ways (``apart`` / ``together``) and the engine
obeys them whenever it places a record again, so they survive re-ingest and ``recluster``.
"""

from __future__ import annotations

from typing import Any

from cupola.archive import Archive
from cupola.dedupe import store
from cupola.dedupe.engine import Engine
from cupola.errors import NotFound, UsageError

KINDS = ("record", "photo", "series")


def list_clusters(archive: Archive, *, kind: str | None = None, limit: int = 50, offset: int = 0,
                  members: int = 5) -> dict[str, Any]:
    if kind is not None and kind not in KINDS:
        raise UsageError(f"unknown cluster kind {kind!r}", hint=f"choose one of: {', '.join(KINDS)}")
    where, params = ("WHERE kind = ?", [kind]) if kind else ("", [])
    total = archive.conn.execute(f"SELECT count(*), coalesce(sum(size), 0) FROM dedupe_clusters {where}",
                                 params).fetchone()
    rows = archive.conn.execute(f"SELECT id, kind, size, representative FROM dedupe_clusters {where} "
                                "ORDER BY size DESC, id LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    reps = archive.get_many([r[3] for r in rows if r[3]])
    clusters = []
    for cluster_id, cluster_kind, size, rep in rows:
        record = reps.get(rep)
        listed = store.members(archive.conn, cluster_id)
        clusters.append({
            "id": store.cluster_name(cluster_id), "kind": cluster_kind, "size": size, "representative": rep,
            "title": record.title if record else None, "taken_at": record.taken_at if record else None,
            "members": [{"id": m[0], "link": m[1], "via": m[2], "reason": m[3]} for m in listed[:members]],
        })
    return {"clusters_total": total[0], "records_in_clusters": total[1], "clusters": clusters}


def show_cluster(archive: Archive, name: str) -> dict[str, Any]:
    cluster_id = _cluster_id(archive, name)
    row = archive.conn.execute("SELECT kind, size, representative FROM dedupe_clusters WHERE id = ?",
                               (cluster_id,)).fetchone()
    listed = store.members(archive.conn, cluster_id)
    records = archive.get_many([m[0] for m in listed])
    return {"id": store.cluster_name(cluster_id), "kind": row[0], "size": row[1], "representative": row[2],
            "members": [{"id": m[0], "link": m[1], "via": m[2], "reason": m[3],
                         "title": records[m[0]].title if m[0] in records else None,
                         "taken_at": records[m[0]].taken_at if m[0] in records else None} for m in listed]}


def record_versions(archive: Archive, *, limit: int = 50) -> dict[str, Any]:
    """Records published in several versions, with the version shown and why."""
    rows = archive.conn.execute("SELECT record_id, content_hash, rule, reason, versions FROM record_choices "
                                "ORDER BY versions DESC, record_id LIMIT ?", (limit,)).fetchall()
    total = archive.conn.execute("SELECT count(*) FROM record_choices").fetchone()[0]
    return {"records_with_versions": total,
            "records": [{"id": r[0], "shown": r[1], "rule": r[2], "reason": r[3], "versions": r[4]} for r in rows]}


def _cluster_id(archive: Archive, name: str) -> int:
    cluster_id = store.parse_cluster_name(name)
    if cluster_id is None or not archive.conn.execute("SELECT 1 FROM dedupe_clusters WHERE id = ?",
                                                      (cluster_id,)).fetchone():
        raise NotFound(f"no cluster {name!r}", hint="cluster ids look like c123; list them with `cupola dupes`")
    return cluster_id


def _require_record(archive: Archive, record_id: str) -> None:
    if not archive.conn.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone():
        raise NotFound(f"no record {record_id!r}", hint="give a record id or a cluster id (c123)")


def split(archive: Archive, target: str) -> dict[str, Any]:
    """Take one record out of its cluster, or (given a cluster id) dissolve the whole cluster."""
    conn = archive.conn
    engine = Engine(archive)
    if store.parse_cluster_name(target) is not None and not conn.execute(
            "SELECT 1 FROM records WHERE id = ?", (target,)).fetchone():
        cluster_id = _cluster_id(archive, target)
        ids = [m[0] for m in store.members(conn, cluster_id)]
        with archive.transaction():
            for i, a in enumerate(ids):
                for b in ids[i + 1:]:
                    store.add_override(conn, a, "apart", b)
            for record_id in ids:
                engine._detach(record_id, [])
                engine.touched[record_id] = None
        engine.refresh()
        return {"dissolved": store.cluster_name(cluster_id), "records": ids}
    _require_record(archive, target)
    cluster_id = store.membership(conn, [target]).get(target)
    if cluster_id is None:
        raise UsageError(f"record {target!r} is not in a cluster", hint="nothing to split")
    others = [m[0] for m in store.members(conn, cluster_id) if m[0] != target]
    with archive.transaction():
        for other in others:
            store.add_override(conn, target, "apart", other)
        engine._detach(target, [])
        engine.touched[target] = None
    engine.refresh()
    return {"split": target, "from": store.cluster_name(cluster_id), "left": len(others)}


def merge(archive: Archive, a: str, b: str) -> dict[str, Any]:
    """Put two records (or the clusters they are in) together, and remember that a person did."""
    if a == b:
        raise UsageError("merge needs two different records")
    for record_id in (a, b):
        _require_record(archive, record_id)
    conn = archive.conn
    engine = Engine(archive)
    with archive.transaction():
        store.add_override(conn, a, "together", b)
        found = store.membership(conn, [a, b])
        engine.member_of.update(found)
        engine.sizes.update(store.cluster_sizes(conn, set(found.values())))
        ca, cb = found.get(a), found.get(b)
        if ca is not None and cb is not None and ca != cb:
            keep, gone = (ca, cb) if engine.sizes.get(ca, 0) >= engine.sizes.get(cb, 0) else (cb, ca)
            store.move_members(conn, gone, keep)
            store.add_member(conn, b, keep, "manual", a, "merged by hand")
            engine.affected.add(keep)
        elif ca is None or cb is None:
            joining, into = (a, b) if ca is None else (b, a)
            engine._join(joining, [(into, "manual", "merged by hand")])
        for record_id in store.members(conn, store.membership(conn, [a])[a]):
            engine.touched[record_id[0]] = None
    engine.refresh()
    cluster_id = store.membership(conn, [a]).get(a)
    return {"merged": [a, b], "cluster": store.cluster_name(cluster_id) if cluster_id else None}
