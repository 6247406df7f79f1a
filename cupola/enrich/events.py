"""Event type from wording: weighted cue words and phrases, counted per sentence.

The title and the first sentence of the description (what the photo shows) count most; sentences
about plans ("will", "is scheduled to") count little; ALL-CAPS catalogue titles count as body text.
A phrase consumes its words ("launch pad" is hardware, not a launch). Types (DESIGN.md):
"""

from __future__ import annotations

import re

import ahocorasick

EVENT_TYPES = (
    "launch", "landing_or_splashdown", "spacewalk", "docking_or_berthing", "undocking_or_departure",
    "rollout_or_transport", "training", "crew_portrait", "crew_activity_in_space", "science_or_lab",
    "earth_observation", "astronomy_or_planetary", "facility_or_hardware", "ceremony_or_media",
    "aeronautics", "other",
)

# cue -> weight; a trailing * matches any word starting so; several words form a phrase
_CUES: dict[str, dict[str, float]] = {
    "launch": {"liftoff": 3, "lift off": 3, "lifts off": 3, "lifted off": 3, "launches": 2, "launched": 2,
               "launch": 1.5, "launching": 1.5, "clears the tower": 3, "cleared the launch tower": 3,
               "cleared the tower": 3, "blaze*": 2, "ascent": 1.5, "soar*": 2, "walkout": 3, "suit up": 2,
               "suited up": 1.5, "rockets into": 2, "exhaust": 1.5, "plume": 1.5, "contrail": 1.5,
               "smoke": 1, "flames": 1, "trail of": 1.5, "successful launch": 3, "first launch": 1,
               "prelaunch": 1.5, "pre-launch": 1.5},
    "landing_or_splashdown": {"splashdown": 3, "splash*": 2.5, "touchdown": 3, "touches down": 3,
                              "landed": 2, "landing": 1.5, "lands": 1.5, "recovery": 2.5, "recovered": 2.5,
                              "parachute*": 1.5, "postflight": 1.5, "post-flight": 1.5,
                              "aircraft carrier": 2.5, "wheels stop": 3, "rollout on runway": 2,
                              "helicopter": 1, "hatch opened": 0.5, "frogm*": 2, "life raft": 1.5},
    "spacewalk": {"extravehicular": 3, "eva": 3, "extravehicular activity (eva)": 3, "spacewalk*": 3, "space walk*": 3, "moonwalk*": 3,
                  "traverse*": 1.5, "tether*": 1.5, "foot restraint": 1.5, "exploring the surface": 2.5,
                  "alsep": 1.5, "spacesuited": 1.5, "egress": 0.5},
    "docking_or_berthing": {"docking": 1.8, "docked": 2, "docks": 2.5, "dock": 1.2, "rendezvous": 2.5,
                            "grappl*": 3, "captur*": 2.5, "berth*": 3, "mated": 1, "approach*": 1.5,
                            "nose to nose": 2, "hatch opening": 1.5, "backdropped": 1},
    "undocking_or_departure": {"undock*": 3, "separat*": 2, "depart": 2.5, "departs": 2.5, "departed": 2.5, "departing": 2.5, "departure": 2.5, "deploy*": 2, "releas*": 2,
                               "fly-around": 2.5, "flyaround": 2.5, "backs away": 2.5, "jettison*": 2},
    "rollout_or_transport": {"rollout": 3, "rolls out": 3, "rolled out": 3, "roll out": 3, "rolls": 1.5,
                             "crawler*": 3, "transport*": 2.5, "en route": 2.5, "arrives": 2, "arrived": 2,
                             "journey": 1.5, "moved": 1.5, "hoist*": 2, "lifted": 1.5, "lower": 1.5,
                             "lowered": 2, "cranes": 2, "crane": 1.5, "towed": 2, "barge": 2,
                             "ferry": 2, "ferried": 2, "shipped": 2, "delivered": 1.5, "offloaded": 2,
                             "transporter": 2, "canister": 1.5, "stacked": 1.5, "stacking": 1.5,
                             "moves": 1.5, "move": 1.5, "movement": 1.5, "transfer aisle": 2,
                             "mate": 1.0},
    "training": {"train*": 2.5, "rehears*": 2.5, "simulat*": 2, "practic*": 2.5, "mockup": 1.5,
                 "mock-up": 1.5, "egress": 1.5, "neutral buoyancy": 3, "wetf": 3, "water tank": 2,
                 "zero-g": 2, "kc-135": 2, "parabolic": 2, "tcdt": 3, "countdown demonstration": 3,
                 "familiariz*": 2.5, "fit check": 1.5, "walkdown": 2, "survival": 2,
                 "spacesuit": 1, "space suit": 1, "pressure suit": 1, "trying on": 2, "tries on": 2,
                 "suit fit": 2, "lltv": 2, "equipment": 0.5, "look over": 1, "examine*": 1},
    "crew_portrait": {"portrait": 3.5, "pose": 2.5, "poses": 2.5, "posed": 2.5, "group photo*": 3,
                      "crew photo*": 3, "official photo*": 3, "inflight crew": 3, "in-flight crew": 3,
                      "all smiles": 1.5},
    "crew_activity_in_space": {"aboard": 1.2, "onboard": 1.2, "on board": 1.2, "middeck": 2, "mid-deck": 2,
                               "flight deck": 1.2, "earth-orbiting": 1.2, "in earth orbit": 0.8,
                               "sleep*": 2, "meal": 2, "eat*": 1.5, "exercis*": 2, "housekeeping": 2.5,
                               "off-duty": 3, "inside the spacecraft": 2, "float*": 1.5,
                               "weightless*": 1.5, "cabin": 1.2, "chores": 2.5,
                               "flight day": 1, "crew cabin": 1.5, "spacewalk preparation": 3.5,
                               "spacewalk preparations": 3.5, "spacesuit maintenance": 3},
    "science_or_lab": {"experiment*": 1.8, "crystal*": 2, "protein": 2, "microgravity": 2,
                       "research": 1.2, "researcher*": 1.5, "investigator*": 2, "specimen*": 2,
                       "sample*": 1.2, "furnace": 2.5, "glovebox": 2.5, "biolog*": 2, "scientist*": 1,
                       "flammability": 2.5, "combustion": 2, "autoclave": 2.5, "enzyme": 2, "habitat": 1,
                       "principal investigator": 3, "data": 0.5},
    "earth_observation": {"earth observation*": 3, "view of earth": 2.5, "coast*": 1.5, "coastline": 2,
                          "photographed from": 1.5, "seen from": 1, "vertical view": 1.5,
                          "oblique view": 1.2, "from orbit": 1.5, "low earth orbit": 1.5, "latitude": 1.5,
                          "longitude": 1.2, "sunset": 1.5, "clouds": 1.2, "hurricane": 3, "typhoon": 3,
                          "river": 1.2, "delta": 1.2, "peninsula": 1.5, "island": 1.2, "city": 1,
                          "metropolitan": 2, "croplands": 2, "irrigation": 2, "desert": 1.5,
                          "mountains": 1.2, "volcano": 2, "glacier": 2, "limb": 1.5, "bay": 1,
                          "dunes": 1.5, "valley": 1.2, "terrain camera": 2, "earth terrain": 2,
                          "earth resources": 2, "infrared photograph": 1.5, "cities": 1.5,
                          "night image": 2, "nocturnal": 2, "smoke plume": 1, "lake": 1.2,
                          "sea": 1, "ocean": 1, "strait": 1.5, "gulf": 1.2, "nadir": 2, "radar image": 2,
                          "space radar": 2, "cloud": 1.2, "cloud formation": 2},
    "astronomy_or_planetary": {"planet*": 2, "saturn": 2, "jupiter": 2.5, "uranus": 2.5, "neptune": 2.5,
                               "pluto": 2.5, "charon": 2.5, "mars": 2, "martian": 2.5, "venus": 2,
                               "asteroid": 2.5, "comet": 2.5, "galax*": 2.5, "nebula*": 2.5, "stars": 1.5,
                               "constellation": 3, "moons": 1.5, "lunar surface": 1.5, "crater*": 2,
                               "farside": 2.5, "view of the lunar": 2.5, "lunar terrain": 2, "lunar soil": 1.5, "far side": 2, "nearside": 2.5, "lunar orbit": 1,
                               "landing site": 1.5, "highlands": 1, "rover": 1.5,
                               "photojournal": 2, "solar system": 2, "mosaic": 1.5, "false-color": 2,
                               "false color": 2, "rings": 1.5, "satellites": 1, "spacecraft image*": 1.5,
                               "features": 1, "lander": 1.5, "airbags": 2, "terrain": 1},
    "facility_or_hardware": {"facility": 1, "building": 0.8, "assembly": 1.2, "manufactur*": 2,
                             "clean room": 2.5, "fabricat*": 2, "install*": 1.5, "hardware": 1.5,
                             "flight article": 2.5, "test stand": 2.5, "engine": 1.2, "engines": 1.2, "launch pad": 1.5,
                             "on the pad": 2, "at the pad": 1.5, "launch vehicle": 1, "launch complex": 1,
                             "launch tower": 1, "workers": 2, "workmen": 2.5, "technician*": 2,
                             "processing": 1.5, "construct*": 1.5, "display": 1.5, "inspect*": 1.2,
                             "designed": 1.5, "developed": 1, "mockup": 1, "mock-up": 1.5, "fit-check": 2,
                             "fit check": 1.5, "docking adapter": 2, "docking port": 2,
                             "docking module": 1.5, "docking mission": 0.5, "docking system": 1.5,
                             "saturn v": 1, "saturn ib": 1, "saturn i": 1, "saturn 5": 1, "saturn 1b": 1,
                             "stage": 1, "ascent stage": 0.5, "descent stage": 0.5, "jet propulsion laboratory": 0.3,
                             "awaits": 1.5, "prepar*": 0.6, "instrument*": 0.8, "control center": 1,
                             "mission control": 1.5, "visitor complex": 1.5, "node": 0.5,
                             "module": 0.5, "component*": 1.2, "checkout": 1.5, "test*": 0.6},
    "ceremony_or_media": {"ceremony": 3, "ceremonies": 2, "award*": 2.5, "medal": 2.5, "press": 2,
                          "news conference": 3, "briefing": 2, "interview*": 2, "visit*": 2,
                          "president": 2, "senator": 2.5, "congress*": 2, "dedication": 2.5, "dedicates": 2.5,
                          "celebrat*": 2.5, "parade": 3, "speech": 2.5, "congratulat*": 3, "honor*": 2,
                          "tour*": 2, "reception": 2, "signing": 2, "open house": 3, "photojournalists": 3,
                          "media": 2, "guests": 2, "rep": 2, "administrator": 1, "committee": 1.5,
                          "watching": 1.5, "watch": 1, "spectators": 2, "vip*": 2, "audience": 2},
    "aeronautics": {"aircraft": 1.8, "airplane": 2.5, "wind tunnel": 3, "flight research": 3, "wing": 1.5,
                    "wingspan": 2.5, "jet": 1.5, "jets": 1.5, "cockpit": 2, "aerodynamic*": 2.5,
                    "supersonic": 2.5, "hypersonic": 2.5, "glider": 2.5, "lifting body": 3,
                    "flying wing": 3, "tail number": 3, "airfoil": 2.5, "naca": 2, "f-14": 2, "f-15": 2,
                    "f-16": 2, "f-18": 2, "x-15": 2, "ad-1": 2, "fighter*": 2, "landing gear": 2,
                    "research pilot": 2, "test pilot": 1.5, "engines": 0.5, "dc-9": 1, "afterburner": 2.5,
                    "thrust vectoring": 2.5, "angle of attack": 2.5, "angles of attack": 2.5,
                    "research vehicle": 1.5, "flight test*": 1.5},
    "other": {"wife": 3, "children": 2.5, "family": 2.5, "pet": 2, "home": 1.5, "dog": 1.5},
}

