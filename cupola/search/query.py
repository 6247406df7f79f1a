"""The query language. ANY string parses: malformed syntax degrades to plain words, never an error.

    free words        apollo launch
    "phrases"         "lunar module"
    -exclusions       -model  -"artist concept"
    prefixes          apoll*
    field filters     center:KSC  type:image  keyword:"APOLLO 11 FLIGHT"  person:armstrong
                      mission:"Apollo 11"  vehicle:columbia  place:florida  org:esa  event:spacewalk
                      photographer:ingalls  location:"cape canaveral"  id:as11-40-5903  source:apod
    years and dates   year:1969  year:1969..1972  date:1969-07-16..1969-07-24  date:1969-07  date:..1970-01-01
    map area          bbox:west,south,east,north   (degrees; records with lat/lon inside)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32

FIELD_ALIASES = {
    "center": "center", "centre": "center",
    "type": "media_type", "media_type": "media_type", "media": "media_type",
    "keyword": "keyword", "keywords": "keyword", "kw": "keyword", "tag": "keyword",
    "person": "person", "people": "person", "crew": "person",
    "mission": "mission", "expedition": "mission",
    "vehicle": "vehicle", "spacecraft": "vehicle", "module": "vehicle",
    "place": "place", "org": "organization", "organization": "organization", "organisation": "organization",
    "agency": "organization", "event": "event",
    "photographer": "photographer", "secondary_creator": "secondary_creator", "creator": "secondary_creator",
    "location": "location", "id": "nasa_id", "nasa_id": "nasa_id", "source": "source",
    "title": "title", "description": "description", "caption": "description", "cluster": "cluster_id",
    "year": "year", "date": "date", "bbox": "bbox",
}

_TOKEN = re.compile(r'''(?P<neg>-)?(?:(?P<field>[A-Za-z_]+):(?:"(?P<fq>[^"]*)"|(?P<fv>[^\s"]+))|"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))''')
_YEAR = re.compile(r"^(\d{4})(?:(?:\.\.|-)(\d{4}))?$")
_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_WORD_CHARS = re.compile(r"[^\W_]+", re.UNICODE)
MAX_WORD_CHARS = 64


@dataclass
class ParsedQuery:
    text: str
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)  # words or phrases
    filters: dict[str, list[str]] = field(default_factory=dict)
    excluded_filters: dict[str, list[str]] = field(default_factory=dict)
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north (degrees)
    year_range: tuple[int | None, int | None] | None = None
    date_range: tuple[int | None, int | None] | None = None  # yyyymmdd, inclusive

    @property
    def free_text(self) -> str:
        """The words a person typed to describe what they want (for semantic ranking and highlights)."""
        return " ".join([*self.phrases, *self.words, *(p.rstrip("*") for p in self.prefixes)]).strip()

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.phrases or self.prefixes)

    def add_filter(self, name: str, value: str, negative: bool = False) -> None:
        target = self.excluded_filters if negative else self.filters
        target.setdefault(name, []).append(value)


def _day(text: str, end: bool) -> int | None:
    match = _DAY.match(text.strip())
    if not match:
        return None
    year, month, day = match.groups()
    y = int(year)
    m = int(month) if month else (12 if end else 1)
    d = int(day) if day else (31 if end else 1)
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return y * 10000 + m * 100 + d


def parse_date_range(value: str) -> tuple[int | None, int | None] | None:
    if ".." in value:
        start, _, end = value.partition("..")
        lo = _day(start, False) if start else None
        hi = _day(end, True) if end else None
        if (start and lo is None) or (end and hi is None) or (lo is None and hi is None):
            return None
        return lo, hi
    lo, hi = _day(value, False), _day(value, True)
    return (lo, hi) if lo is not None else None


def parse_year_range(value: str) -> tuple[int | None, int | None] | None:
    match = _YEAR.match(value.strip())
    if match:
        lo = int(match.group(1))
        hi = int(match.group(2)) if match.group(2) else lo
        return (min(lo, hi), max(lo, hi))
    if value.endswith("..") and value[:-2].isdigit():
        return int(value[:-2]), None
    if value.startswith("..") and value[2:].isdigit():
        return None, int(value[2:])
    return None


def parse_bbox(value: str) -> tuple[float, float, float, float] | None:
    """'west,south,east,north' in degrees (longitude, latitude), e.g. bbox:-100,20,-80,35."""
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError:
        return None
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        return None
    return west, south, east, north


def _merge_range(old, new):
    if old is None:
        return new
    lo = max(x for x in (old[0], new[0]) if x is not None) if (old[0] or new[0]) else None
    hi = min(x for x in (old[1], new[1]) if x is not None) if (old[1] or new[1]) else None
    return lo, hi


def parse(text: str | None) -> ParsedQuery:
    text = (text or "")[:MAX_QUERY_CHARS]
    query = ParsedQuery(text=text)
    count = 0
    for match in _TOKEN.finditer(text.replace("\u201c", '"').replace("\u201d", '"')):
        if count >= MAX_TERMS:
            break
        count += 1
        negative = bool(match.group("neg"))
        name = match.group("field")
        if name is not None:
            value = match.group("fq") if match.group("fq") is not None else match.group("fv")
            canonical = FIELD_ALIASES.get(name.lower())
            if canonical == "year" and not negative and (years := parse_year_range(value)):
                query.year_range = _merge_range(query.year_range, years)
                continue
            if canonical == "date" and not negative and (days := parse_date_range(value)):
                query.date_range = _merge_range(query.date_range, days)
                continue
            if canonical == "bbox" and not negative and (box := parse_bbox(value)):
                query.bbox = box
                continue
            if canonical and canonical not in ("year", "date", "bbox") and value.strip():
                query.add_filter(canonical, value.strip(), negative)
                continue
            _add_text(query, f"{name} {value}", negative)  # not a filter after all: plain words
            continue
        phrase = match.group("phrase")
        if phrase is not None:
            words = _WORD_CHARS.findall(phrase)
            if words:  # quoted, even one word is taken as written: no respelling, no other words for it
                (query.excluded if negative else query.phrases).append(" ".join(words))
            continue
        _add_text(query, match.group("word"), negative)
    return query


def _add_text(query: ParsedQuery, raw: str, negative: bool) -> None:
    is_prefix = raw.endswith("*") and not negative
    words = [w[:MAX_WORD_CHARS] for w in _WORD_CHARS.findall(raw)]
    if not words:
        return
    if is_prefix and len(words) == 1 and len(words[0]) >= 2:
        query.prefixes.append(words[0].lower() + "*")
        return
    if len(words) > 1:  # "STS-41B", "as11-40-5903": keep the pieces together as a phrase
        (query.excluded if negative else query.phrases).append(" ".join(words))
    else:
        (query.excluded if negative else query.words).append(words[0])
