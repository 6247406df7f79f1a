"""Rule-based mentions the gazetteer cannot list: aircraft, ships and numbered Progress flights, launch
pads, named facilities, organisations and geographic features by their head word, state
abbreviations in datelines (mission designations: ``missions.py``). Each finder yields
(start, end, kind, canonical, confidence).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cupola.enrich.missions import Mention

_AIRCRAFT = re.compile(r"\b(?:F-\d{2,3}[A-Z]?|F/A-18|X-\d{1,2}[A-Z]?|YF-\d{2}|KC-135|T-38|SR-71|B-\d{1,2}|"
                       r"C-\d{1,3}[A-Z]?|DC-\d{1,2}|ER-2|U-2|AD-1|HL-\d{2}|M2-F\d|WB-57|P-3|L-1011|"
                       r"MD-\d{2,3}|CV-990|OV-10)(?![\w-])")
_PROGRESS = re.compile(r"\bProgress (M1?-\d{1,2}M?|MS-\d{1,2}|\d{1,3}P?)\b")
_SHIP = re.compile(r"\bU\.?S\.?S\.? [A-Z][a-z]+(?: [A-Z][a-z]+)?\b|\b(?:Freedom|Liberty) Star\b")
_PAD = re.compile(r"\b(?:(?:Launch )?Pad|Launch Complex|LC)[- ]?(\d{1,2}[A-Z]?|0[A-B])\b|\b(?:Space Launch Complex|SLC)[- ]?(\d{1,2}[A-Z]?)\b", re.I)
_CAP = r"(?:(?:[A-Z]\.)+|[A-Z][A-Za-z&-]*|of|and|for|the|de|on)"
_FACILITY = re.compile(rf"\b((?:(?:[A-Z]\.)+|[A-Z][A-Za-z&-]*)(?: {_CAP}){{0,6}}? (?<=[A-Za-z] )(?<!of )(?<!and )(?<!for )(?<!the )(?:Facility|Building|Center|Centre|Complex|"
                       r"Annex|Air Force Base|Air Force Station|Naval Air Station|"
                       r"Museum|Airport|Proving Ground|Test Stand|Arsenal|Cosmodrome|Data Center))\b")
_ORG = re.compile(rf"\b((?:(?:[A-Z]\.)+|[A-Z][A-Za-z&-]*)(?: {_CAP}){{0,6}}? (?<!of )(?<!and )(?<!for )(?<!the )"
                  r"(?:(?:Corporation|Corp\.|Company|Inc\.|Incorporated|Committee|Agency|Association|Council|"
                  r"Commission|Laboratories|Corps of Engineers|Foundation)"
                  r"|Aeronautical(?! [A-Z])"
                  r"|(?:Institute|University|Society|Academy)(?: of(?: the)? [A-Z][a-z]+(?: [A-Z][a-z]+)?)?))\b"
                  r"|\bU\.S\. Department of (?:the )?[A-Z][a-z]+\b")
_GEO_SUFFIX = re.compile(r"\b((?:[A-Z][a-z]+ (?:(?:de|del|la|of|da) )?){1,3}(?:Ocean|Sea|Gulf|Bay|Strait|Straight|Straits|River|Mountains|"
                         r"Range|Valley|Peninsula|Basin|Desert|Islands|Island|Lake|Plateau|Delta|Canyon|Glacier|"
                         r"Volcano|Sound|Channel|Reef|Falls|National Park|National Monument|National Forest|"
                         r"Archipelago|Sea Islands))\b")
_GEO_PREFIX = re.compile(r"\b((?:(?:Gulf|Sea|Bay|Strait|Straits|Isle) of(?: the)?|"
                         r"Lake|Mount|Mt\.|Cape|Rio|Ozero|Sierra|Lago) [A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")
_LUNAR = {"Tranquility", "Serenity", "Storms", "Crises", "Fertility", "Rains", "Clouds", "Nectar", "Vapors",
          "Moisture", "Cold", "Imbrium", "Procellarum", "Descartes", "Taurus", "Hadley", "Fra", "Cayley"}
_BUILT = {"Facility", "Building", "Processing", "Payload", "Cargo", "Center", "Module", "Hangar", "Pad",
          "Complex", "Station", "Shuttle", "Spacecraft", "Orbiter", "Space", "Vehicle"}
_OCEAN = re.compile(r"\b(Atlantic|Pacific|Indian|Arctic)\b(?!\s+(?:Ocean|Coast|Fleet|Missile|Range|Test|Command|"
                    r"Standard|Time|Northwest|Rim|Islands?|side|Flyer|Recovery)\b)")
_GENERIC_CRAFT = re.compile(r"\b(Apollo|Gemini|Mercury)\b[\w() -]{0,24}?\b(spacecraft|capsule|cupsule)\b", re.I)
STATE_ABBREV = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California", "Colo.": "Colorado",
    "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida", "FLA.": "Florida", "Ga.": "Georgia",
    "Ill.": "Illinois", "Ind.": "Indiana", "Kan.": "Kansas", "Ky.": "Kentucky", "La.": "Louisiana",
    "Md.": "Maryland", "Mass.": "Massachusetts", "Mich.": "Michigan", "Minn.": "Minnesota",
    "Miss.": "Mississippi", "Mo.": "Missouri", "Mont.": "Montana", "Neb.": "Nebraska", "Nev.": "Nevada",
    "N.H.": "New Hampshire", "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York",
    "N.C.": "North Carolina", "N.D.": "North Dakota", "Okla.": "Oklahoma", "Ore.": "Oregon",
    "Pa.": "Pennsylvania", "R.I.": "Rhode Island", "S.C.": "South Carolina", "S.D.": "South Dakota",
    "Tenn.": "Tennessee", "Tex.": "Texas", "Va.": "Virginia", "Vt.": "Vermont", "Wash.": "Washington",
    "Wis.": "Wisconsin", "Wyo.": "Wyoming", "AL": "Alabama", "AZ": "Arizona", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "MD": "Maryland",
    "NM": "New Mexico", "NY": "New York", "OH": "Ohio", "TX": "Texas", "VA": "Virginia", "UT": "Utah",
    "WA": "Washington", "MS": "Mississippi", "LA": "Louisiana", "NV": "Nevada", "MT": "Montana",
    "ID": "Idaho", "OR": "Oregon", "SD": "South Dakota", "ND": "North Dakota", "NE": "Nebraska",
    "KS": "Kansas", "OK": "Oklahoma", "AK": "Alaska", "USA": "United States",
}
_STATE_AT = re.compile(r"(" + "|".join(re.escape(k) for k in sorted(STATE_ABBREV, key=len, reverse=True))
                       + r")(?![\w])")
_GENERIC_WORDS = {"Space", "Flight", "Research", "Test", "Control", "Operations", "Assembly", "High", "Low",
                  "Main", "New", "Old", "North", "South", "East", "West", "Central", "Training", "Support",
                  "Data", "Mission", "Launch", "The", "This", "That", "Its", "Their", "National", "Processing", "Engineering", "Science", "Technology", "Computer", "Visitor", "Media"}
_ACRONYM_AND = re.compile(r"^[A-Z]{2,6} and (?:the )?")
_TRIM = re.compile(r"^(?:The|A|An|At|In|On|From|To|NASA's|NASA’s|Of|And)\s+")


_FACILITY_WORDS = ("Facility", "Building", "Center", "Centre", "Complex", "Annex", "Air Force", "Naval Air",
                   "Museum", "Airport", "Proving Ground", "Test Stand", "Arsenal", "Cosmodrome")
_ORG_WORDS = ("Corporation", "Corp.", "Company", "Inc.", "Incorporated", "Aeronautical", "Aerospace",
              "Aircraft", "Committee", "Agency", "Institute", "University", "Association", "Society",
              "Foundation", "Council", "Commission", "Laboratories", "Corps of Engineers", "Department of")
_GEO_WORDS = ("Ocean", "Sea", "Gulf", "Bay", "Strait", "River", "Mountain", "Range", "Valley", "Peninsula",
              "Basin", "Desert", "Island", "Lake", "Plateau", "Delta", "Canyon", "Glacier", "Volcano", "Sound",
              "Channel", "Reef", "Falls", "National", "Archipelago", "Mount", "Mt.", "Isle", "Cape", "Rio ",
              "Ozero", "Sierra", "Lago")
_FACILITY_GATE = re.compile("|".join(re.escape(w) for w in _FACILITY_WORDS))
_GEO_GATE = re.compile("|".join(re.escape(w) for w in _GEO_WORDS))
_ORG_GATE = re.compile("|".join(re.escape(w) for w in _ORG_WORDS))
_AIRCRAFT_GATE = re.compile(r"[A-Z]-\d|[A-Z]\d-")


def vehicles(text: str) -> Iterator[Mention]:
    if _AIRCRAFT_GATE.search(text):
        for m in _AIRCRAFT.finditer(text):
            yield m.start(), m.end(), "vehicle", m.group(0), 0.7
    if "Progress " in text:
        for m in _PROGRESS.finditer(text):
            yield m.start(), m.end(), "vehicle", m.group(0), 0.85
    if "USS " in text or "U.S.S. " in text or " Star" in text:
        for m in _SHIP.finditer(text):
            name = re.sub(r"^U\.?S\.?S\.? ", "USS ", m.group(0))
            yield m.start(), m.end(), "vehicle", name, 0.85


def generic_craft(text: str, folded: str | None = None) -> Iterator[Mention]:
    folded = folded if folded is not None else text.lower()
    if "spacecraft" not in folded and "capsule" not in folded and "cupsule" not in folded:
        return
    for m in _GENERIC_CRAFT.finditer(text):
        yield m.start(), m.end(), "vehicle", f"{m.group(1).capitalize()} spacecraft", 0.6


def places(text: str, folded: str | None = None) -> Iterator[Mention]:
    folded = folded if folded is not None else text.lower()
    pads = _PAD.finditer(text) if ("pad" in folded or "complex" in folded or "lc-" in folded
                                    or "lc " in folded or "slc" in folded) else ()
    for m in pads:
        pad = (m.group(1) or m.group(2) or "").upper()
        if m.group(2):
            yield m.start(), m.end(), "place", f"Space Launch Complex {pad}", 0.85
        elif pad[:2] in ("39", "34", "37", "40", "41", "14", "19", "5", "17"):
            yield m.start(), m.end(), "place", f"Launch Complex {pad}", 0.85
        else:
            yield m.start(), m.end(), "place", f"Pad {pad}", 0.7
    facility_windows = _windows(text, _FACILITY_GATE, 90, 20)
    geo_windows = _windows(text, _GEO_GATE, 60, 40)
    for pattern, confidence, windows in ((_FACILITY, 0.6, facility_windows), (_GEO_SUFFIX, 0.7, geo_windows),
                                         (_GEO_PREFIX, 0.7, geo_windows)):
        for m in _in_windows(pattern, text, windows):
            start, end, name = _trimmed(m)
            if name is None or any(word in _LUNAR for word in name.split()):
                continue
            if pattern is not _FACILITY and any(word in _BUILT for word in name.split()):
                continue
            name = name.replace("Straight", "Strait")
            yield start, end, "place", name, confidence
    if "Atlantic" in text or "Pacific" in text or "Indian" in text or "Arctic" in text:
        for m in _OCEAN.finditer(text):
            yield m.start(), m.end(), "place", f"{m.group(1)} Ocean", 0.5
    comma = text.find(", ")
    while comma > 0:  # "Houston, TX", "Huntsville, Ala.": an abbreviation right after a comma
        before = text[comma - 1]
        if before.isalpha() or before == ".":
            m = _STATE_AT.match(text, comma + 2)
            if m is not None:
                yield m.start(), m.end(), "place", STATE_ABBREV[m.group(1)], 0.8
        comma = text.find(", ", comma + 2)


def _windows(text: str, gate: re.Pattern[str], before: int, after: int) -> list[tuple[int, int]]:
    """Stretches around head words: the head-word regexes only run there (a whole-text scan with a
    leading \\b costs ~10x more)."""
    spans: list[tuple[int, int]] = []
    for m in gate.finditer(text):
        start = max(0, m.start() - before)
        end = min(len(text), m.end() + after)
        while start > 0 and not text[start - 1].isspace() and m.start() - start < before + 30:
            start -= 1  # never start a window inside a word
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _in_windows(pattern: re.Pattern[str], text: str, windows: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    for start, end in windows:
        yield from pattern.finditer(text, start, end)


def organizations(text: str) -> Iterator[Mention]:
    windows = _windows(text, _ORG_GATE, 90, 40)
    for m in _in_windows(_ORG, text, windows):
        start, end, name = _trimmed(m)
        if name:
            yield start, end, "organization", name, 0.6


def _trimmed(m: re.Match[str]) -> tuple[int, int, str | None]:
    start, end = m.span()
    name = m.group(0)
    head = _ACRONYM_AND.match(name)
    if head:  # "NASA and the National Science Teachers Association"
        start += head.end()
        name = name[head.end():]
    for joint in (" of the ", " and the "):  # "Lisa Freed of the Massachusetts Institute of Technology"
        index = name.rfind(joint)
        if index > 0 and len(name[index + len(joint):].split()) >= 2:
            cut = index + len(joint)
            start += cut
            name = name[cut:]
    words = name.split()
    if len(words) <= 3 and all(w in _GENERIC_WORDS for w in words[:-1]):
        return start, end, None  # "Space Center", "High Bay": not a name
    while True:
        cut = _TRIM.match(name)
        if not cut:
            break
        start += cut.end()
        name = name[cut.end():]
    if len(name.split()) < 2:
        return start, end, None
    return start, end, name