_FUTURE_RE = re.compile(r"\b(?:will|scheduled|slated|targeted|planned|plans|future|upcoming|until)\b")


# punctuation becomes a space (same length), so a cue keyed " word" only matches at a word start
_SPACES = {c: " " for c in range(128) if not chr(c).isalnum()}


def _automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for event, cues in _CUES.items():
        for cue, weight in cues.items():
            stem = cue.endswith("*")
            key = " " + cue.rstrip("*").translate(_SPACES)
            if key not in auto:
                auto.add_word(key, (len(key) - 1, event, float(weight), stem))
    auto.make_automaton()
    return auto


_AUTO = _automaton()


def _score(text: str, factor_at: list[tuple[int, float]], scores: dict[str, float],
           counts: dict[str, int]) -> None:
    """Add the cues found in ``text`` (lower case); factor_at = [(start offset, factor)] per sentence."""
    hits = []
    spaced = " " + text.translate(_SPACES)  # offsets in spaced = offsets in text + 1
    size = len(spaced)
    for end_index, (length, event, weight, stem) in _AUTO.iter(spaced):
        end = end_index + 1
        if stem:
            while end < size and spaced[end] != " ":
                end += 1
        elif end < size and spaced[end] != " ":
            continue
        hits.append((end_index - length, 1 - end, event, weight))  # (start, -end) in text offsets
    if not hits:
        return
    hits.sort()
    last_end = -1
    sentence = 0
    for start, neg_end, event, weight in hits:
        if start < last_end:
            continue  # a longer cue ("launch pad") already took these words
        last_end = -neg_end
        while sentence + 1 < len(factor_at) and factor_at[sentence + 1][0] <= start:
            sentence += 1
        counts[event] = counts.get(event, 0) + 1
        if counts[event] <= 4:
            scores[event] = scores.get(event, 0.0) + factor_at[sentence][1] * weight


def classify(title: str, body: str) -> tuple[str, float]:
    """(event type, confidence 0..1) for a caption's title and description."""
    scores: dict[str, float] = {}
    counts: dict[str, int] = {}
    head = title[:200]
    catalogue = head.isupper() and sum(c.isalpha() for c in head) > 3
    _score(title.lower(), [(0, 1.0 if catalogue else 2.0)], scores, counts)
    body = body.split("---", 1)[1] if "---" in body[:80] else body
    lowered = body.lower()
    factors: list[tuple[int, float]] = []
    position = 0
    for index, sentence in enumerate(lowered.split(". ", 12)[:12]):
        factor = 0.35 if _FUTURE_RE.search(sentence) else (1.5, 1.0)[index] if index < 2 else 0.75
        factors.append((position, factor))
        position += len(sentence) + 2
    _score(lowered[:position], factors, scores, counts)
    if not scores:
        return "other", 0.2
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], EVENT_TYPES.index(kv[0])))
    best, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = round(min(0.95, 0.35 + 0.6 * (top - second) / (top + 1e-9)), 2)
    return best, confidence
