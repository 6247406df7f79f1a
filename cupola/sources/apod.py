"""Astronomy Picture of the Day entries, as the APOD API (and its mirrors) publish them.

Shapes read: JSON Lines (one day per line), a JSON array of days, a single day, or an object keyed
by date (``{"1995-06-16": {...}, ...}``, as yearly archive files keep them). An APOD day is an object
with a ``date`` and at least two of ``title``, ``explanation``, ``url``/``hdurl``, ``service_version``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cupola.model import Provenance, RawItem, Rejection
from cupola.sources import SourceEvent, SourceReader, register
from cupola.sources._files import data_suffix, decode, json_lines, open_input

KIND = "apod"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_APOD_KEYS = ("title", "explanation", "url", "hdurl", "service_version", "copyright")


def is_apod_day(value: Any) -> bool:
    if not isinstance(value, dict) or not _DATE.match(str(value.get("date", ""))):
        return False
    return sum(1 for key in _APOD_KEYS if key in value) >= 2 and "nasa_id" not in value and "data" not in value


def _head(path: Path, size: int = 65536) -> str:
    with open_input(path) as handle:
        return decode(handle.read(size))[0]


def sniff(path: Path) -> bool:
    if not path.is_file() or data_suffix(path) not in {".json", ".jsonl", ".ndjson", ".jsonlines"}:
        return False
    head = _head(path).lstrip()
    if '"date"' not in head or ('"explanation"' not in head and '"service_version"' not in head):
        return False
    first_line = head.split("\n", 1)[0]
    try:
        value = json.loads(first_line)
    except json.JSONDecodeError:
        # an array or a date-keyed object that spans lines: decide on its first element
        match = re.search(r'\{[^{}]*"date"\s*:\s*"\d{4}-\d{2}-\d{2}"[^{}]*\}', head)
        if not match:
            return False
        try:
            value = json.loads(match.group(0))
        except json.JSONDecodeError:
            return False
    if isinstance(value, list):
        value = value[0] if value else None
    elif isinstance(value, dict) and not is_apod_day(value):
        value = next(iter(value.values()), None) if value else None
    return is_apod_day(value)


def _event(value: Any, path: Path, line: int | None, item: int | None, fetched_at: str) -> SourceEvent:
    where = f"line {line}" if line else f"item {item}"
    if not isinstance(value, dict):
        return Rejection(str(path), line, f"{where} is not a JSON object; an APOD day is {{\"date\", \"title\", ...}}")
    if not _DATE.match(str(value.get("date", ""))):
        return Rejection(str(path), line, f"{where} has no date in YYYY-MM-DD form; every APOD day needs one")
    extra = {"item": item} if item else {}
    return RawItem(KIND, value, Provenance(KIND, str(path), line, fetched_at, extra))


def read(path: Path) -> Iterator[SourceEvent]:
    fetched_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open_input(path) as handle:
        raw = handle.read()
    text = decode(raw)[0]
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        doc = None
    if doc is None:  # JSON Lines
        for event in json_lines(path, text.split("\n")):
            if isinstance(event, Rejection):
                yield event
            else:
                number, value = event
                yield _event(value, path, number, None, fetched_at)
        return
    if isinstance(doc, dict) and not is_apod_day(doc):
        doc = list(doc.values())  # keyed by date
    items = doc if isinstance(doc, list) else [doc]
    for index, value in enumerate(items, start=1):
        yield _event(value, path, None, index, fetched_at)


register(SourceReader(KIND, read, sniff, priority=40))
