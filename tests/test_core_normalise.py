"""Normalisation of real NASA records: cleaned values beside raw ones, nothing invented."""

from __future__ import annotations

import re

from conftest import sample_items
from hypothesis import given, settings
from hypothesis import strategies as st

from cupola.model import Provenance, RawItem, Record
from cupola.normalise import text, to_record
from cupola.normalise.centers import normalise_center
from cupola.normalise.text import clean_line, clean_text, split_keywords


def _record(item: dict):
    return to_record(RawItem("nasa_json", item, Provenance("nasa_json", "f.jsonl", 1)))


def _items_where(predicate):
    found = [item for item in sample_items() if predicate(item["data"][0])]
    assert found, "fixture lacks the case this test needs"
    return found


def test_question_mark_apostrophes_are_repaired_and_raw_kept():
    for item in _items_where(lambda d: re.search(r"[a-z]\?s\b", d.get("description") or "")):
        record = _record(item)
        assert not re.search(r"[a-z]\?s\b", record.caption)
        assert "\u2019s" in record.caption
        assert record.raw["data"][0]["description"] == item["data"][0]["description"]


def test_real_question_marks_survive():
    assert clean_text("Is it the Moon? Yes.") == "Is it the Moon? Yes."
    assert clean_text("Why? s-band antenna") == "Why? s-band antenna"


def test_html_markup_and_entities_are_cleaned():
    for item in _items_where(lambda d: "<a " in (d.get("description") or "") or "<br" in (d.get("description") or "")):
        record = _record(item)
        assert "<a " not in record.caption and "<br" not in record.caption
        assert len(record.caption) > 0
    for item in _items_where(lambda d: re.search(r"&(amp|#39|quot);", d.get("description") or "")):
        assert not re.search(r"&(amp|#39|quot);", _record(item).caption)


def test_mojibake_is_repaired():
    for item in _items_where(lambda d: "â€" in (d.get("description") or "")):
        assert "â€" not in _record(item).caption


def test_langley_spellings_become_one_center():
    spellings = {item["data"][0]["center"] for item in _items_where(lambda d: d.get("center") in ("LRC", "LARC", "LaRC"))}
    assert spellings == {"LRC", "LARC", "LaRC"}
    for item in _items_where(lambda d: d.get("center") in ("LRC", "LARC", "LaRC")):
        record = _record(item)
        assert record.center == "LaRC"
        assert record.raw["data"][0]["center"] == item["data"][0]["center"]
    assert normalise_center("ksc") == "KSC"
    assert normalise_center("STScI (Hubble)") == "STScI (Hubble)"
    assert normalise_center("") is None


def test_keywords_given_as_one_string_are_split():
    items = _items_where(lambda d: isinstance(d.get("keywords"), str)
                         or any(";" in k for k in d.get("keywords") or []))
    for item in items:
        record = _record(item)
        assert all(";" not in k for k in record.keywords)
        assert len(record.keywords) >= 2
    assert split_keywords(["Apollo 11; Moon", "moon", " "]) == ["Apollo 11", "Moon"]


def test_nothing_is_invented_for_empty_crawl_defaults():
    flat = _items_where(lambda d: d.get("photographer") == "" and d.get("location") == "")[0]
    record = _record(flat)
    assert record.photographer is None and record.location_text is None
    item = {"data": [{"nasa_id": "X1", "title": "A title"}]}
    record = _record(item)
    assert record.media_type is None and record.taken_at is None and record.center is None


def test_date_created_gives_day_precision():
    item = _items_where(lambda d: (d.get("date_created") or "").endswith("T00:00:00Z"))[0]
    record = _record(item)
    assert record.taken_at == item["data"][0]["date_created"][:10]
    assert record.taken_precision == "day" and record.taken_source == "date_created"


def test_ids_with_spaces_are_kept_as_published():
    item = _items_where(lambda d: " " in d["nasa_id"])[0]
    assert _record(item).id == item["data"][0]["nasa_id"].strip()


def test_content_hash_ignores_provenance():
    item = sample_items()[0]
    a = to_record(RawItem("nasa_json", item, Provenance("nasa_json", "a.json", 1)))
    b = to_record(RawItem("nasa_json", item, Provenance("nasa_json", "b.json", 9)))
    assert a.content_hash() == b.content_hash()
    item2 = {**item, "data": [{**item["data"][0], "title": "changed"}]}
    c = to_record(RawItem("nasa_json", item2, Provenance("nasa_json", "a.json", 1)))
    assert c.content_hash() != a.content_hash()


# Text mixing what the cleaner's shortcuts look for: spaces, line breaks, other whitespace, "?", markup, mojibake.
_TEXTS = st.text(max_size=60) | st.lists(st.sampled_from(
    [*"ab ?s'<>&;.t\n\r\t\x0b\x1c\x85\u00a0\u200b\u2028\u3000Ã©â", "  ", " \n ", "\n\n\n", "&amp;", "<br>", "â€™"]),
    max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_whitespace_shortcut_equals_splitting_every_line(value):
    assert text._collapse_spaces(value) == "\n".join(" ".join(line.split()) for line in value.split("\n"))


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_apostrophe_pattern_matches_where_the_letter_before_form_does(value):
    letter_first = re.compile(r"(?<=[A-Za-z])\?(?=(?:s|t|re|ll|ve|d|m)\b)")
    assert text._QUESTION_APOSTROPHE.sub("\u2019", value) == letter_first.sub("\u2019", value)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_plain_text_shortcut_is_only_trimming(value):
    if text._plain(value):
        assert clean_text(value) == value.strip() == clean_line(value)
    assert clean_line(value) == " ".join(clean_text(value).split())


def test_stored_dict_is_to_dict_without_provenance():
    record = _record(sample_items()[0])
    full = record.to_dict()
    del full["provenance"]
    assert list(record.stored_dict().items()) == list(full.items())
    record.note = "not a field"  # an attribute outside the dataclass fields is not stored
    assert list(record.stored_dict()) == [name for name in Record.__dataclass_fields__ if name != "provenance"]
