"""An astronaut-photography catalogue row -> Record with lat/lon, keyed by the canonical photo id.

``ISS054-E-22060`` -> id ``iss054e022060`` (lower-case mission + roll + zero-padded frame), the form
NASA's image library uses for ISS photos, so a row and the library's record of the same photo are one
record (the assets step merges the row's position into a record already stored from another source).
"""

from __future__ import annotations

from cupola.model import RawItem, Record
from cupola.normalise import register

EOL_PHOTO = "https://eol.jsc.nasa.gov/SearchPhotos/photo.pl?mission={mission}&roll={roll}&frame={frame}"


def canonical_photo_id(mission: str, roll: str, frame: str | int, suffix: str | None = None) -> str:
    """ISS054 / E / 22060 -> iss054e022060 (a catalogue suffix letter is appended: ...e009691a)."""
    try:
        from cupola.enrich.photo_ids import parse

        found = parse(f"{mission}-{roll}-{frame}")
        if found and found[0].canonical:
            return found[0].canonical + (suffix or "").lower()
    except ImportError:
        pass
    return f"{mission.lower()}{roll.lower()}{int(frame):06d}{(suffix or '').lower()}"


@register("astro_photo")
def astro_row_to_record(raw: RawItem) -> Record:
    row = raw.data
    lat, lon = float(row["lat"]), float(row["lon"])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"position {lat}, {lon} is outside the globe")
    mission, roll, frame = row["mission"].upper(), row["roll"].upper(), row["frame"]
    return Record(
        id=canonical_photo_id(mission, roll, frame, row.get("suffix")),
        source="astro_photo",
        title=row["id"].strip(),
        media_type="image",
        lat=lat,
        lon=lon,
        assets=[{"role": "page", "href": EOL_PHOTO.format(mission=mission, roll=roll, frame=int(frame))}],
        raw=dict(row),
        provenance=[raw.provenance],
    )
