"""The end of a bulk run (``Engine.bulk``): the cluster tables written from memory, then record.cluster.

A bulk run starts from empty dedupe tables, so it keeps them in memory while it places (see
``cupola.dedupe.engine``) and writes them here once, in key order: inserting millions of match keys in
key order appends to the B-tree instead of touching a random page per key. Until ``flush`` commits,
meta ``dedupe_refresh_pending`` is ``bulk``; a run that finds it so (this one died while placing) empties
the tables again and starts over, which gives what the dead run would have given. After ``flush`` it is
``1``, as for any deferred run: records still to be written are found by the next run's refresh.

``refresh_bulk`` then writes ``record.cluster`` without reading any record: members and links are in
memory, representatives come from the ranks computed while preparing, and each record's old field from
what it held when it was read. Records are patched in the order they were read (their seq order), so
consecutive updates touch neighbouring pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from cupola.dedupe import store
from cupola.dedupe.refresh import KIND_RANK, cluster_field, patch_cluster, write
from cupola.dedupe.representative import best_ranked, rank_key

if TYPE_CHECKING:
    from cupola.dedupe.engine import Engine

PENDING = "dedupe_refresh_pending"
BATCH = 20_000  # records patched per transaction


def flush(engine: Engine) -> None:
    """Write the bulk run's clusters, members, keys and fingerprints, with final kinds, sizes and representatives."""
    conn = engine.conn
    missing = [m for ids in engine.cluster_members.values() for m in ids if m not in engine.ranks]
    for record_id, record in engine.archive.get_many(missing).items():  # members from outside the run
        engine.ranks[record_id] = rank_key(record)
        engine.before[record_id] = record.cluster
    clusters = []
    stamp = store.now()
    for cluster, ids in sorted(engine.cluster_members.items()):
        if len(ids) < 2:  # never made by placing alone; kept apart as refresh would drop it
            for record_id in ids:
                engine.member_of.pop(record_id, None)
                engine.links.pop(record_id, None)
            engine.sizes.pop(cluster, None)
            continue
        links = [engine.links[m][0] for m in ids if engine.links[m][0] in KIND_RANK]
        kind = max(links, key=KIND_RANK.get) if links else "series"
        clusters.append((cluster, kind, best_ranked(ids, engine.ranks), len(ids), stamp))
        engine.sizes[cluster] = len(ids)
    engine.kinds = {row[0]: (row[1], row[2]) for row in clusters}
    with engine.archive.transaction():
        conn.executemany("INSERT INTO dedupe_clusters (id, kind, representative, size, updated_at) "
                         "VALUES (?, ?, ?, ?, ?)", clusters)
        conn.executemany("INSERT OR REPLACE INTO dedupe_members VALUES (?, ?, ?, ?, ?)",
                         ((m, engine.member_of[m], *engine.links[m]) for m in sorted(engine.links)))
        store.save_seen(conn, sorted(engine.seen_rows))
        store.add_keys(conn, _key_rows(engine.local_keys))
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, '1')", (PENDING,))
    engine.seen_rows.clear()


def _key_rows(local_keys: dict[int, list[str]]) -> Iterator[tuple[int, str]]:
    for key in sorted(local_keys):
        ids = local_keys[key]
        if len(ids) == 1:
            yield key, ids[0]
        else:
            for record_id in sorted(ids):
                yield key, record_id


def refresh_bulk(engine: Engine) -> tuple[int, int]:
    """Write ``record.cluster`` of every record the bulk run touched. -> (records written, clusters)."""
    written = 0
    desired = {}
    fields: dict[int, tuple[str, dict, dict]] = {}  # cluster -> (representative, its field, a member's field)
    for record_id in engine.touched:
        cluster = engine.member_of.get(record_id)
        if cluster is None:
            value = None
        else:
            if cluster not in fields:
                kind, rep = engine.kinds[cluster]
                size = engine.sizes[cluster]
                fields[cluster] = (rep, cluster_field(cluster, kind, size, rep, rep),
                                   cluster_field(cluster, kind, size, rep, ""))
            rep, rep_field, member_field = fields[cluster]
            value = rep_field if record_id == rep else member_field  # shared: never changed, only written
        desired[record_id] = value
        if len(desired) >= BATCH:
            written += write(engine, desired, engine.before)
            desired = {}
    written += write(engine, desired, engine.before)
    engine.affected.clear()
    engine.touched.clear()
    return written, len(engine.kinds)


__all__ = ["flush", "patch_cluster", "refresh_bulk"]
