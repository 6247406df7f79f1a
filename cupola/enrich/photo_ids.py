"""NASA photo and catalogue numbers: find them in text, split them into parts, give a canonical form.

``parse(text)`` returns every ``PhotoId`` in order, each with the text as written, its span, the
scheme, parts, a canonical form (ISS054-E-22060 -> iss054e022060), and what it implies: a mission
(by its prefix) and a date range (from the KB's mission dates, or the year/day the number encodes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"


@dataclass
class PhotoId:
    text: str  # exactly as written
    span: tuple[int, int]
    scheme: str  # iss, sts, shuttle_esc, shuttle_84, apollo, skylab, jsc, jsc_year, ksc, ksc_date, pia, ...
    canonical: str
    parts: dict[str, Any] = field(default_factory=dict)
    mission: str | None = None  # implied by the prefix (not a caption statement)
    date_range: tuple[str, str] | None = None  # ISO (start, end)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": list(self.span), "scheme": self.scheme,
                "canonical": self.canonical, "parts": self.parts, "mission": self.mission,
                "date_range": list(self.date_range) if self.date_range else None}


def _year2(value: str) -> int:
    year = int(value)
    return 2000 + year if year < 40 else 1900 + year


def _year_range(year: int) -> tuple[str, str]:
    return (f"{year}-01-01", f"{year}-12-31")


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iss", re.compile(r"(ISS)(\d{3})\s?-?([A-Z])-?(\d{1,6})\b", re.IGNORECASE)),
    ("art", re.compile(r"(art)(\d{3})e(\d{6})\b", re.IGNORECASE)),
    ("sts", re.compile(r"(STS)-?(\d{2,3}[A-Z]?)[-–]([A-Z]{1,3}|[A-Z]?\d{1,3})[-–](\d{1,6}[A-Z]{0,2})\b", re.IGNORECASE)),
    ("jsc", re.compile(r"(JSC)(\d{4})-?([A-Z])-?(\d{1,6})\b", re.IGNORECASE)),
    ("ksc_date", re.compile(r"(KSC)-(\d{8})-([A-Z]{2})[_-]([A-Z0-9_-]*[A-Z0-9])", re.IGNORECASE)),
    ("ksc", re.compile(r"(KSC)-?(?:(PL)(\d{2})|(\d{2})([A-Z]{1,3}))-?(\d{1,5})\b", re.IGNORECASE)),
    ("apollo", re.compile(r"(AS)(\d{1,2})-(\d{1,3}[A-Z]?)-(\d{1,5}[A-Z]?)\b", re.IGNORECASE)),
    ("astp", re.compile(r"(AST)-(\d{1,2})-(\d{1,5})\b")),
    ("nasa_mir", re.compile(r"(NM)(\d{1,2})-(\d{1,3})-(\d{1,5})\b")),
    ("mercury", re.compile(r"(\d{2})-(MA|MR)(\d)-(\d{1,4})\b")),
    ("skylab", re.compile(r"(SL)(\d)-(\d{1,3})-(\d{1,5})\b", re.IGNORECASE)),
    ("shuttle_84", re.compile(r"(\d{2}[A-L])\s?-\s?(\d{1,3}|[A-Z])-(\d{1,5}[A-Z]?)\b|(\d{2}[A-L])-(\d{4,5})\b")),
    ("shuttle_esc", re.compile(r"(S)(\d{2,3})-([A-Z])-(\d{1,6})\b|\b(s)(\d{2,3})(e)(\d{3,6})\b",
                               re.IGNORECASE)),
    ("shuttle_roll", re.compile(r"(S)(\d{2})-(\d{1,3})-(\d{1,5}[A-Z]{0,2})\b")),
    ("jsc_year", re.compile(r"(S)(\d{2})-(\d{5})\b|(\d{2})-E-(\d{4,6})\b", re.IGNORECASE)),
    ("pia", re.compile(r"(PIA)(\d{5})\b", re.IGNORECASE)),
    ("grc", re.compile(r"(GRC|C)-(\d{4})-([A-Z])-(\d{1,6})\b", re.IGNORECASE)),
    ("afrc", re.compile(r"(EC|ECN|ED|AFRC)(\d{2,4})-(\d{3,5})(?:-(\d{1,3}))?\b")),
    ("larc", re.compile(r"(L|LRC|LARC)-(\d{4})-([A-Z0-9]+(?:[_-][A-Z0-9]+)*)", re.IGNORECASE)),
    ("hq", re.compile(r"(\d{4})(\d{2})(\d{2})(\d{4})(HQ)\b")),
]


def _mission_dates(name: str) -> tuple[str, str] | None:
    from cupola.enrich.kb import lookup_mission

    mission = lookup_mission(name)
    if mission is None or not mission.start:
        return None
    return (mission.start, mission.end or mission.start)


def _build(scheme: str, m: re.Match[str], source: str) -> PhotoId | None:
    g = m.groups()
    span = m.span()
    text = source[m.start():m.end()]  # as written (the match may come from the lower-cased text)
    if scheme == "iss":
        mission_no, roll, frame = int(g[1]), g[2].lower(), int(g[3])
        mission = f"Expedition {mission_no}"
        return PhotoId(text, span, scheme, f"iss{g[1]}{roll}{frame:06d}",
                       {"mission": g[1], "roll": roll.upper(), "frame": frame}, mission,
                       _mission_dates(mission))
    if scheme == "art":
        number = int(g[1])
        mission = f"Artemis {['', 'I', 'II', 'III', 'IV'][number] if 0 < number < 5 else number}"
        return PhotoId(text, span, scheme, f"art{g[1]}e{g[2]}", {"mission": g[1], "roll": "E",
                       "frame": int(g[2])}, mission, _mission_dates(mission))
    if scheme == "sts":
        number = g[1].upper()
        mission = f"STS-{int(number)}" if number.isdigit() else f"STS-{int(number[:-1])}{number[-1]}"
        roll = g[2].upper()
        frame = g[3].lower()
        return PhotoId(text, span, scheme, f"sts{number.lower().zfill(3)}-{roll.lower()}-{frame.zfill(3)}",
                       {"mission": number, "roll": roll, "frame": frame}, mission, _mission_dates(mission))
    if scheme == "shuttle_esc":
        g = g[:4] if g[0] else g[4:]
        mission = f"STS-{int(g[1])}"
        return PhotoId(text, span, scheme, f"s{int(g[1])}e{int(g[3])}".replace("e", g[2].lower(), 1),
                       {"mission": g[1], "roll": g[2].upper(), "frame": int(g[3])}, mission,
                       _mission_dates(mission))
    if scheme == "shuttle_84":
        if g[0] is None:  # "41C-3029"
            mission = f"STS-{g[3].upper()}"
            return PhotoId(text, span, scheme, f"{g[3].lower()}-{g[4]}", {"mission": g[3].upper(),
                           "frame": int(g[4])}, mission, _mission_dates(mission))
        mission = f"STS-{g[0].upper()}"
        roll = int(g[1]) if g[1].isdigit() else g[1]
        frame = g[2].lower()
        return PhotoId(text, span, scheme, f"{g[0].lower()}-{g[1].lower().zfill(3)}-{frame.zfill(4)}",
                       {"mission": g[0].upper(), "roll": roll, "frame": frame}, mission, _mission_dates(mission))
    if scheme == "shuttle_roll":
        mission = f"STS-{int(g[1])}"
        return PhotoId(text, span, scheme, f"sts{int(g[1]):03d}-{int(g[2]):03d}-{g[3].lower()}",
                       {"mission": g[1], "roll": int(g[2]), "frame": g[3]}, mission, _mission_dates(mission))
    if scheme == "astp":
        mission = "Apollo-Soyuz Test Project"
        return PhotoId(text, span, scheme, f"ast-{int(g[1])}-{int(g[2])}", {"magazine": int(g[1]),
                       "frame": int(g[2])}, mission, _mission_dates(mission))
    if scheme == "nasa_mir":
        mission = f"Mir-{int(g[1])}"
        return PhotoId(text, span, scheme, f"nm{int(g[1])}-{int(g[2])}-{int(g[3])}",
                       {"mission": int(g[1]), "roll": int(g[2]), "frame": int(g[3])}, mission,
                       _mission_dates(mission))
    if scheme == "mercury":
        mission = f"{'Mercury-Atlas' if g[1] == 'MA' else 'Mercury-Redstone'} {int(g[2])}"
        return PhotoId(text, span, scheme, f"{g[0]}-{g[1].lower()}{g[2]}-{int(g[3])}",
                       {"year": _year2(g[0]), "frame": int(g[3])}, mission, _mission_dates(mission))
    if scheme == "apollo":
        mission = f"Apollo {int(g[1])}"
        return PhotoId(text, span, scheme, f"as{int(g[1])}-{g[2].lower()}-{g[3].lower()}",
                       {"mission": int(g[1]), "magazine": g[2], "frame": g[3]}, mission,
                       _mission_dates(mission))
    if scheme == "skylab":
        mission = f"Skylab {int(g[1])}"
        return PhotoId(text, span, scheme, f"sl{g[1]}-{int(g[2])}-{int(g[3])}",
                       {"mission": int(g[1]), "magazine": int(g[2]), "frame": int(g[3])}, mission,
                       _mission_dates(mission))
    if scheme == "jsc":
        year = int(g[1])
        if not 1958 <= year <= 2040:
            return None
        return PhotoId(text, span, scheme, f"jsc{year}{g[2].lower()}{int(g[3]):06d}",
                       {"year": year, "roll": g[2].upper(), "frame": int(g[3])}, None, _year_range(year))
    if scheme == "jsc_year":
        if g[0] is None:  # "98-E-01301"
            year = _year2(g[3])
            return PhotoId(text, span, scheme, f"{g[3]}e{int(g[4]):05d}", {"year": year, "roll": "E",
                           "number": int(g[4])}, None, _year_range(year))
        year = _year2(g[1])
        return PhotoId(text, span, scheme, f"s{g[1]}-{g[2]}", {"year": year, "number": int(g[2])}, None,
                       _year_range(year))
    if scheme == "ksc_date":
        y, mo, d = g[1][:4], g[1][4:6], g[1][6:]
        if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
            return None
        day = f"{y}-{mo}-{d}"
        return PhotoId(text, span, scheme, text.upper().replace("KSC", "KSC", 1),
                       {"date": day, "type": g[2].upper(), "rest": g[3]}, None, (day, day))
    if scheme == "ksc":
        year = _year2(g[2] or g[3])
        series = (g[1] or g[4]).upper()
        return PhotoId(text, span, scheme, f"ksc-{(g[2] or g[3])}{series.lower()}-{int(g[5]):04d}",
                       {"year": year, "series": series, "number": int(g[5])}, None, _year_range(year))
    if scheme == "pia":
        return PhotoId(text, span, scheme, f"PIA{g[1]}", {"number": int(g[1])}, None, None)
    if scheme == "grc":
        year = int(g[1])
        return PhotoId(text, span, scheme, f"GRC-{year}-{g[2].upper()}-{int(g[3]):05d}",
                       {"year": year, "series": g[2].upper(), "number": int(g[3])}, None, _year_range(year))
    if scheme == "afrc":
        year = _year2(g[1]) if len(g[1]) == 2 else int(g[1])
        return PhotoId(text, span, scheme, text.upper(), {"year": year, "number": int(g[2])}, None,
                       _year_range(year))
    if scheme == "larc":
        year = int(g[1])
        if not 1917 <= year <= 2040:
            return None
        return PhotoId(text, span, scheme, text.upper(), {"year": year, "rest": g[2]}, None, _year_range(year))
    if scheme == "hq":
        day = f"{g[0]}-{g[1]}-{g[2]}"
        if not (1 <= int(g[1]) <= 12 and 1 <= int(g[2]) <= 31):
            return None
        return PhotoId(text, span, scheme, text, {"date": day, "number": int(g[3])}, None, (day, day))
    return None


# re.I patterns run on the lower-cased text as plain lower-case patterns (much faster than re.I)
_LOWERED = {scheme for scheme, pattern in _PATTERNS if pattern.flags & re.IGNORECASE}
_PATTERNS = [(scheme, re.compile(pattern.pattern.lower()) if scheme in _LOWERED else pattern)
             for scheme, pattern in _PATTERNS]

_GATES: dict[str, frozenset[str]] = {
    "iss": frozenset({"iss"}), "art": frozenset({"art"}), "sts": frozenset({"sts"}), "jsc": frozenset({"jsc"}),
    "ksc_date": frozenset({"ksc"}), "ksc": frozenset({"ksc", "pl"}), "apollo": frozenset({"as"}),
    "skylab": frozenset({"sl"}), "shuttle_esc": frozenset({"s"}), "shuttle_roll": frozenset({"s"}),
    "astp": frozenset({"ast"}), "nasa_mir": frozenset({"nm"}),
    "pia": frozenset({"pia"}), "grc": frozenset({"grc", "c"}), "afrc": frozenset({"ec", "ecn", "ed", "afrc"}),
    "larc": frozenset({"l", "lrc", "larc"}),
}
# letters right before a digit ("ISS054", "KSC-98", "S82"): which schemes can be present at all
_PREFIX_SCAN = re.compile(r"[A-Za-z]-?\d")
_DIGIT_GATE = re.compile(r"\d[A-L] ?-|\dHQ|\d-[EM]")


def parse(text: str) -> list[PhotoId]:
    """Every photo ID in ``text``, in order, never overlapping (first scheme in the table wins)."""
    if not isinstance(text, str) or not text:
        return []
    found: list[PhotoId] = []
    taken: list[tuple[int, int]] = []
    folded = text.lower() if len(text.lower()) == len(text) else text
    prefixes = set()
    for m in _PREFIX_SCAN.finditer(text):
        end = m.start() + 1
        start = end
        while start > 0 and end - start < 4 and text[start - 1].isalpha():
            start -= 1
        prefixes.add(text[start:end].lower())
    digit_gate = None
    for scheme, pattern in _PATTERNS:
        gate = _GATES.get(scheme)
        if gate is not None:
            if gate.isdisjoint(prefixes):
                continue
        elif scheme == "jsc_year" and "s" in prefixes:
            pass
        else:
            if digit_gate is None:
                digit_gate = bool(_DIGIT_GATE.search(text))
            if not digit_gate:
                continue
        for match in pattern.finditer(folded if scheme in _LOWERED else text):
            start, end = match.span()
            if start and text[start - 1].isalnum():
                continue  # no leading \b in the patterns (much faster): the boundary is checked here
            if any(start < e and s < end for s, e in taken):
                continue
            try:
                photo = _build(scheme, match, text)
            except (ValueError, IndexError):
                photo = None
            if photo is not None:
                found.append(photo)
                taken.append((start, end))
    found.sort(key=lambda p: p.span[0])
    return found
