"""A photo file's embedded metadata -> Record.

Precedence (first non-empty wins): images.nasa.gov's own XMP fields, then IPTC, then standard XMP,
then EXIF. The id is the NASA id from XMP when present (so the file joins its images-api record),
otherwise ``photo-`` + the first 20 hex digits of the file's sha256 (the same bytes anywhere are one
record). Dates: EXIF DateTimeOriginal (the moment of exposure) before XMP/IPTC creation dates,
which editing software often rewrites.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cupola.model import RawItem, Record
from cupola.normalise import register
from cupola.normalise.centers import normalise_center
from cupola.normalise.text import clean_line, clean_text, split_keywords

_DATE = re.compile(r"^(\d{4})[:\-](\d{2})[:\-](\d{2})")
_YEAR_MONTH = re.compile(r"^(\d{4})(?:[:\-](\d{2}))?$")
_JUNK_DESCRIPTION = re.compile(r"^(?:|OLYMPUS DIGITAL CAMERA|SONY DSC|DCIM.*|default|Untitled|image)$", re.I)


def _text(value: Any) -> str:
    """XMP lang-alt {'lang="x-default"': 'text'} and lists -> plain text."""
    if isinstance(value, dict):
        for key, item in value.items():
            if "x-default" in key:
                return str(item)
        return str(next(iter(value.values()), ""))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v)
    return "" if value is None else str(value)


def _nasa_field(xmp: dict[str, Any], name: str) -> Any:
    """images.nasa.gov writes its fields in an undeclared namespace (Xmp.xxx.nasa_id etc.)."""
    for key, value in xmp.items():
        if key.rsplit(".", 1)[-1].lower() == name:
            return value
    return None


def _first(*values: Any) -> str:
    for value in values:
        text = clean_text(_text(value))
        if text:
            return text
    return ""


def _date(value: Any) -> tuple[str | None, str | None]:
    text = _text(value).strip()
    match = _DATE.match(text)
    if match:
        year, month, day = match.groups()
        if month == "00":
            return year, "year"
        if day == "00":
            return f"{year}-{month}", "month"
        return f"{year}-{month}-{day}", "day"
    match = _YEAR_MONTH.match(text)
    if match and match.group(1) != "0000":
        return (f"{match.group(1)}-{match.group(2)}", "month") if match.group(2) else (match.group(1), "year")
    return None, None


def _rational(value: str) -> float:
    num, _, den = value.partition("/")
    return float(num) / float(den or 1)


def _gps(exif: dict[str, Any]) -> tuple[float | None, float | None]:
    try:
        lat = [_rational(p) for p in str(exif["Exif.GPSInfo.GPSLatitude"]).split()]
        lon = [_rational(p) for p in str(exif["Exif.GPSInfo.GPSLongitude"]).split()]
    except (KeyError, ValueError, ZeroDivisionError):
        return None, None
    if len(lat) != 3 or len(lon) != 3:
        return None, None
    lat_v = lat[0] + lat[1] / 60 + lat[2] / 3600
    lon_v = lon[0] + lon[1] / 60 + lon[2] / 3600
    if str(exif.get("Exif.GPSInfo.GPSLatitudeRef", "N")).upper().startswith("S"):
        lat_v = -lat_v
    if str(exif.get("Exif.GPSInfo.GPSLongitudeRef", "E")).upper().startswith("W"):
        lon_v = -lon_v
    if not (-90 <= lat_v <= 90 and -180 <= lon_v <= 180) or (lat_v == 0 and lon_v == 0):
        return None, None
    return round(lat_v, 6), round(lon_v, 6)


def _taken(exif: dict[str, Any], iptc: dict[str, Any], xmp: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    for source, value in (("exif", exif.get("Exif.Photo.DateTimeOriginal")),
                          ("xmp", xmp.get("Xmp.exif.DateTimeOriginal")),
                          ("xmp", _nasa_field(xmp, "date_created")),
                          ("xmp", xmp.get("Xmp.photoshop.DateCreated")),
                          ("iptc", iptc.get("Iptc.Application2.DateCreated")),
                          ("exif", exif.get("Exif.Photo.DateTimeDigitized"))):
        taken, precision = _date(value)
        if taken:
            return taken, precision, source
    return None, None, None


def _location(iptc: dict[str, Any], xmp: dict[str, Any]) -> str:
    parts = []
    for iptc_key, xmp_key in (("Iptc.Application2.SubLocation", "Xmp.iptc.Location"),
                              ("Iptc.Application2.City", "Xmp.photoshop.City"),
                              ("Iptc.Application2.ProvinceState", "Xmp.photoshop.State"),
                              ("Iptc.Application2.CountryName", "Xmp.photoshop.Country")):
        part = _first(iptc.get(iptc_key), xmp.get(xmp_key))
        if part and part not in parts:
            parts.append(part)
    return ", ".join(parts)


def _description(exif: dict[str, Any]) -> str:
    text = clean_text(_text(exif.get("Exif.Image.ImageDescription")))
    return "" if _JUNK_DESCRIPTION.match(text) else text


@register("photo")
def photo_to_record(raw: RawItem) -> Record:
    data = raw.data
    facts = data.get("file") or {}
    if not facts.get("sha256"):
        raise ValueError("photo item without a file hash (reader bug); re-run the ingest")
    exif, iptc, xmp = data.get("exif") or {}, data.get("iptc") or {}, data.get("xmp") or {}
    nasa_id = clean_line(_text(_nasa_field(xmp, "nasa_id")))
    title = _first(_nasa_field(xmp, "title"), iptc.get("Iptc.Application2.Headline"), xmp.get("Xmp.dc.title"),
                   xmp.get("Xmp.photoshop.Headline"), iptc.get("Iptc.Application2.ObjectName"))
    caption = _first(_nasa_field(xmp, "description"), iptc.get("Iptc.Application2.Caption"),
                     xmp.get("Xmp.dc.description"), _description(exif))
    taken_at, precision, taken_source = _taken(exif, iptc, xmp)
    lat, lon = _gps(exif)
    keywords = split_keywords(_nasa_field(xmp, "keywords")) + split_keywords(
        iptc.get("Iptc.Application2.Keywords")) + split_keywords(xmp.get("Xmp.dc.subject"))
    camera = " ".join(p for p in (clean_line(exif.get("Exif.Image.Make")), clean_line(exif.get("Exif.Image.Model")))
                      if p)
    asset = {"role": "orig", **{k: facts[k] for k in ("path", "sha256", "phash", "phash256", "width", "height", "bytes",
                                                      "format") if facts.get(k) is not None}}
    return Record(
        id=nasa_id or f"photo-{facts['sha256'][:20]}",
        source="photo",
        title=clean_line(title) or Path(str(facts.get("name") or "")).stem,
        caption=caption,
        keywords=split_keywords(keywords),
        media_type="image",
        taken_at=taken_at,
        taken_precision=precision,
        taken_source=taken_source,
        credit=clean_line(_first(_nasa_field(xmp, "credit"), iptc.get("Iptc.Application2.Credit"),
                                 xmp.get("Xmp.photoshop.Credit"), iptc.get("Iptc.Application2.Copyright"),
                                 exif.get("Exif.Image.Copyright"))) or None,
        photographer=clean_line(_first(_nasa_field(xmp, "photographer"), iptc.get("Iptc.Application2.Byline"),
                                       xmp.get("Xmp.dc.creator"), exif.get("Exif.Image.Artist"))) or None,
        secondary_creator=clean_line(_text(_nasa_field(xmp, "secondarycreator")
                                           or _nasa_field(xmp, "secondary_creator"))) or None,
        center=normalise_center(_text(_nasa_field(xmp, "center")) or None),
        location_text=_location(iptc, xmp) or clean_line(_text(_nasa_field(xmp, "location"))) or None,
        lat=lat,
        lon=lon,
        assets=[asset],
        raw={"file_name": facts.get("name"), "camera": camera or None, "exif": exif, "iptc": iptc, "xmp": xmp},
        provenance=[raw.provenance],
    )
