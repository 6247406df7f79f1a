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
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from cupola.archive import Archive
from cupola.dedupe import store
from cupola.dedupe.keys import StrongKeys, strong_keys, verify_strong
from cupola.dedupe.minhash import band_keys
from cupola.dedupe.refresh import KIND_RANK
from cupola.dedupe.refresh import refresh as refresh_clusters
from cupola.dedupe.series import MAX_STACK, best_seed
from cupola.dedupe.text import series_tokens
from cupola.model import Record, content_hash


@dataclass
class Prepared:
    record: Record
    words: list[str] | None
    strong: StrongKeys
    keys: dict[int, str]
    series_keys: list[int]
    fingerprint: str
    dirty: bool = False  # the record's assets gained a pHash that should be stored


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


def prepare(records: list[Record]) -> list[Prepared]:
    words = [series_tokens(r) for r in records]
    eligible = [i for i, w in enumerate(words) if w]
    series = dict(zip(eligible, band_keys([words[i] for i in eligible]), strict=True))
    out = []
    for i, record in enumerate(records):
        before = sum(1 for a in record.assets if a.get("phash256"))
        strong = strong_keys(record)
        dirty = sum(1 for a in record.assets if a.get("phash256")) != before
        keys = strong.keys()
        fingerprint = content_hash([words[i], sorted(keys)])
        out.append(Prepared(record, words[i], strong, keys, series.get(i, []), fingerprint, dirty))
    return out


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

    @property
    def conn(self) -> sqlite3.Connection:
        return self.archive.conn

    # -- one chunk ----------------------------------------------------------------------------
    def run(self, records: list[Record]) -> Stats:
        stats = Stats(seen=len(records))
        for cache in (self.member_of, self.sizes, self.texts, self.strongs, self.local_keys):
            cache.clear()  # the previous chunk is committed: the tables know it, memory stays bounded
        prepared = prepare(records)
        with self.archive.transaction():
            previous = store.seen(self.conn, [p.record.id for p in prepared])
            todo = []
            for p in prepared:
                old = previous.get(p.record.id)
                if old is not None and old[0] == p.fingerprint:
                    stats.skipped += 1
                    self.touched[p.record.id] = p if p.dirty else None
                    continue
                if old is not None:
                    self._detach(p.record.id, old[1])
                todo.append(p)
            self._load(todo)
            rows: list[tuple[int, str]] = []
            seen_rows = []
            apart = store.overrides(self.conn, [p.record.id for p in todo], "apart")
            together = store.overrides(self.conn, [p.record.id for p in todo], "together")
            for p in todo:
                registered = self._place(p, apart.get(p.record.id, set()), together.get(p.record.id, set()), stats)
                rows.extend((k, p.record.id) for k in registered)
                seen_rows.append((p.record.id, p.fingerprint, registered))
                self.touched[p.record.id] = p if p.dirty else None
            store.add_keys(self.conn, rows)
            store.save_seen(self.conn, seen_rows)
            stats.placed = len(todo)
            if self.defer:  # the next chunk reads sizes (MAX_STACK, which cluster absorbs which)
                store.save_sizes(self.conn, list(self.sizes))
        if not self.defer:
            written, changed = self.refresh()
            stats.records_written += written
            stats.clusters_changed += changed
        return stats

    def _load(self, todo: list[Prepared]) -> None:
        """Candidates for every key of the chunk, with what verifying them needs."""
        self.hits = store.lookup_keys(self.conn, [k for p in todo for k in (*p.keys, *p.series_keys)])
        wanted = {rid for ids in self.hits.values() for rid in ids} - set(self.texts)
        for record_id, record in self.archive.get_many(sorted(wanted)).items():
            self.texts[record_id] = series_tokens(record)
            self.strongs[record_id] = strong_keys(record)
        for p in todo:
            self.texts[p.record.id] = p.words
            self.strongs[p.record.id] = p.strong
        found = store.membership(self.conn, wanted | {p.record.id for p in todo})
        self.member_of.update(found)
        self.sizes.update(store.cluster_sizes(self.conn, set(found.values()) - set(self.sizes)))

    def _candidates(self, keys: Any, record_id: str) -> list[str]:
        out: dict[str, None] = {}
        for key in keys:
            for other in (*self.hits.get(key, ()), *self.local_keys.get(key, ())):
                if other != record_id:
                    out[other] = None
        return list(out)

    def _allowed(self, other: str, blocked: set[str]) -> bool:
        if not blocked:
            return True
        if other in blocked:
            return False
        cluster = self.member_of.get(other)
        if cluster is None:
            return True
        return not any(m[0] in blocked for m in store.members(self.conn, cluster))

    def _place(self, p: Prepared, blocked: set[str], together: set[str], stats: Stats) -> list[int]:
        record_id = p.record.id
        links = []
        for other in self._candidates(p.keys, record_id):
            strong = self.strongs.get(other)
            verdict = verify_strong(p.strong, strong) if strong is not None else None
            if verdict and self._allowed(other, blocked):
                links.append((other, *verdict))
        if together:
            found = store.membership(self.conn, together)
            self.member_of.update(found)
            self.sizes.update(store.cluster_sizes(self.conn, set(found.values()) - set(self.sizes)))
        for other in sorted(together):
            if other in self.texts or self.archive.conn.execute(
                    "SELECT 1 FROM records WHERE id = ?", (other,)).fetchone():
                links.append((other, "manual", "merged by hand"))
        registered = list(p.keys)
        seed_of_stack = bool(p.words)
        if links:
            self._join(record_id, links)
            stats.joined += 1
        else:
            seeds = [s for s in self._candidates(p.series_keys, record_id) if self._allowed(s, blocked)]
            full = {s for s in seeds if self.sizes.get(self.member_of.get(s, -1), 1) >= MAX_STACK}
            seed, score = best_seed(p.words, seeds, self.texts, full) if p.words and seeds else (None, 0.0)
            if seed is not None:
                self._join(record_id, [(seed, "series", f"caption {score:.2f} alike")])
                stats.joined += 1
                seed_of_stack = False
        if seed_of_stack:
            registered += p.series_keys
            for key in p.series_keys:
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
            main = store.new_cluster(self.conn, kind)
            self.sizes[main] = 0
        for other in clusters - {main}:
            moved = [m[0] for m in store.members(self.conn, other)]
            store.move_members(self.conn, other, main)
            for member in moved:
                self.member_of[member] = main
            self.sizes[main] = self.sizes.get(main, 0) + len(moved)
            self.sizes.pop(other, None)
            self.affected.discard(other)
        for other, _kind, _reason in links:
            if other not in self.member_of:
                store.add_member(self.conn, other, main, "first", None, None)
                self.member_of[other] = main
                self.sizes[main] = self.sizes.get(main, 0) + 1
                self.touched.setdefault(other, None)
        via, link_kind, reason = links[0]
        store.add_member(self.conn, record_id, main, link_kind, via, reason)
        self.member_of[record_id] = main
        self.sizes[main] = self.sizes.get(main, 0) + 1
        self.affected.add(main)

    def _detach(self, record_id: str, keys: list[int]) -> None:
        store.remove_keys(self.conn, record_id, keys)
        cluster = store.remove_member(self.conn, record_id)
        self.member_of.pop(record_id, None)
        if cluster is not None:
            self.affected.add(cluster)
            self.sizes[cluster] = max(0, self.sizes.get(cluster, 1) - 1)

    # -- writing record.cluster ---------------------------------------------------------------
    def refresh(self) -> tuple[int, int]:
        """Recompute changed clusters and write ``record.cluster`` where it differs. -> (written, clusters)."""
        return refresh_clusters(self)
