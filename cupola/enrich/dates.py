"""Calendar dates in captions, with their precision: "Jan. 13, 2018", "(05/11/2016)", "22 April 2011",
"Friday, March 26, 2021", "22-31 Jan 1998" (month), "July-September 1973" (year), "spring 2010".

A handful of regular expressions, no guessing: a day without a year takes the caption's year only
when the caption states one; ranges get the most precise single value that covers them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTH_NAMES = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_MONTH = (r"(?P<{n}>January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)")
_WEEKDAY = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
_YEAR = r"(?P<{n}>1[89]\d\d|20[0-4]\d)"
_DAY = r"(?P<{n}>[0-3]?\d)(?:st|nd|rd|th)?"
_SEP = r"\s*(?:-|–|through|to|and)\s*"


def _m(name: str) -> str:
    return _MONTH.format(n=name)


def _y(name: str) -> str:
    return _YEAR.format(n=name)


def _d(name: str) -> str:
    return _DAY.format(n=name)


_RULES: list[tuple[str, re.Pattern[str]]] = [
    # 31 August - 1 September 1985 / 30 Oct.-6 Nov. 1985 -> the year (or the month when the same)
    ("span_dm_dm_y", re.compile(rf"\b{_d('d1')}\s+{_m('m1')}{_SEP}{_d('d2')}\s+{_m('m2')},?\s+{_y('y')}\b")),
    # 22-31 Jan 1998 / 4-9 April 1983
    ("day_range_dmy", re.compile(rf"\b{_d('d1')}{_SEP}{_d('d2')}\s+{_m('m')},?\s+{_y('y')}\b")),
    # Jan. 22 - Feb. 3, 1998 -> year (or month when the same)
    ("span_md_md_y", re.compile(rf"\b{_m('m1')}\s+{_d('d1')}{_SEP}{_m('m2')}\s+{_d('d2')},?\s+{_y('y')}\b")),
    # Aug. 7-18, 1997
    ("day_range_mdy", re.compile(rf"\b{_m('m')}\s+{_d('d1')}{_SEP}{_d('d2')},?\s+{_y('y')}\b")),
    # July-September 1973
    ("month_range", re.compile(rf"\b{_m('m1')}{_SEP}{_m('m2')},?\s+{_y('y')}\b")),
    # Friday, March 26, 2021 / Jan. 13, 2018
    ("mdy", re.compile(rf"\b{_WEEKDAY}{_m('m')}\s+{_d('d')},?\s+{_y('y')}\b")),
    # 22 April 2011 / Friday, 22 April 2011
    ("dmy", re.compile(rf"\b{_WEEKDAY}{_d('d')}\s+{_m('m')},?\s+{_y('y')}\b")),
    # ISO 2011-04-22
    ("iso", re.compile(r"\b(?P<y>1[89]\d\d|20[0-4]\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    # 05/11/2016, 12-07-98 (month-day-year)
    ("numeric", re.compile(r"(?<![\d/.-])(?P<m>[01]?\d)([/-])(?P<d>[0-3]?\d)\2(?P<y>(?:19|20)\d\d|\d\d)(?![\d/.-])")),
    # March 1969 / mid-March 1969
    ("my", re.compile(rf"\b{_m('m')},?\s+(?:of\s+)?{_y('y')}\b")),
    # spring 2010 / early 2000 / late 1998
    ("vague_year", re.compile(r"\b(?:(?:early|mid|late)[\s-]+|(?:spring|summer|fall|autumn|winter)(?:\s+of)?\s+)"
                              r"(?P<y>1[89]\d\d|20[0-4]\d)\b", re.IGNORECASE)),
    # Monday, Dec. 6 / Dec. 6 (no year: takes the caption's year)
    ("md", re.compile(rf"\b{_WEEKDAY}{_m('m')}\s+{_d('d')}\b(?!,?\s*\d)")),
    ("dm", re.compile(rf"\b{_d('d')}\s+{_m('m')}\b(?!,?\s*\d)")),
    # a bare year
    ("year", re.compile(r"(?P<y>1[89]\d\d|20[0-4]\d)(?![\w/-]|,\d|\.\d)")),
    # "until June" / "in May" (month alone after a preposition, takes the caption's year)
    ("month_only", re.compile(r"\b(?:in|until|by|since|through|during|early|late|mid-?)\s+"
                              r"(?P<m>January|February|March|April|May|June|July|August|September|October|"
                              r"November|December)\b(?!,?\s*(?:of\s+)?\d)")),
]
_NOT_A_YEAR_AFTER = re.compile(r"(?:Apollo|Gemini|Expedition|STS|Flight|No\.|Number|Pad|Complex|Building|Room|"
                               r"Route|Highway|model|type|Model|Type|Station|Hangar|Mark)\s*$")
_NOT_A_YEAR_BEFORE = re.compile(r"^\s*(?:feet|foot|ft|miles?|km|kilometers?|meters?|mph|pounds?|lbs?|"
                                r"degrees?|hours?|people|tons?|kg|mm|cm|inch|inches|watts?|volts?|[A-Z]\w*\s+(?:Street|Avenue|Road))\b",
                                re.IGNORECASE)


@dataclass
class DateMention:
    text: str
    value: str  # ISO at its precision
    precision: str  # day / month / year
    span: tuple[int, int]
    needs_year: bool = False

    def to_dict(self) -> dict:
        return {"text": self.text, "value": self.value, "precision": self.precision, "span": list(self.span)}


def _month(token: str) -> int:
    return _MONTH_NAMES[token.rstrip(".").lower()]


def _valid(year: int, month: int, day: int | None = None) -> bool:
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    return 1 <= day <= (31 if month in (1, 3, 5, 7, 8, 10, 12) else 30 if month != 2 else 29)


def _value(kind: str, m: re.Match[str]) -> tuple[str, str] | None:
    g = m.groupdict()
    if kind == "year" or kind == "vague_year":
        return g["y"], "year"
    if kind in ("md", "dm", "month_only"):
        month = _month(g["m"])
        day = int(g["d"]) if g.get("d") else None
        if not _valid(2000, month, day):
            return None
        return (f"????-{month:02d}-{day:02d}", "day") if day else (f"????-{month:02d}", "month")
    year = g["y"]
    if kind == "numeric":
        year = year if len(year) == 4 else str(1900 + int(year) if int(year) >= 40 else 2000 + int(year))
    y = int(year)
    if kind in ("mdy", "dmy", "iso", "numeric"):
        month, day = (_month(g["m"]) if not g["m"].isdigit() else int(g["m"])), int(g["d"])
        if not _valid(y, month, day):
            return None
        return f"{y:04d}-{month:02d}-{day:02d}", "day"
    if kind in ("my", "day_range_dmy", "day_range_mdy"):
        month = _month(g["m"])
        return f"{y:04d}-{month:02d}", "month"
    if kind == "month_range":
        return f"{y:04d}", "year"
    if kind in ("span_md_md_y", "span_dm_dm_y"):
        m1, m2 = _month(g["m1"]), _month(g["m2"])
        return (f"{y:04d}-{m1:02d}", "month") if m1 == m2 else (f"{y:04d}", "year")
    return None


_MONTH_SEEN = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?")
_MONTH_KINDS = {"span_dm_dm_y", "day_range_dmy", "span_md_md_y", "day_range_mdy", "month_range", "mdy", "dmy", "my", "md",
                "dm", "month_only"}
_NUMERIC_GATE = re.compile(r"\d[/-]\d")
_VAGUE_WORDS = ("early", "mid", "late", "spring", "summer", "fall", "autumn", "winter")


_BACK = re.compile(r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
                   r"(?:[0-3]?\d(?:st|nd|rd|th)?(?:\s*(?:-|–|through|to|and)\s*[0-3]?\d(?:st|nd|rd|th)?)?\s+)?$")
_MONTH_RULES = [(kind, pattern) for kind, pattern in _RULES if kind in _MONTH_KINDS and kind != "month_only"]
_MONTH_ONLY = dict(_RULES)["month_only"]


def _month_matches(text: str) -> list[tuple[str, re.Match[str]]]:
    """Month rules tried only where a month name is: at the month itself and at the weekday/day
    numbers just before it (anchored ``match`` calls, much cheaper than scanning the text)."""
    out: list[tuple[str, re.Match[str]]] = []
    covered = -1
    for month in _MONTH_SEEN.finditer(text):
        ms = month.start()
        if ms < covered or (ms and text[ms - 1].isalpha()):
            continue
        back = _BACK.search(text, max(0, ms - 32), ms)
        starts = [back.start(), ms] if back is not None and back.start() < ms else [ms]
        found = None
        for start in starts:
            for kind, pattern in _MONTH_RULES:
                m = pattern.match(text, start)
                if m is not None:
                    found = (kind, m)
                    break
            if found:
                break
        if found is None:
            m = _MONTH_ONLY.search(text, max(0, ms - 8), month.end() + 12)
            if m is not None and m.start("m") == ms:
                found = ("month_only", m)
        if found is not None:
            out.append(found)
            covered = found[1].end()
    return out


def find_dates(text: str, masked: list[tuple[int, int]] | None = None) -> list[DateMention]:
    """Every date mention in order of appearance; ``masked`` spans (photo IDs, names) are skipped."""
    if not text:
        return []
    taken = bytearray(len(text) + 1)
    for start, end in masked or ():
        taken[start:end] = b"\x01" * (end - start)
    found: list[DateMention] = []
    lowered = text.lower()
    grouped = _month_matches(text)
    numeric_gate = bool(_NUMERIC_GATE.search(text))
    for kind, pattern in [("months", None), *[(k, p) for k, p in _RULES if k not in _MONTH_KINDS]]:
        if kind == "months":
            matches_kinds = grouped
        elif kind in ("numeric", "iso") and not numeric_gate:
            continue
        elif kind == "vague_year" and not any(word in lowered for word in _VAGUE_WORDS):
            continue
        else:
            matches_kinds = [(kind, m) for m in pattern.finditer(text)]
        for kind, match in matches_kinds:  # noqa: B020 - each match carries its own rule kind
            start, end = match.span()
            if taken.find(1, start, end) != -1:
                continue
            if kind == "year":
                if start and (text[start - 1].isalnum() or text[start - 1] in "#.,/-_"):
                    continue
                if _NOT_A_YEAR_AFTER.search(text, max(0, start - 12), start) or \
                        _NOT_A_YEAR_BEFORE.match(text, end):
                    continue
            if kind in ("md", "dm") and not _plausible_short(text, match):
                continue
            result = _value(kind, match)
            if result is None:
                continue
            value, precision = result
            if kind == "month_only":
                start = match.start("m")
            found.append(DateMention(text[start:end].strip(), value, precision, (start, end),
                                     needs_year=value.startswith("????")))
            taken[start:end] = b"\x01" * (end - start)
    found.sort(key=lambda d: d.span[0])
    years = [d.value[:4] for d in found if not d.needs_year]
    out = []
    for mention in found:
        if mention.needs_year:
            year = _nearest_year(mention, found) if years else None
            if year is None:
                continue
            mention.value = year + mention.value[4:]
            mention.needs_year = False
        out.append(mention)
    return out


def _nearest_year(mention: DateMention, found: list[DateMention]) -> str | None:
    before = [d for d in found if not d.needs_year and d.span[0] < mention.span[0]]
    if before:
        return before[-1].value[:4]
    after = [d for d in found if not d.needs_year]
    return after[0].value[:4] if after else None


def _plausible_short(text: str, match: re.Match[str]) -> bool:
    """"May 5" is a date; "may 5" is not, nor "Mar 3" in a list of ids."""
    month = match.group("m")
    return month[:1].isupper()
