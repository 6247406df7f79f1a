"""One Aho-Corasick automaton over every name the KB knows (vehicles, modules, facilities,
organisations, missions, countries, states, cities), matched on case-folded text.

Case rules keep proper nouns honest: an all-caps alias (NASA, ISS, LM) must appear exactly as
written; a single-word alias (Unity, Discovery, Houston) must be capitalised; multi-word aliases
("space shuttle Columbia", "KENNEDY SPACE CENTER") match in any case.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from cupola.enrich import kb

# Cities that are also ordinary words or names in captions: never matched alone.
_CITY_STOP = {
    "Mobile", "Orange", "Reading", "Bath", "Independence", "Concord", "Columbia", "Discovery", "Victoria",
    "Mercury", "Apollo", "Gemini", "Eagle", "Enterprise", "Phoenix", "Ceres", "Mars", "Venus", "Pluto",
    "Nice", "Split", "Male", "Of", "Best", "Bristol", "Florence", "Lincoln", "Jackson", "Irving", "Aurora",
    "Deal", "March", "Mission", "Hope", "Unity", "Progress", "Moon", "Sun", "Columbus", "Eagle Pass",
    "Surprise", "Temple", "Union", "Universal", "Liberty", "Freedom", "Wells", "Goodyear", "Pontiac",
    "Shuttle", "Orbit", "Beverly", "Tyler", "Carson", "Lawrence", "Hampton", "Bryan", "Kent", "Warren",
    "Troy", "Buffalo", "Sandy", "Marietta", "Sterling", "Kennedy", "Johnson", "Glenn", "Armstrong",
    "Young", "Grissom", "Houston Street", "Shepard", "Cooper", "Carpenter", "Schirra", "Conrad", "Gordon", "Bean", "Scott",
    "Irwin", "Duke", "Mitchell", "Roosa", "Worden", "Lovell", "Haise", "Swigert", "Collins", "Aldrin",
    "Chaffee", "White", "Stafford", "Cernan", "Borman", "Anders", "McDivitt", "Evans", "Schmitt",
    "Cassini", "Galileo", "Magellan", "Kepler", "Hubble", "Newton", "Darwin", "Santa", "Salem", "Ontario",
    "Alexandria", "Athens", "Paris", "Rome", "Berlin", "Sparta", "Cleveland", "Charlotte", "Lafayette",
    "Jupiter", "Saturn", "Titan", "Europa", "Triton", "Orion", "Vega", "Atlas", "Delta", "Centaur", "Juno",
    "Agena", "Redstone", "Ariane", "Ames", "Langley", "Goddard", "Dryden", "Lewis", "Marshall",
    "Hoover", "Date", "Allen", "Compton", "Glendale", "Pasadena Playhouse", "Mountain", "Union City",
    "Most", "Roman", "Sokol", "Formosa", "Davis", "Clay", "Baker", "Parker", "Morgan", "Marion",
    "Pilot", "Commander", "Center", "Mount", "Lake", "Beach", "Bay", "Harbor", "Garden", "Normal", "Plain",
    "Hamilton", "Richmond", "Arlington", "Fairfield", "Springfield", "Greenville", "Madison", "Washington",
}


@dataclass(frozen=True)
class Entry:
    kind: str  # vehicle, place, organization, mission, apollo_craft
    name: str  # canonical
    alias: str  # as listed (for case checks)
    rule: str  # exact / capital / any
    detail: str = ""  # vehicle kind, place kind


def _rule(alias: str) -> str:
    letters = [c for c in alias if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(alias) <= 6:
        return "exact"
    return "capital" if " " not in alias.strip() else "any"


@lru_cache(maxsize=1)
def automaton() -> ahocorasick.Automaton:
    data = kb.load()
    entries: dict[str, list[Entry]] = {}

    def add(alias: str, entry_kind: str, name: str, detail: str = "", rule: str | None = None) -> None:
        alias = alias.strip()
        if len(alias) < 2:
            return
        entries.setdefault(alias.lower(), []).append(Entry(entry_kind, name, alias, rule or _rule(alias), detail))

    for name, vkind, aliases in data["vehicles"]:
        for alias in (name, *aliases):
            add(alias, "vehicle", name, vkind)
    for name, aliases in data["facilities"]:
        for alias in (name, *aliases):
            add(alias, "place", name, "facility")
    for name, exact, aliases in data["organizations"]:
        for alias in (name, *aliases):
            add(alias, "organization", name, "", "exact" if exact and alias == name else None)
    for name, pkind, aliases in data["places"]:
        if pkind == "city" and (name in _CITY_STOP or len(name) < 4):
            continue
        for alias in (name, *aliases):
            add(alias, "place", name, pkind, "capital" if " " not in alias else "any")
    for mission, (cm, lm) in data["apollo_craft"].items():
        for label, craft in (("Command Module", cm), ("Lunar Module", lm)):
            short = "CM" if label == "Command Module" else "LM"
            for alias in (f"{label} {craft}", f"{short} {craft}", f"{short} \"{craft}\"",
                          f"{label} \"{craft}\""):
                add(alias, "vehicle", f"{label} {craft}", "apollo_named", "any")
            add(craft, "apollo_craft", f"{label} {craft}", mission, "capital")
    for row in data["missions"]:
        for alias in (row["name"], *row["aliases"]):
            if " " in alias and not alias[-1].isdigit() or alias in ("Inspiration4",):
                add(alias, "mission", row["name"], "", "any" if " " in alias else "capital")
    auto = ahocorasick.Automaton()
    merged: dict[str, list[Entry]] = {}
    for key, value in entries.items():
        merged.setdefault(f" {key.translate(_SPACES)}", []).extend(value)
    for key, value in merged.items():
        auto.add_word(key, (key, tuple(value)))
    auto.make_automaton()
    return auto


# punctuation becomes a space (same length), so " key " in " text " only matches whole words
_SPACES = {c: " " for c in range(128) if not chr(c).isalnum()}


def _case_ok(entry: Entry, surface: str) -> bool:
    if entry.rule == "exact":
        return surface == entry.alias or surface == entry.alias.upper()
    if entry.rule == "capital":
        return surface[:1].isupper()
    return surface[:1].isupper() or " " in surface


def scan(text: str, folded: str) -> list[tuple[int, int, Entry]]:
    """Every (start, end, entry) whose case fits, whole words only, longest first where they overlap."""
    hits = []
    spaced = f" {folded.translate(_SPACES)}"
    size = len(text)
    for end_index, (key, options) in automaton().iter(spaced):
        end = end_index  # spaced is text shifted by one (the leading pad)
        start = end - len(key) + 1
        if end < size and (text[end].isalnum() or text[end] == "-" and end + 1 < size and text[end + 1].isdigit()):
            continue  # not a whole word ("Columbian"), or another name ("Atlas V-2")
        if start > 1 and text[start - 1] == "-" and text[start - 2].isalnum():
            continue  # part of a compound ("post-Vietnam")
        surface = text[start:end]
        for entry in options:
            if _case_ok(entry, surface):
                hits.append((start, end, entry))
    return hits
