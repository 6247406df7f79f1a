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
# (The "?" comes first so the regex engine can look for it directly; the letter is checked behind it.)
_QUESTION_APOSTROPHE = re.compile(r"\?(?<=[A-Za-z]\?)(?=(?:s|t|re|ll|ve|d|m)\b)")
# ASCII whitespace other than space and newline (str.split splits on these too).
_OTHER_ASCII_SPACES = tuple(c for c in map(chr, range(128)) if c.isspace() and c not in " \n")
_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)+")


def _plain(text: str) -> bool:
    """Text needing no repair beyond trimming (the common case: plain ASCII prose without markup,
    entities, question marks, line breaks, tabs, form feeds or other control spaces, or double spaces)."""
    return (text.isascii() and "<" not in text and "&" not in text and "?" not in text and "\n" not in text
            and "  " not in text and not any(space in text for space in _OTHER_ASCII_SPACES))


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
    if _plain(text):
        return text.strip()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = strip_html(text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    if not text.isascii() and ("Â" in text or "Ã" in text or "â" in text) and _MOJIBAKE.search(text):
        text = ftfy.fix_text(text, uncurl_quotes=False)
    if "?" in text:
        text = _QUESTION_APOSTROPHE.sub("\u2019", text)
    if "\u200b" in text:  # zero-width space: not whitespace to str.split
        text = text.replace("\u200b", " ")
    text = _collapse_spaces(text)
    if "\n\n\n" in text:  # lines are trimmed now: a run of blank lines is a run of newlines
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _collapse_spaces(text: str) -> str:
    """Each line's runs of whitespace (spaces, tabs, no-break spaces...) as one space, line ends trimmed."""
    if text.isascii() and not any(space in text for space in _OTHER_ASCII_SPACES):
        while "  " in text:  # only spaces and newlines: no need to split the text into words
            text = text.replace("  ", " ")
        if " \n" in text or "\n " in text:
            text = text.replace(" \n", "\n").replace("\n ", "\n")
        return text.strip(" ")
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def clean_line(value: object) -> str:
    """Clean a one-line value (title, name, place): all whitespace collapsed to single spaces."""
    if type(value) is str and _plain(value):
        return value.strip()
    text = clean_text(value)
    return " ".join(text.split()) if ("  " in text or "\n" in text or "\t" in text) else text


def split_keywords(value: object) -> list[str]:
    """Keywords arrive as a list, or sometimes as one 'a; b' string. Order kept, duplicates dropped."""
    if value is None or value == []:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            item = "" if item is None else str(item)
        parts = item.split(";") if ";" in item else (item,)
        for part in parts:
            word = clean_line(part)
            if word:
                folded = word.lower()
                if folded not in seen:
                    seen.add(folded)
                    out.append(word)
    return out
