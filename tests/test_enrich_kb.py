"""The knowledge base API: missions by any alias, suggestions, people by any spelling."""

from __future__ import annotations

import pytest

from cupola.enrich import kb


@pytest.mark.parametrize("alias, name", [
    ("Gemini IV", "Gemini 4"), ("Gemini 4", "Gemini 4"), ("GT-4", "Gemini 4"),
    ("MA-6", "Mercury-Atlas 6"), ("Mercury-Atlas 6", "Mercury-Atlas 6"), ("Friendship 7 mission", "Mercury-Atlas 6"),
    ("Friendship 7", "Mercury-Atlas 6"), ("Liberty Bell 7", "Mercury-Redstone 4"),
    ("STS-41-C", "STS-41C"), ("STS 41C", "STS-41C"),
    ("Soyuz TMA18", "Soyuz TMA-18"), ("Soyuz TMA-18", "Soyuz TMA-18"),
    ("SpaceX Crew-1", "SpaceX Crew-1"), ("Crew-1", "SpaceX Crew-1"),
    ("Apollo XI", "Apollo 11"), ("ASTP", "Apollo-Soyuz Test Project"), ("Expedition 27", "Expedition 27"),
])
def test_lookup_mission_aliases(alias, name):
    mission = kb.lookup_mission(alias)
    assert mission is not None and mission.name == name


def test_mission_fields():
    apollo = kb.lookup_mission("Apollo 11")
    assert apollo.kind == "mission"
    assert (apollo.start, apollo.end) == ("1969-07-16", "1969-07-24")  # launch to splashdown
    assert set(apollo.crew) == {"Neil Armstrong", "Buzz Aldrin", "Michael Collins"}
    assert "Command Module Columbia" in apollo.vehicles
    assert kb.lookup_mission("STS-82").vehicles == ("Space Shuttle Discovery",)
    assert kb.lookup_mission("Expedition 27").kind == "expedition"


def test_unknown_missions():
    assert kb.lookup_mission("Apollo 99") is None
    assert kb.lookup_mission("") is None
    assert kb.lookup_mission(None) is None  # type: ignore[arg-type]


def test_suggest_missions():
    assert "Gemini 4" in kb.suggest_missions("Gemeni 4")
    assert kb.suggest_missions("Apolo 11", n=3)[0] == "Apollo 11"
    assert kb.suggest_missions("") == []


@pytest.mark.parametrize("spelling", ["Aldrin, Edwin", "Buzz Aldrin", "Edwin E. Aldrin Jr.", "Edwin Aldrin"])
def test_lookup_person_variants(spelling):
    person = kb.lookup_person(spelling)
    assert person is not None and person.name == "Buzz Aldrin"
    assert "Apollo 11" in person.missions


def test_lookup_person_unknown():
    assert kb.lookup_person("Nobody Inparticular") is None


@pytest.mark.parametrize("spelling, name", [
    ("Mark T. Vande Hei", "Mark Vande Hei"), ("VANDE HEI, Mark T.", "Mark Vande Hei"),
    ("James D. van Hoften", "James van Hoften"), ("Jean-Francois Clervoy", "Jean-François Clervoy"),
])
def test_multi_word_surnames_and_accents(spelling, name):
    person = kb.lookup_person(spelling)
    assert person is not None and person.name == name
