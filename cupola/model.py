"""The canonical record and the values that flow between pipeline stages.

sources/ yield ``RawItem`` (a raw dict + where it came from) or ``Rejection``;
normalise/ turns a RawItem into a ``Record``; the archive stores Records.
Field names follow DESIGN.md; they are also the names used in CLI JSON and the API.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any

import orjson

MEDIA_TYPES = ("image", "video", "audio")
# Entity kinds in Record.entities; each entity is
# {"kind", "id" (canonical id), "name" (canonical name), "text" (surface), "span": [start, end], "confidence"}
ENTITY_KINDS = ("person", "organization", "mission", "vehicle", "place")
PRECISIONS = ("day", "month", "year")


@dataclass
class Provenance:
    """Where one copy of a record came from."""

    kind: str  # source kind: nasa_json, photo_folder, gallery_page, apod, csv, mirror ...
    file: str | None = None  # path or URL
    line: int | None = None  # 1-based line (JSONL/CSV) or item index (JSON arrays)
    fetched_at: str | None = None  # ISO timestamp when the copy was read
    extra: dict[str, Any] = field(default_factory=dict)

    def key(self) -> str:
        item = self.extra.get("item") if self.extra else None
        return f"{self.kind}|{self.file}|{self.line if self.line is not None else item}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "file": self.file, "line": self.line, "fetched_at": self.fetched_at,
                "extra": self.extra}


@dataclass
class RawItem:
    """One item as a source published it, before normalisation."""

    kind: str
    data: dict[str, Any]
    provenance: Provenance


@dataclass
class Rejection:
    """An input that could not become a record: where it was and why."""

    file: str
    line: int | None
    reason: str

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def __str__(self) -> str:
        return f"{self.where()}: {self.reason}"


@dataclass
class Notice:
    """Something a person should know about an input that was still read (skipped file, odd bytes)."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


@dataclass
class Record:
    """A photo (or video/audio item) in the canonical model of DESIGN.md."""

    id: str
    source: str
    title: str = ""
    caption: str = ""
    keywords: list[str] = field(default_factory=list)
    media_type: str = "image"
    taken_at: str | None = None  # ISO at its precision: YYYY-MM-DD, YYYY-MM or YYYY
    taken_precision: str | None = None  # day / month / year
    taken_source: str | None = None  # field / caption / photo_id / exif
    credit: str | None = None
    photographer: str | None = None
    secondary_creator: str | None = None
    center: str | None = None
    location_text: str | None = None
    lat: float | None = None
    lon: float | None = None
    album: list[str] = field(default_factory=list)
    rights: str | None = None  # None = no known restriction; "third_party" = credited holder owns it
    assets: list[dict[str, Any]] = field(default_factory=list)  # {"role", "href", "width", "height", ...}
    raw: dict[str, Any] = field(default_factory=dict)  # the source's own values, untouched
    entities: list[dict[str, Any]] = field(default_factory=list)
    event: dict[str, Any] | None = None  # {"type": one of EVENT_TYPES, "confidence": 0..1}
    cluster: dict[str, Any] | None = None  # {"id", "kind": record|photo|series, "size", "role": representative|member}
    provenance: list[Provenance] = field(default_factory=list)

    # Fields that describe the record's content (and so decide whether a copy changed).
    CONTENT_FIELDS = (
        "title", "caption", "keywords", "media_type", "taken_at", "taken_precision", "taken_source",
        "credit", "photographer", "secondary_creator", "center", "location_text", "lat", "lon",
        "album", "rights", "assets", "raw",
    )

    def content(self) -> dict[str, Any]:
        values = self.__dict__
        return {name: values[name] for name in self.CONTENT_FIELDS}

    def content_hash(self) -> str:
        return content_hash(self.content())

    def year(self) -> int | None:
        if self.taken_at and self.taken_at[:4].isdigit():
            return int(self.taken_at[:4])
        return None

    def preview_url(self) -> str | None:
        for role in ("thumb", "small", "preview", "medium", "large", "orig"):
            for asset in self.assets:
                if asset.get("role") == role and asset.get("href"):
                    return asset["href"]
        return None

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (shallow: nested values are shared, not copied)."""
        data = self.stored_dict()
        data["provenance"] = [p.to_dict() for p in self.provenance]
        return data

    def stored_dict(self) -> dict[str, Any]:
        """``to_dict`` without the provenance (the archive keeps provenance in its own table)."""
        data = self.__dict__.copy()
        if tuple(data) != _FIELD_NAMES:  # an attribute was added (or deleted and set again): use the field order
            return {name: getattr(self, name) for name in _STORED_FIELDS}
        del data["provenance"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["provenance"] = [
            p if isinstance(p, Provenance) else Provenance(**p) for p in known.get("provenance", [])
        ]
        return cls(**known)


_FIELD_NAMES = tuple(f.name for f in fields(Record))
_STORED_FIELDS = tuple(name for name in _FIELD_NAMES if name != "provenance")


def canonical_json(value: Any) -> bytes:
    """Sorted-key compact UTF-8 JSON (orjson; the stdlib for what orjson refuses, e.g. huge ints)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(value: Any) -> str:
    """Deterministic identity of a value: sha256 over canonical JSON (first 32 hex chars)."""
    return hashlib.sha256(canonical_json(value)).hexdigest()[:32]
