"""Reading input files, shared by the readers: gzip-transparent opening, the data suffix behind a
``.gz``, UTF-8 with a Windows-1252 fallback, and JSON Lines with one rejection per bad line."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from cupola.model import Notice, Rejection


def data_suffix(path: Path) -> str:
    """The data suffix, looking through a .gz ('x.jsonl.gz' -> '.jsonl')."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def open_input(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")


def decode(raw: bytes) -> tuple[str, str | None]:
    """UTF-8 (with or without BOM); otherwise Windows-1252 with a note saying so."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        note = (f"not valid UTF-8 (byte {err.start}); read as Windows-1252 — "
                "check accented characters in these records")
        return raw.decode("cp1252", errors="replace"), note


def json_lines(path: Path, lines: Iterable[bytes | str]) -> Iterator[tuple[int, Any] | Rejection | Notice]:
    """(line number, value) for each non-blank JSON line; a Rejection naming the line for a malformed one,
    a Notice when a line had to be read as Windows-1252."""
    for number, line in enumerate(lines, start=1):
        if (not line or line[:1].isspace()) and not line.strip():  # only a line starting blank may be blank
            continue
        try:
            yield number, orjson.loads(line)
            continue
        except orjson.JSONDecodeError:
            pass
        if isinstance(line, bytes):
            line, note = decode(line)
            if note:
                yield Notice(str(path), number, note)
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as err:
            yield Rejection(str(path), number, f"malformed JSON ({err.msg} at column {err.colno}); "
                            "fix or remove this line")
