"""Mission stories over an archive built from real records: phases, order, belonging, clusters, credits."""

from __future__ import annotations

import re

import pytest
from fixtures.galleries.archive import open_archive

from cupola.galleries import UnknownSubject, mission_gallery
from cupola.galleries.phases import PHASE_ORDER, PHASES
from cupola.galleries.relevance import date_range

# What a photo of each mission says about itself (independent of the enrichment): its name in any
# published spelling, its photo-number prefix, or a crew member's surname.
BELONGS = {
    "Apollo 11": r"Apollo (11|XI)\b|\bAS-?11\b|AS11-|Armstrong|Aldrin|Collins",
    "Apollo 13": r"Apollo (13|XIII)\b|AS13-|Lovell|Haise|Swigert",
    "Gemini 4": r"Gemini[- ](4|IV)\b|Gemini-Titan (\(GT\)-)?(4|IV)\b|GT-(4|IV)\b|McDivitt|White",
    "STS-1": r"STS-(1|I)\b(?!\d)|STS001|\bs01-|Young|Crippen|Columbia",
    "STS-61": r"STS-61\b|STS061|Endeavour|Hubble|Covey|Bowersox|Musgrave|Hoffman|Thornton|Akers|Nicollier|Ross",
}


@pytest.fixture(scope="module")
def archive():
    archive = open_archive()
    yield archive
    archive.close()


@pytest.fixture(scope="module")
def stories(archive):
    return {name: mission_gallery(archive, name, max_items=30) for name in BELONGS}


@pytest.mark.parametrize("name", list(BELONGS))
def test_story_covers_at_least_five_phases_in_story_order(stories, name):
    gallery = stories[name]
    keys = [p.key for p in gallery.phases]
    assert len(keys) >= 5, keys
    assert keys == sorted(keys, key=PHASE_ORDER.__getitem__)
    assert all(p.items for p in gallery.phases)  # empty phases are omitted, not padded
    assert {p.name for p in gallery.phases} <= {name for _key, name in PHASES}


@pytest.mark.parametrize("name", list(BELONGS))
def test_items_are_chronological_inside_each_phase(stories, name):
    for phase in stories[name].phases:
        spans = [date_range(i.taken_at, i.taken_precision) for i in phase.items]
        for (lo, _hi), (_lo, hi) in zip(spans, spans[1:], strict=False):
            assert hi >= lo, (phase.name, [i.taken_at for i in phase.items])  # never surely earlier
        starts = [lo for lo, hi in spans if lo == hi]  # the photos dated to the day: strictly in order
        assert starts == sorted(starts), (phase.name, [i.taken_at for i in phase.items])


@pytest.mark.parametrize("name", list(BELONGS))
def test_never_two_photos_of_one_cluster_nor_one_record_twice(stories, archive, name):
    items = stories[name].items
    assert len({i.id for i in items}) == len(items)
    clusters = [i.cluster_id for i in items if i.cluster_id]
    assert len(set(clusters)) == len(clusters)
    records = archive.get_many([i.id for i in items])
    stored = [r.cluster["id"] for r in records.values() if r.cluster and r.cluster.get("size", 1) > 1]
    assert len(set(stored)) == len(stored)


@pytest.mark.parametrize("name", list(BELONGS))
def test_every_item_is_credited_dated_captioned_and_linked(stories, name):
    for item in stories[name].items:
        assert item.credit.strip(), item.id
        assert item.taken_at and item.taken_precision in ("day", "month", "year"), item.id
        assert item.heading.strip() and item.caption.strip(), item.id
        assert item.image and item.image.startswith("http"), item.id
        assert item.link and item.id in item.link


@pytest.mark.parametrize("name", list(BELONGS))
def test_every_photo_belongs_to_the_mission(stories, archive, name):
    records = archive.get_many([i.id for i in stories[name].items])
    for item in stories[name].items:
        record = records[item.id]
        text = " ".join([record.id, record.title, record.caption, *record.keywords])
        assert re.search(BELONGS[name], text, re.IGNORECASE), (item.id, record.title)


def test_photos_dated_in_the_flight_tell_the_flight(stories):
    gallery = stories["Apollo 11"]
    by_phase = {p.key: p for p in gallery.phases}
    assert all(i.taken_at.startswith("1969-07-16") for i in by_phase["launch"].items)
    assert all(i.taken_at >= "1969-07-24" for i in by_phase["landing"].items)
    assert all(i.taken_at >= "1969-07" for i in by_phase["homecoming"].items)
    assert all(i.taken_at <= "1969-07-16" for i in by_phase["crew"].items)


def test_retrospectives_long_after_the_flight_are_left_out(stories):
    # the archive holds 1989, 1999, 2009 and 2019 anniversary photos naming Apollo 11; the story ends in 1970
    years = {int(i.taken_at[:4]) for i in stories["Apollo 11"].items}
    assert max(years) <= 1970 and 1969 in years


def test_size_is_a_parameter(archive):
    for size in (1, 7, 12):
        gallery = mission_gallery(archive, "Apollo 11", max_items=size)
        assert len(gallery.items) == size
    small = mission_gallery(archive, "Apollo 11", max_items=7)
    assert len(small.phases) == 7  # one photo per phase before any phase gets a second


def test_alias_gives_the_same_story(archive, stories):
    gallery = mission_gallery(archive, "Gemini IV", max_items=30)
    assert gallery.subject.name == "Gemini 4"
    assert [i.id for i in gallery.items] == [i.id for i in stories["Gemini 4"].items]


def test_subject_carries_name_kind_dates_and_crew(stories):
    subject = stories["Apollo 13"].subject.to_dict()
    assert subject["name"] == "Apollo 13" and subject["kind"] == "mission"
    assert subject["dates"] == {"start": "1970-04-11", "end": "1970-04-17"}
    assert "James Lovell" in subject["crew"]


def test_unknown_mission_suggests_close_names(archive):
    with pytest.raises(UnknownSubject) as caught:
        mission_gallery(archive, "Apolo 12")
    assert "Apollo 12" in caught.value.suggestions
    assert "did you mean Apollo 12" in str(caught.value)


def test_known_mission_without_photos_is_an_empty_story_said_plainly(archive):
    gallery = mission_gallery(archive, "Expedition 58")
    assert gallery.empty and gallery.to_dict()["phases"] == []
    assert gallery.notes == ["this archive has no photos of Expedition 58 yet"]
