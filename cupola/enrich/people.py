"""People named in a caption, in the label convention's canonical "Given Surname" form.

A run of capitalised tokens (with initials, particles and a parenthesised nickname) is a person when
it starts with a known given name (US census + every KB spelling), follows a title ("astronaut",
"Dr.", "President"), or ends with a KB surname. Middle names, initials and Jr./II are dropped; a
leading initial gives way to the next given name ("F. Story Musgrave" -> "Story Musgrave"); people
known by a nickname take it ("Charles Conrad Jr." -> "Pete Conrad").
"""

from __future__ import annotations

import re
from functools import lru_cache

from cupola.enrich import kb
from cupola.enrich.names import fold

_TOKEN = re.compile(r"(?:(?:[A-Z]\.){2,}|[A-Z]\.|\((?:[A-Z][a-z]+)\)|\"[A-Z][a-z]+\"|"
                    r"(?:Mc|Mac|O'|O’|D')?[A-ZÀ-Þ][a-zà-ÿ]+(?:[-'][A-ZÀ-Þ]?[a-zà-ÿ]+)*|"
                    r"von|van|der|de|bin|al|da|del|la|Jr\.?|Sr\.?|II|III|IV)(?![\w-])")
# two or more name-like tokens in a row: the only stretches worth tokenising
_RUN = re.compile(r"(?:(?:[A-Z]\.){1,3}|[A-ZÀ-Þ][\wà-ÿ'’\"-]*\.?|\([A-Z][a-z]+\))"
                  r"(?:(?: |, (?=Jr|Sr|II|III|IV))(?:(?:[A-Z]\.){1,3}|[A-ZÀ-Þ][\wà-ÿ'’\"-]*\.?|\([A-Z][a-z]+\)|"
                  r'"[A-Z][a-z]+"|'
                  r"von |van |der |de |bin |al |da |del |la )+)+")
_NOT_INITIALS = {"U.S.", "U.S.S.", "U.S.A.", "U.K.", "U.N.", "S.S.", "R.V.", "H.M.S."}


def _is_initial(token: str) -> bool:
    return len(token) == 2 and token[1] == "." and token[0].isupper()


_WORDS = re.compile(r"[\w'’-]+")
_INITIALS = re.compile(r"(?:[A-Z]\.){2,}")
_POSSESSIVE = re.compile(r"['’]s$")
_PARTICLES = {"von", "van", "vande", "der", "de", "bin", "al", "da", "del", "la", "Van", "Vande", "De", "Von"}
_SUFFIX = {"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"}
TITLES = {
    "astronaut", "astronauts", "cosmonaut", "cosmonauts", "dr.", "dr", "president", "senator", "sen.",
    "rep.", "representative", "mrs.", "mr.", "ms.", "miss", "administrator", "commander", "pilot",
    "specialist", "director", "manager", "engineer", "scientist", "governor", "gov.", "vice-president",
    "lady", "general", "gen.", "colonel", "col.", "captain", "capt.", "major", "maj.", "lt.", "admiral",
    "adm.", "sgt.", "prince", "king", "queen", "secretary", "chief", "deputy", "researcher", "investigator",
    "payload", "mission", "flight", "test", "crew", "member", "members", "by", "photographer", "technician",
    "prof.", "professor", "sultan", "cmdr.", "commanders", "taikonaut", "spaceflight", "participant",
    "specialists", "pilots", "engineers", "scientists", "managers", "directors", "researchers", "first",
    "u.s.", "science", "guest", "principal", "commanding", "officer", "leader", "head", "former", "late",
    "then-astronaut", "veteran", "backup", "prime", "rep",
}
STRONG_TITLES = {"dr.", "dr", "mr.", "mrs.", "ms.", "miss", "president", "senator", "sen.", "rep.",
                 "representative", "gov.", "governor", "astronaut", "astronauts", "cosmonaut", "cosmonauts",
                 "prof.", "professor", "administrator", "taikonaut", "u.s.", "lady"}
_NOT_GIVEN = {"san", "santa", "los", "las", "new", "fort", "port", "saint", "st", "mount", "lake", "cape",
              "sierra", "rio", "el", "la", "le", "des", "great", "little", "big", "old", "north", "south",
              "east", "west", "upper", "lower", "grand", "palm", "glen", "mission", "flight", "space",
              "an", "a", "the", "our", "its", "their", "his", "her"}
