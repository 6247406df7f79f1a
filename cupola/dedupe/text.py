"""Caption text for series detection: what counts as the same caption, and what is boilerplate.

A record's series text is its caption (or its title when the caption is empty or repeats the
title). It is lowercased, "?" damage is repaired, and the record's own photo id is removed wherever
it appears ("S69-31075 (18 April 1969) --- Suited astronaut ..." keeps only the words after the id),
so frames of one series that each start with their own id compare equal.

Boilerplate never forms a stack: empty text, text that is only the id, generic labels ("NASA
image"), anything with fewer than ``MIN_WORDS`` words or fewer than ``MIN_REAL_WORDS`` words of
letters (camera strings such as "NASA 2071129 83.3F"). Short texts (fewer than
``SHORT_WORDS`` words) must match exactly; longer ones are near-duplicates when the Jaccard
similarity of their word 3-shingles is at least ``MIN_JACCARD`` (for captions under
``MEDIUM_WORDS`` words, or when their word sets agree to ``MIN_WORD_JACCARD``, so one typo in a short
caption is forgiven) and they do not name different missions or vehicles ("STS-95 ..." vs
"STS-96 ...": same template, different event).
"""

from __future__ import annotations

import re
import zlib

from cupola.model import Record

MIN_WORDS = 4
MIN_REAL_WORDS = 3  # words of letters, not counting filler like "nasa", "image", "photo"
SHORT_WORDS = 10
MIN_JACCARD = 0.75
MEDIUM_WORDS = 40  # below this, one edit may be forgiven by comparing word sets instead
MIN_WORD_JACCARD = 0.8
SHINGLE = 3
MAX_WORDS = 150  # compare on the first 150 words: a transcript-length text adds nothing but time
GENERIC = {
    "nasa image", "nasa photo", "no description", "no description available", "untitled", "image", "photo",
    "photograph", "picture", "description", "n a", "na", "none", "null", "tbd", "test", "nasa",
}
_GENERIC_WORDS = max(len(label.split()) for label in GENERIC)  # longer texts are never a generic label
_FILLER = {"nasa", "image", "images", "photo", "photos", "photograph", "picture", "the", "a", "an", "of", "and",
           "jpg", "jpeg", "tif", "png", "copy", "file", "img", "dsc", "frame"}
_WORD = re.compile(r"[a-z0-9]+")
# words() splits like _WORD.findall, in C: UTF-8 bytes other than [a-z0-9] become spaces (non-ASCII too)
_SPACES = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789" else 32 for c in range(256))
_RAW_TOKEN = re.compile(r"[a-z0-9][a-z0-9_./-]*[a-z0-9]|[a-z0-9]")
_ID_PARTS = re.compile(r"[a-z]+|\d+")
_DAMAGED_APOSTROPHE = re.compile(r"(?<=[a-z])\?(?=[a-z])")
_GLUED = re.compile(r"^([a-z]{2,})\d+[a-z]?$")
_NOT_DESIGNATORS = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
    "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
    "day", "days", "at", "on", "of", "in", "to", "and", "the", "from", "by", "is", "was", "about", "than",
    "over", "under", "frame", "frames", "image", "photo", "figure", "fig", "page", "part", "version", "no",
    "number", "sol", "orbit", "revolution", "rev", "degrees", "minutes", "seconds", "hours", "feet", "miles",
    "km", "m", "mm", "inch", "inches", "percent", "pm", "am", "utc", "gmt", "cst", "est", "edt", "cdt", "pdt",
    # function words before a number ("last for 54 hours", "past 7 a.m."): never a mission's name
    "for", "last", "past", "with", "after", "before", "until", "through", "since", "into", "onto", "as",
    "are", "were", "be", "been", "nearly", "almost", "approximately", "around", "some", "all", "only", "first",
    "next", "every", "each", "per", "within", "near", "above", "below", "up", "down", "its",
}


def id_form(value: str) -> str:
    """'AS11-40-5903' / 'as11-40-05903' -> 'as11405903'-like normal form: lowercase, alphanumerics,
    numbers without leading zeros (each number run kept apart so '1-23' and '12-3' differ)."""
    parts = _ID_PARTS.findall(value.lower())
    return ".".join(str(int(p)) if p.isdigit() else p for p in parts)


def series_tokens(record: Record) -> list[str] | None:
    """The words a series is compared on, or None when the text is boilerplate."""
    caption = (record.caption or "").strip()
    title = (record.title or "").strip()
    lowered = caption.lower()
    if not caption or lowered == title.lower():
        lowered = (caption or title).lower()
    if not lowered:
        return None
    if "?" in lowered:
        lowered = _DAMAGED_APOSTROPHE.sub("'", lowered)
    own = id_form(record.id)
    if own and all(part in lowered for part in own.split(".")):
        words = _without_id(lowered, own, record.id)
    else:  # no token can name the id (each of its parts would be in the text): every word is kept
        words = words_of(lowered)
    if len(words) < MIN_WORDS or (len(words) <= _GENERIC_WORDS and " ".join(words) in GENERIC):
        return None
    if not _enough_real_words(words):
        return None  # camera or catalogue strings: "NASA 2071129 83.3F"
    del words[MAX_WORDS:]
    if own and len(words) <= 12 and id_form(" ".join(words)) == own:
        return None
    return words


