"""A photo item found on a gallery page (HTML or text capture) -> Record.

The id is ``page-`` + a hash of the page (its URL, else its file name) and the item's image URL,
heading and caption, so re-reading the same page gives the same records. The page's own URL, title
and date stay in ``raw["page"]``; the item's date (when the page gives one per item) is taken_at.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from cupola.model import RawItem, Record, content_hash
from cupola.normalise import register
from cupola.normalise.tabular import parse_date
from cupola.normalise.text import clean_line, clean_text

_VIDEO_EXT = (".mp4", ".webm", ".ogv", ".mov", ".m4v")


def _page_key(page: dict[str, Any], where: str | None) -> str:
    url = page.get("url") or ""
    if url.startswith(("http://", "https://")):
        return url
    return PurePath(where or url).name


@register("page")
def page_item_to_record(raw: RawItem) -> Record:
    page: dict[str, Any] = raw.data.get("page") or {}
    item: dict[str, Any] = raw.data.get("item") or {}
    heading, caption = clean_line(item.get("heading")), clean_text(item.get("caption"))
    image = (item.get("image") or "").strip()
    if not (caption or heading or image):
        raise ValueError("page item has no caption, heading or image")
    identity = {"page": _page_key(page, raw.provenance.file), "image": image, "heading": heading,
                "caption": caption[:500]}
    alt = clean_line(item.get("alt"))
    taken_at, precision = parse_date(item["date"]) if item.get("date") else (None, None)
    assets = []
    if image:
        assets.append({"role": "large", "href": image})
    if item.get("thumbnail"):
        assets.append({"role": "thumb", "href": item["thumbnail"]})
    if page.get("url", "").startswith(("http://", "https://")):
        assets.append({"role": "page", "href": page["url"]})
    media = "video" if image.lower().split("?")[0].endswith(_VIDEO_EXT) else "image"
    return Record(
        id=f"page-{content_hash(identity)[:20]}",
        source="page",
        title=heading or (alt if 0 < len(alt) <= 150 else ""),
        caption=caption,
        media_type=media,
        taken_at=taken_at,
        taken_precision=precision,
        taken_source="page" if taken_at else None,
        credit=clean_line(item.get("credit")) or None,
        rights="third_party" if item.get("copyright") else None,
        assets=assets,
        raw={"page": page, "item": item},
        provenance=[raw.provenance],
    )
