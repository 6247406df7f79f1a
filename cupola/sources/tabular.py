"""CSV / TSV files (and flat JSON Lines) whose columns map onto record fields.

The mapping comes from ``--map title=Title,caption=Description,...`` (the CLI sets it with
``reader_options(...)`` around the ingest); without one, columns are matched by their names
(``title``, ``description``, ``date``, ``credit``, ``latitude`` ...). A mapping that names a column
the file does not have rejects the file and names the column and the columns that exist.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cupola.errors import UsageError
from cupola.model import Notice, Provenance, RawItem, Rejection
from cupola.sources import SourceEvent, SourceReader, register
from cupola.sources._files import data_suffix, decode, json_lines, open_input
from cupola.sources._options import option, reader_options

KIND = "tabular"
CSV_SUFFIXES = {".csv", ".tsv", ".tab", ".psv"}
JSON_SUFFIXES = {".jsonl", ".ndjson", ".jsonlines", ".json"}
# target field -> accepted spellings in --map and in header names (compared lower-case, alphanumerics only)
FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "nasaid", "identifier", "photoid", "imageid", "recordid"),
    "title": ("title", "headline", "name", "objectname"),
    "caption": ("caption", "description", "captionabstract", "text", "summary", "explanation"),
    "keywords": ("keywords", "tags", "subjects", "subject"),
    "date": ("date", "takenat", "datecreated", "datetaken", "created", "datetimeoriginal"),
    "credit": ("credit", "copyright", "rights", "source"),
    "photographer": ("photographer", "byline", "creator", "artist", "author"),
    "secondary_creator": ("secondarycreator",),
    "center": ("center", "centre"),
    "location": ("location", "locationtext", "place", "city"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "url": ("url", "image", "imageurl", "href", "link", "orig", "original"),
    "thumbnail": ("thumbnail", "thumb", "thumbnailurl", "preview"),
    "media_type": ("mediatype", "type"),
    "album": ("album", "albums", "collection"),
}
_ALIASES = {alias: name for name, aliases in FIELDS.items() for alias in aliases}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def column_mapping(mapping: str | dict[str, str] | None) -> contextlib.AbstractContextManager[None]:
    """Make ``--map`` visible to this reader for the duration of one ingest."""
    return reader_options({"mapping": mapping})


def _mapping() -> str | dict[str, str] | None:
    return option("mapping")


def parse_mapping(spec: str | dict[str, str] | None) -> dict[str, str]:
    """'title=Title,caption=Description' -> {'title': 'Title', 'caption': 'Description'} (fields checked)."""
    if not spec:
        return {}
    pairs = spec.items() if isinstance(spec, dict) else (
        part.split("=", 1) if "=" in part else (part, "") for part in spec.split(",") if part.strip())
    out: dict[str, str] = {}
    for field, column in pairs:
        target = _ALIASES.get(_norm(field))
        if target is None:
            raise UsageError(f"--map: {field.strip()!r} is not a record field",
                             hint=f"map onto one of: {', '.join(FIELDS)}")
        if not column.strip():
            raise UsageError(f"--map: no column given for {field.strip()!r}", hint="write FIELD=COLUMN")
        out[target] = column.strip()
    return out


def auto_mapping(columns: list[str]) -> dict[str, str]:
    """Columns matched by name; the first column that fits a field wins."""
    out: dict[str, str] = {}
    for column in columns:
        target = _ALIASES.get(_norm(column))
        if target and target not in out:
            out[target] = column
    return out


def resolve_mapping(columns: list[str], spec: str | dict[str, str] | None) -> tuple[dict[str, str], str | None]:
    """(mapping, problem): the problem names the column that is missing, and the ones present."""
    given = parse_mapping(spec)
    by_norm = {_norm(c): c for c in columns}
    for field, column in given.items():
        if column not in columns:
            match = by_norm.get(_norm(column))
            if match is None:
                return {}, (f"--map {field}={column}: no column {column!r} in this file "
                            f"(columns: {', '.join(columns[:30])})")
            given[field] = match
    mapping = {**auto_mapping(columns), **given} if given else auto_mapping(columns)
    if not any(k in mapping for k in ("title", "caption", "id")):
        return {}, (f"no column maps to a title, caption or id (columns: {', '.join(columns[:30])}); "
                    "say which with --map title=COLUMN,caption=COLUMN")
    return mapping, None


def sniff(path: Path) -> bool:
    if not path.is_file():
        return False
    suffix = data_suffix(path)
    if suffix in CSV_SUFFIXES:
        return True
    if suffix in JSON_SUFFIXES and _mapping():
        with open_input(path) as handle:
            first = decode(handle.readline(1 << 20))[0].strip()
        try:
            row = json.loads(first)
        except json.JSONDecodeError:
            return False
        return isinstance(row, dict) and "data" not in row and "collection" not in row
    return False


def _csv_rows(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    sample = text[:65536]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = next(reader, [])

    def rows() -> Iterator[tuple[int, list[str]]]:
        for row in reader:
            yield reader.line_num, row

    return [h.strip() for h in header], rows()


def read(path: Path) -> Iterator[SourceEvent]:
    fetched_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open_input(path) as handle:
        text, note = decode(handle.read())
    if note:
        yield Notice(str(path), None, note)
    if not text.strip():
        yield Rejection(str(path), None, "empty file: nothing to ingest")
        return
    if data_suffix(path) in JSON_SUFFIXES:
        yield from _read_json_lines(path, text, fetched_at)
        return
    columns, rows = _csv_rows(text)
    mapping, problem = resolve_mapping(columns, _mapping())
    if problem:
        yield Rejection(str(path), 1, problem)
        return
    for line, values in rows:
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(columns):
            yield Rejection(str(path), line, f"{len(values)} values for {len(columns)} columns; "
                            "check the quoting on this line")
            continue
        row = dict(zip(columns, values, strict=False))
        yield RawItem(KIND, {"row": row, "mapping": mapping}, Provenance(KIND, str(path), line, fetched_at))


def _read_json_lines(path: Path, text: str, fetched_at: str) -> Iterator[SourceEvent]:
    mapping: dict[str, str] | None = None
    for event in json_lines(path, text.split("\n")):
        if isinstance(event, Rejection):
            yield event
            continue
        number, row = event
        if not isinstance(row, dict):
            yield Rejection(str(path), number, "line is not a JSON object")
            continue
        if mapping is None:
            mapping, problem = resolve_mapping(list(row), _mapping())
            if problem:
                yield Rejection(str(path), number, problem)
                return
        yield RawItem(KIND, {"row": row, "mapping": mapping}, Provenance(KIND, str(path), number, fetched_at))


register(SourceReader(KIND, read, sniff, priority=30))
