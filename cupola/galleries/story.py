"""The "mission in pictures" story: ``mission_gallery(archive, "Apollo 11", max_items=30)``.

candidates (keyword index) -> assess each (belonging, date, phase, quality) -> pick per phase with
diversity and no cluster twice -> items in chronological order inside each phase, phases in story order.
An unknown mission raises ``UnknownSubject`` (with suggestions); a known one with no photos gives an
empty gallery whose ``notes`` say so.
"""

from __future__ import annotations

import time

from cupola.archive import Archive
from cupola.galleries.items import clean_caption, generic_titles, make_item, publishable
from cupola.galleries.model import Gallery, Phase
from cupola.galleries.phases import PHASE_NAMES, PHASE_ORDER
from cupola.galleries.rank import cluster_key, pick
from cupola.galleries.relevance import Assessment, assess, natural_key
from cupola.galleries.select import candidates
from cupola.galleries.subject import resolve_mission, story_window, window

DEFAULT_MAX = 30


def mission_gallery(archive: Archive, name: str, *, max_items: int = DEFAULT_MAX) -> Gallery:
    started = time.perf_counter()
    subject = resolve_mission(name)
    flight, story = window(subject), story_window(subject)
    assessed: dict[str, list[Assessment]] = {}
    seen = 0
    for record, _score in candidates(archive, subject):
        if not publishable(record):
            continue
        found = assess(record, subject, flight, story)
        if found is not None:
            seen += 1
            assessed.setdefault(found.phase, []).append(found)
    chosen = pick(assessed, max(0, max_items), score=lambda a: a.score, words=lambda a: a.words,
                  key=lambda a: cluster_key(a.record), caption=lambda a: clean_caption(a.record)[:300])
    generic = generic_titles([a.record for group in assessed.values() for a in group])
    phases = []
    for key in sorted(chosen, key=lambda k: PHASE_ORDER[str(k)]):
        ordered = sorted(chosen[key], key=lambda a: (a.when, natural_key(a.record.id)))
        items = [make_item(a.record, when=(a.taken_at, a.taken_precision), score=a.score, base=archive.path,
                           generic_titles=generic) for a in ordered]
        phases.append(Phase(PHASE_NAMES[str(key)], str(key), items))
    gallery = Gallery(f"{subject.name} in pictures", subject, phases, candidates=seen)
    if gallery.empty:
        gallery.notes.append(f"this archive has no photos of {subject.name} yet")
    gallery.took_ms = (time.perf_counter() - started) * 1000
    return gallery
