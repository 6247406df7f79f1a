"""NASA Image and Video Library items (images-api collection items and flat crawl rows) -> Record."""

from __future__ import annotations

import re
from typing import Any

from cupola.model import MEDIA_TYPES, RawItem, Record
from cupola.normalise import register
from cupola.normalise.centers import normalise_center
from cupola.normalise.text import clean_line, clean_text, split_keywords

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# Keys that our own data files add around a published item; they are provenance, not content.
META_KEYS = frozenset(("_shape", "_source", "_seen", "_seen_repos", "_variants"))


def item_data(item: dict[str, Any]) -> dict[str, Any]:
    """The images-api metadata dict of an item, whatever its shape (item with data[0], or flat row)."""
    data = item.get("data")
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return data[0]
    if isinstance(data, dict):
        return data
    return item


def parse_date_created(value: object) -> tuple[str | None, str | None]:
    """'1969-07-16T00:00:00Z' -> ('1969-07-16', 'day'); '1969' -> ('1969', 'year')."""
    if not isinstance(value, str):
        return None, None
    match = _ISO_DATE.match(value.strip())
    if not match:
        return None, None
    year, month, day = match.groups()
    if day and month:
        return f"{year}-{month}-{day}", "day"
    if month:
        return f"{year}-{month}", "month"
    return year, "year"


_ROLES = {"preview": "thumb", "captions": "captions", "alternate": "alternate"}
_LINK_EXTRAS = ("width", "height", "size", "render")


def _assets(item: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every distinct href the item names, first role wins: its links, then asset / thumbnail fields."""
    assets: list[dict[str, Any]] = []
    seen: set[str] = set()
    for link in item.get("links") or ():
        if isinstance(link, dict):
            rel = link.get("rel")
            asset = _add(assets, seen, _ROLES.get(rel, rel or "link"), link.get("href"))
            if asset is not None:
                for key in _LINK_EXTRAS:
                    if key in link:
                        asset[key] = link[key]
    extra_fields = item.get("_extra")
    for source in (extra_fields, data, item) if isinstance(extra_fields, dict) else (data, item):
        _add(assets, seen, "orig", source.get("asset"))
        _add(assets, seen, "thumb", source.get("thumbnail"))
    _add(assets, seen, "manifest", item.get("href"))
    return assets


def _add(assets: list[dict[str, Any]], seen: set[str], role: str, href: object) -> dict[str, Any] | None:
    """Append an asset for ``href`` unless it is empty or already listed; returns the new asset."""
    if not isinstance(href, str) or not href or href in seen:
        return None
    seen.add(href)
    asset = {"role": role, "href": href}
    assets.append(asset)
    return asset


@register("nasa_json")
def nasa_item_to_record(raw: RawItem) -> Record:
    item = raw.data
    data = item_data(item)
    nasa_id = data.get("nasa_id")
    if isinstance(nasa_id, (int, float)) and not isinstance(nasa_id, bool):
        nasa_id = str(nasa_id)
    if not isinstance(nasa_id, str) or not nasa_id.strip():
        raise ValueError("item has no nasa_id; every images-api item needs one (data[0].nasa_id)")
    if not (data.get("title") or data.get("description") or data.get("date_created") or data.get("media_type")
            or data.get("keywords")):
        raise ValueError("not an images-api item: it has a nasa_id but no title, description, "
                         "date_created, media_type or keywords")
    media_type = data.get("media_type")
    media_type = media_type.strip().lower() if isinstance(media_type, str) else None
    taken_at, precision = parse_date_created(data.get("date_created"))
    raw_values = {k: v for k, v in item.items() if k not in META_KEYS}
    return Record(
        id=nasa_id.strip(),
        source="nasa",
        title=clean_line(data.get("title")),
        caption=clean_text(data.get("description") or data.get("description_508")),
        keywords=split_keywords(data.get("keywords")),
        media_type=media_type if media_type in MEDIA_TYPES else None,
        taken_at=taken_at,
        taken_precision=precision,
        taken_source="date_created" if taken_at else None,
        photographer=clean_line(data.get("photographer")) or None,
        secondary_creator=clean_line(data.get("secondary_creator")) or None,
        center=normalise_center(data.get("center")),
        location_text=clean_line(data.get("location")) or None,
        album=split_keywords(data.get("album")),
        assets=_assets(item, data),
        raw=raw_values,
        provenance=[raw.provenance],
    )
