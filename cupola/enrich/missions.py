"""Mission designations by family: STS-61 / STS-41B ("STS-11/41B"), Apollo XII, Gemini-Titan (GT)-9A,
MA-9, MR-3, SL-4, Little Joe 1, Expedition 27, Soyuz TMA-18, Mir-22, Crew-1, Artemis II, cargo flights
with their operator, ISS assembly flights. ``missions(text)`` yields (start, end, "mission", name,
confidence); names are canonical (``names.canonical_mission``) and resolved against the KB by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cupola.enrich.names import canonical_mission

Mention = tuple[int, int, str, str, float]

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

_GATES = {
    "sts84": ("sts",), "sts": ("sts",), "Apollo": ("apollo",), "Gemini": ("gemini", "gt-", "gt "),
    "Mercury-Atlas": ("mercury", "ma-", "ma)", "ma "), "Mercury-Redstone": ("mercury", "mr-", "mr)", "mr "),
    "Skylab": ("skylab", "sl-"), "Little Joe": ("little joe", "lj"), "Expedition": ("expedition",),
    "soyuz": ("soyuz",), "Soyuz": ("soyuz",), "named": ("vostok", "voskhod", "shenzhou", "htv-", "atv-"),
    "Mir": ("mir-", "mir "), "crew": ("crew-",), "Artemis": ("artemis",), "Orbital": ("orbital-",), "crs": ("crs-",),
    "cargo": ("orb-", "oa-", "ng-"), "flight": ("flight ",),
}
# Case-insensitive families run on the lower-cased text with plain literals (much faster than re.I).
_LOWER = {"sts84", "sts", "Apollo", "Gemini", "Mercury-Atlas", "Mercury-Redstone", "Skylab", "Little Joe",
          "Expedition"}
_LOWER_NUM = r"(\d{1,3}|[ivx]{1,5}\b)"
_MISSIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"sts-\d{1,2}/(\d\d)-?([a-l])\b"), "sts84"),
    (re.compile(r"sts[- ]?(\d{1,3})(?:[- ]?([a-l]))?(?![\w-])"), "sts"),
    (re.compile(r"apollo[- ]" + _LOWER_NUM + r"(?![\w-]|\.\d)"), "Apollo"),
    (re.compile(r"(?:gemini-titan|gemini|gt)(?:\s*\(gt\))?[- ]?(\d{1,2}|[ivx]{1,4})(a)?(?![\w-])"), "Gemini"),
    (re.compile(r"(?:mercury[- ]atlas|ma)(?:\s*\(ma\))?[- ]?(\d{1,2})(?![\w-])"), "Mercury-Atlas"),
    (re.compile(r"(?:mercury[- ]redstone|mr)(?:\s*\(mr\))?[- ]?(\d)(?![\w-])"), "Mercury-Redstone"),
    (re.compile(r"(?:skylab(?:\s*\(sl\))?[- ]?|sl-)(\d)(?![\w-])"), "Skylab"),
    (re.compile(r"(?:little joe|lj)[- ]?(\d[ab]?)(?![\w-])"), "Little Joe"),
    (re.compile(r"expedition[- ](\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b"),
     "Expedition"),
    (re.compile(r"Soyuz[- ](TMA|TM|T|MS)[- ]?(\d{1,2}M?)(?![\w-])"), "soyuz"),
    (re.compile(r"Soyuz[- ](\d{1,2})(?![\w-])"), "Soyuz"),
    (re.compile(r"(?:Vostok|Voskhod|Shenzhou)[- ](\d{1,2})(?![\w-])"), "named"),
    (re.compile(r"Mir[- ](\d{1,2})(?![\w-])"), "Mir"),
    (re.compile(r"(?:SpaceX\s+)?Crew-(\d{1,2})\b"), "crew"),
    (re.compile(r"Artemis (I{1,3}|IV|\d)\b"), "Artemis"),
    (re.compile(r"Orbital-(\d{1,2})\b"), "Orbital"),
    (re.compile(r"(SpaceX\s+|Orbital ATK\s+|Orbital\s+|Northrop Grumman\s+)?CRS-(\d{1,2})\b"), "crs"),
    (re.compile(r"(Orb|OA|NG)-(\d{1,2})\b"), "cargo"),
    (re.compile(r"(?:HTV|ATV)-(\d)\b"), "named"),
    (re.compile(r"[Ff]light (\d{1,2}[AJRE](?:\.\d)?|UF-?\d|ULF-?\d)\b"), "flight"),
]


_ALL_GATES = frozenset(g for gates in _GATES.values() for g in gates)


def missions(text: str, folded: str | None = None) -> Iterator[Mention]:
    folded = folded if folded is not None else text.lower()
    present = {gate for gate in _ALL_GATES if gate in folded}
    if not present:
        return
    for pattern, family in _MISSIONS:
        if present.isdisjoint(_GATES[family]):
            continue
        lower = family in _LOWER
        for m in pattern.finditer(folded if lower else text):
            if m.start() and text[m.start() - 1].isalnum():
                continue  # the patterns carry no leading \b (much faster); the boundary is checked here
            end = m.end()
            if family == "sts" and m.group(2) and not text[m.start(2)].isupper():
                end = m.end(1)  # "STS-7 a new crew": the letter must be a capital
                name = _mission_name(family, _NoLetter(m))
            else:
                name = _mission_name(family, m)
            if name:
                yield m.start(), end, "mission", name, 0.9


class _NoLetter:
    """An STS match seen without its (lower-case, so not a flight letter) suffix."""

    def __init__(self, m: re.Match[str]):
        self.m = m

    def groups(self) -> tuple[str | None, ...]:
        return (self.m.group(1), None)


def _mission_name(family: str, m: re.Match[str]) -> str | None:
    g = m.groups()
    if family == "sts84":
        return f"STS-{g[0]}{g[1].upper()}"
    if family == "sts":
        number = int(g[0])
        if not 1 <= number <= 135 and not (g[1] and 41 <= number <= 62):
            return None
        if g[1] and not 41 <= number <= 62:
            return None
        return f"STS-{number}{g[1].upper() if g[1] else ''}"
    if family in ("Apollo", "Gemini", "Skylab", "Mercury-Atlas", "Mercury-Redstone"):
        value = g[0]
        if value.upper() in ("I", "V", "X") and family in ("Gemini", "Apollo") and m.group(0)[-1] == value:
            pass
        text = canonical_mission(f"{family} {value}{g[1] if len(g) > 1 and g[1] else ''}")
        number = re.search(r"\d+", text)
        limits = {"Apollo": 17, "Gemini": 12, "Skylab": 4, "Mercury-Atlas": 10, "Mercury-Redstone": 4}
        if not number or not 1 <= int(number.group(0)) <= limits[family]:
            return None
        if family == "Skylab" and int(number.group(0)) < 2:
            return None
        return text
    if family == "Little Joe":
        return f"Little Joe {g[0].upper()}"
    if family == "Expedition":
        value = _NUMBER_WORDS.get(g[0].lower(), g[0])
        return f"Expedition {int(value)}"
    if family == "soyuz":
        return f"Soyuz {g[0]}-{g[1]}"
    if family == "Soyuz":
        return f"Soyuz {int(g[0])}"
    if family == "named":
        return m.group(0).replace("-", " ") if not m.group(0).startswith(("HTV", "ATV")) else m.group(0)
    if family == "Mir":
        return f"Mir-{int(g[0])}"
    if family == "crew":
        return f"SpaceX Crew-{int(g[0])}"
    if family == "Artemis":
        return canonical_mission(f"Artemis {g[0]}")
    if family == "Orbital":
        return f"Orbital-{int(g[0])}"
    if family == "crs":
        operator = " ".join((g[0] or "").split())
        return f"{operator} CRS-{int(g[1])}" if operator else f"CRS-{int(g[1])}"
    if family == "cargo":
        return f"{g[0]}-{int(g[1])}"
    if family == "flight":
        return f"Flight {g[0].upper()}"
    return None


