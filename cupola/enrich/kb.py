"""The knowledge base of human spaceflight, loaded once from the package (cupola/data/kb/kb.json.gz).

Built by ``scripts/build_kb.py`` from the raw datasets in ``kb/``. Public API:
``lookup_mission(name)``, ``suggest_missions(name, n)``, ``lookup_person(name)``, ``missions()``,
``load()`` (the raw tables the matchers compile into automata).
"""

from __future__ import annotations

import difflib
import gzip
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from cupola.enrich.names import canonical_mission, fold, mission_key, person_key


@dataclass(frozen=True)
class Mission:
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "mission"  # mission / expedition
    start: str | None = None  # ISO date
    end: str | None = None
    crew: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "aliases": list(self.aliases), "kind": self.kind, "start": self.start,
                "end": self.end, "crew": list(self.crew), "vehicles": list(self.vehicles)}


@dataclass(frozen=True)
class Person:
    name: str  # canonical "Given Surname"
    given: str
    surname: str
    variants: tuple[str, ...] = ()
    missions: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "given": self.given, "surname": self.surname,
                "variants": list(self.variants), "missions": list(self.missions)}


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    """The compiled KB tables (read once per process)."""
    blob = resources.files("cupola.data").joinpath("kb/kb.json.gz").read_bytes()
    return json.loads(gzip.decompress(blob))


@lru_cache(maxsize=1)
def _mission_index() -> tuple[dict[str, Mission], list[Mission]]:
    index: dict[str, Mission] = {}
    ordered = []
    for row in load()["missions"]:
        mission = Mission(row["name"], tuple(row["aliases"]), row["kind"], row["start"], row["end"],
                          tuple(row["crew"]), tuple(row["vehicles"]))
        ordered.append(mission)
        for name in (mission.name, *mission.aliases):
            index.setdefault(mission_key(name), mission)
    return index, ordered


@lru_cache(maxsize=1)
def _person_index() -> tuple[dict[str, Person], dict[str, list[Person]]]:
    index: dict[str, Person] = {}
    by_surname: dict[str, list[Person]] = {}
    for row in load()["people"]:
        person = Person(row["name"], row["given"], row["surname"], tuple(row["variants"]),
                        tuple(row["missions"]))
        for name in (person.name, *person.variants):
            index.setdefault(person_key(name), person)
        by_surname.setdefault(fold(person.surname), []).append(person)
    return index, by_surname


def missions() -> list[Mission]:
    return list(_mission_index()[1])


@lru_cache(maxsize=8192)
def lookup_mission(name: str) -> Mission | None:
    """A mission by canonical name or any alias ("Gemini IV", "GT-4", "Crew-1", "STS 41-C")."""
    if not isinstance(name, str) or not name.strip():
        return None
    index = _mission_index()[0]
    mission = index.get(mission_key(name))
    if mission is None:
        mission = index.get(mission_key(canonical_mission(name)))
    if mission is None:  # a flight named by its craft: "Friendship 7" is the Friendship 7 mission
        mission = index.get(mission_key(f"{name.strip()} mission"))
    return mission


def suggest_missions(name: str, n: int = 3) -> list[str]:
    """Closest mission names for a "did you mean" (by folded key, then by display name)."""
    if not isinstance(name, str) or not name.strip():
        return []
    index, ordered = _mission_index()
    key = mission_key(name)
    keys = difflib.get_close_matches(key, list(index), n=n * 3, cutoff=0.6)
    out: list[str] = []
    for found in keys:
        if index[found].name not in out:
            out.append(index[found].name)
    if len(out) < n:
        names = [m.name for m in ordered]
        for found in difflib.get_close_matches(name, names, n=n, cutoff=0.5):
            if found not in out:
                out.append(found)
    return out[:n]


@lru_cache(maxsize=16384)
def lookup_person(name: str) -> Person | None:
    """A person by any published spelling ("Aldrin, Edwin", "Buzz Aldrin", "Edwin E. Aldrin Jr.")."""
    if not isinstance(name, str) or not name.strip():
        return None
    index, by_surname = _person_index()
    person = index.get(person_key(name))
    if person is not None:
        return person
    from cupola.enrich.people import split_name

    given, surname = split_name(name)
    if not surname:
        return None
    candidates = by_surname.get(fold(surname), [])
    if given:
        folded = fold(given)
        matches = [p for p in candidates
                   if fold(p.given) == folded or any(fold(v).startswith(folded + " ") for v in p.variants)]
        if len(matches) == 1:
            return matches[0]
        initial = [p for p in candidates if fold(p.given)[:1] == folded[:1]]
        return initial[0] if len(initial) == 1 else None
    return candidates[0] if len(candidates) == 1 else None


def people_by_surname(surname: str) -> list[Person]:
    return list(_person_index()[1].get(fold(surname), []))
