"""Photo-ID parsing: NASA's formats, canonical forms, implied missions and dates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cupola.enrich.photo_ids import parse


@pytest.mark.parametrize("text, canonical, mission", [
    ("ISS054-E-22060", "iss054e022060", "Expedition 54"),
    ("iss054e022060", "iss054e022060", "Expedition 54"),
    ("S61-E-123", "s61e123", "STS-61"),
    ("s82e5242", "s82e5242", "STS-82"),  # a nasa_id in its compact form
    ("STS061-123-45", "sts061-123-045", "STS-61"),
    ("JSC2000-E-29123", "jsc2000e029123", None),
    ("AS11-40-5903", "as11-40-5903", "Apollo 11"),
    ("PIA11480", "PIA11480", None),
    ("art002e009013", "art002e009013", "Artemis II"),
    ("SL3-87-299", "sl3-87-299", "Skylab 3"),
    ("61A -45-98", "61a-045-0098", "STS-61A"),
    ("51F-S-157", "51f-00s-0157", "STS-51F"),
    ("41C-3029", "41c-3029", "STS-41C"),
    ("NM18-302-025", "nm18-302-25", "Mir-18"),
    ("AST-03-175", "ast-3-175", "Apollo-Soyuz Test Project"),
    ("62-MA7-169", "62-ma7-169", "Mercury-Atlas 7"),
    ("S26-31-012", "sts026-031-012", "STS-26"),
    ("STS029-71-000AE", "sts029-71-000ae", "STS-29"),
])
def test_formats(text, canonical, mission):
    (photo,) = parse(f"see {text} (caption)")
    assert photo.text == text
    assert photo.canonical == canonical
    assert photo.mission == mission


def test_date_ranges():
    (apollo,) = parse("AS11-40-5903")
    assert apollo.date_range == ("1969-07-16", "1969-07-24")  # Apollo 11 launch to splashdown (KB)
    (ksc,) = parse("KSC-20170418-PH_AWG06_0015")
    assert ksc.date_range == ("2017-04-18", "2017-04-18")
    (jsc,) = parse("S92-49812")
    assert jsc.scheme == "jsc_year" and jsc.date_range == ("1992-01-01", "1992-12-31")
    (grc,) = parse("GRC-1996-C-01538")
    assert grc.date_range[0] == "1996-01-01"


def test_several_ids_in_order_without_overlap():
    found = parse("KSC-98pc1462 and S88-E-5049 then PIA00368 at photojournal.jpl.nasa.gov/catalog/PIA00368")
    assert [p.text for p in found] == ["KSC-98pc1462", "S88-E-5049", "PIA00368", "PIA00368"]


def test_no_ids_in_prose():
    assert parse("Astronaut John Glenn on STS-95 in 1998, 16 days in orbit, 3-2-1 liftoff") == []


@given(st.text(max_size=300))
def test_any_text(text):
    for photo in parse(text):
        assert text[photo.span[0]:photo.span[1]] == photo.text
