"""Which member stands for a cluster: best caption, then best image, then earliest date.

- caption: 2 = a real caption of at least ``SHORT_WORDS`` words, 1 = a short one, 0 = boilerplate;
- image: the most pixels among the record's own assets (not our renditions); a local file or a
  full-size URL beats a thumbnail only;
- date: the earliest ``taken_at`` (a stack's first frame), then the longer caption, then the id.
"""

from __future__ import annotations

from cupola.dedupe.text import SHORT_WORDS, series_tokens
from cupola.model import Record

_FULL_ROLES = ("orig", "large", "medium", "alternate")


_UNSET: list[str] = []


def caption_grade(record: Record, words: list[str] | None = _UNSET) -> int:
    """``words``: the record's ``series_tokens`` when the caller already has them."""
    if words is _UNSET:
        words = series_tokens(record)
    if not words:
        return 0
    return 2 if len(words) >= SHORT_WORDS else 1


def image_grade(record: Record) -> tuple[int, int]:
    pixels, full = 0, 0
    for asset in record.assets:
        if asset.get("of"):
            continue
        width, height = asset.get("width"), asset.get("height")
        if isinstance(width, int) and isinstance(height, int):
            pixels = max(pixels, width * height)
        if asset.get("path") or asset.get("role") in _FULL_ROLES:
            full = 1
    return full, pixels


def rank_key(record: Record, words: list[str] | None = _UNSET) -> tuple:
    """Smallest ranks first; ``words`` as in ``caption_grade``."""
    full, pixels = image_grade(record)
    return (-caption_grade(record, words), -full, -pixels, record.taken_at or "9999", -len(record.caption or ""),
            record.id)


def choose_representative(records: list[Record]) -> Record:
    return min(records, key=rank_key)


def best_ranked(ids: list[str], ranks: dict[str, tuple]) -> str:
    """The id with the smallest ``rank_key`` among ids whose ranks were computed before (ids end every key)."""
    return min(ids, key=ranks.__getitem__)
