"""Cleaning published text: HTML tags and entities, mojibake, '?'-for-apostrophe damage, whitespace.

Each repair is applied only where it is unambiguous; anything else is left as published
(the raw value is always kept beside the cleaned one).
"""

from __future__ import annotations

import html
import re

import ftfy
from selectolax.lexbor import LexborHTMLParser as HTMLParser

_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6])\s*/?>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
_MOJIBAKE = re.compile("[ÂÃâ][\u0080-\u00bf\u20ac\u201a-\u2122]")
# "Earth?s", "don?t", "they?re": a question mark between letters stands for a lost apostrophe.
_QUESTION_APOSTROPHE = re.compile(r"(?<=[A-Za-z])\?(?=(?:s|t|re|ll|ve|d|m)\b)")
# Text with none of these needs no repair beyond trimming (the common case: plain ASCII prose).
_NEEDS_WORK = re.compile(r"[<&?\r\n\t\u0080-\U0010ffff]|  ")
_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)+")


def strip_html(text: str) -> str:
    """Remove HTML markup (keeping line breaks for <br>/<p>), only if the text contains tags."""
    if "<" not in text or not _TAG.search(text):
        return text
    text = _BREAK.sub("\n", text)
    tree = HTMLParser(f"<div>{text}</div>")
    node = tree.css_first("div")
    return node.text(deep=True, separator="") if node is not None else _TAG.sub("", text)


def clean_text(value: object) -> str:
    """Clean one published text value. Non-strings become '' (None) or their str()."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not text:
        return ""
    if not _NEEDS_WORK.search(text):
        return text.strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = strip_html(text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    if _MOJIBAKE.search(text):
        text = ftfy.fix_text(text, uncurl_quotes=False)
    if "?" in text:
        text = _QUESTION_APOSTROPHE.sub("\u2019", text)
    if "\u200b" in text:  # zero-width space: not whitespace to str.split
        text = text.replace("\u200b", " ")
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))  # spaces, tabs, no-break spaces
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def clean_line(value: object) -> str:
    """Clean a one-line value (title, name, place): all whitespace collapsed to single spaces."""
    text = clean_text(value)
    return " ".join(text.split()) if ("  " in text or "\n" in text or "\t" in text) else text


def split_keywords(value: object) -> list[str]:
    """Keywords arrive as a list, or sometimes as one 'a; b' string. Order kept, duplicates dropped."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            item = "" if item is None else str(item)
        parts = item.split(";") if ";" in item else [item]
        for part in parts:
            word = clean_line(part)
            if word and word.lower() not in seen:
                seen.add(word.lower())
                out.append(word)
    return out
