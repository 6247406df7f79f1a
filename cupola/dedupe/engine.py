"""Incremental clustering: place changed records into record / photo / series clusters.

For each changed record (in chunks): compute its match keys (``keys``) and series text (``text``);
skip it when neither changed since it was last placed; otherwise look up earlier records sharing a
key, verify, and place it:

1. a verified same-record / same-photo link (or a person's merge) puts it in that cluster, and
   merges the clusters it links (identity is transitive);
2. else it joins the stack of the most similar series seed (``series.best_seed``);
3. else it stays alone and, if its caption is not boilerplate, becomes a seed others can join.

A person's split (``apart``) always wins: a record never joins a cluster holding a record it was
split from. Clusters that changed get their representative and size recomputed, and their members'
``record.cluster`` is rewritten through ``Archive.replace_data`` (``refresh``: after each chunk, or
once after the last one when ``defer`` is set). Members are never deleted.

``bulk`` is a second way to feed the same rules, for a backlog placed into empty dedupe tables (a
first clustering, a recluster): nothing earlier can match, so instead of looking keys, memberships
and candidates' captions up in SQLite for every chunk, the engine keeps what later chunks need in
memory (every registered key, every record's cluster and each cluster's size, the seeds' captions
and their shingles, every record's representative rank) and ``refresh`` (``refresh_bulk``) writes
``record.cluster`` from those, without reading the records again. The tables themselves are written
once, after the last chunk (``cupola.dedupe.bulk.flush``); a bulk run that dies before that is started
over by the next run, one that dies after it is finished like any deferred run.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from cupola.archive import Archive
from cupola.dedupe import store
from cupola.dedupe.feed import Prepared
from cupola.dedupe.keys import StrongKeys, strong_keys, verify_strong
from cupola.dedupe.refresh import KIND_RANK
from cupola.dedupe.refresh import refresh as refresh_clusters
from cupola.dedupe.series import MAX_STACK, PERFECT, best_seed
from cupola.dedupe.text import series_tokens


@dataclass
class Stats:
    seen: int = 0
    skipped: int = 0
    placed: int = 0
    joined: int = 0
    clusters_changed: int = 0
    records_written: int = 0

    def add(self, other: Stats) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


STRONG_CACHE = 100_000  # candidates' StrongKeys kept between chunks (bulk); emptied when full
SHINGLE_CACHE = 200_000  # seeds whose shingle sets are kept (bulk); emptied when full, so memory stays bounded


@dataclass
class Engine:
    archive: Archive
    member_of: dict[str, int] = field(default_factory=dict)
    sizes: dict[int, int] = field(default_factory=dict)
    texts: dict[str, list[str] | None] = field(default_factory=dict)
    strongs: dict[str, StrongKeys] = field(default_factory=dict)
    local_keys: dict[int, list[str]] = field(default_factory=dict)
    affected: set[int] = field(default_factory=set)
    touched: dict[str, Prepared | None] = field(default_factory=dict)  # Prepared only when dirty
    defer: bool = False  # keep cluster sizes current per chunk, write record.cluster in one refresh()
    bulk: bool = False  # the dedupe tables were empty when the run began: keep its state in memory (see above)
    seeds: set[str] = field(default_factory=set)  # bulk: records that registered their series keys
    ranks: dict[str, tuple] = field(default_factory=dict)  # bulk: rank_key of every record placed
    before: dict[str, dict[str, Any]] = field(default_factory=dict)  # bulk: record.cluster when read, if any
    shingles: dict[str, set[str]] = field(default_factory=dict)  # bulk: seeds' shingle sets
    joined: dict[str, str] = field(default_factory=dict)  # bulk: seeds' texts as one string (Prepared.text)
    # bulk: the cluster tables, until bulk.flush writes them
    cluster_members: dict[int, list[str]] = field(default_factory=dict)
    links: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)  # (link, via, reason)
    seen_rows: list[tuple[str, str, str]] = field(default_factory=list)
    next_cluster: int = 0
    kinds: dict[int, tuple[str, str]] = field(default_factory=dict)  # bulk.flush: cluster -> (kind, representative)
    # refresh: clusters that only gained members (and which) keep their stored representative unless a
    # newcomer ranks better; those that lost members or absorbed another cluster are graded again
    added: dict[int, list[str]] = field(default_factory=dict)
    recompute: set[int] = field(default_factory=set)
    trusted: bool = True  # stored representatives are current (False after a deferred run died)
    chunk: dict[str, Prepared] = field(default_factory=dict)  # the chunk's records being placed
    hits: dict[int, list[str]] = field(default_factory=dict)  # stored records sharing the chunk's keys

    @property
    def conn(self) -> sqlite3.Connection:
        return self.archive.conn

    # -- one chunk ----------------------------------------------------------------------------
    def run(self, prepared: list[Prepared]) -> Stats:
        """Place one chunk (``cupola.dedupe.feed.chunks``)."""
        stats = Stats(seen=len(prepared))
        # the previous chunk is committed: the tables know it, memory stays bounded (bulk keeps what it needs)
        caches = () if self.bulk else (self.member_of, self.sizes, self.texts, self.strongs, self.local_keys)
        for cache in caches:
            cache.clear()
        if len(self.strongs) > STRONG_CACHE:  # bulk: candidates' StrongKeys are kept between chunks, within bounds
            self.strongs.clear()
        with self.archive.transaction():
            previous = {} if self.bulk else store.seen(self.conn, [p.id for p in prepared])
            todo = []
            for p in prepared:
                old = previous.get(p.id)
                if old is not None and old[0] == p.fingerprint:
                    stats.skipped += 1
                    self.touched[p.id] = p if p.dirty else None
                    continue
                if old is not None:
                    self._detach(p.id, old[1])
                todo.append(p)
            self._load(todo)
            rows: list[tuple[int, str]] = []
            seen_rows = []
            apart = store.overrides(self.conn, [p.id for p in todo], "apart")
            together = store.overrides(self.conn, [p.id for p in todo], "together")
            for p in todo:
                registered = self._place(p, apart.get(p.id, set()), together.get(p.id, set()), stats)
                if not self.bulk:
                    rows.extend((k, p.id) for k in registered)
                seen_rows.append(store.seen_row(p.id, p.fingerprint, registered))
                self.touched[p.id] = p if p.dirty else None
            stats.placed = len(todo)
            if self.bulk:  # written once, in key order, by bulk.flush (the keys are in local_keys)
                self.seen_rows.extend(seen_rows)
            else:
                store.add_keys(self.conn, rows)
                store.save_seen(self.conn, seen_rows)
                if self.defer:  # the next chunk reads sizes (MAX_STACK, which cluster absorbs which)
                    store.save_sizes(self.conn, list(self.sizes))
        for p in todo:
            self.ranks[p.id] = p.rank
        if self.bulk:
            for p in todo:
                if not p.unread_strong:
                    self.strongs[p.id] = p.strong  # its keys met another's: it will likely be a candidate again
                if p.before is not None:
                    self.before[p.id] = p.before
        if not self.defer:
            written, changed = self.refresh()
            stats.records_written += written
            stats.clusters_changed += changed
        return stats

    def _load(self, todo: list[Prepared]) -> None:
        """Candidates for every key of the chunk, with what verifying them needs."""
        if self.bulk:  # every key, membership and seed text of this run is in memory
            self.hits = {}
            wanted = {other for p in todo for key in p.match_keys for other in self.local_keys.get(key, ())}
            # records of the chunk whose keys meet another record's: read those sent without it at once
            counts = Counter(chain.from_iterable(p.match_keys for p in todo))
            shared = {key for key, n in counts.items() if n > 1}
            known = self.local_keys.keys()
            unread = {p.id: p for p in todo if p.record is None and p.unread_strong and (
                not shared.isdisjoint(p.match_keys) or not known.isdisjoint(p.match_keys))}
            for record_id, record in self.archive.get_many(list(unread)).items():
                unread[record_id].record = record
        else:
            self.hits = store.lookup_keys(self.conn, [k for p in todo for k in (*p.match_keys, *p.series_keys)])
            wanted = {rid for ids in self.hits.values() for rid in ids} - set(self.texts)
        for record_id, record in self.archive.get_many(sorted(w for w in wanted if w not in self.strongs)).items():
            if not self.bulk:
                self.texts[record_id] = series_tokens(record)
            self.strongs[record_id] = strong_keys(record)
        self.chunk = {p.id: p for p in todo}  # their StrongKeys are read when a key of theirs matches
        if not self.bulk:  # a bulk run keeps the texts of seeds only (_place), the only ones compared
            for p in todo:
                self.texts[p.id] = p.words
        self._membership(wanted | {p.id for p in todo})

    def _strong(self, record_id: str) -> StrongKeys | None:
        found = self.chunk.get(record_id)
        return found.strong if found is not None else self.strongs.get(record_id)

    def _candidates(self, keys: Any, record_id: str) -> list[str]:
        """Records sharing any of keys, stored ones first, each once, in the order met."""
        out: dict[str, None] = {}
        hits, local = self.hits, self.local_keys
        if hits:
            for key in keys:
                found = hits.get(key)
                if found:
                    out.update(dict.fromkeys(found))
                found = local.get(key)
                if found:
                    out.update(dict.fromkeys(found))
        else:  # a bulk run (everything is in local_keys), or nothing stored shares a key
            for key in keys:
                found = local.get(key)
                if found:
                    out.update(dict.fromkeys(found))
        out.pop(record_id, None)
        return list(out)

    def _first_identical(self, text: str, seeds: list[str], full: _Full) -> str | None:
        """In a bulk run, the first seed ``best_seed`` would compare, when its text is ``text``: best_seed
        returns that seed at once (PERFECT), so the caption need not be split into words to find it."""
        if not self.bulk:
            return None
        for seed in seeds:
            if seed in full or not self.texts.get(seed):
                continue
            return seed if self.joined.get(seed) == text else None
        return None

    def _allowed(self, other: str, blocked: set[str]) -> bool:
        if not blocked:
            return True
        if other in blocked:
            return False
        cluster = self.member_of.get(other)
        if cluster is None:
            return True
        return not any(m in blocked for m in self._members(cluster))

    # -- the cluster tables: SQLite, or memory in a bulk run (bulk.flush writes them at the end) ------
    def _members(self, cluster: int) -> list[str]:
        if self.bulk:
            return self.cluster_members.get(cluster, [])
        return [m[0] for m in store.members(self.conn, cluster)]

    def _new_cluster(self, kind: str) -> int:
        if not self.bulk:
            return store.new_cluster(self.conn, kind)
        if self.next_cluster == 0:  # AUTOINCREMENT: never reuse an id, as store.new_cluster would not
            row = self.conn.execute("SELECT max(s) FROM (SELECT seq s FROM sqlite_sequence WHERE name = "
                                    "'dedupe_clusters' UNION ALL SELECT max(id) FROM dedupe_clusters)").fetchone()
            self.next_cluster = (row[0] or 0) + 1
        self.next_cluster += 1
        self.cluster_members[self.next_cluster - 1] = []
        return self.next_cluster - 1

    def _add_member(self, record_id: str, cluster: int, link: str, via: str | None, reason: str | None,
                    new: bool = True) -> None:
        if not self.bulk:
            store.add_member(self.conn, record_id, cluster, link, via, reason)
            return
        self.links[record_id] = (link, via, reason)
        if new:
            self.cluster_members[cluster].append(record_id)

    def _move(self, source: int, target: int) -> list[str]:
        """Move a cluster's members into another one; -> the moved ids."""
        if not self.bulk:
            moved = self._members(source)
            store.move_members(self.conn, source, target)
            return moved
        moved = self.cluster_members.pop(source)
        self.cluster_members[target].extend(moved)
        return moved

    def _membership(self, ids: set[str]) -> None:
        """Make member_of and sizes know ids' clusters (in a bulk run they always do)."""
        if self.bulk:
            return
        found = store.membership(self.conn, ids)
        self.member_of.update(found)
        self.sizes.update(store.cluster_sizes(self.conn, set(found.values()) - set(self.sizes)))

    def _place(self, p: Prepared, blocked: set[str], together: set[str], stats: Stats) -> list[int]:
        record_id = p.id
        links = []
        for other in self._candidates(p.match_keys, record_id):
            strong = self._strong(other)
            verdict = verify_strong(p.strong, strong) if strong is not None else None
            if verdict and self._allowed(other, blocked):
                links.append((other, *verdict))
        if together:
            self._membership(together)
        for other in sorted(together):
            if other in self.texts or self.archive.conn.execute(
                    "SELECT 1 FROM records WHERE id = ?", (other,)).fetchone():
                links.append((other, "manual", "merged by hand"))
        registered = list(p.keys)
        seed_of_stack = p.text is not None
        if links:
            self._join(record_id, links)
            stats.joined += 1
        else:
            seeds = [s for s in self._candidates(p.series_keys, record_id) if self._allowed(s, blocked)]
            full = _Full(self)  # asked only for the seeds best_seed gets to
            cache = self.shingles if self.bulk else None
            if cache is not None and len(cache) > SHINGLE_CACHE:
                cache.clear()
            seed, score = None, 0.0
            if seed_of_stack and seeds:
                seed = self._first_identical(p.text, seeds, full)
                seed, score = (seed, PERFECT) if seed else best_seed(p.words, seeds, self.texts, full, cache)
            if seed is not None:
                self._join(record_id, [(seed, "series", f"caption {score:.2f} alike")])
                stats.joined += 1
                seed_of_stack = False
        if seed_of_stack:
            if self.bulk:
                self.seeds.add(record_id)
                self.texts[record_id] = p.words
                self.joined[record_id] = p.text
            registered += p.series_keys
            for key in p.series_keys:
                self.local_keys.setdefault(key, []).append(record_id)
        if p.rp_keys and not links and seed_of_stack:  # it starts a cluster: it stands for the ones that join
            registered += p.rp_keys
            for key in p.rp_keys:
                self.local_keys.setdefault(key, []).append(record_id)
        for key in p.keys:
            self.local_keys.setdefault(key, []).append(record_id)
        return registered

    def _join(self, record_id: str, links: list[tuple[str, str, str]]) -> None:
        """Put record_id, its linked records and their clusters into one cluster."""
        clusters = {self.member_of[o] for o, _k, _r in links if o in self.member_of}
        kind = max((k for _o, k, _r in links if k in KIND_RANK), key=KIND_RANK.get, default="series")
        if clusters:
            main = max(clusters, key=lambda c: (self.sizes.get(c, 0), -c))
        else:
            main = self._new_cluster(kind)
            self.sizes[main] = 0
        bulk = self.bulk  # a bulk run writes every member at the end: no account of what changed is kept
        for other in sorted(clusters - {main}):
            if not bulk:
                self.recompute.add(main)
            moved = self._move(other, main)
            for member in moved:
                self.member_of[member] = main
            self.sizes[main] = self.sizes.get(main, 0) + len(moved)
            self.sizes.pop(other, None)
            self.affected.discard(other)
        for other, _kind, _reason in links:
            if other not in self.member_of:
                self._add_member(other, main, "first", None, None)
                if not bulk:
                    self.added.setdefault(main, []).append(other)
                self.member_of[other] = main
                self.sizes[main] = self.sizes.get(main, 0) + 1
                self.touched.setdefault(other, None)
        via, link_kind, reason = links[0]
        old = self.member_of.get(record_id)  # set when it was linked as "first" before being placed itself
        if old is not None and old != main:
            self.sizes[old] = self.sizes.get(old, 1) - 1
            if bulk:
                self.cluster_members[old].remove(record_id)
            else:
                self.affected.add(old)
                self.recompute.add(old)
        self._add_member(record_id, main, link_kind, via, reason, new=old != main)
        self.member_of[record_id] = main
        if old != main:
            self.sizes[main] = self.sizes.get(main, 0) + 1
        if not bulk:
            self.added.setdefault(main, []).append(record_id)
            self.affected.add(main)

    def _detach(self, record_id: str, keys: list[int]) -> None:
        store.remove_keys(self.conn, record_id, keys)
        cluster = store.remove_member(self.conn, record_id)
        self.member_of.pop(record_id, None)
        if cluster is not None:
            self.affected.add(cluster)
            self.recompute.add(cluster)
            self.sizes[cluster] = max(0, self.sizes.get(cluster, 1) - 1)

    # -- writing record.cluster ---------------------------------------------------------------
    def refresh(self) -> tuple[int, int]:
        """Recompute changed clusters and write ``record.cluster`` where it differs. -> (written, clusters)."""
        return refresh_clusters(self)


class _Full:
    """Seeds whose stack reached MAX_STACK (a set for ``best_seed``, computed per seed it asks about)."""

    __slots__ = ("engine",)

    def __init__(self, engine: Engine):
        self.engine = engine

    def __contains__(self, seed: object) -> bool:
        engine = self.engine
        return engine.sizes.get(engine.member_of.get(seed, -1), 1) >= MAX_STACK  # type: ignore[call-overload]
