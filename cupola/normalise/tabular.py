"""A CSV/JSONL row plus its column mapping -> Record.

The id is the mapped id column when there is one, otherwise ``row-`` + a hash of the row's values
(the same row in any file is one record). Values that cannot be what their field needs (a latitude
that is not a number) reject the row with the column named.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from cupola.model import MEDIA_TYPES, RawItem, Record, content_hash
from cupola.normalise import register
from cupola.normalise.centers import normalise_center
from cupola.normalise.text import clean_line, clean_text, split_keywords

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ]\d.*)?$")
_FORMATS = [("%m/%d/%Y", "day"), ("%d.%m.%Y", "day"), ("%Y:%m:%d %H:%M:%S", "day"), ("%B %d, %Y", "day"),
            ("%b %d, %Y", "day"), ("%d %B %Y", "day"), ("%d %b %Y", "day"), ("%Y %B %d", "day"),
            ("%Y %b %d", "day"), ("%B %Y", "month")]


def parse_date(value: str) -> tuple[str | None, str | None]:
    text = value.strip()
    match = _ISO.match(text)
    if match:
        year, month, day = match.groups()
        if day:
            return f"{year}-{int(month):02d}-{int(day):02d}", "day"
        if month:
            return f"{year}-{int(month):02d}", "month"
        return year, "year"
    for fmt, precision in _FORMATS:
        try:
            parsed = datetime.strptime(text.replace("Sept.", "Sep").replace(".", ""), fmt)
        except ValueError:
            continue
        return (parsed.strftime("%Y-%m-%d"), "day") if precision == "day" else (parsed.strftime("%Y-%m"), "month")
    return None, None


def _coordinate(row: dict[str, Any], column: str | None, limit: float) -> float | None:
    if column is None:
        return None
    value = row.get(column)
    if value is None or str(value).strip() == "":
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ValueError(f"column {column!r}: {value!r} is not a number (decimal degrees expected)") from None
    if not -limit <= number <= limit:
        raise ValueError(f"column {column!r}: {number} is outside -{limit:g}..{limit:g}")
    return number


@register("tabular")
def row_to_record(raw: RawItem) -> Record:
    row: dict[str, Any] = raw.data.get("row") or {}
    mapping: dict[str, str] = raw.data.get("mapping") or {}

    def get(field: str) -> Any:
        column = mapping.get(field)
        return row.get(column) if column else None

    record_id = clean_line(get("id"))
    if not record_id:
        record_id = f"row-{content_hash(row)[:20]}"
    taken_at, precision = parse_date(str(get("date"))) if get("date") not in (None, "") else (None, None)
    media_type = clean_line(get("media_type")).lower()
    assets = []
    for role, field in (("orig", "url"), ("thumb", "thumbnail")):
        href = clean_line(get(field))
        if href:
            assets.append({"role": role, "href": href})
    title, caption = clean_line(get("title")), clean_text(get("caption"))
    if not (title or caption or clean_line(get("id"))):
        raise ValueError("row has no title, caption or id in the mapped columns "
                         f"({', '.join(f'{k}={v}' for k, v in mapping.items())})")
    return Record(
        id=record_id,
        source="tabular",
        title=title,
        caption=caption,
        keywords=split_keywords(get("keywords").replace(",", ";") if isinstance(get("keywords"), str)
                                else get("keywords")),
        media_type=media_type if media_type in MEDIA_TYPES else "image",
        taken_at=taken_at,
        taken_precision=precision,
        taken_source="field" if taken_at else None,
        credit=clean_line(get("credit")) or None,
        photographer=clean_line(get("photographer")) or None,
        secondary_creator=clean_line(get("secondary_creator")) or None,
        center=normalise_center(get("center")),
        location_text=clean_line(get("location")) or None,
        lat=_coordinate(row, mapping.get("lat"), 90),
        lon=_coordinate(row, mapping.get("lon"), 180),
        album=split_keywords(get("album")),
        assets=assets,
        raw={"row": row, "mapping": mapping},
        provenance=[raw.provenance],
    )
