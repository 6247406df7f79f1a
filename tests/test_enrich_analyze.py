"""analyze(): the public JSON contract, on real captions (tests/fixtures/enrich, see PROVENANCE.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cupola.enrich import analyze

FIXTURE = Path(__file__).parent / "fixtures" / "enrich" / "records.jsonl"
KEYS = ("photo_ids", "dates", "people", "missions", "vehicles", "places", "organizations", "credit", "event")


def _captions() -> dict[str, str]:
    out = {}
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)["data"][0]
        out[data["nasa_id"]] = f"{data['title']}\n{data['description']}"
    return out


CAPTIONS = _captions()


def test_contract_shape():
    result = analyze(CAPTIONS["S70-15506"])
    assert all(key in result for key in KEYS)
    assert all(isinstance(result[k], list) for k in KEYS[:7])
    for date in result["dates"]:
        assert set(date) >= {"text", "value"}
    for entity in result["entities"]:
        start, end = entity["span"]
        assert CAPTIONS["S70-15506"][start:end] == entity["text"]
        assert 0 < entity["confidence"] <= 1
    json.dumps(result)  # serialisable


def test_jsc_prefix_caption():
    result = analyze(CAPTIONS["S70-15506"])
    assert result["photo_ids"] == ["S70-15506"]
    assert result["dates"][0] == {"text": "18 April 1970", "value": "1970-04-18", "precision": "day",
                                  "span": result["dates"][0]["span"]}
    assert result["people"][:2] == ["James Lovell", "Richard Nixon"]
    assert "Jack Swigert" in result["people"]  # "John L. Swigert Jr." -> the name he is known by
    assert result["missions"] == ["Apollo 13"]
    assert "Hickam Air Force Base" in result["places"] and "Hawaii" in result["places"]
    assert result["event"] == "ceremony_or_media"


def test_apollo_lunar_surface():
    result = analyze(CAPTIONS["AS12-46-6728"])
    assert result["photo_ids"] == ["AS12-46-6728"]
    assert result["people"][:2] == ["Alan Bean", "Pete Conrad"]  # "Charles Conrad Jr."
    assert result["missions"] == ["Apollo 12"]
    assert "Lunar Module" in result["vehicles"]
    assert result["event"] == "spacewalk"


def test_gemini_pad_and_launch_complex():
    result = analyze(CAPTIONS["S65-10461"])
    assert result["missions"] == ["Gemini 3"]  # "Gemini-Titan 3", "GT-3"
    assert result["places"] == ["Launch Complex 19"]  # "Launch Pad 19"
    assert [d["value"] for d in result["dates"]] == ["1965-03-23", "1965-03-23"]


def test_shuttle_crew_portrait():
    result = analyze(CAPTIONS["STS036-S-002"])
    assert result["photo_ids"] == ["STS036-S-002"]
    assert result["missions"] == ["STS-36"]
    assert result["people"][0] == "John Creighton"
    assert "Space Shuttle Discovery" in result["vehicles"]
    assert result["places"] == ["Launch Complex 39B"]
    assert result["event"] == "crew_portrait"


def test_iss_era_landing_with_credit():
    result = analyze(CAPTIONS["201105240005HQ"])
    assert result["credit"] == "NASA/Bill Ingalls"
    assert result["people"] == ["Dmitry Kondratyev", "Paolo Nespoli", "Cady Coleman"]
    assert result["missions"][:2] == ["Expedition 27", "Soyuz TMA-20"]
    assert "Kazakhstan" in result["places"]
    assert result["dates"][0]["value"] == "2011-05-24"  # "Tuesday, May 24, 2011"
    assert result["event"] == "landing_or_splashdown"


def test_credit_not_a_person_and_agencies():
    result = analyze(CAPTIONS["201106070070HQ"])
    assert result["credit"] == "NASA/Roscosmos/Andrey Shelepin"
    assert "Andrey Shelepin" not in result["people"]
    assert result["people"] == ["Mike Fossum", "Sergei Volkov", "Satoshi Furukawa"]
    assert result["organizations"] == ["NASA", "JAXA"]
    assert "Baikonur Cosmodrome" in result["places"]


def test_cargo_flight_keeps_its_operator():
    result = analyze(CAPTIONS["KSC-20170417-PH_FWM01_0046"])
    assert result["missions"] == ["Orbital ATK CRS-7"]
    assert "Space Launch Complex 41" in result["places"]


def test_planetary_and_aeronautics():
    assert analyze(CAPTIONS["PIA00001"])["event"] == "astronomy_or_planetary"
    assert analyze(CAPTIONS["PIA00001"])["photo_ids"] == ["PIA00001"]
    aero = analyze(CAPTIONS["EC91-0075-33"])
    assert aero["vehicles"] == ["F/A-18"] and aero["event"] == "aeronautics"


@pytest.mark.parametrize("text", ["", " ", "\x00\x01\x02", "é" * 10, "????", "(((((", "STS-" * 500,
                                  "Apollo " * 2000, "ISS054-E-" * 100, "12/99/9999", "Photo Credit:"])
def test_odd_inputs(text):
    result = analyze(text)
    assert all(key in result for key in KEYS)


def test_non_string_input():
    assert analyze(None)["people"] == []
    assert analyze(12345)["event"] == "other"


def test_long_text_is_fast_enough():
    import time

    text = CAPTIONS["S70-15506"] * 200  # ~150k characters
    started = time.perf_counter()
    result = analyze(text)
    assert time.perf_counter() - started < 10
    assert "James Lovell" in result["people"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=600))
def test_any_text_gives_a_result(text):
    result = analyze(text)
    assert all(key in result for key in KEYS)
    for entity in result["entities"]:
        assert 0 <= entity["span"][0] <= entity["span"][1] <= len(text)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(["Astronaut", "John", "Glenn", "Apollo", "11", "STS-7", "(", ")", "Jan.",
                                 "3,", "1998", "Photo", "credit:", "NASA", "---", "S82-E-5242", "Pad", "39A",
                                 "Kennedy", "Space", "Center", "\n", "Dr.", "von", "é"]), max_size=40))
def test_caption_like_token_soup(tokens):
    result = analyze(" ".join(tokens))
    assert result["event"] in {"launch", "landing_or_splashdown", "spacewalk", "docking_or_berthing",
                               "undocking_or_departure", "rollout_or_transport", "training",
                               "crew_portrait", "crew_activity_in_space", "science_or_lab",
                               "earth_observation", "astronomy_or_planetary", "facility_or_hardware",
                               "ceremony_or_media", "aeronautics", "other"}


@pytest.mark.parametrize("text, people", [
    ("ESA astronaut Frank De Winne and NASA astronaut Mark T. Vande Hei", ["Frank De Winne", "Mark Vande Hei"]),
    ("developed by Dr. Wernher von Braun and the rocket team", ["Wernher von Braun"]),
    ("Mission Specialists Jean-Francois Clervoy and C. Michael Foale", ["Jean-François Clervoy", "Michael Foale"]),
    ("The Protein Crystal Growth Renin experiment near South Ray Crater", []),
])
def test_people_forms(text, people):
    assert analyze(text)["people"] == people


@pytest.mark.parametrize("text, vehicle", [
    ("AS11-44-6642 (20 July 1969) --- The Columbia in lunar orbit", "Command Module Columbia"),
    ("Columbia in lunar orbit, July 1969", "Command Module Columbia"),
    ("Columbia lands at Edwards, April 14, 1981", "Space Shuttle Columbia"),
    ("The Space Shuttle Columbia on the pad", "Space Shuttle Columbia"),
    ("Apollo 11: the Eagle has landed", "Lunar Module Eagle"),
])
def test_columbia_by_context_and_date(text, vehicle):
    assert analyze(text)["vehicles"] == [vehicle]


def test_instrument_names_that_start_with_a_given_name_are_not_people():
    # Phrases as published in the NASA library (New Horizons and AMS captions).
    texts = ["Four images from New Horizons Long Range Reconnaissance Imager LORRI were combined with color "
             "data from the spacecraft Ralph instrument.",
             "Houston We Have a Podcast, Episode 117, \u201cAlpha Magnetic Spectrometer: The Science\u201d"]
    texts += ["Hillary Montes, a range of mountains on Pluto, seen by New Horizons.",  # a feature, not a person
              "An Earthly view of Pluto's moon Charon."]  # an article, not a given name
    for text in texts:
        assert analyze(text)["people"] == []
    nickname = 'In the background (center) is Thomas R. "Randy" Galloway, with the Space Station team.'
    assert analyze(nickname)["people"] == ["Thomas Galloway"]
