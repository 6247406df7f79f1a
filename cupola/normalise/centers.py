"""NASA center codes as published vary ("LRC", "LARC", "LaRC"); this maps them to one form each."""

from __future__ import annotations

CENTERS: dict[str, str] = {
    "ARC": "Ames Research Center",
    "AFRC": "Armstrong Flight Research Center",
    "GRC": "Glenn Research Center",
    "GSFC": "Goddard Space Flight Center",
    "HQ": "NASA Headquarters",
    "JPL": "Jet Propulsion Laboratory",
    "JSC": "Johnson Space Center",
    "KSC": "Kennedy Space Center",
    "LaRC": "Langley Research Center",
    "MAF": "Michoud Assembly Facility",
    "MSFC": "Marshall Space Flight Center",
    "SSC": "Stennis Space Center",
    "WSTF": "White Sands Test Facility",
    "WFF": "Wallops Flight Facility",
}

_ALIASES = {
    "LRC": "LaRC",
    "LARC": "LaRC",
    "DFRC": "AFRC",  # Dryden, renamed Armstrong in 2014
    "LERC": "GRC",  # Lewis, renamed Glenn in 1999
}
_BY_UPPER = {code.upper(): code for code in CENTERS}


def normalise_center(value: object) -> str | None:
    """Canonical center code, or the published value (trimmed) when it is not a known code."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    upper = text.upper()
    if upper in _ALIASES:
        return _ALIASES[upper]
    return _BY_UPPER.get(upper, text)
