"""One record -> one publishable gallery item: heading, trimmed caption, credit, date, image, link.

Captions as NASA publishes them often open with the photo number and date
("AS11-40-5903 (20 July 1969) --- Astronaut ..."): that prefix is shown as the date and the id
already, so it is cut. Captions are trimmed at a sentence end when one is near the limit, else at a
word boundary with an ellipsis; never mid-word.
"""

from __future__ import annotations

import re
from pathlib import Path

from cupola.galleries.model import Item
from cupola.model import Record

HEADING_CHARS = 90
CAPTION_CHARS = 420
_PREFIX = re.compile(
    r"^\s*(?:[A-Z]{1,4}[0-9]{0,4}[-_ ]?[A-Z0-9]{1,6}(?:[-_][A-Z0-9]{1,8}){0,3}\s*)?"  # a photo number
    r"(?:\([^)]{4,40}\)\s*)?"  # "(20 July 1969)"
    r"(?:-{2,}|—|–)\s*")  # the "---" that ends the prefix
_DATELINE = re.compile(  # "KENNEDY SPACE CENTER, FLA. -- ", "CAPE CANAVERAL, Fla. – "
    r"^\s*[A-Z][A-Z .,'’]{3,60}(?:,\s*[A-Z][a-z]{1,6}\.?)?\s[-–—]{1,3}\s+(?=\S)")
_ABBREVIATIONS = {"jr", "sr", "dr", "st", "mt", "no", "vs", "lt", "col", "gen", "capt", "cmdr", "fla", "calif",
                  "mr", "mrs", "ms", "sgt", "maj", "adm", "inc", "co", "corp", "approx", "fig", "u.s", "a.m", "p.m"}
_SENTENCE_END = re.compile(r"(?<=[A-Za-z0-9)\"'”’])[.!?](?=\s+[A-Z0-9\"“(])")
_SPACE = re.compile(r"\s+")
_NASA_LONG = re.compile(r"\bNASA or National Aeronautics and Space Administration\b|"
                        r"\bNational Aeronautics and Space Administration\b")
MAX_CREDIT_CHARS = 80
_CLAUSE_MARKS = (", ", "; ", " -- ", " during ", " as ", " with ", " after ", " following ", " while ", " when ",
                 " at ", " in ", " on ", " from ", " for ")
_IMAGE_ROLES = ("large", "medium", "orig", "small", "preview", "thumb")
_THUMB_ROLES = ("thumb", "small", "preview", "medium", "large", "orig")


def trim(text: str, limit: int) -> str:
    """Shorten to at most ``limit`` characters: at a sentence end if one is in the last 40%, else at a word."""
    text = _SPACE.sub(" ", text or "").strip()
    if len(text) <= limit:
        return text
    window = text[: limit + 1]
    ends = sentence_ends(window)
    if ends and ends[-1] >= limit * 0.6:
        return window[: ends[-1]].strip()
    cut = window.rfind(" ")
    if cut < limit * 0.5:
        cut = limit
    return window[:cut].rstrip(" ,;:-—(") + "…"


def sentence_ends(text: str) -> list[int]:
    """Offsets just past each sentence-ending mark (not after initials or abbreviations like "Jr.")."""
    out = []
    for m in _SENTENCE_END.finditer(text):
        word = re.search(r"([\w.]+)$", text[: m.start()])
        if m.group() == "." and word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
            continue
        out.append(m.end())
    return out


def clean_caption(record: Record) -> str:
    caption = (record.caption or "").strip()
    for pattern in (_PREFIX, _DATELINE):
        stripped = pattern.sub("", caption, count=1)
        if len(stripped) >= 20:
            caption = stripped
    return caption


def _is_code(title: str, record: Record) -> bool:
    t = title.strip()
    return (not t or t.lower() == record.id.lower() or not re.search(r"[a-z]{3}", t, re.IGNORECASE)
            or (" " not in t and any(ch.isdigit() for ch in t)))


def _first_sentence(caption: str) -> str:
    ends = sentence_ends(caption or "")
    first = (caption[: ends[0]] if ends else caption or "").strip().rstrip(".")
    if len(first) > HEADING_CHARS:  # prefer ending where a clause or a phrase ends
        cut = max(first.rfind(mark, 0, HEADING_CHARS) for mark in _CLAUSE_MARKS)
        if cut >= HEADING_CHARS * 0.45:
            return first[:cut].rstrip(" ,;:")
    return trim(first, HEADING_CHARS)


