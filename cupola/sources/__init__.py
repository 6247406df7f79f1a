"""Sources read raw items; they never store anything.

Each source module registers a reader: ``read(path) -> Iterator[RawItem | Rejection | Notice]`` and a
``sniff(path) -> bool`` that says whether a file (or directory) looks like its kind. ``read_inputs``
walks the paths the user gave, picks the reader for each file (or the one named by ``kind``), and
yields everything in a stable order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cupola.errors import SourceError, UsageError
from cupola.model import Notice, RawItem, Rejection

SourceEvent = RawItem | Rejection | Notice


@dataclass
class SourceReader:
    kind: str
    read: Callable[[Path], Iterator[SourceEvent]]
    sniff: Callable[[Path], bool]
    handles_directories: bool = False  # True: the reader takes a whole directory itself
    priority: int = 50  # lower is tried first when sniffing


_READERS: dict[str, SourceReader] = {}
_DISCOVERED = False


def register(reader: SourceReader) -> SourceReader:
    _READERS[reader.kind] = reader
    return reader


def readers() -> dict[str, SourceReader]:
    """Every registered reader (all reader modules in this package are imported once, on first use)."""
    global _DISCOVERED
    if not _DISCOVERED:
        _DISCOVERED = True
        import importlib
        import pkgutil

        import cupola.sources as package

        for module in pkgutil.iter_modules(package.__path__):
            if not module.name.startswith("_"):
                importlib.import_module(f"cupola.sources.{module.name}")
    return _READERS


def detect(path: Path) -> SourceReader | None:
    for reader in sorted(readers().values(), key=lambda r: r.priority):
        try:
            if reader.sniff(path):
                return reader
        except OSError:
            continue
    return None


def _walk(directory: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def read_inputs(paths: Iterable[str | Path], kind: str | None = None) -> Iterator[SourceEvent]:
    """Yield raw items, rejections and notices for every input path, in order."""
    all_readers = readers()
    if kind is not None and kind not in all_readers:
        raise UsageError(
            f"unknown source kind {kind!r}", hint=f"choose one of: {', '.join(sorted(all_readers))}"
        )
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise SourceError("no such file or directory", where=str(path), hint="check the path")
        if path.is_dir():
            forced = all_readers[kind] if kind else None
            whole = forced if forced and forced.handles_directories else None
            if whole is None and not kind:
                whole = next(
                    (r for r in sorted(all_readers.values(), key=lambda r: r.priority)
                     if r.handles_directories and r.sniff(path)),
                    None,
                )
            if whole is not None:
                yield from whole.read(path)
                continue
            for file in _walk(path):
                yield from _read_file(file, kind, all_readers, quiet_skip=True)
        else:
            yield from _read_file(path, kind, all_readers, quiet_skip=False)


def _read_file(path: Path, kind: str | None, all_readers: dict[str, SourceReader],
               quiet_skip: bool) -> Iterator[SourceEvent]:
    reader = all_readers[kind] if kind else detect(path)
    if reader is None:
        if quiet_skip:
            yield Notice(str(path), None, "skipped: not a file type Cupola reads")
        else:
            yield Rejection(str(path), None, "unrecognised input: not a file type Cupola reads "
                            "(use --source to say what it is)")
        return
    try:
        yield from reader.read(path)
    except OSError as err:
        yield Rejection(str(path), None, f"cannot read file: {err.strerror or err}")
