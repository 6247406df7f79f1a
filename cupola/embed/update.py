"""Bring an archive's vectors up to date: embed only records whose embedded text changed.

``update(archive)`` reads the records changed since the vectors' seq mark (every record once after
the text recipe changed), hashes the text each would be embedded from, and embeds only the new hashes
(a record whose enrichment or cluster changed keeps its vector). Work is checkpointed every
``CHECKPOINT`` vectors, so an interrupted run keeps what it did: the next run finds those hashes stored
and skips them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from cupola.archive import Archive
from cupola.embed import ann
from cupola.embed.model import DIMS, Embedder, get_embedder
from cupola.embed.store import VectorSet, load, save, vectors_dir
from cupola.embed.text import TEXT_RECIPE, record_text, text_hash

log = logging.getLogger("cupola")
CHUNK = 1024  # texts handed to the model per progress step
CHECKPOINT = 16_384  # vectors embedded between two saves


def _pending(archive: Archive, current: VectorSet, since: int
             ) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Records to (re)embed: id -> (text, hash); and ids whose rows must go."""
    rows, hashes = current.rows, current.hashes
    todo: dict[str, tuple[str, str]] = {}
    drop: set[str] = set()
    for _seq, record in archive.iter_records(since):
        text = record_text(record)
        if not text.strip():
            if record.id in rows:
                drop.add(record.id)
            continue
        digest = text_hash(text)
        row = rows.get(record.id)
        if row is None or hashes[row] != digest:
            todo[record.id] = (text, digest)
    for (record_id,) in archive.conn.execute("SELECT id FROM deleted WHERE seq > ?", (since,)):
        if record_id in rows and archive.get(record_id, with_provenance=False) is None:
            drop.add(record_id)
    return todo, drop


def _merge(current: VectorSet, new_ids: list[str], new_hashes: list[str], new_vectors: np.ndarray,
           drop: set[str], seq: int) -> VectorSet:
    """Old rows (less replaced and dropped ones) then the new rows; the graph survives pure appends."""
    gone = drop | set(new_ids)
    keep = [i for i, record_id in enumerate(current.ids) if record_id not in gone]
    appended_only = len(keep) == len(current.ids)
    if appended_only:
        vectors = np.concatenate([np.asarray(current.vectors), new_vectors]) if len(new_ids) else \
            np.asarray(current.vectors)
    else:
        vectors = np.concatenate([np.asarray(current.vectors[keep]), new_vectors])
    vset = VectorSet(ids=[current.ids[i] for i in keep] + new_ids,
                     hashes=[current.hashes[i] for i in keep] + new_hashes,
                     vectors=vectors, seq=seq, generation=current.generation)
    if appended_only and current.hnsw is not None:
        vset.hnsw, vset.hnsw_rows = current.hnsw, current.hnsw_rows
    if ann.wants_hnsw(vset):
        vset.hnsw, vset.hnsw_rows = ann.build_hnsw(vset.vectors), len(vset)
    elif len(vset) < ann.HNSW_THRESHOLD:
        vset.hnsw, vset.hnsw_rows = None, 0
    return vset


def update(archive: Archive, *, rebuild: bool = False, embedder: Embedder | None = None,
           progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Embed what changed since the last run (everything with ``rebuild``). Returns counts."""
    started = time.perf_counter()
    directory = vectors_dir(archive)
    current = VectorSet() if rebuild else load(directory)
    since, target = current.seq, archive.max_seq()
    if current.recipe != TEXT_RECIPE:  # the texts are made differently now: hash every record again
        since = 0
    if since >= target and not rebuild:
        return {"embedded": 0, "removed": 0, "vectors": len(current), "seconds": 0.0}
    todo, drop = _pending(archive, current, since)
    if not todo and not drop:
        current.seq, current.recipe = target, TEXT_RECIPE
        save(directory, current)
        return {"embedded": 0, "removed": 0, "vectors": len(current),
                "seconds": round(time.perf_counter() - started, 3)}
    model = embedder or get_embedder()
    items = list(todo.items())
    total, done = len(items), 0
    if progress is not None:
        progress(0, total)
    batch_ids: list[str] = []
    batch_hashes: list[str] = []
    batch_vectors: list[np.ndarray] = []
    for start in range(0, total, CHUNK):
        chunk = items[start:start + CHUNK]
        batch_vectors.append(model.embed([text for _, (text, _) in chunk]))
        batch_ids.extend(record_id for record_id, _ in chunk)
        batch_hashes.extend(digest for _, (_, digest) in chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, total)
        if len(batch_ids) >= CHECKPOINT and done < total:  # keep the work, but do not advance seq yet
            current = _merge(current, batch_ids, batch_hashes, np.concatenate(batch_vectors), set(), since)
            save(directory, current)
            batch_ids, batch_hashes, batch_vectors = [], [], []
    new_vectors = np.concatenate(batch_vectors) if batch_vectors else np.zeros((0, DIMS), np.float32)
    current = _merge(current, batch_ids, batch_hashes, new_vectors, drop, target)
    save(directory, current)
    seconds = time.perf_counter() - started
    log.info("embedded %d records in %.1f s", total, seconds)
    return {"embedded": total, "removed": len(drop - set(todo)), "vectors": len(current),
            "seconds": round(seconds, 3)}
