"""Embedded photo metadata (EXIF, IPTC, XMP) read with pyexiv2, with exiftool as the fallback.

Values come back as published: strings, lists (IPTC keywords) or lang-alt dicts (XMP dc:title).
Text in an unknown 8-bit encoding (Latin-1 IPTC is common) is read as Windows-1252 and said so.
Editing-software bookkeeping (Camera Raw settings, edit history) is dropped: it says nothing about
the photo and is most of the bytes.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from typing import Any

log = logging.getLogger("cupola")

_DROP_PREFIXES = ("Xmp.crs.", "Xmp.xmpMM.", "Xmp.GIMP.", "Xmp.photoshop.DocumentAncestors",
                  "Exif.Thumbnail.", "Exif.Photo.MakerNote", "Exif.Nikon", "Exif.Canon", "Exif.Sony",
                  "Exif.Olympus", "Exif.Panasonic", "Exif.Fujifilm", "Exif.Pentax", "Exif.Samsung",
                  "Exif.NikonPreview", "Exif.Image.PrintImageMatching", "Exif.Image.XMLPacket")
_MAX_VALUE = 20_000  # characters; longer values (embedded blobs) are not captions


def _keep(key: str, value: Any) -> bool:
    if key.startswith(_DROP_PREFIXES):
        return False
    return not (isinstance(value, str) and len(value) > _MAX_VALUE)


def _read_section(reader: Any, notes: list[str], name: str) -> dict[str, Any]:
    try:
        return reader(encoding="utf-8")
    except UnicodeDecodeError:
        notes.append(f"{name} text is not UTF-8; read as Windows-1252 (Latin-1) — check accented characters")
        return reader(encoding="cp1252")


def read_metadata(data: bytes) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """{"exif": {...}, "iptc": {...}, "xmp": {...}} and notes about odd encodings or damage."""
    notes: list[str] = []
    try:
        import pyexiv2

        image = pyexiv2.ImageData(data)
    except Exception as err:  # pyexiv2 raises its own RuntimeError subclasses for damaged headers
        meta = _exiftool(data)
        if meta is None:
            notes.append(f"embedded metadata unreadable ({err}); only the pixels are used")
            return {"exif": {}, "iptc": {}, "xmp": {}}, notes
        return meta, notes
    try:
        sections: dict[str, dict[str, Any]] = {}
        for name, reader in (("exif", image.read_exif), ("iptc", image.read_iptc), ("xmp", image.read_xmp)):
            try:
                values = _read_section(reader, notes, name.upper())
            except Exception as err:  # one damaged block must not lose the others
                notes.append(f"{name.upper()} block unreadable ({err})")
                values = {}
            sections[name] = {k: v for k, v in values.items() if _keep(k, v)}
        return sections, notes
    finally:
        image.close()


def _exiftool(data: bytes) -> dict[str, dict[str, Any]] | None:
    """Fallback through Debian's exiftool when installed (groups mapped to exif/iptc/xmp)."""
    tool = shutil.which("exiftool")
    if tool is None:
        return None
    try:
        done = subprocess.run([tool, "-j", "-G1", "-charset", "iptc=latin1", "-"], input=data,
                              capture_output=True, timeout=20, check=False)
        rows = json.loads(done.stdout.decode("utf-8", errors="replace") or "[]")
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError) as err:
        log.debug("exiftool failed: %s", err)
        return None
    if not rows:
        return None
    out: dict[str, dict[str, Any]] = {"exif": {}, "iptc": {}, "xmp": {}}
    names = {"ImageDescription": "Exif.Image.ImageDescription", "DateTimeOriginal": "Exif.Photo.DateTimeOriginal",
             "Make": "Exif.Image.Make", "Model": "Exif.Image.Model", "Artist": "Exif.Image.Artist",
             "Caption-Abstract": "Iptc.Application2.Caption", "Headline": "Iptc.Application2.Headline",
             "Keywords": "Iptc.Application2.Keywords", "By-line": "Iptc.Application2.Byline",
             "Credit": "Iptc.Application2.Credit", "DateCreated": "Iptc.Application2.DateCreated",
             "City": "Iptc.Application2.City", "Country-PrimaryLocationName": "Iptc.Application2.CountryName",
             "Title": "Xmp.dc.title", "Description": "Xmp.dc.description", "Subject": "Xmp.dc.subject"}
    for key, value in rows[0].items():
        group, _, tag = key.partition(":")
        section = "iptc" if group == "IPTC" else "xmp" if group.startswith("XMP") else "exif"
        out[section][names.get(tag, f"{section}.{tag}")] = value
    return out
