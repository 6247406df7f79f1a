"""The story's phases, in order, and which phase a photo tells (its event type, and when it was taken
relative to the flight: a press conference before launch is crew news, after landing a homecoming)."""

from __future__ import annotations

from datetime import date

PHASES: list[tuple[str, str]] = [
    ("crew", "Crew and training"),
    ("rollout", "Rollout"),
    ("launch", "Launch"),
    ("flight", "In flight and docking"),
    ("aboard", "Life aboard"),
    ("science", "Science"),
    ("eva", "Spacewalks and surface activity"),
    ("views", "Earth and sky views"),
    ("departure", "Departure and undocking"),
    ("landing", "Landing, splashdown and recovery"),
    ("homecoming", "Homecoming"),
]
PHASE_NAMES = dict(PHASES)
PHASE_ORDER = {key: n for n, (key, _name) in enumerate(PHASES)}

# event type -> phase before the flight, during it (or when unknown), after it
_BY_EVENT: dict[str, tuple[str | None, str | None, str | None]] = {
    "training": ("crew", "crew", "crew"),
    "crew_portrait": ("crew", "aboard", "homecoming"),
    "rollout_or_transport": ("rollout", "rollout", "landing"),
    "facility_or_hardware": ("rollout", "flight", "landing"),
    "launch": ("launch", "launch", "launch"),
    "docking_or_berthing": ("flight", "flight", "flight"),
    "crew_activity_in_space": ("aboard", "aboard", "aboard"),
    "science_or_lab": ("crew", "science", "science"),
    "spacewalk": ("crew", "eva", "eva"),
    "earth_observation": (None, "views", "views"),
    "astronomy_or_planetary": (None, "views", "views"),
    "undocking_or_departure": ("departure", "departure", "departure"),
    "landing_or_splashdown": ("crew", "landing", "landing"),
    "ceremony_or_media": ("crew", "flight", "homecoming"),
    "aeronautics": ("crew", "landing", "landing"),
    "other": ("crew", "flight", "homecoming"),
}
# where the flight's own moments differ from the default column
_DURING = {"rollout_or_transport": "flight", "crew_portrait": "aboard"}
_UNKNOWN = {"crew_portrait": "crew", "rollout_or_transport": "rollout", "training": "crew",
            "ceremony_or_media": "crew", "facility_or_hardware": "rollout"}
_DAY_OF = {"other", "facility_or_hardware", "training", "crew_portrait", "ceremony_or_media"}
RECOVERY_DAYS = 14  # after landing, this long is still recovery; later is homecoming


def timing(lo: date | None, hi: date | None, flight: tuple[date, date] | None) -> str:
    """before / during / after the flight, or unknown, for a date known to lie within [lo, hi]."""
    if lo is None or hi is None or flight is None:
        return "unknown"
    if hi < flight[0]:
        return "before"
    if lo > flight[1]:
        return "after"
    if lo >= flight[0] and hi <= flight[1]:
        return "during"
    return "unknown"


def phase_of(event: str | None, moment: str, days_after: int = 0, days_left: int | None = None,
             days_in: int | None = None, on_surface: bool = False) -> str | None:
    """The phase key a photo belongs to (None: it tells no part of this story).

    ``moment`` is ``timing(...)``; ``days_after`` counts days past the flight's end (for "after");
    for a photo dated during the flight, ``days_in`` counts days since launch and ``days_left`` days to
    the end: a landing days before the end is a landing on another world (surface activity, when the
    caption speaks of a ``surface``; else an in-flight moment), a launch days after launch day a
    departure (lunar lift-off)."""
    event = event or "other"
    before, during, after = _BY_EVENT.get(event, _BY_EVENT["other"])
    if moment == "during":
        if event == "landing_or_splashdown" and days_left is not None and days_left > 1 \
                and days_in is not None and days_in >= 2:
            return "eva" if on_surface else "flight"
        if event == "launch" and days_in is not None and days_in > 1:
            return "departure"
        if event in _DAY_OF and days_in == 0 and (days_left or 0) > 0:
            return "launch"  # launch-day preparations: suiting up, the white room, the pad
        if event in _DAY_OF and days_left == 0 and (days_in or 0) > 0:
            return "landing"
        return _DURING.get(event, during)
    if moment == "unknown":
        return _UNKNOWN.get(event, during)
    if moment == "before":
        return before
    if moment == "after":
        if after == "landing" and days_after > RECOVERY_DAYS and event != "landing_or_splashdown":
            return "homecoming"
        return after
    return during