def heading(record: Record, caption: str, generic: bool = False) -> str:
    """The title when it reads as one; else (a bare number, a dateline, a catalogue line in capitals, a
    ``generic`` title many photos share, like "Saturn Apollo Program") the caption's first sentence."""
    title = _SPACE.sub(" ", record.title or "").strip()
    usable = bool(title) and not _is_code(title, record) and not _DATELINE.match(title + " - x")
    if generic and usable and len(_first_sentence(caption).split()) >= 4:
        return _first_sentence(caption)
    if usable and not title.isupper():
        return trim(title, HEADING_CHARS)
    sentence = _first_sentence(caption) if caption and caption.strip() != title else ""
    if len(sentence.split()) >= 4:
        return sentence
    if usable:
        return trim(title.capitalize(), HEADING_CHARS)
    return sentence or title or record.id


def credit(record: Record) -> str:
    """Who to credit. A third-party holder is always named; NASA records fall back to the NASA center."""
    given = _NASA_LONG.sub("NASA", (record.credit or "").strip())
    if record.rights != "third_party" and (len(given) > MAX_CREDIT_CHARS or "NOTE" in given):
        given = ""  # a caption sentence taken for a credit line
    if given:
        holder = given
        if record.rights == "third_party" and "©" not in holder and "copyright" not in holder.lower():
            return f"© {holder}"
        return holder
    if record.rights == "third_party":
        return ""
    people = _NASA_LONG.sub("NASA", record.photographer or record.secondary_creator or "").strip()
    if record.source == "nasa" or record.center:
        owner = f"NASA/{record.center}" if record.center else "NASA"
        return f"{owner}/{people}" if people and people.upper() not in ("NASA", "N/A", "NONE") else owner
    return people or ""


def _asset(record: Record, roles: tuple[str, ...], base: Path | None = None) -> str | None:
    """A URL, or a local file path (relative ones, like derived thumbnails, resolved against ``base``)."""
    for role in roles:
        for asset in record.assets:
            if asset.get("role") != role:
                continue
            href = asset.get("href")
            if href and not str(href).endswith((".json", ".srt", ".vtt")):
                return str(href)
            path = asset.get("path")
            if path:
                local = Path(str(path))
                return str(base / local if base is not None and not local.is_absolute() else local)
    return None


def image_of(record: Record, base: Path | None = None) -> str | None:
    return _asset(record, _IMAGE_ROLES, base)


def thumbnail_of(record: Record, base: Path | None = None) -> str | None:
    return _asset(record, _THUMB_ROLES, base)


def link_of(record: Record) -> str | None:
    if record.source == "nasa":
        return f"https://images.nasa.gov/details/{record.id}"
    for key in ("url", "page", "link"):
        value = record.raw.get(key) if isinstance(record.raw, dict) else None
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value
    return None


def generic_titles(records: list[Record], threshold: int = 3) -> frozenset[str]:
    """Titles shared by at least ``threshold`` records (with different captions) among ``records``."""
    captions: dict[str, set[str]] = {}
    for record in records:
        title = (record.title or "").strip().lower()
        if title:
            captions.setdefault(title, set()).add((record.caption or "")[:200])
    return frozenset(t for t, c in captions.items() if len(c) >= threshold)


def publishable(record: Record) -> bool:
    """An image we can show, and never a third-party photo whose credit we cannot show."""
    if record.media_type not in (None, "image"):
        return False
    if image_of(record) is None:
        return False
    return not (record.rights == "third_party" and not (record.credit or "").strip())


def make_item(record: Record, *, when: tuple[str | None, str | None] | None = None, score: float = 0.0,
              base: Path | None = None, generic_titles: frozenset[str] = frozenset()) -> Item:
    """The item for a record; ``base`` (the archive directory) resolves its local derived images;
    ``generic_titles`` are titles too many candidates share to tell one photo from another."""
    caption = clean_caption(record)
    taken_at, precision = when if when else (record.taken_at, record.taken_precision)
    cluster = record.cluster if record.cluster and record.cluster.get("size", 1) > 1 else None
    head = heading(record, caption, (record.title or "").strip().lower() in generic_titles)
    whole_sentence = caption.startswith(head) and caption[len(head):len(head) + 1] in (".", "!", "?")
    if whole_sentence and head != (record.title or "").strip():
        rest = caption[len(head):].lstrip(" .!?")
        if len(rest) >= 60:  # the heading is the caption's first sentence: do not print it twice
            caption = rest
    return Item(
        id=record.id,
        heading=head,
        caption=trim(caption, CAPTION_CHARS),
        credit=credit(record),
        taken_at=taken_at,
        taken_precision=precision,
        cluster_id=str(cluster["id"]) if cluster else None,
        image=image_of(record, base),
        thumbnail=thumbnail_of(record, base),
        link=link_of(record),
        rights=record.rights,
        event=(record.event or {}).get("type"),
        score=round(score, 4),
    )
