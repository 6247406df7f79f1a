"""JSON and Markdown exports. Captions and headings are untrusted text: Markdown escapes what a CMS
would read as markup (HTML tags, links, emphasis), so a caption can never inject anything."""

from __future__ import annotations

import json
import re
from datetime import date

from cupola.galleries.model import Gallery, Item

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~])")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def to_json(gallery: Gallery) -> str:
    return json.dumps(gallery.to_dict(), ensure_ascii=False, indent=2)


def date_label(taken_at: str | None, precision: str | None) -> str:
    """'1969-07-20' day -> '20 July 1969'; month -> 'July 1969'; year -> '1969'."""
    if not taken_at:
        return "date unknown"
    try:
        if precision == "day" and len(taken_at) >= 10:
            d = date.fromisoformat(taken_at[:10])
            return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
        if precision in ("day", "month") and len(taken_at) >= 7:
            return f"{_MONTHS[int(taken_at[5:7]) - 1]} {taken_at[:4]}"
    except (ValueError, IndexError):
        pass
    return taken_at[:4]


def md_escape(text: str) -> str:
    text = (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"\s*\n\s*", " ", text).strip()
    return re.sub(r"^([#>+-]|\d+\.)", r"\\\1", text)  # nothing may start a heading, quote or list


def _url(value: str | None) -> str | None:
    if not value or not re.match(r"^(https?://|[\w./-]+$)", value) or any(c in value for c in " <>()\"'"):
        return None
    return value


def _item_md(item: Item) -> list[str]:
    lines = [f"### {md_escape(item.heading)}", ""]
    image = _url(item.image)
    if image:
        lines += [f"![{md_escape(item.heading)}]({image})", ""]
    if item.caption:
        lines += [md_escape(item.caption), ""]
    meta = [f"Credit: {md_escape(item.credit)}", date_label(item.taken_at, item.taken_precision)]
    link = _url(item.link)
    meta.append(f"[{md_escape(item.id)}]({link})" if link else md_escape(item.id))
    lines += ["*" + " · ".join(meta) + "*", ""]
    return lines


def to_markdown(gallery: Gallery) -> str:
    subject = gallery.subject
    lines = [f"# {md_escape(gallery.title)}", ""]
    facts = []
    if subject.start:
        span = date_label(subject.start, "day")
        if subject.end and subject.end != subject.start:
            span += " – " + date_label(subject.end, "day")
        facts.append(span)
    if subject.crew:
        facts.append("Crew: " + ", ".join(md_escape(c) for c in subject.crew))
    if facts:
        lines += ["*" + " · ".join(facts) + "*", ""]
    for note in gallery.notes:
        lines += [f"> {md_escape(note)}", ""]
    for phase in gallery.phases:
        if not phase.items:
            continue
        lines += [f"## {md_escape(phase.name)}", ""]
        for item in phase.items:
            lines += _item_md(item)
    return "\n".join(lines).rstrip() + "\n"
