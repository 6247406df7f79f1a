"""``analyze(text)``: everything Cupola understands of one caption, as the public JSON contract.

Order of work: photo IDs and the credit line are found first (and masked), then every candidate
mention (KB gazetteer, rule patterns, people) competes for its span, longest first; the survivors
become the label lists in order of first mention. Never raises: bad input gives an empty result.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from cupola.enrich import credit as credit_mod
from cupola.enrich import dates as dates_mod
from cupola.enrich import events, gazetteer, missions, patterns, people
from cupola.enrich import kb as kb_mod
from cupola.enrich import photo_ids as photo_ids_mod

log = logging.getLogger("cupola")
MAX_CHARS = 200_000
_KIND_LABEL = {"person": "people", "mission": "missions", "vehicle": "vehicles", "place": "places",
               "organization": "organizations"}
_APOLLO_CONTEXT = re.compile(r"\bApollo\b|\blunar module\b|\bcommand module\b", re.IGNORECASE)
_SHUTTLE_CONTEXT = re.compile(r"\bSTS\b|\bSTS-|\bspace shuttle\b|\borbiter\b|\bOV-1", re.IGNORECASE)
_RARE_ORBITERS = {"Pathfinder", "Enterprise"}
_ORBITER_NAMES = {"Columbia", "Challenger", "Endeavour"}  # also Apollo command/lunar module call signs
_SHUTTLE_WORDS = re.compile(r"[Ss]huttle|[Oo]rbiter|OV-10|[Mm]ock-?up|Approach and Landing")
_QMARK = re.compile(r"(?<=[A-Za-z])\?(?=(?:s|t|re|ll|ve|d|m)\b)")


def empty_result() -> dict[str, Any]:
    return {"photo_ids": [], "dates": [], "people": [], "missions": [], "vehicles": [], "places": [],
            "organizations": [], "credit": None, "event": "other", "event_confidence": 0.0,
            "entities": [], "photo_id_details": []}


def analyze(text: Any) -> dict[str, Any]:
    """Structured facts of a caption (title, newline, description). Never raises."""
    try:
        return _analyze(text)
    except Exception as err:  # the contract: any text gives a result
        log.warning("analyze failed on a %d-char text: %s", len(text) if isinstance(text, str) else -1, err)
        return empty_result()


def _analyze(text: Any) -> dict[str, Any]:
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text[:MAX_CHARS].replace("\x00", " ")
    result = empty_result()
    if not text.strip():
        return result
    if "?" in text:
        text = _QMARK.sub("'", text)
    folded = text.lower()
    if len(folded) != len(text):  # a few characters change length when lowered: keep spans aligned
        folded = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)

    ids = photo_ids_mod.parse(text)
    id_spans = [p.span for p in ids]
    result["photo_ids"] = _unique(p.text for p in ids)
    result["photo_id_details"] = [p.to_dict() for p in ids]

    credit = credit_mod.find_credit(text)
    credit_spans = [credit[1]] if credit else []
    result["credit"] = credit[0] if credit else None

    masked = id_spans + credit_spans
    mask = bytearray(len(text) + 1)
    for start, end in masked:
        mask[start:end] = b"\x01" * (end - start)
    found_dates = dates_mod.find_dates(text, masked)
    years = [int(d.value[:4]) for d in found_dates] + \
        [int(p.date_range[0][:4]) for p in ids if p.date_range]
    candidates = _candidates(text, folded, masked, mask, years)
    chosen = _select(candidates)
    chosen = _post_rules(text, folded, chosen)
    listed: set[tuple[str, str]] = set()
    entities = result["entities"]
    for start, end, kind, name, confidence in chosen:
        label = _KIND_LABEL[kind]
        key = (label, name.lower())
        if key not in listed:
            listed.add(key)
            result[label].append(name)
        entities.append({"kind": kind, "id": _entity_id(kind, name), "name": name, "text": text[start:end],
                         "span": [start, end], "confidence": confidence})

    seen = set()
    for d in found_dates:
        key = (d.text, d.value)
        if key not in seen:
            seen.add(key)
            result["dates"].append({"text": d.text, "value": d.value, "precision": d.precision,
                                    "span": list(d.span)})
    title, _, body = text.partition("\n")
    if not body:
        title, body = "", title
    event, confidence = events.classify(title, body)
    result["event"], result["event_confidence"] = event, confidence
    return result


Candidate = tuple[int, int, str, str, float]


def _candidates(text: str, folded: str, masked: list[tuple[int, int]], mask: bytearray,
                years: list[int]) -> list[Candidate]:
    """Every candidate mention. "Columbia" is the Apollo 11 command module in an Apollo context or
    when every date the caption gives (or its photo ID implies) is before the Shuttle (1977)."""
    out: list[Candidate] = []
    shuttle_words = bool(_SHUTTLE_CONTEXT.search(text))
    apollo_words = ("apollo" in folded or "module" in folded) and bool(_APOLLO_CONTEXT.search(text))
    apollo_era = bool(years) and max(years) < 1977
    shuttle_era = bool(years) and min(years) >= 1977
    apollo = not shuttle_words and not shuttle_era and apollo_words  # bare call signs ("Eagle") count
    apollo_orbiter = not shuttle_words and (apollo_era or apollo_words and not shuttle_era)
    for start, end, entry in gazetteer.scan(text, folded):
        if mask.find(1, start, end) != -1:
            continue
        if entry.kind == "apollo_craft":
            if apollo or apollo_orbiter and text[start:end] in _ORBITER_NAMES:
                out.append((start, end, "vehicle", entry.name, 0.7))
            continue
        if entry.kind == "vehicle" and entry.detail == "orbiter" and " " not in text[start:end].strip():
            if apollo_orbiter or text[start:end] in _RARE_ORBITERS and not _SHUTTLE_WORDS.search(text):
                continue  # "Columbia" on Apollo 11; "Pathfinder" the rover, "Enterprise" the word
        confidence = {"exact": 0.9, "any": 0.9, "capital": 0.75}[entry.rule]
        if entry.kind == "place" and entry.detail == "city":
            confidence = 0.6
        out.append((start, end, entry.kind, entry.name, confidence))
    known_ends = {(c[2], c[1]) for c in out}
    finds = (missions.missions(text, folded), patterns.vehicles(text), patterns.places(text, folded),
             patterns.organizations(text))
    for found in finds:
        for start, end, kind, name, confidence in found:
            if confidence <= 0.6 and (kind, end) in known_ends:
                continue  # a generic head-word match swallowing a known name ("X of the Russian Space Agency")
            if mask.find(1, start, end) == -1:
                if kind == "mission":
                    mission = kb_mod.lookup_mission(name)
                    name, confidence = (mission.name, 0.95) if mission else (name, 0.7)
                out.append((start, end, kind, name, confidence))
    for start, end, name, confidence in people.find_people(text, masked, mask):
        out.append((start, end, "person", name, confidence))
    return out


_PRIORITY = {"mission": 0, "vehicle": 1, "organization": 2, "person": 3, "place": 4}


def _select(candidates: list[Candidate]) -> list[Candidate]:
    """Longest mention wins its span; on equal length: mission > vehicle > org > person > place."""
    ranked = sorted(candidates, key=lambda c: (-(c[1] - c[0]), _PRIORITY[c[2]], -c[4], c[0]))
    taken = bytearray(max((c[1] for c in candidates), default=0) + 1)
    chosen = []
    for cand in ranked:
        start, end = cand[0], cand[1]
        if taken.find(1, start, end) != -1:
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append(cand)
    return sorted(chosen, key=lambda c: c[0])


def _post_rules(text: str, folded: str, chosen: list[Candidate]) -> list[Candidate]:
    names = {c[3] for c in chosen}
    surnames = {c[3].split()[-1] for c in chosen if c[2] == "person"}
    vehicle_names = {c[3] for c in chosen if c[2] == "vehicle"}
    out = []
    has_orbiter = any(n.startswith("Space Shuttle ") for n in names)
    for cand in chosen:
        name = cand[3]
        if cand[2] == "place" and name in surnames:
            continue  # "Davis holds a camera": the person, not the city
        if cand[2] == "place" and text.startswith(("'s ", "’s "), cand[1]) and any(
                c[2] in ("vehicle", "organization") and cand[1] < c[0] <= cand[1] + 4 for c in chosen):
            continue  # "Russia's Mir": affiliation, not a place
        if cand[2] == "vehicle":
            after = folded[cand[1]:cand[1] + 10]
            if after.startswith((" pilot", " program", " mission", " project")) and " " in name \
                    or name in ("Skylab", "Space Shuttle") and after.startswith((" program", " mission")):
                continue  # "command module pilot", "Skylab mission": a role or programme, not the craft
            if name == "Orion" and folded[max(0, cand[0] - 14):cand[0]].endswith("constellation "):
                continue
            if name == "Space Shuttle" and has_orbiter:
                continue
            if any(n.startswith(name + " ") for n in vehicle_names):
                continue  # "Progress" beside "Progress 41", "Lunar Module" beside "Lunar Module Eagle"
        out.append(cand)
    mission_names = [c[3] for c in out if c[2] == "mission"]
    for index, cand in enumerate(out):  # "CRS-7" after "Orbital ATK CRS-7" is the same flight
        if cand[2] == "mission":
            fuller = [m for m in mission_names if m.endswith(" " + cand[3])]
            if fuller:
                out[index] = (cand[0], cand[1], cand[2], fuller[0], cand[4])
    capsules = _capsules()
    for start, end, kind, name, confidence in patterns.generic_craft(text, folded):
        if names & capsules:
            break
        if name not in names and not any(n.startswith(name.split()[0]) and n != name and
                                         c[2] == "vehicle" for c in out for n in [c[3]]):
            out.append((start, end, kind, name, confidence))
            names.add(name)
    return sorted(out, key=lambda c: c[0])


@lru_cache(maxsize=1)
def _capsules() -> frozenset[str]:
    return frozenset(row[0] for row in kb_mod.load()["vehicles"] if row[1] == "capsule")


@lru_cache(maxsize=65536)
def _entity_id(kind: str, name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"{kind}:{slug}"


def _unique(values: Any) -> list[str]:
    out: list[str] = []
    for value in values:
        if value not in out:
            out.append(value)
    return out
