"""Photo folders and single image files (JPEG, PNG, TIFF, WebP) with their embedded metadata.

Each photo becomes one raw item: its EXIF/IPTC/XMP metadata plus the facts of the file (absolute
path, bytes, sha256, pixel size, perceptual hash). The original is only ever read. Photos are
decoded in worker threads (Pillow and exiv2 release the GIL), in order, a few ahead of the consumer;
the decode also renders the thumbnail and medium size, kept in memory for the assets step.

Bad files never stop the folder: a non-image or a decompression bomb is rejected (file + reason),
a truncated JPEG is kept with its metadata and a notice.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cupola.assets.image import ImageProblem, analyse, keep_decode_memory, looks_truncated, probe, sha256_of
from cupola.assets.renditions import CACHE
from cupola.model import Notice, Provenance, RawItem, Rejection
from cupola.sources import SourceEvent, SourceReader, _walk, detect, register
from cupola.sources._options import option
from cupola.sources._photo_metadata import read_metadata

KIND = "photo"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff", ".webp"}
# Files that sit beside photos and are no input of their own (skipped without a notice).
SIDECAR_SUFFIXES = {".xmp", ".thm", ".ini", ".db", ".ds_store"}
MAX_FILE_BYTES = 512 * 1024 * 1024
WORKERS = max(1, min(4, os.cpu_count() or 1))
# Photos decoded ahead of the consumer. Results come back in order, so the window must hold more than
# one slow photo's worth of fast ones (a progressive 4.5-megapixel JPEG costs as much as eight
# 2-megapixel baseline ones) or the other workers idle behind it. The rendered bytes wait in the
# rendition cache, not here: a window of 32 holds a few hundred KB of metadata.
LOOKAHEAD = 32


def is_image_path(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def sniff(path: Path) -> bool:
    """An image file, or a folder holding at least one (its other files go to their own readers)."""
    if path.is_file():
        return is_image_path(path)
    if not path.is_dir():
        return False
    return any(is_image_path(file) for file in _walk(path))


def prepare(path: Path, fetched_at: str, render: bool = True) -> list[SourceEvent]:
    """Everything about one photo file: metadata, hashes, size, renditions (cached). Never raises."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return [Rejection(where, None, f"file is {size / 1e6:.0f} MB, above the {MAX_FILE_BYTES >> 20} MB "
                              "limit for one photo; downscale it first")]
        if size == 0:
            return [Rejection(where, None, "empty file (0 bytes); copy it again from its source")]
        data = path.read_bytes()
    except OSError as err:
        return [Rejection(where, None, f"cannot read file: {err.strerror or err}")]
    events: list[SourceEvent] = []
    try:
        info = probe(data)
    except ImageProblem as err:
        return [Rejection(where, None, str(err))]
    digest = sha256_of(data)
    facts: dict[str, Any] = {"path": str(path.resolve()), "name": path.name, "bytes": len(data),
                             "sha256": digest, "format": info.format, "width": info.width,
                             "height": info.height}
    if looks_truncated(data, info.format):
        events.append(Notice(where, None, f"{info.format} file is truncated (no end marker): the bottom of "
                                          "the picture is missing; metadata kept — copy it again from its source"))
    try:
        result = analyse(data, renditions=render, info=info)
        facts["phash"] = result.phash
        facts["phash256"] = result.phash256
        if render:
            CACHE.put(digest, result)
    except ImageProblem as err:
        events.append(Notice(where, None, f"{err}; stored without thumbnail or image hash"))
    metadata, notes = read_metadata(data)
    events.extend(Notice(where, None, note) for note in notes)
    provenance = Provenance(KIND, str(path.resolve()), None, fetched_at)
    events.append(RawItem(KIND, {"file": facts, **metadata}, provenance))
    return events


def _other_file(file: Path) -> Iterator[SourceEvent]:
    """A file in a photo folder that is not an image: read by the reader made for it, as ingest would."""
    if file.suffix.lower() in SIDECAR_SUFFIXES:
        return
    reader = detect(file)
    if reader is None or reader.kind == KIND:
        yield Notice(str(file), None, "skipped: not a file type Cupola reads")
        return
    try:
        yield from reader.read(file)
    except OSError as err:
        yield Rejection(str(file), None, f"cannot read file: {err.strerror or err}")


def read(path: Path) -> Iterator[SourceEvent]:
    fetched_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    render = not option("no_thumbnails", False)  # read here: worker threads do not see context variables
    keep_decode_memory()
    if not path.is_dir():
        yield from prepare(path, fetched_at, render)
        return
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="cupola-photo") as pool:
        pending: deque[Future[list[SourceEvent]]] = deque()
        for file in _walk(path):
            if not is_image_path(file):
                yield from _other_file(file)
                continue
            pending.append(pool.submit(prepare, file, fetched_at, render))
            if len(pending) >= max(LOOKAHEAD, WORKERS * 3):
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


register(SourceReader(KIND, read, sniff, handles_directories=True, priority=20))
