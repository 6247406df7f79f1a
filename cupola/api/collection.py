"""Records in NASA's images-api shapes: collection+json items, paging links, asset manifests, metadata.

Field names and types follow images-api.nasa.gov: ``data[0]`` carries ``nasa_id``, ``title``,
``media_type``, ``center``, ``date_created`` (``YYYY-MM-DDTHH:MM:SSZ``) always, and ``description``,
``description_508``, ``keywords`` (list), ``album`` (list), ``location``, ``photographer``,
``secondary_creator`` (strings) only when the record has them. A record that came from NASA keeps the
values NASA published; other records are mapped from the canonical fields.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from cupola.model import Record

STRING_FIELDS = ("description", "description_508", "location", "photographer", "secondary_creator")
LIST_FIELDS = ("keywords", "album")
SIZE_ROLES = ("orig", "large", "medium", "small", "thumb")
PREVIEW_ROLES = ("thumb", "small", "preview", "medium", "large", "orig")


def quote_id(record_id: str) -> str:
    return quote(record_id, safe="")


def asset_url(base: str, record: Record, position: int) -> str | None:
    """Where a client can fetch ``record.assets[position]``: our own route for local files, else its href."""
    asset = record.assets[position]
    if asset.get("path"):
        return f"{base}/media/{quote_id(record.id)}/{position}"
    href = asset.get("href")
    return href if isinstance(href, str) and href else None


def preview_url(base: str, record: Record) -> str | None:
    """A thumbnail for the record: a local generated one first, else the record's own preview URL."""
    for role in PREVIEW_ROLES:
        for position, asset in enumerate(record.assets):
            if asset.get("role") == role and asset.get("path"):
                return asset_url(base, record, position)
    return record.preview_url()


def date_created(record: Record) -> str | None:
    if not record.taken_at:
        return None
    parts = record.taken_at.split("-")
    year = parts[0]
    month = parts[1] if len(parts) > 1 else "01"
    day = parts[2][:2] if len(parts) > 2 else "01"
    return f"{year}-{month}-{day}T00:00:00Z"


def _published(record: Record) -> dict[str, Any]:
    raw = record.raw or {}
    data = raw.get("data")
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return data[0]
    return raw if record.source == "nasa" else {}


def item_data(record: Record) -> dict[str, Any]:
    """``data[0]`` of a collection item for this record, with NASA's field names and types."""
    published = _published(record)
    out: dict[str, Any] = {
        "nasa_id": record.id,
        "title": _text(published.get("title")) or record.title or record.id,
        "media_type": record.media_type or "image",
        "center": _text(published.get("center")) or record.center or "",
        "date_created": _text(published.get("date_created")) or date_created(record) or "",
    }
    canonical = {
        "description": record.caption, "description_508": None, "location": record.location_text,
        "photographer": record.photographer, "secondary_creator": record.secondary_creator,
    }
    for name in STRING_FIELDS:
        value = _text(published.get(name)) or canonical.get(name)
        if value:
            out[name] = value
    for name, fallback in (("keywords", record.keywords), ("album", record.album)):
        value = published.get(name)
        if isinstance(value, str):
            value = [value] if value.strip() else []
        if not isinstance(value, list) or not value:
            value = list(fallback)
        value = [str(v) for v in value if str(v).strip()]
        if value:
            out[name] = value
    return out


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def item(base: str, record: Record) -> dict[str, Any]:
    """One collection+json item: href (the asset manifest), data, links (preview first)."""
    links: list[dict[str, Any]] = []
    preview = preview_url(base, record)
    if preview:
        links.append({"href": preview, "rel": "preview", "render": "image"})
    for position, asset in enumerate(record.assets):
        role = asset.get("role")
        if role in ("captions", "alternate", "canonical"):
            url = asset_url(base, record, position)
            if url and url != preview:
                link = {"href": url, "rel": role}
                if role != "captions":
                    link["render"] = "image"
                links.append(link)
    return {"href": f"{base}/assets/{quote_id(record.id)}/collection.json", "data": [item_data(record)],
            "links": links}


def manifest_urls(base: str, record: Record) -> list[str]:
    """Every file of the record, largest first, then its metadata.json (NASA's collection.json list)."""
    order = {role: i for i, role in enumerate(SIZE_ROLES)}
    ranked = sorted(range(len(record.assets)),
                    key=lambda p: order.get(record.assets[p].get("role"), len(order)))
    urls: list[str] = []
    for position in ranked:
        if record.assets[position].get("role") == "manifest":
            continue
        url = asset_url(base, record, position)
        if url and url not in urls:
            urls.append(url)
    urls.append(metadata_url(base, record.id))
    return urls


def metadata_url(base: str, record_id: str) -> str:
    return f"{base}/assets/{quote_id(record_id)}/metadata.json"


def metadata_document(record: Record) -> dict[str, Any]:
    """The metadata.json a ``/metadata/{nasa_id}`` location points at (NASA's ``AVAIL:`` keys)."""
    data = item_data(record)
    names = {"nasa_id": "AVAIL:NASAID", "title": "AVAIL:Title", "description": "AVAIL:Description",
             "description_508": "AVAIL:Description508", "center": "AVAIL:Center",
             "date_created": "AVAIL:DateCreated", "media_type": "AVAIL:MediaType",
             "keywords": "AVAIL:Keywords", "album": "AVAIL:Album", "location": "AVAIL:Location",
             "photographer": "AVAIL:Photographer", "secondary_creator": "AVAIL:SecondaryCreator"}
    out = {names[k]: v for k, v in data.items() if k in names}
    for asset in record.assets:
        if asset.get("width") and asset.get("height") and asset.get("role") in ("orig", "large"):
            out["File:ImageWidth"], out["File:ImageHeight"] = asset["width"], asset["height"]
            break
    return out


def collection(href: str, items: list[dict[str, Any]], total: int | None = None,
               links: list[dict[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"version": "1.0", "href": href, "items": items}
    if total is not None:
        body["metadata"] = {"total_hits": total}
    if links:
        body["links"] = links
    return {"collection": body}


def paging_links(base_path: str, params: list[tuple[str, str]], page: int, page_size: int,
                 total: int, last_page: int) -> list[dict[str, str]]:
    """``prev`` / ``next`` links carrying the request's own parameters with the page changed."""
    kept = [(k, v) for k, v in params if k != "page"]
    links = []
    if page > 1:
        links.append({"rel": "prev", "prompt": "Previous",
                      "href": f"{base_path}?{urlencode([*kept, ('page', str(page - 1))])}"})
    if page * page_size < total and page < last_page:
        links.append({"rel": "next", "prompt": "Next",
                      "href": f"{base_path}?{urlencode([*kept, ('page', str(page + 1))])}"})
    return links
