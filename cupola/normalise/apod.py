"""An APOD day -> Record ``apod-YYYY-MM-DD``.

The explanation's HTML becomes plain text; its links are kept in ``raw["links"]`` (absolute URLs).
A ``copyright`` holder becomes the credit and marks the record ``rights = "third_party"``; without
one, the ``credit`` line (when published) is the credit. The date is the day APOD published it.
"""

from __future__ import annotations

import re

from cupola.model import RawItem, Record
from cupola.normalise import register
from cupola.normalise.links import html_to_text_and_links
from cupola.normalise.text import clean_line

APOD_BASE = "https://apod.nasa.gov/apod/"
_LABEL = re.compile(r"^\s*Explanation\s*:\s*", re.IGNORECASE)
_MEDIA = {"image": "image", "video": "video"}


@register("apod")
def apod_to_record(raw: RawItem) -> Record:
    day = raw.data
    date = str(day.get("date", "")).strip()
    if not date:
        raise ValueError("APOD day without a date")
    explanation = day.get("explanation") if isinstance(day.get("explanation"), str) else ""
    caption, links = html_to_text_and_links(explanation, APOD_BASE)
    caption = _LABEL.sub("", caption)
    copyright_holder = clean_line(day.get("copyright"))
    credit = copyright_holder or clean_line(day.get("credit"))
    media_type = str(day.get("media_type") or "").lower()
    assets = []
    for role, key in (("orig", "hdurl"), ("large" if media_type != "video" else "video", "url"),
                      ("thumb", "thumbnail_url")):
        href = day.get(key)
        if isinstance(href, str) and href.strip():
            assets.append({"role": role, "href": href.strip()})
    raw_values = dict(day)
    raw_values["links"] = links
    page = f"{APOD_BASE}ap{date[2:4]}{date[5:7]}{date[8:10]}.html"
    return Record(
        id=f"apod-{date}",
        source="apod",
        title=clean_line(day.get("title")),
        caption=caption,
        media_type=_MEDIA.get(media_type),
        taken_at=date,
        taken_precision="day",
        taken_source="apod_date",
        credit=credit or None,
        rights="third_party" if copyright_holder else None,
        assets=assets + [{"role": "page", "href": page}],
        raw=raw_values,
        provenance=[raw.provenance],
    )
