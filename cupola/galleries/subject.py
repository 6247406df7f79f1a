"""Which mission a gallery is about: KB lookup by name or alias, with "did you mean" for typos.

The mission's story window is its flight dates widened for preparation before (training, rollout)
and for homecoming after; a photo dated outside it belongs to another story (an anniversary, a
retrospective) unless its photo number says it was taken on the flight.
"""

from __future__ import annotations

import difflib
from datetime import date, timedelta

from cupola.errors import NotFound
from cupola.galleries.model import Subject

BEFORE_DAYS = 730  # crews train for up to two years
AFTER_DAYS = 365  # parades, tours, post-flight science


class UnknownSubject(NotFound):
    """A mission name the knowledge base does not know; ``suggestions`` holds the closest names."""

    def __init__(self, name: str, suggestions: list[str]):
        hint = ("did you mean " + " or ".join(suggestions) + "?") if suggestions else \
            "run `cupola gallery --list` to see the missions this archive can tell"
        super().__init__(f"unknown mission {name!r}", hint=hint)
        self.name = name
        self.suggestions = suggestions


def resolve_mission(name: str) -> Subject:
    from cupola.enrich import kb

    mission = kb.lookup_mission(name)
    if mission is None:
        raise UnknownSubject(name, kb.suggest_missions(name, 3))
    return Subject(name=mission.name, kind=mission.kind, start=mission.start, end=mission.end or mission.start,
                   crew=_distinct_crew(list(mission.crew)), aliases=list(mission.aliases),
                   vehicles=list(mission.vehicles), crew_variants=list(mission.crew))


def _distinct_crew(names: list[str]) -> list[str]:
    """One name per person: the KB may list a crew member under two spellings ("Samantha Cristoforetti",
    "Samantha Cristofretti"; "Story Musgrave", "Franklin Musgrave"). Names whose surnames nearly agree
    are one person; the spelling the KB knows from more missions wins."""
    from cupola.enrich import kb

    def weight(name: str) -> int:
        person = kb.lookup_person(name)
        return len(person.missions) if person is not None else 0

    groups: list[list[str]] = []
    for name in names:
        surname = name.split()[-1].lower() if name.split() else name.lower()
        for group in groups:
            other = group[0].split()[-1].lower()
            if difflib.SequenceMatcher(None, surname, other).ratio() >= 0.85:
                group.append(name)
                break
        else:
            groups.append([name])
    return [max(group, key=lambda n: (weight(n), -group.index(n))) for group in groups]


def parse_day(value: str | None) -> date | None:
    if not value or len(value) < 4 or not value[:4].isdigit():
        return None
    try:
        if len(value) >= 10:
            return date.fromisoformat(value[:10])
        if len(value) >= 7:
            return date(int(value[:4]), int(value[5:7]), 1)
        return date(int(value[:4]), 7, 1)
    except ValueError:
        return None


def window(subject: Subject) -> tuple[date, date] | None:
    start, end = parse_day(subject.start), parse_day(subject.end or subject.start)
    if start is None or end is None:
        return None
    return start, end


def story_window(subject: Subject) -> tuple[date, date] | None:
    found = window(subject)
    if found is None:
        return None
    return found[0] - timedelta(days=BEFORE_DAYS), found[1] + timedelta(days=AFTER_DAYS)
