"""Vectors on disk: ``<archive>/vectors/``, derived from the archive and rebuildable at any time.

Files (``G`` is a generation number, bumped on every write):

    meta.json            {"model", "dims", "generation", "seq", "recipe", "count", "hnsw_rows"}
    rows-G.json          [[record_id, text_hash], ...]  (row i of the matrix)
    vectors-G.npy        float32 (count, dims), unit length
    hnsw-G.faiss         only for large archives: a faiss HNSW graph over the first ``hnsw_rows`` rows

A write puts the new generation's files down first and then replaces ``meta.json`` (an atomic
rename), so a reader sees the old set or the new one, never a mix; older generations are removed
afterwards (a reader that has them open keeps its copy). ``seq`` is the archive seq the vectors have
caught up to, so an update reads only records changed since.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cupola.archive import Archive
from cupola.embed.model import DIMS, MODEL_ID
from cupola.embed.text import TEXT_RECIPE

VECTOR_DIR = "vectors"
META = "meta.json"


@dataclass
class VectorSet:
    """All vectors of an archive, with the record id and text hash of each row."""

    ids: list[str] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, DIMS), dtype=np.float32))
    seq: int = 0
    model: str = MODEL_ID
    generation: int = 0
    recipe: int = TEXT_RECIPE  # the ``record_text`` recipe the texts were made with
    hnsw: Any = None  # faiss index over rows [0, hnsw_rows), or None (exact search only)
    hnsw_rows: int = 0
    _rows: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def rows(self) -> dict[str, int]:
        if self._rows is None:
            self._rows = {record_id: i for i, record_id in enumerate(self.ids)}
        return self._rows

    def vector_of(self, record_id: str) -> np.ndarray | None:
        row = self.rows.get(record_id)
        return None if row is None else np.asarray(self.vectors[row])

    def nbytes(self) -> int:
        """Memory the search needs: the matrix plus the HNSW graph (vectors + level-0 links)."""
        graph = 0
        if self.hnsw is not None:
            graph = self.hnsw.ntotal * (DIMS * 4 + self.hnsw.hnsw.nb_neighbors(0) * 4)
        return int(self.vectors.nbytes) + graph


def vectors_dir(archive: Archive) -> Path:
    return archive.path / VECTOR_DIR


def read_meta(directory: Path) -> dict[str, Any]:
    try:
        return json.loads((directory / META).read_text())
    except (OSError, ValueError):
        return {}


def load(directory: Path) -> VectorSet:
    """Read a vector set from disk (memory-mapped); an empty set when there is none or it is stale."""
    meta = read_meta(directory)
    if not meta or meta.get("model") != MODEL_ID or meta.get("dims") != DIMS:
        return VectorSet()
    generation = int(meta["generation"])
    try:
        rows = json.loads((directory / f"rows-{generation}.json").read_text())
        vectors = np.load(directory / f"vectors-{generation}.npy", mmap_mode="r")
    except (OSError, ValueError):
        return VectorSet()
    hnsw = None
    hnsw_rows = int(meta.get("hnsw_rows", 0))
    if hnsw_rows:
        import faiss

        hnsw = faiss.read_index(str(directory / f"hnsw-{generation}.faiss"))
    return VectorSet(ids=[r[0] for r in rows], hashes=[r[1] for r in rows], vectors=vectors,
                     seq=int(meta.get("seq", 0)), generation=generation, hnsw=hnsw,
                     hnsw_rows=hnsw_rows if hnsw is not None else 0,
                     recipe=int(meta.get("recipe", 1)))  # sets written before recipes existed: 1


def save(directory: Path, vset: VectorSet) -> None:
    """Write ``vset`` as the next generation and switch to it atomically."""
    directory.mkdir(parents=True, exist_ok=True)
    old = read_meta(directory)
    generation = max(int(old.get("generation", 0)), vset.generation) + 1
    rows_tmp = directory / f"rows-{generation}.json"
    rows_tmp.write_text(json.dumps([[i, h] for i, h in zip(vset.ids, vset.hashes, strict=True)]))
    with open(directory / f"vectors-{generation}.npy", "wb") as handle:
        np.save(handle, np.ascontiguousarray(vset.vectors, dtype=np.float32))
        handle.flush()
        os.fsync(handle.fileno())
    if vset.hnsw is not None and vset.hnsw_rows:
        import faiss

        faiss.write_index(vset.hnsw, str(directory / f"hnsw-{generation}.faiss"))
    meta = {"model": MODEL_ID, "dims": DIMS, "generation": generation, "seq": vset.seq, "recipe": vset.recipe,
            "count": len(vset), "hnsw_rows": vset.hnsw_rows if vset.hnsw is not None else 0}
    tmp = directory / (META + ".tmp")
    tmp.write_text(json.dumps(meta))
    tmp.replace(directory / META)
    vset.generation = generation
    for path in directory.iterdir():  # earlier generations
        stem = path.name.rsplit(".", 1)[0]
        if "-" in stem and stem.rsplit("-", 1)[1].isdigit() and int(stem.rsplit("-", 1)[1]) != generation:
            path.unlink(missing_ok=True)
    with _CACHE_LOCK:
        _CACHE.pop(str(directory.resolve()), None)


_CACHE: dict[str, tuple[int, VectorSet]] = {}
_CACHE_LOCK = threading.Lock()


def open_vectors(archive: Archive) -> VectorSet:
    """The archive's vectors, loaded once per process and reloaded when a new generation lands."""
    directory = vectors_dir(archive)
    try:
        stamp = (directory / META).stat().st_mtime_ns
    except OSError:
        stamp = 0
    key = str(directory.resolve())
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    vset = load(directory) if stamp else VectorSet()
    with _CACHE_LOCK:
        _CACHE[key] = (stamp, vset)
    return vset


def status(archive: Archive) -> dict[str, Any]:
    """How far the vectors are: count, the seq they caught up to, and whether the archive moved on."""
    meta = read_meta(vectors_dir(archive))
    seq = int(meta.get("seq", -1)) if meta.get("model") == MODEL_ID else -1
    return {"model": MODEL_ID, "count": int(meta.get("count", 0)) if seq >= 0 else 0, "seq": seq,
            "behind": seq < archive.max_seq(), "hnsw": bool(meta.get("hnsw_rows"))}
