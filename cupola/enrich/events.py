"""Event type from wording: weighted cue phrases, the title counting double; ties go to the order below.

Types (DESIGN.md): launch, landing_or_splashdown, spacewalk, docking_or_berthing, undocking_or_departure,
rollout_or_transport, training, crew_portrait, crew_activity_in_space, science_or_lab, earth_observation,
astronomy_or_planetary, facility_or_hardware, ceremony_or_media, aeronautics, other.
"""

from __future__ import annotations

import re

EVENT_TYPES = (
    "launch", "landing_or_splashdown", "spacewalk", "docking_or_berthing", "undocking_or_departure",
    "rollout_or_transport", "training", "crew_portrait", "crew_activity_in_space", "science_or_lab",
    "earth_observation", "astronomy_or_planetary", "facility_or_hardware", "ceremony_or_media",
    "aeronautics", "other",
)

_CUES: dict[str, list[tuple[str, float]]] = {
    "launch": [(r"lift(?:s|ed)? ?off|liftoff|launch(?:es|ed)? (?:from|of|at)|clears? the (?:launch )?tower|"
                r"blaze[sd]? a trail|soars?|rockets? (?:into|toward)|ascen(?:t|ds)|walkout|suit-?up|"
                r"launch (?:day|occurred)|begins? its journey|roars?", 3.0),
               (r"\blaunch(?:es|ed|ing)?\b", 1.2), (r"countdown", 0.8)],
    "landing_or_splashdown": [(r"splash(?:es|ed)? ?down|splashdown|touch(?:es|ed)? ?down|touchdown|"
                               r"recover(?:y|ed)|landed|lands? (?:at|on|safely)|landing at|wheels stop|"
                               r"parachutes?|postflight|post-flight|aircraft carrier|"
                               r"after (?:the )?landing", 2.5), (r"\blanding\b", 1.0)],
    "spacewalk": [(r"extravehicular|\bEVA\b|space ?walk|moonwalk|lunar surface|on the moon|"
                   r"spacesuited|lunar traverse|excursion", 2.5)],
    "docking_or_berthing": [(r"\bdock(?:s|ed|ing)? (?:with|to|at)|rendezvous|grappl|captur|berth|mated|"
                             r"approach(?:es)? (?:the|space)|docking", 2.5)],
    "undocking_or_departure": [(r"undock|separat|depart|deploy(?:s|ed|ment)?|releas|backs? away|"
                                r"fly-?around|leaves the", 2.2)],
    "rollout_or_transport": [(r"roll(?:s|ed)? ?out|rollout|crawler|transport|arrives? at (?:launch )?pad|"
                              r"moved? (?:to|from|into)|hoist|lift(?:s|ed)? (?:into|onto)|towed|"
                              r"ferry|barge|journey from the|mate(?:d)? to|stack(?:ed|ing)|"
                              r"rolls? (?:to|from|back)", 2.2)],
    "training": [(r"train(?:s|ed|ing|er)|rehears|simulat|practice|mockup|mock-up|egress|"
                  r"neutral buoyancy|\bWETF\b|water tank|zero-?g|KC-135|parabolic|dress rehearsal|"
                  r"Terminal Countdown Demonstration Test|TCDT|familiariz|fit check|walkdown|"
                  r"survival", 2.0)],
    "crew_portrait": [(r"portrait|pose[sd]? for|group photo|crew photo|official photo|inflight crew|"
                       r"in-flight crew", 3.0)],
    "crew_activity_in_space": [(r"aboard|onboard|on board|middeck|mid-deck|flight deck|in orbit|"
                                r"earth-orbiting|while in space|crew cabin|sleep|eat|meal|exercis|"
                                r"housekeeping|off-duty|inside the spacecraft|floats?|weightless", 1.2)],
    "science_or_lab": [(r"experiment|crystal|protein|microgravity|research(?:er)?s?|investigat|"
                        r"specimen|sample|laboratory|furnace|glovebox|biolog|scientist|"
                        r"flammability|combustion|study|studies|principal investigator", 1.3)],
    "earth_observation": [(r"earth observation|view of (?:the )?(?:earth|coast)|coast(?:line)?|"
                           r"photographed from|seen from (?:the )?(?:orbit|space|spacecraft|shuttle)|"
                           r"vertical view|oblique view|from orbit|from low earth orbit|"
                           r"degrees? (?:north|south) latitude|sunset over|cloud|hurricane|"
                           r"river|delta|peninsula|island|city of|metropolitan|night image|"
                           r"croplands?|irrigation|desert|mountains|volcano|glacier|"
                           r"\d+(?:\.\d+)?\s*[NS],\s*\d+(?:\.\d+)?\s*[EW]|earth limb|limb of", 1.6)],
    "astronomy_or_planetary": [(r"planet|saturn(?!\s*(?:v|ib|i|1b|5)\b)|jupiter|uranus|neptune|pluto|"
                                r"charon|mars(?!hall)|martian|venus|mercury(?= (?:planet|surface))|"
                                r"asteroid|comet|galax|nebula|star(?:s)?\b|constellation|"
                                r"moons?\b|lunar (?:surface|landing site|orbit)|crater|telescope image|"
                                r"hubble image|voyager|galileo|cassini|new horizons|rover|"
                                r"photojournal|solar system|sun\b|solar flare|orbiter image", 1.5)],
    "facility_or_hardware": [(r"facility|building|assembly|manufactur|clean room|fabricat|"
                              r"installed|installation|hardware|mockup|flight article|test stand|"
                              r"engine|on the (?:launch )?pad|at (?:launch )?pad|workers?|workmen|"
                              r"technicians?|processing|constructed|display|inspect|"
                              r"wind tunnel model|under construction", 1.2)],
    "ceremony_or_media": [(r"ceremony|award|medal|press|news conference|briefing|interview|visit(?:s|ed|ors?)|"
                           r"president|senator|congress|dedicat|celebrat|parade|speech|"
                           r"congratulat|honor|tour|reception|signing|open house|"
                           r"photojournalists|media|guests?", 1.8)],
    "aeronautics": [(r"aircraft|airplane|wind tunnel|flight research|wing|jet|cockpit|"
                     r"aerodynamic|supersonic|hypersonic|glider|helicopter|\bF-\d+|\bX-\d+|"
                     r"NACA|lifting body|flying wing|tail number|dryden|airfoil", 1.6)],
}
_GROUPS: list[tuple[str, float]] = []
_PARTS = []
for _event, _cues in _CUES.items():
    for _pattern, _weight in _cues:
        _PARTS.append(f"(?P<g{len(_GROUPS)}>{_pattern})")
        _GROUPS.append((_event, _weight))
# one pass over the text: every alternative must start at a word boundary
_ALL = re.compile(r"\b(?:" + "|".join(_PARTS) + ")", re.IGNORECASE)
_CAP_TITLE, _CAP_BODY = 2, 3


def _score(text: str, factor: float, cap: int, scores: dict[str, float]) -> None:
    counts: dict[int, int] = {}
    for m in _ALL.finditer(text):
        index = int(m.lastgroup[1:]) if m.lastgroup else -1
        if index < 0 or counts.get(index, 0) >= cap:
            continue
        counts[index] = counts.get(index, 0) + 1
        event, weight = _GROUPS[index]
        scores[event] = scores.get(event, 0.0) + factor * weight


def classify(title: str, body: str) -> tuple[str, float]:
    """(event type, confidence 0..1)."""
    scores: dict[str, float] = {}
    _score(title, 2.0, _CAP_TITLE, scores)
    _score(body, 1.0, _CAP_BODY, scores)
    if not scores:
        return "other", 0.2
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], EVENT_TYPES.index(kv[0])))
    best, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = round(min(0.95, 0.35 + 0.6 * (top - second) / (top + 1e-9)), 2)
    return best, confidence
