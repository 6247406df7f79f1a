"""NASA Image and Video Library JSON in every shape users keep it.

- a whole images-api search response ``{"collection": {"items": [...]}}``
- a single item ``{"href", "data": [{...}], "links": [...]}`` or a flat crawl row ``{"nasa_id", ...}``
- a JSON array of items
- JSON Lines, one item (or flat row) per line, whatever the file suffix
A truncated search response gives up the complete items it still holds and a rejection for the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cupola.model import Notice, Provenance, RawItem, Rejection
from cupola.sources import SourceEvent, SourceReader, register
from cupola.sources._files import data_suffix, decode, json_lines, open_input

KIND = "nasa_json"
SUFFIXES = {".json", ".jsonl", ".ndjson", ".jsonlines"}
LINE_SUFFIXES = {".jsonl", ".ndjson", ".jsonlines"}
_DECODER = json.JSONDecoder()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sniff(path: Path) -> bool:
    return path.is_file() and data_suffix(path) in SUFFIXES


def _item(data: Any, provenance: Provenance, where_line: int | None, label: str) -> SourceEvent:
    if not isinstance(data, dict):
        return Rejection(provenance.file or "", where_line, f"{label} is not a JSON object")
    origin = data.get("_source")
    if isinstance(origin, dict):
        provenance.extra["origin"] = origin
    return RawItem(KIND, data, provenance)


def read_lines(path: Path, fetched_at: str) -> Iterator[SourceEvent]:
    with open_input(path) as handle:
        for event in json_lines(path, handle):
            if isinstance(event, (Rejection, Notice)):
                yield event
                continue
            number, value = event
            yield _item(value, Provenance(KIND, str(path), number, fetched_at), number, "line")


def _salvage_items(text: str, path: Path, fetched_at: str) -> tuple[list[SourceEvent], int]:
    """Complete items at the start of a truncated search response (or array)."""
    start = text.find('"items"')
    start = text.find("[", start) + 1 if start >= 0 else (text.find("[") + 1 if text.lstrip().startswith("[") else 0)
    if start <= 0:
        return [], 0
    events: list[SourceEvent] = []
    pos = start
    index = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            break
        try:
            value, pos = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError:
            break
        index += 1
        provenance = Provenance(KIND, str(path), None, fetched_at, {"item": index})
        events.append(_item(value, provenance, None, f"item {index}"))
    return events, index


def _items_of(doc: Any, path: Path) -> list[Any] | None:
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        collection = doc.get("collection")
        if isinstance(collection, dict):
            items = collection.get("items")
            return items if isinstance(items, list) else []
        if "data" in doc or "nasa_id" in doc:
            return [doc]
    return None


def read(path: Path) -> Iterator[SourceEvent]:
    fetched_at = _now()
    if data_suffix(path) in LINE_SUFFIXES:
        if path.stat().st_size == 0:
            yield Rejection(str(path), None, "empty file: nothing to ingest")
            return
        yield from read_lines(path, fetched_at)
        return
    with open_input(path) as handle:
        raw = handle.read()
    if not raw.strip():
        yield Rejection(str(path), None, "empty file: nothing to ingest")
        return
    text, note = decode(raw)
    if note:
        yield Notice(str(path), None, note)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        if err.msg == "Extra data":  # several JSON values: JSON Lines under a .json name
            yield from read_lines(path, fetched_at)
            return
        events, count = _salvage_items(text, path, fetched_at)
        yield from events
        what = f"{count} complete items recovered, the rest is lost" if count else "nothing could be read"
        yield Rejection(str(path), err.lineno, f"truncated or malformed JSON ({err.msg}, column {err.colno}): "
                        f"{what}; re-download or repair the file")
        return
    items = _items_of(doc, path)
    if items is None:
        yield Rejection(str(path), None, "unknown JSON shape: expected an images-api search response "
                        '{"collection": {"items": [...]}}, an item {"data": [...]}, a list of items, or JSON lines')
        return
    if not items:
        yield Notice(str(path), None, "no items in this file")
    for index, value in enumerate(items, start=1):
        provenance = Provenance(KIND, str(path), None, fetched_at, {"item": index})
        event = _item(value, provenance, None, f"item {index}")
        if isinstance(event, Rejection):
            event.reason = f"item {index}: {event.reason}"
        yield event


register(SourceReader(KIND, read, sniff, priority=90))
