"""What text of a record is embedded, and its hash (vectors are recomputed only when it changes).

The chosen form is measured on the dev queries (docs/notes/issue-5-embeddings.md): title, keywords,
then caption. A title that is only the record's id (common in scanned collections) says nothing and
is left out; so is a caption that repeats the title.
"""

from __future__ import annotations

from cupola.embed.model import MAX_CHARS, MODEL_ID
from cupola.model import Record, content_hash

TEXT_VERSION = "1"
VARIANTS = ("title", "title_caption", "title_keywords_caption")
DEFAULT_VARIANT = "title_keywords_caption"


def _meaningful_title(record: Record) -> str:
    title = (record.title or "").strip()
    if not title or title.lower() == record.id.lower():
        return ""
    return title


def record_text(record: Record, variant: str = DEFAULT_VARIANT) -> str:
    """The text that stands for ``record`` in the vector space."""
    title = _meaningful_title(record)
    caption = (record.caption or "").strip()
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
