"""How well a candidate photo belongs to a mission's story, when it was taken, which phase it tells,
and how good a picture it is. Pure functions over a Record; no archive access.

Belonging: the mission linked as an entity (first-named counts more), its photo number implying the
mission, the name in the title or keywords, crew members named; photos about another mission that only
mention this one in passing lose. Quality: a real caption (not a repeat of the title or a bare number),
resolution when known, a confident event type, being its cluster's representative.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

from cupola.galleries.items import clean_caption
from cupola.galleries.model import Subject
from cupola.galleries.phases import phase_of, timing
from cupola.galleries.subject import parse_day
from cupola.model import Record

MIN_BELONGING = 2.5


@dataclass
class Assessment:
    record: Record
    phase: str
    belonging: float
    quality: float
    when: date  # the earliest day it may have been taken (for ordering)
    taken_at: str
    taken_precision: str
    words: frozenset[str]

    @property
    def score(self) -> float:
        return self.belonging + self.quality


def date_range(taken_at: str | None, precision: str | None) -> tuple[date | None, date | None]:
    lo = parse_day(taken_at)
    if lo is None:
        return None, None
    if precision == "day" and taken_at and len(taken_at) >= 10:
        return lo, lo
    if taken_at and len(taken_at) >= 7 and precision != "year":
        nxt = date(lo.year + (lo.month == 12), lo.month % 12 + 1, 1)
        return lo, nxt - timedelta(days=1)
    return date(lo.year, 1, 1), date(lo.year, 12, 31)


def _mentions(text: str, names: list[str]) -> bool:
    return any(re.search(r"(?<![\w-])" + re.escape(n) + r"(?![\w-]|-\d)", text, re.IGNORECASE) for n in names)


def _implied(record: Record) -> tuple[str | None, tuple[date, date] | None]:
    """The mission a record's photo number implies, and the days that number allows."""
    found: list[tuple[object, object]] = [(e.get("mission"), e.get("date_range")) for e in record.entities
                                          if e.get("kind") == "photo_id" and e.get("mission")]
    if not found:
        from cupola.enrich.photo_ids import parse

        found = [(p.mission, p.date_range) for p in parse(record.id) if p.mission]
    if not found:
        return None, None
    mission, days = found[0]
    span = None
    if isinstance(days, (list, tuple)) and len(days) == 2:
        lo, hi = parse_day(str(days[0])), parse_day(str(days[1]))
        span = (lo, hi) if lo and hi else None
    return str(mission), span


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z]{4,}", text.lower()))


def belonging(record: Record, subject: Subject) -> tuple[float, bool]:
    """(score, photo number implies the mission: an onboard roll, taken on the flight)."""
    names = [subject.name, *subject.aliases]
    lowered = {n.lower() for n in names}
    missions = [e for e in record.entities if e.get("kind") == "mission"]
    ours = [e for e in missions if str(e.get("name", "")).lower() in lowered]
    others = [e for e in missions if str(e.get("name", "")).lower() not in lowered]
    by_number = (_implied(record)[0] or "").lower() in lowered
    score = 0.0
    if ours:
        score += 3.0 + (0.5 if missions[0] in ours else 0.0)
    if by_number:
        score += 3.0
    in_title = _mentions(record.title or "", names)
    if in_title:
        score += 1.5
    if any(k.lower() in lowered for k in record.keywords):
        score += 1.0
    crew = {c.lower() for c in subject.matching_crew()}
    named = {str(e.get("name", "")).lower() for e in record.entities if e.get("kind") == "person"} & crew
    score += 0.75 * min(len(named), 2)
    if others and not by_number:
        if not (ours and missions[0] in ours):
            score -= 2.0
        if any(e.get("field") == "title" for e in others) and not in_title:
            score -= 2.0
    return score, by_number


def quality(record: Record, caption: str) -> float:
    words = len(caption.split())
    q = 0.6 if words >= 25 else 0.3 if words >= 10 else -0.5
    if caption.strip() == (record.title or "").strip():
        q -= 0.5
    if (record.title or "").strip().lower() == record.id.lower():
        q -= 0.2
    pixels = max((int(a.get("width") or 0) * int(a.get("height") or 0) for a in record.assets), default=0)
    if pixels:
        q += 0.8 * min(pixels / 4_000_000, 1.0)
    if record.event:
        q += 0.5 * float(record.event.get("confidence") or 0.0)
    if record.cluster and record.cluster.get("size", 1) > 1 and record.cluster.get("role") == "representative":
        q += 0.2
    return q


def assess(record: Record, subject: Subject, flight: tuple[date, date] | None,
           story: tuple[date, date] | None) -> Assessment | None:
    """The record's place in the mission story, or None when it does not belong or cannot be dated."""
    score, by_number = belonging(record, subject)
    lo, hi = date_range(record.taken_at, record.taken_precision)
    taken_at, precision = record.taken_at, record.taken_precision
    outside = lo is None or (story is not None and (hi < story[0] or lo > story[1]))  # type: ignore[operator]
    if outside:
        if not (by_number and flight is not None):
            return None
        lo, hi = flight  # the photo number places it on the flight; say only what we know
        same_month = (lo.year, lo.month) == (hi.year, hi.month)
        taken_at = lo.isoformat()[:7] if same_month else str(lo.year)
        precision = "month" if same_month else "year"
    moment = timing(lo, hi, flight)
    if by_number and flight is not None and moment == "unknown":
        span = _implied(record)[1]
        if span is not None and span[0] >= flight[0] and span[1] <= flight[1]:
            moment = "during"  # "1969-07" on an AS11 roll: taken on the flight, day unknown
            lo, hi = max(lo, flight[0]), min(hi, flight[1])  # type: ignore[type-var]
    if moment == "during":
        score += 1.5
    elif moment == "unknown" and flight is not None and lo is not None and hi is not None \
            and (hi - lo).days <= 31:
        score += 0.75
    if score < MIN_BELONGING:
        return None
    days_after = (lo - flight[1]).days if flight is not None and lo is not None else 0
    days_left = (flight[1] - hi).days if flight is not None and hi is not None else None
    days_in = (lo - flight[0]).days if flight is not None and lo is not None else None
    caption = clean_caption(record)
    surface = bool(re.search(r"\bsurface\b", f"{record.title} {caption}", re.IGNORECASE))
    phase = phase_of((record.event or {}).get("type"), moment, days_after, days_left, days_in, surface)
    if phase is None:
        return None
    return Assessment(record, phase, score, quality(record, caption), lo or date.min, taken_at or "",
                      precision or "year", content_words(f"{record.title} {caption}"))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def natural_key(text: str) -> tuple[tuple[int, object], ...]:
    """Order photo numbers naturally: AS11-40-5878 before AS11-40-5903, S65-9 before S65-10."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.lower()) for part in re.findall(r"\d+|\D+", text))
