"""The astronaut-photography-of-Earth catalogue: ``Mission-Roll-Frame,Latitude,Longitude`` rows.

As crawled from eol.jsc.nasa.gov (e.g. ``ISS001-E-5411,-31.8,-53.9``, no header; the position is
the spacecraft nadir when the photo was taken). Recognised by its first line, so any file name works.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from cupola.model import Provenance, RawItem, Rejection
from cupola.sources import SourceEvent, SourceReader, register
from cupola.sources._files import decode, open_input

KIND = "astro_photo"
ROW = re.compile(r"^\s*(?P<id>(?P<mission>[A-Za-z]{2,5}\d{1,4}[A-Za-z]?)-(?P<roll>[A-Za-z]{1,3})-(?P<frame>\d{1,7})"
                 r"(?:\s*(?P<suffix>[A-Za-z]))?)\s*,\s*(?P<lat>-?\d+(?:\.\d+)?)\s*,\s*(?P<lon>-?\d+(?:\.\d+)?)\s*$")


def sniff(path: Path) -> bool:
    if not path.is_file() or path.suffix.lower() not in {".csv", ".txt", ".gz"}:
        return False
    with open_input(path) as handle:
        first = decode(handle.readline(4096))[0]
    return bool(ROW.match(first))


def read(path: Path) -> Iterator[SourceEvent]:
    fetched_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open_input(path) as handle:
        text = decode(handle.read())[0]
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        match = ROW.match(line)
        if match is None:
            yield Rejection(str(path), number, "not a catalogue row MISSION-ROLL-FRAME,LATITUDE,LONGITUDE "
                            "(e.g. ISS001-E-5411,-31.8,-53.9); fix or remove this line")
            continue
        data = {k: v for k, v in match.groupdict().items() if v is not None}
        yield RawItem(KIND, data, Provenance(KIND, str(path), number, fetched_at))


register(SourceReader(KIND, read, sniff, priority=25))
