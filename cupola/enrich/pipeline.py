"""The ingest step: ``enrich_record(record, context)`` fills entities, event, credit and taken_at.

Spans in ``record.entities`` are relative to the field named in each entity's ``field`` ("title" or
"caption"). The date a photo was taken comes from the best evidence, never invented:
1. the caption's own date: the "(date)" after a JSC photo ID ("S82-E-5242 (14 Feb. 1997) ---"), or
   another stated date that agrees with the record's other evidence and is more precise;
2. the range a photo ID implies (mission dates from the KB, or the year/day the number encodes),
   used when the record has no date or its date falls outside that range;
3. the published date_created (kept as the normaliser set it).
"""

from __future__ import annotations

import re
from typing import Any

from cupola.enrich.analyze import analyze
from cupola.model import Record

_RANK = {"day": 3, "month": 2, "year": 1}
_PREFIX = re.compile(r"\s*\(([^()]{3,40})\)\s*-{2,}")
_FUTURE = re.compile(r"\b(?:will|scheduled|slated|targeted|planned|is to|are to)\b", re.IGNORECASE)
_WEAK_SOURCES = (None, "date_created")
# Captions past this length are transcripts and articles: their first part says what the item is,
# and reading all of a 90,000-character podcast transcript costs more than the rest of a batch.
MAX_CAPTION_CHARS = 20_000


def enrich_record(record: Record, context: Any = None) -> Record:
    """Caption understanding for one record (pure: the record is updated and returned)."""
    title = record.title or ""
    caption = (record.caption or "")[:MAX_CAPTION_CHARS]
    text = caption if title.strip() == caption.strip() or not title else f"{title}\n{caption}"
    offset = 0 if text is caption else len(title) + 1
    result = analyze(text)
    entities: list[dict[str, Any]] = []
    for entity in result["entities"]:
        entities.append(_located(entity, offset))
    for detail in result["photo_id_details"]:
        entities.append(_located({"kind": "photo_id", "id": detail["canonical"], "name": detail["canonical"],
                                  "text": detail["text"], "span": detail["span"], "confidence": 1.0,
                                  "mission": detail["mission"], "date_range": detail["date_range"]}, offset))
    record.entities = entities
    record.event = {"type": result["event"], "confidence": result["event_confidence"]}
    if result["credit"] and not record.credit:
        record.credit = result["credit"]
    _choose_taken(record, result, text, offset)
    return record


def _located(entity: dict[str, Any], offset: int) -> dict[str, Any]:
    start, end = entity["span"]
    if offset and start >= offset:
        return {**entity, "field": "caption", "span": [start - offset, end - offset]}
    return {**entity, "field": "title" if offset else "caption"}


def _choose_taken(record: Record, result: dict[str, Any], text: str, offset: int) -> None:
    current = (record.taken_at, record.taken_precision) if record.taken_at else None
    ranges = [tuple(d["date_range"]) for d in result["photo_id_details"] if d.get("date_range")]
    id_range = ranges[0] if ranges else None
    # 1. the caption's own date
    for date in result["dates"]:
        start = date["span"][0]
        before = text[max(0, start - 30):start]
        prefixed = bool(result["photo_id_details"]) and _is_prefix_date(text, date, result)
        if not prefixed:
            if start < offset or _FUTURE.search(_sentence(text, start)) or not before:
                continue
            if record.taken_source not in _WEAK_SOURCES:
                continue
            agrees = _agrees(date["value"], current[0]) if current else (
                id_range is not None and _within(date["value"], id_range))
            if not agrees or current and _RANK[date["precision"]] <= _RANK.get(current[1] or "", 0):
                continue
        record.taken_at, record.taken_precision, record.taken_source = date["value"], date["precision"], "caption"
        return
    # 2. the photo ID's range, when the record has no date or one outside it
    if id_range and record.taken_source in _WEAK_SOURCES:
        if current and _within(current[0], id_range):
            return
        value, precision = _range_value(id_range)
        if value:
            record.taken_at, record.taken_precision, record.taken_source = value, precision, "photo_id"


def _is_prefix_date(text: str, date: dict[str, Any], result: dict[str, Any]) -> bool:
    start = date["span"][0]
    for detail in result["photo_id_details"]:
        id_end = detail["span"][1]
        if 0 <= start - id_end <= 3 and _PREFIX.match(text, id_end):
            return True
    return False


def _sentence(text: str, position: int) -> str:
    start = max(text.rfind(". ", 0, position), text.rfind("\n", 0, position)) + 1
    end = text.find(". ", position)
    return text[start:end if end >= 0 else len(text)]


def _agrees(value: str, current: str) -> bool:
    """Same year, and the same month where both state one."""
    if value[:4] != current[:4]:
        return False
    return len(value) < 7 or len(current) < 7 or value[:7] == current[:7]


def _within(value: str, date_range: tuple[str, str]) -> bool:
    start, end = date_range
    return start[:len(value)] <= value <= end[:len(value)]


def _range_value(date_range: tuple[str, str]) -> tuple[str | None, str | None]:
    start, end = date_range
    if start == end:
        return start, "day"
    if start[:7] == end[:7]:
        return start[:7], "month"
    if start[:4] == end[:4]:
        return start[:4], "year"
    return None, None
