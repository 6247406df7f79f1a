"""Galleries beside the mission story, on the same machinery (select -> rank with diversity -> items):

- ``theme_gallery(archive, "event", "spacewalk")``: one theme (event type, place, vehicle, person,
  mission, keyword), told in time: one phase per year, or per decade when the photos span decades;
- ``timeline_gallery(archive, "1969")``: a year, one phase per month (or "1969-07": one per day);
- ``missions_gallery(archive, ["Expedition 57", "Expedition 58"])``: one phase per mission, each its
  best photos (the mission stories' own picks, in flight order).
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Callable

import tantivy
from tantivy import Occur, Query

from cupola.archive import Archive
from cupola.errors import UsageError
from cupola.galleries.items import clean_caption, generic_titles, make_item, publishable
from cupola.galleries.model import Gallery, Item, Phase, Subject
from cupola.galleries.rank import cluster_key, pick
from cupola.galleries.relevance import content_words, natural_key, quality
from cupola.galleries.select import filtered
from cupola.index.keyword import open_index
from cupola.model import Record

THEME_KINDS = ("event", "place", "vehicle", "person", "mission", "organization", "keyword")
POOL = 3000
DEFAULT_MAX = 30


def _canonical(kind: str, value: str) -> str:
    from cupola.enrich import kb

    if kind == "person":
        person = kb.lookup_person(value)
        return person.name if person else value
    if kind == "mission":
        mission = kb.lookup_mission(value)
        return mission.name if mission else value
    if kind == "event":
        return re.sub(r"[\s-]+", "_", value.strip().lower())
    return value


def _field(kind: str) -> str:
    return {"keyword": "keyword_l", "event": "event_l"}.get(kind, f"{kind}_l")


def _gallery(archive: Archive, title: str, subject: Subject, query: tantivy.Query,
             phase_of: Callable[[Record], tuple[str, str] | None], max_items: int) -> Gallery:
    started = time.perf_counter()
    groups: dict[tuple[str, str], list[tuple[Record, float]]] = {}
    seen = 0
    for record, score in filtered(archive, query, POOL):
        if not publishable(record) or not record.taken_at:
            continue
        phase = phase_of(record)
        if phase is None:
            continue
        seen += 1
        groups.setdefault(phase, []).append((record, quality(record, clean_caption(record)) + min(score, 10) / 10))
    chosen = pick(groups, max(0, max_items), score=lambda c: c[1],
                  words=lambda c: content_words(f"{c[0].title} {c[0].caption}"),
                  key=lambda c: cluster_key(c[0]), caption=lambda c: clean_caption(c[0])[:300])
    generic = generic_titles([r for group in groups.values() for r, _s in group])
    phases = []
    for key in sorted(chosen):
        ordered = sorted(chosen[key], key=lambda c: (c[0].taken_at or "", natural_key(c[0].id)))
        phases.append(Phase(str(key[1]), str(key[0]), [make_item(r, score=s, base=archive.path, generic_titles=generic)
                                                            for r, s in ordered]))
    gallery = Gallery(title, subject, phases, candidates=seen)
    if gallery.empty:
        gallery.notes.append(f"this archive has no photos of {subject.name} yet")
    gallery.took_ms = (time.perf_counter() - started) * 1000
    return gallery


def _by_time(records_span: tuple[int, int] | None) -> Callable[[Record], tuple[str, str] | None]:
    decades = records_span is not None and records_span[1] - records_span[0] > 15

    def phase(record: Record) -> tuple[str, str] | None:
        year = record.year()
        if year is None:
            return None
        if decades:
            return f"{year // 10 * 10}", f"{year // 10 * 10}s"
        return str(year), str(year)
    return phase


def _year_span(archive: Archive, query: tantivy.Query) -> tuple[int, int] | None:
    searcher = open_index(archive).searcher()
    try:
        result = searcher.aggregate(query, {"y": {"stats": {"field": "year"}}})
    except ValueError:
        return None
    stats = result.get("y") or {}
    if stats.get("min") is None or stats.get("max") is None:
        return None
    return int(stats["min"]), int(stats["max"])


def theme_gallery(archive: Archive, kind: str, value: str, *, max_items: int = DEFAULT_MAX) -> Gallery:
    if kind not in THEME_KINDS:
        raise UsageError(f"unknown theme kind {kind!r}", hint=f"choose one of: {', '.join(THEME_KINDS)}")
    if not value or not value.strip():
        raise UsageError("a theme needs a value, e.g. --theme event=spacewalk")
    name = _canonical(kind, value.strip())
    schema = open_index(archive).schema
    query = Query.term_set_query(schema, _field(kind), [name.lower()])
    label = name.replace("_", " ") if kind == "event" else name
    subject = Subject(label, "theme")
    return _gallery(archive, f"{label[:1].upper()}{label[1:]} in pictures", subject, query,
                    _by_time(_year_span(archive, query)), max_items)


def timeline_gallery(archive: Archive, period: str, *, max_items: int = DEFAULT_MAX) -> Gallery:
    """``"1969"``: one phase per month; ``"1969-07"``: one phase per day."""
    m = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2}))?\s*", period or "")
    if not m or (m.group(2) and not 1 <= int(m.group(2)) <= 12):
        raise UsageError(f"a timeline is a year or a month, got {period!r}", hint="e.g. 1969 or 1969-07")
    year, month = int(m.group(1)), int(m.group(2)) if m.group(2) else None
    schema = open_index(archive).schema
    if month is None:
        lo, hi, title = year * 10000 + 101, year * 10000 + 1231, str(year)
    else:
        lo, hi = year * 10000 + month * 100 + 1, year * 10000 + month * 100 + 31
        title = f"{calendar.month_name[month]} {year}"
    query = Query.boolean_query([
        (Occur.Must, Query.range_query(schema, "date_lo", tantivy.FieldType.Integer, lo, hi)),
        (Occur.Must, Query.range_query(schema, "date_hi", tantivy.FieldType.Integer, lo, hi)),
    ])

    def phase(record: Record) -> tuple[str, str] | None:
        taken = record.taken_at or ""
        if month is None:
            if len(taken) < 7 or record.taken_precision == "year":
                return None
            n = int(taken[5:7])
            return f"{n:02d}", calendar.month_name[n]
        if len(taken) < 10 or record.taken_precision != "day":
            return None
        return taken[8:10], f"{int(taken[8:10])} {calendar.month_name[month]}"

    start = f"{year}" if month is None else f"{year}-{month:02d}"
    subject = Subject(title, "timeline", start=start, end=start)
    return _gallery(archive, f"{title} in pictures", subject, query, phase, max_items)


def missions_gallery(archive: Archive, names: list[str], *, max_items: int = DEFAULT_MAX,
                     title: str | None = None) -> Gallery:
    """One phase per mission (in the order given), each its best photos; no cluster twice overall."""
    from cupola.galleries.story import mission_gallery

    names = [n for n in (n.strip() for n in names) if n]
    if not names:
        raise UsageError("name at least one mission, e.g. --missions 'Expedition 57,Expedition 58'")
    per = max(1, max_items // len(names))
    phases, used, notes, seen = [], set(), [], 0
    for name in names:
        story = mission_gallery(archive, name, max_items=per * 2)
        seen += story.candidates
        items: list[Item] = []
        for item in sorted((i for p in story.phases for i in p.items), key=lambda i: -i.score):
            key = f"cluster:{item.cluster_id}" if item.cluster_id else f"record:{item.id}"
            if key not in used and len(items) < per:
                used.add(key)
                items.append(item)
        items.sort(key=lambda i: (i.taken_at or "", natural_key(i.id)))
        if items:
            phases.append(Phase(story.subject.name, story.subject.name.lower().replace(" ", "-"), items))
        else:
            notes.append(f"no photos of {story.subject.name} in this archive")
    label = title or " · ".join(p.name for p in phases) or ", ".join(names)
    subject = Subject(label, "missions")
    return Gallery(title or f"{label} in pictures", subject, phases, notes=notes, candidates=seen)
