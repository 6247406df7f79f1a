"""Name normalisation shared by the KB build and the runtime: mission designations and people.

``mission_key`` folds the many ways a flight is written ("Gemini IV", "Gemini-4", "GT-4",
"STS 51-F", "Soyuz TMA18") to one lookup key; ``canonical_mission`` gives the display form used in
labels ("STS-51F", "Soyuz TMA-18", "Mercury-Atlas 6"). ``person_key`` folds accents and case.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
          "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15, "xvi": 16, "xvii": 17, "xviii": 18}
_ROMAN_TOKEN = re.compile(r"(?<=[a-z][\s-])(i{1,3}|iv|vi{0,3}|ix|xi{0,3}|xiv|xvi{0,3})(?=$|[\s-]|[a-c]?$)")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PREFIXES = (("mercury-atlas", "ma"), ("mercury-redstone", "mr"), ("gemini-titan", "gemini"))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, accents removed."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def mission_key(name: str) -> str:
    """One key for every spelling of a mission designation."""
    text = fold(name).strip()
    text = re.sub(r"\(([a-z]{1,3})\)", " ", text)  # "Gemini-Titan (GT)-9A"
    for long, short in _PREFIXES:
        text = text.replace(long, short)
    text = re.sub(r"^(?:spacex|nasa's|nasa)\s+", "", text)
    text = re.sub(r"^gt[\s-]*(?=\d)", "gemini ", text)
    text = re.sub(r"^sl[\s-]*(?=\d)", "skylab ", text)
    text = re.sub(r"^(?:apollo|gemini|skylab)[\s-]+", lambda m: m.group(0), text)
    text = _ROMAN_TOKEN.sub(lambda m: str(_ROMAN[m.group(1)]), text)
    text = re.sub(r"^crew dragon\s+", "", text)
    text = re.sub(r"^(sts[\s-]*(?:2[6-9]|3[0-4]))r$", r"\1", text)
    text = re.sub(r"^axiom mission\s*", "ax", text)
    return _NON_ALNUM.sub("", text)


_SOYUZ = re.compile(r"^soyuz[\s-]*(tma|tm|t|ms)?[\s-]*(\d{1,2})([a-z])?(?:/.*)?$", re.IGNORECASE)
_STS = re.compile(r"^sts[\s-]*(\d{1,3})(?:[\s-]*([a-z]))?$", re.IGNORECASE)
_STS_R = re.compile(r"^sts[\s-]*(2[6-9]|3[0-4])r$", re.IGNORECASE)  # return-to-flight numbering
_FAMILY = re.compile(r"^(apollo|gemini|mercury-atlas|mercury-redstone|skylab|vostok|voskhod|shenzhou|"
                     r"expedition|artemis|soyuz)[\s-]*(\d{1,3}|[ivx]{1,5})([a-z])?$", re.IGNORECASE)
_SHORT = {"ma": "Mercury-Atlas", "mr": "Mercury-Redstone", "gt": "Gemini", "sl": "Skylab"}


def canonical_mission(name: str) -> str:
    """Display form of a designation as labels write it; unknown shapes come back trimmed."""
    text = " ".join(name.split())
    match = _STS_R.match(text)
    if match:
        return f"STS-{match.group(1)}"
    match = _STS.match(text)
    if match:
        number, letter = match.groups()
        return f"STS-{int(number)}{letter.upper() if letter else ''}"
    match = _SOYUZ.match(text)
    if match:
        series, number, suffix = match.groups()
        if series:
            return f"Soyuz {series.upper()}-{number}{(suffix or '').upper()}"
        return f"Soyuz {int(number)}"
    match = re.match(r"^(ma|mr|gt|sl)[\s-]*(\d{1,2})([a-z])?$", text, re.IGNORECASE)
    if match:
        family, number, letter = match.groups()
        return f"{_SHORT[family.lower()]} {int(number)}{(letter or '').upper()}"
    match = _FAMILY.match(text)
    if match:
        family, number, letter = match.groups()
        family = "-".join(part.capitalize() for part in family.split("-"))
        value = _ROMAN.get(number.lower()) if not number.isdigit() else int(number)
        if family == "Artemis" and value is not None:
            return f"Artemis {['', 'I', 'II', 'III', 'IV', 'V'][value] if value <= 5 else value}"
        return f"{family} {value}{(letter or '').upper()}"
    if text.lower() == "astp":
        return "Apollo-Soyuz Test Project"
    return text


def person_key(name: str) -> str:
    return _NON_ALNUM.sub(" ", fold(name)).strip()