_NOT_NAME = {
    # names of features on other worlds (IAU descriptor terms): "Hillary Montes", "Sputnik Planitia"
    "montes", "mons", "planitia", "planum", "regio", "chasma", "chasmata", "fossae",
    "vallis", "valles", "terra", "dorsa", "dorsum", "rupes", "patera", "linea", "lineae", "macula",
    "space", "center", "centre", "flight", "station", "shuttle", "facility", "building", "base", "air",
    "force", "laboratory", "module", "mission", "complex", "pad", "launch", "research", "test", "lunar",
    "command", "service", "program", "project", "telescope", "ocean", "sea", "river", "bay", "island",
    "mountains", "valley", "corporation", "company", "agency", "university", "institute", "committee",
    "department", "national", "international", "museum", "house", "garden", "road", "street", "earth",
    "moon", "mars", "sun", "orbiter", "vehicle", "system", "systems", "experiment", "camera", "america",
    "american", "russian", "soviet", "european", "canadian", "japanese", "the", "this", "that", "these",
    "view", "photo", "image", "apollo", "gemini", "mercury", "skylab", "soyuz", "mir", "expedition",
    "control", "hall", "room", "park", "field", "county", "city", "state", "states", "united", "north",
    "south", "east", "west", "northern", "southern", "eastern", "western", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "nasa", "day", "week", "award",
    "medal", "prize", "memorial", "hospital", "school", "college", "club", "lab", "office", "hangar",
    "tunnel", "wind", "model", "aircraft", "rocket", "satellite", "spacecraft", "capsule", "boulevard",
    "avenue", "drive", "lake", "gulf", "strait", "cape", "mount", "desert", "peninsula", "kennedy's",
    "payload", "specialist", "pilot", "commander", "engineer", "manager", "director", "deputy",
    "administrator", "astronaut", "cosmonaut", "crew", "and", "of", "for", "with", "at", "in", "on",
    "christmas", "thanksgiving", "olympic", "olympics", "games", "team", "group", "class", "crater",
    "growth", "protein", "craters", "rille", "ridge", "highlands", "mare", "lecture", "lectures", "series",
    "trophy", "fellowship", "scholarship", "pioneer", "pioneers", "symposium", "conference", "exhibit",
    "exhibition", "foundation", "collection", "auditorium", "gallery", "theater", "theatre", "pavilion",
    "plaza", "bridge", "tower", "parkway", "highway", "explorer", "explorers", "observatory", "trail",
}


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    return frozenset(kb.load()["given_names"])


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    return frozenset(fold(p["surname"]) for p in kb.load()["people"] if len(p["surname"]) > 2)


@lru_cache(maxsize=1)
def _nicknames() -> dict[tuple[str, str], str]:
    return {(fold(given), fold(surname)): name for name, given, surname in kb.load()["nicknames"]}


def split_name(name: str) -> tuple[str, str]:
    """("Given", "Surname") of a written name (any order, initials and suffixes ignored)."""
    if "," in name:
        surname, _, rest = name.partition(",")
        tokens = [t for t in rest.split() if t not in _SUFFIX and not re.fullmatch(r"[A-Z]\.?", t)]
        return (tokens[0] if tokens else "", surname.strip())
    tokens = [t for t in name.split() if t not in _SUFFIX]
    if len(tokens) < 2:
        return ("", tokens[0] if tokens else "")
    givens = [t for t in tokens[:-1] if not re.fullmatch(r"[A-Z]\.?|\(.*\)", t)]
    surname = tokens[-1]
    particles = [t for t in tokens[:-1] if t in _PARTICLES]
    if particles:
        surname = " ".join(particles + [surname])
        givens = [t for t in givens if t not in _PARTICLES]
    return (givens[0] if givens else "", surname)


def find_people(text: str, masked: list[tuple[int, int]],
                mask: bytearray | None = None) -> list[tuple[int, int, str, float]]:
    """(start, end, canonical, confidence) for each person mention, in order."""
    if mask is None:
        mask = bytearray(len(text) + 1)
        for start, end in masked:
            mask[start:end] = b"\x01" * (end - start)
    out = []
    for run in _runs(text, mask):
        if len(run) < 2:
            continue
        found = _person(text, run)
        if found:
            out.append(found)
    return out


Token = tuple[int, int, str]  # start, end, text


def _runs(text: str, mask: bytearray) -> list[list[Token]]:
    runs: list[list[Token]] = []
    signals = _signal_words()
    for stretch in _RUN.finditer(text):
        start, end = stretch.span()
        surface = text[start:end]
        folded = surface.lower() if surface.isascii() else fold(surface)
        if signals.isdisjoint(_WORDS.findall(folded)) and not _INITIALS.match(surface):
            before = text[start - 20 if start > 20 else 0:start].lower().split()
            if not before or before[-1].strip(",") not in STRONG_TITLES:
                continue
        runs.extend(_runs_in(text, mask, start - 1 if start else 0, end))
    return runs


def _runs_in(text: str, mask: bytearray, begin: int, finish: int) -> list[list[Token]]:
    runs: list[list[Token]] = []
    current: list[Token] = []
    last_end = -1
    for m in _TOKEN.finditer(text, begin, finish):
        start, end = m.span()
        if start and (text[start - 1].isalnum() or text[start - 1] in ".-_"):
            continue
        if mask[start]:
            if current:
                runs.append(current)
            current, last_end = [], -1
            continue
        token = text[start:end]
        if current and last_end >= 0 and (text[last_end:start] == " " or
                                          text[last_end:start] == ", " and token in _SUFFIX):
            current.append((start, end, token))
        else:
            if current:
                runs.append(current)
            current = [(start, end, token)]
        last_end = end
    if current:
        runs.append(current)
    return runs


