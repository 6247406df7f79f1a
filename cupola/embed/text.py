"""What text of a record is embedded, and its hash (vectors are recomputed only when it changes).

The chosen form is measured on the dev queries (docs/notes/issue-5-embeddings.md): title, keywords,
then caption. A title that is only the record's id (common in scanned collections) says nothing and
is left out; so is a caption that repeats the title, and a press-release dateline opening a caption.
"""

from __future__ import annotations

import re

from cupola.embed.model import MAX_CHARS, MODEL_ID
from cupola.model import Record, content_hash

TEXT_VERSION = "1"  # part of every text hash: changing it re-embeds every record
# Raised when ``record_text`` changes what it keeps for some records (2: press-release datelines left out).
# ``cupola.embed.update`` then reads every record once more and embeds only the texts that changed.
TEXT_RECIPE = 2
VARIANTS = ("title", "title_caption", "title_keywords_caption")
DEFAULT_VARIANT = "title_keywords_caption"


# A press-release dateline opening a caption ("KENNEDY SPACE CENTER, FLA. --", "CAPE CANAVERAL, Fla. --",
# "JOHNSON SPACE CENTER, HOUSTON, TEXAS --"): where the release was issued, the same words on thousands of
# captions whatever they show (dev: 2,289 of 24,067). Embedded, it puts "Kennedy", "Florida", "Houston" into
# every such vector ("President Kennedy ..." then finds any KSC photo). The keyword index keeps it.
DATELINE = re.compile(r"^[A-Z][A-Z .']{2,}(?:(?:,\s*[A-Z][A-Za-z.]*)+|\s+[A-Z][a-z]{1,5}\.)\s*-{1,3}\s*")


def _without_dateline(caption: str) -> str:
    match = DATELINE.match(caption)
    return caption[match.end():] if match and match.end() < len(caption) else caption


def _meaningful_title(record: Record) -> str:
    title = (record.title or "").strip()
    if not title or title.lower() == record.id.lower():
        return ""
    return title


def record_text(record: Record, variant: str = DEFAULT_VARIANT) -> str:
    """The text that stands for ``record`` in the vector space."""
    title = _meaningful_title(record)
    caption = _without_dateline((record.caption or "").strip())
    if caption == title:
        caption = ""
    if variant == "title":
        parts = [title or caption[:200]]
    elif variant == "title_caption":
        parts = [title, caption]
    elif variant == "title_keywords_caption":
        keywords = "; ".join(k for k in record.keywords if k and k.lower() not in title.lower())
        parts = [title, keywords, caption]
    else:
        raise ValueError(f"unknown text variant {variant!r} (one of {', '.join(VARIANTS)})")
    text = ". ".join(p.rstrip(". ") for p in parts if p)
    return text[:MAX_CHARS]


def text_hash(text: str) -> str:
    """Identity of what was embedded: the text, the model and the text recipe."""
    return content_hash([MODEL_ID, TEXT_VERSION, text])[:16]
