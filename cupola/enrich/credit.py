"""Credit lines: "Photo Credit: (NASA/Bill Ingalls)", "Image credit: NASA/ESA", "Credit: NASA/JPL"."""

from __future__ import annotations

import re

_CREDIT = re.compile(r"\b(?:Photo|Image|Video|Picture|Photograph)?\s*[Cc]redits?\s*:\s*"
                     r"(?P<value>[^\n]{1,200}?)\s*(?=\n|$|\s{2,}|(?<=[)])\s)", re.IGNORECASE)


def find_credit(text: str) -> tuple[str, tuple[int, int]] | None:
    """(credit text, span of the whole credit line) or None."""
    best = None
    if "redit" not in text and "REDIT" not in text:
        return None
    for m in _CREDIT.finditer(text):
        best = m
    if best is None:
        return None
    value = best.group("value").strip()
    value = value.strip()
    if value.startswith("(") and ")" in value:
        value = value[1:value.index(")")]
    value = value.strip().rstrip(".").strip().strip("()").strip()
    if not value or len(value) > 150:
        return None
    return value, best.span()
