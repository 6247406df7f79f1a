"""What the engine places: records read in seq order and prepared (series text, band keys, match keys,
fingerprint, representative rank), a chunk at a time.

Preparing costs about as much as placing (``series_tokens``, MinHash, match keys) and depends on nothing
but the record, so for a large backlog reader processes (``READERS``, taking alternate chunks) prepare
the next chunks while this process places the current one. A reader is ``cupola.dedupe.reader``, a plain
subprocess (nothing of the caller is imported or forked again) with its own read-only connection; it
sends each chunk back in a compact form: no record and no ``StrongKeys``, captions as one string (split into
words only when the placing process compares one with a differing seed caption: ``Prepared.words``). Only a
record whose match keys meet another record's needs its ``StrongKeys`` (to verify the match: ~1 % of
records at 100k, more at 1M where same-day republished captions share keys); ``Prepared.strong`` computes
them from the record, which the engine reads again for those records, a chunk at a time. A record whose
assets gained a pHash while it was prepared (``dirty``) is sent whole, so that pHash is not computed
again. The pipe holds each reader back to about one chunk ahead, so memory stays bounded.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

import cupola
from cupola.archive import Archive
from cupola.archive.store import DB_NAME, record_json
from cupola.dedupe.keys import StrongKeys, strong_keys
from cupola.dedupe.minhash import band_keys
from cupola.dedupe.representative import rank_key
from cupola.dedupe.text import series_tokens
from cupola.errors import CupolaError
from cupola.model import Record, content_hash

READER_MIN = 20_000  # backlogs from this size get reader processes (one takes ~1 s to start)
# Two readers keep up with placing on two cores (1M bench archive: placing waits for one reader for the first
# 60 % of the run); on one core a reader only adds the trip through the pipe.
READERS = min(2, os.cpu_count() or 1) if (os.cpu_count() or 1) > 1 else 0


@dataclass(slots=True)
class Prepared:
    id: str
    text: str | None  # the series words joined by spaces (None: boilerplate); ``words`` splits it when asked
    keys: list[int]  # its match keys (StrongKeys.keys())
    series_keys: list[int]
    fingerprint: str
    rp_keys: list[int] = field(default_factory=list)  # StrongKeys.republished_keys(): registered like series keys
    dirty: bool = False  # the record's assets gained a pHash that should be stored
    rank: tuple = ()  # representative.rank_key
    before: dict[str, Any] | None = None  # record.cluster when it was read
    record: Record | None = None  # None when prepared by the reader (and not dirty)
    _strong: StrongKeys | None = None
    archive: Archive | None = None  # where to read the record again when its StrongKeys are wanted
    _words: list[str] | None = None
    # every key the record looks others up by: its match keys and its republished-caption keys
    match_keys: tuple[int, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        self.match_keys = (*self.keys, *self.rp_keys)

    @property
    def words(self) -> list[str] | None:
        """The series words (``text.series_tokens``). A bulk run needs them only for a record it compares
        with a seed whose text differs, or one that becomes a seed: splitting every text cost more than
        the rest of unpacking a chunk."""
        if self._words is None and self.text is not None:
            self._words = self.text.split(" ")
        return self._words

    @property
    def unread_strong(self) -> bool:
        return self._strong is None

    @property
    def strong(self) -> StrongKeys:
        if self._strong is None:
            if self.record is None:
                assert self.archive is not None
                self.record = self.archive.get_many([self.id])[self.id]
            self._strong = strong_keys(self.record)
        return self._strong


def prepare(records: list[Record]) -> list[Prepared]:
    words = [series_tokens(r) for r in records]
    eligible = [i for i, w in enumerate(words) if w]
    series = dict(zip(eligible, band_keys([words[i] for i in eligible]), strict=True))
    out = []
    for i, record in enumerate(records):
        before = sum(1 for a in record.assets if a.get("phash256"))
        strong = strong_keys(record)
        dirty = sum(1 for a in record.assets if a.get("phash256")) != before
        keys = list(strong.keys())
        rp_keys = strong.republished_keys()
        fingerprint = content_hash([words[i], sorted(keys + rp_keys)])
        out.append(Prepared(record.id, " ".join(words[i]) if words[i] else None, keys, series.get(i, []),
                            fingerprint, rp_keys, dirty, rank_key(record, words[i]), record.cluster, record, strong,
                            _words=words[i]))
    return out


def chunks(archive: Archive, mark: int, end: int, size: int, readers: int) -> Iterator[list[Prepared]]:
    """Prepared chunks of the records with mark < seq <= end, in seq order, prepared in ``readers``
    processes (chunk i by process i mod readers) or, with 0, here."""
    if not readers:
        chunk = []
        for seq, record in archive.iter_records(mark):
            if seq > end:
                break
            chunk.append(record)
            if len(chunk) >= size:
                yield prepare(chunk)
                chunk = []
        if chunk:
            yield prepare(chunk)
        return
    seqs = [s for (s,) in archive.conn.execute("SELECT seq FROM records WHERE seq > ? AND seq <= ? ORDER BY seq",
                                               (mark, end))]
    bounds = [(seqs[i] - 1, seqs[min(i + size, len(seqs)) - 1]) for i in range(0, len(seqs), size)]
    package_root = str(Path(cupola.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    processes: list[subprocess.Popen] = []
    try:
        for n in range(readers):
            process = subprocess.Popen([sys.executable, "-m", "cupola.dedupe.reader"], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, env=env)
            processes.append(process)
            assert process.stdin is not None
            pickle.dump((str((archive.path / DB_NAME).resolve()), bounds[n::readers]), process.stdin)
            process.stdin.close()
        for i in range(len(bounds)):
            process = processes[i % readers]
            try:
                kind, body = pickle.load(process.stdout)  # type: ignore[arg-type]
            except EOFError:
                raise CupolaError(f"a dedupe reader process stopped (exit status {process.wait()})",
                                  where=str(archive.path), hint="see its messages above; run again") from None
            if kind == "error":
                raise CupolaError(f"a dedupe reader process failed:\n{body}", where=str(archive.path))
            yield unpack(body, archive)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()


def pack(rows: list[Prepared]) -> tuple:
    """A chunk of Prepared, in the compact form the reader process sends."""
    return ([p.id for p in rows], [p.text for p in rows],
            [p.keys for p in rows], [p.series_keys for p in rows], [p.fingerprint for p in rows],
            [p.rp_keys for p in rows],
            [p.rank for p in rows], {i: p.before for i, p in enumerate(rows) if p.before is not None},
            {i: record_json(p.record) for i, p in enumerate(rows) if p.dirty and p.record is not None})


def unpack(packed: tuple, archive: Archive) -> list[Prepared]:
    ids, texts, keys, series, fingerprints, rp_keys, ranks, before, dirty = packed
    out = []
    for i, record_id in enumerate(ids):
        record = Record.from_dict(orjson.loads(dirty[i])) if i in dirty else None
        out.append(Prepared(record_id, texts[i], keys[i],
                            series[i], fingerprints[i], rp_keys[i], i in dirty, tuple(ranks[i]), before.get(i),
                            record, archive=archive))
    return out
