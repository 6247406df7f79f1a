"""Thumbnail and medium renditions: content-addressed files under the archive directory.

``<archive>/thumbs/ab/ab12....jpg`` and ``<archive>/medium/ab/ab12....jpg``, named by the original's
sha256, so the same photo found at two paths is rendered once. Files are written to a temporary
name and renamed, so an interrupted ingest never leaves half a thumbnail.

Readers that already decoded a photo (the photo-folder reader does, in worker threads) leave the
rendered bytes in a bounded cache (memory, then a private temporary folder); the record step takes
them from there instead of decoding the photo a second time.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import threading
import weakref
from collections import OrderedDict
from pathlib import Path

from cupola.assets.image import Analysis

ROLES = ("thumb", "medium")
_CACHE_BYTES = 96 * 1024 * 1024


class _Cache:
    """sha256 -> Analysis (with rendition bytes). Past a byte budget the oldest entries spill to a
    private temporary folder (removed when the process ends), so a folder of any size is decoded once
    even though ingest stores records in batches of thousands."""

    def __init__(self, budget: int):
        self.budget = budget
        self.used = 0
        self.items: OrderedDict[str, Analysis] = OrderedDict()
        self.spilled: set[str] = set()
        self.lock = threading.Lock()
        self._spill_dir: Path | None = None

    @staticmethod
    def _size(analysis: Analysis) -> int:
        return len(analysis.thumb or b"") + len(analysis.medium or b"")

    def _folder(self) -> Path:
        if self._spill_dir is None:
            self._spill_dir = Path(tempfile.mkdtemp(prefix="cupola-renditions-"))
            weakref.finalize(self, shutil.rmtree, str(self._spill_dir), True)
        return self._spill_dir

    def _spill(self, sha256: str, analysis: Analysis) -> None:
        with open(self._folder() / sha256, "wb") as handle:
            pickle.dump(analysis, handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.spilled.add(sha256)

    def put(self, sha256: str, analysis: Analysis) -> None:
        size = self._size(analysis)
        with self.lock:
            if sha256 in self.items or sha256 in self.spilled:
                return
            self.items[sha256] = analysis
            self.used += size
            while self.used > self.budget and self.items:
                old_sha, old = self.items.popitem(last=False)
                self.used -= self._size(old)
                self._spill(old_sha, old)

    def take(self, sha256: str) -> Analysis | None:
        with self.lock:
            analysis = self.items.pop(sha256, None)
            if analysis is not None:
                self.used -= self._size(analysis)
                return analysis
            if sha256 not in self.spilled:
                return None
            self.spilled.discard(sha256)
            path = self._folder() / sha256
        try:
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError):
            return None
        finally:
            path.unlink(missing_ok=True)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.used = 0
            for sha256 in self.spilled:
                (self._folder() / sha256).unlink(missing_ok=True)
            self.spilled.clear()


CACHE = _Cache(_CACHE_BYTES)


def relative_path(role: str, sha256: str) -> str:
    folder = {"thumb": "thumbs", "medium": "medium"}[role]
    return f"{folder}/{sha256[:2]}/{sha256}.jpg"


def exists(archive_path: str | Path, role: str, sha256: str) -> bool:
    return (Path(archive_path) / relative_path(role, sha256)).is_file()


_MADE_DIRS: set[Path] = set()  # rendition folders known to exist (mkdir is a slow system call)


def write(archive_path: str | Path, role: str, sha256: str, data: bytes, *, checked: bool = False) -> str:
    """Write one rendition atomically; returns its path relative to the archive. ``checked``: the
    caller has just seen that it does not exist."""
    rel = relative_path(role, sha256)
    target = Path(archive_path) / rel
    if not checked and target.is_file():
        return rel
    if target.parent not in _MADE_DIRS:
        target.parent.mkdir(parents=True, exist_ok=True)
        _MADE_DIRS.add(target.parent)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(data)
    except FileNotFoundError:  # the folder went away since we made it (archive removed and re-created)
        _MADE_DIRS.discard(target.parent)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
    os.replace(tmp, target)
    return rel