@lru_cache(maxsize=1)
def _signal_words() -> frozenset[str]:
    """Words at least one of which a person's name run contains: given names, titles, KB surnames."""
    return frozenset(_given_names() | _surnames() | {t.rstrip(".") for t in TITLES} | TITLES)


def _person(text: str, run: list[Token]) -> tuple[int, int, str, float] | None:
    tokens = [t[2] for t in run]
    signals = _signal_words()
    if not any(fold(t) in signals for t in tokens) and not _INITIALS.fullmatch(tokens[0]):
        before = text[max(0, run[0][0] - 20):run[0][0]].lower().split()
        if not before or before[-1].strip(",") not in STRONG_TITLES:
            return None
    given_set = _given_names()
    before = text[max(0, run[0][0] - 30):run[0][0]].lower().split()
    titled = bool(before) and before[-1].strip(",") in TITLES
    strong = bool(before) and before[-1].strip(",") in STRONG_TITLES
    # skip leading titles and roles up to the first given name ("Mission Specialists Jean-Francois ...")
    def is_title(token: str) -> bool:
        lower = token.lower()
        return lower in TITLES or lower + "." in TITLES

    first_given = None
    for i in range(len(tokens) - 1):
        token = tokens[i]
        if is_title(token) or token.lower() in _NOT_GIVEN or not token[:1].isupper():
            continue
        if fold(token) in given_set or (_is_initial(token) and fold(tokens[i + 1]) in given_set):
            first_given = i
            break
    if first_given is not None:
        lead = tokens[:first_given]
        if lead and not any(is_title(t) for t in lead):
            return None  # "Protein Crystal Growth Renin"
        last_title = max((i for i, t in enumerate(lead) if is_title(t)), default=-1)
        start_index = last_title + 1 if last_title >= 0 else 0
        start_index = first_given if first_given > start_index else start_index
    else:
        start_index = 0
        while start_index < len(tokens) - 1 and is_title(tokens[start_index]):
            start_index += 1
    skipped = [t.lower() for t in tokens[:start_index]]
    if any(t in TITLES for t in skipped):
        titled = True
    if any(t in STRONG_TITLES for t in skipped):
        strong = True
    tokens, run = tokens[start_index:], run[start_index:]
    # cut at the first word that cannot be part of a name; a possessive ends the name
    for i, token in enumerate(tokens):
        bare = _POSSESSIVE.sub("", token)
        if bare.lower() in _NOT_NAME:
            run, tokens = run[:i], tokens[:i]
            break
        if bare != token:
            run, tokens = run[:i + 1], tokens[:i] + [bare]
            break
    while tokens and tokens[-1] in _SUFFIX:
        tokens, run = tokens[:-1], run[:-1]
    if len(tokens) < 2 or len(tokens) > 6:
        return None
    surname = tokens[-1]
    if surname.startswith(("(", "\"")) or _is_initial(surname) or surname in _PARTICLES:
        return None
    if _INITIALS.fullmatch(tokens[0]) and tokens[0] in _NOT_INITIALS:
        return None  # "U.S.S. Hornet"
    if _INITIALS.fullmatch(tokens[0]) and len(tokens) == 2:
        return run[0][0], run[-1][1], f"{tokens[0]} {surname}", 0.6  # "F.F. Fullmer"
    names = [t for i, t in enumerate(tokens[:-1])
             if not (_is_initial(t) or t[0] in "(\"") and (i == 0 or t not in _PARTICLES)]
    if not names:
        return None
    given = names[0]
    if given.lower() in _NOT_GIVEN or given in _PARTICLES:
        return None  # "von Braun" alone: a surname-only mention
    known_given = fold(given) in given_set
    known_surname = fold(surname) in _surnames()
    if not (known_given or titled and known_surname or strong):
        return None
    particles = [t for t in tokens[1:-1] if t in _PARTICLES]
    full_surname = " ".join(particles + [surname])
    canonical = _nicknames().get((fold(given), fold(surname))) or f"{given} {full_surname}"
    person = kb.lookup_person(canonical)
    if person is None and not (titled or strong) and not known_surname:
        # An unknown name whose middle words are neither initials nor given names is a phrase that
        # starts with a word that can be a name: "Long Range Reconnaissance Imager", "Alpha Magnetic
        # Spectrometer".
        middle = [t for t in tokens[1:-1] if t not in _PARTICLES and t[:1] not in "\"'(\u201c"]
        if any(not _is_initial(t) and fold(t) not in given_set for t in middle):
            return None
    if person is not None and fold(person.name) == fold(canonical) and person.name != canonical:
        canonical = person.name  # the KB's spelling where only accents differ
    confidence = 0.95 if person is not None else (0.8 if titled or known_surname else 0.65)
    return run[0][0], run[-1][1], canonical, confidence