def words_of(text: str) -> list[str]:
    """``_WORD.findall(text)``, about five times faster."""
    return text.encode("utf-8", "surrogatepass").translate(_SPACES).decode("ascii").split()


def _without_id(text: str, own: str, record_id: str) -> list[str]:
    """The words of text, leaving out tokens that name the record's own id (``own``: its ``id_form``).
    Joining the ``_WORD`` runs of every ``_RAW_TOKEN`` gives exactly ``_WORD.findall(text)``."""
    own_has_digit = any(ch.isdigit() for ch in own)
    own_starts = {own[:1], record_id.lower()[:1]}  # a token naming the id starts like it
    words = []
    for raw in _RAW_TOKEN.findall(text):
        if raw.isalpha():  # most words: cannot be an id that has digits
            if not own_has_digit and raw == own:
                continue
            words.append(raw)
            continue
        if raw.lstrip("0")[:1] in own_starts and id_form(raw) == own:
            continue
        words.extend(_WORD.findall(raw))
    return words


# What a center wraps around a caption it republishes: a dateline ("KENNEDY SPACE CENTER, FLA. --"),
# its own photo id and date ("S87-26113 (5 March 1981) ---") and a credit line ("Photo credit: NASA").
_DATELINE = re.compile(r"^\s*[A-Z][A-Z .,'’&-]{2,60}?(?:,\s*[A-Z][A-Za-z.]{1,12})?\s*(?:--+|[–—]|-\s)\s*")
_ID_DATE_HEAD = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9_./-]*\s*\([^()]{4,40}\)\s*(?:-{1,3}|[–—])\s*")
_CREDIT = re.compile(r"credits?\s*:", re.IGNORECASE)
_CREDIT_LABEL = re.compile(r"(?:photo|image|picture)\s*$", re.IGNORECASE)
_BODY_CHARS = 1500  # enough for MAX_WORDS words; transcripts are not read to the end


def body_tokens(record: Record, chars: int = _BODY_CHARS) -> list[str] | None:
    """The words of a caption without what a publisher wraps around it (dateline, id and date head,
    credit line), or None when fewer than ``SHORT_WORDS`` remain. Two centers republishing one photo
    keep the body and change the wrapping. Only the caption's first ``chars`` characters are read."""
    caption = _ID_DATE_HEAD.sub("", (record.caption or "")[:chars].strip(), count=1)
    caption = _DATELINE.sub("", caption, count=1)
    credit = caption.lower().find("credit")
    if credit >= 0 and _CREDIT.match(caption, credit):
        caption = _CREDIT_LABEL.sub("", caption[:credit])
    caption = caption.lower()
    if "?" in caption:
        caption = _DAMAGED_APOSTROPHE.sub("'", caption)
    words = words_of(caption)[:MAX_WORDS]
    return words if len(words) >= SHORT_WORDS else None


def _enough_real_words(words: list[str]) -> bool:
    real = 0
    for word in words:
        if word.isalpha() and word not in _FILLER:
            real += 1
            if real >= MIN_REAL_WORDS:
                return True
    return False


def shingles(words: list[str]) -> set[str]:
    """Word 3-shingles ("a b c") of a text."""
    if len(words) < SHINGLE:
        return {" ".join(words)}
    return {f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False)}


def exact_key(words: list[str]) -> int:
    """A 63-bit key of the exact word sequence (short texts only match exactly)."""
    return zlib.crc32(" ".join(words).encode()) | (len(words) << 32)


def designators(words: list[str]) -> set[str]:
    """Mission/vehicle-like names with numbers: 'sts-95', 'apollo 11', 'expedition 42', 'ma8'."""
    out = set()
    previous = ""
    for word in words:
        if word[0].isdigit():  # "sts 95": a name, then its number
            if len(previous) > 1 and previous.isalpha() and previous not in _NOT_DESIGNATORS:
                out.add(previous + word)
        elif not word.isalpha():  # "ma8", "sts95": letters and digits in one word (pure words never are)
            glued = _GLUED.match(word)
            if glued and glued.group(1) not in _NOT_DESIGNATORS:
                out.add(word)
        previous = word
    return out


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def similar(a: list[str], b: list[str], b_shingles: set[str] | None = None,
            a_shingles: set[str] | None = None) -> float:
    """Similarity in [0, 1] of two series texts under the rules above (0 = never the same series).

    Callers comparing one text with many may pass precomputed shingle sets.
    """
    if len(a) < SHORT_WORDS or len(b) < SHORT_WORDS:
        return 1.0 if a == b else 0.0
    if 2 * min(len(a), len(b)) < max(len(a), len(b)):  # lengths alone rule out Jaccard >= 0.5
        return 0.0
    score = jaccard(a_shingles or shingles(a), b_shingles or shingles(b))
    if score < MIN_JACCARD and max(len(a), len(b)) < MEDIUM_WORDS:
        # a short caption loses many shingles to one edit ("aerials" / "aerial"): compare its words
        score = jaccard(set(a), set(b))
        if score < MIN_WORD_JACCARD:
            return 0.0
    elif score < MIN_JACCARD:
        return 0.0
    if conflicting(designators(a), designators(b)):
        return 0.0
    return score


def conflicting(a: set[str], b: set[str]) -> bool:
    """Both name something the other does not ("sts95" vs "sts96"); one merely adding a name is fine."""
    return bool(a - b) and bool(b - a)
