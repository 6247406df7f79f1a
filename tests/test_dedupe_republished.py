"""One photo captioned by two NASA centers (a dateline and credit around one body) is one photo."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from cupola.archive import Archive
from cupola.dedupe.keys import strong_keys, verify_strong
from cupola.dedupe.text import body_tokens
from cupola.ingest import ingest
from cupola.model import Record

HERE = Path(__file__).parent / "fixtures" / "dedupe"
OPTIONS = {"no_vectors": True}  # dates as the product reads them (caption dates too)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Archive:
    archive = Archive.open(tmp_path_factory.mktemp("republished") / "a")
    report = ingest(archive, [HERE / "republished.jsonl"], options=OPTIONS)
    assert report.added == 10
    return archive


def _cluster(archive: Archive, record_id: str) -> str | None:
    return (archive.get(record_id).cluster or {}).get("id")


@pytest.mark.parametrize(("a", "b"), [
    ("S87-26113", "81PC0137"),        # JSC "S87-26113 (5 March 1981) --- ..." / KSC "KENNEDY SPACE CENTER, FLA. - ..."
    ("s31-s-135", "90pc2232"),        # STS-31 landing at Edwards, 1990-04-29
    ("sts087-718-069", "9802895"),    # Takao Doi's spacewalk, JSC and MSFC
    ("S81-30498", "81pc0382"),        # STS-1 launch, JSC and KSC
])
def test_one_caption_published_by_two_centers_is_one_photo(archive, a, b):
    assert _cluster(archive, a) is not None
    assert _cluster(archive, a) == _cluster(archive, b)
    reasons = [row[0] for row in archive.conn.execute(
        "SELECT reason FROM dedupe_members WHERE record_id IN (?, ?)", (a, b))]
    assert any(r and r.startswith("one caption") and "published by" in r for r in reasons), reasons


def test_another_photo_with_a_similar_caption_stays_apart(archive):
    # Winston Scott's frame of the same spacewalk: the same crane paragraph, another astronaut
    assert _cluster(archive, "sts087-718-073") != _cluster(archive, "9802895")


def test_the_link_needs_two_centers_and_one_day(archive):
    jsc, ksc = archive.get("S87-26113"), archive.get("81PC0137")
    assert verify_strong(strong_keys(jsc), strong_keys(ksc))[0] == "photo"
    same_center = dataclasses.replace(ksc, center="JSC")
    assert verify_strong(strong_keys(jsc), strong_keys(same_center)) is None
    other_day = dataclasses.replace(ksc, taken_at="1981-03-06")
    assert verify_strong(strong_keys(jsc), strong_keys(other_day)) is None
    undated = dataclasses.replace(ksc, taken_at="1981", taken_precision="year")
    assert verify_strong(strong_keys(jsc), strong_keys(undated)) is None


def test_keys_meet_only_for_the_same_day(archive):
    jsc, ksc = archive.get("S87-26113"), archive.get("81PC0137")
    assert set(strong_keys(jsc).republished_keys()) & set(strong_keys(ksc).republished_keys())
    assert not set(strong_keys(jsc).keys()) & set(strong_keys(ksc).keys())  # nothing else in common
    other_day = dataclasses.replace(ksc, taken_at="1981-03-06")
    assert not set(strong_keys(jsc).republished_keys()) & set(strong_keys(other_day).republished_keys())


def test_a_record_that_joins_a_cluster_leaves_its_republished_keys_to_the_first(tmp_path):
    archive = Archive.open(tmp_path / "a")
    ingest(archive, [HERE / "republished.jsonl"], options=OPTIONS)
    rows = [json.loads(line) for line in (HERE / "republished.jsonl").read_text().splitlines()]
    frame = next(row for row in rows if row["data"][0]["nasa_id"] == "9802895")
    frame["data"][0]["nasa_id"] = "9802895-frame"  # another MSFC frame with the same caption and day
    (tmp_path / "frame.jsonl").write_text(json.dumps(frame) + "\n")
    ingest(archive, [tmp_path / "frame.jsonl"], options=OPTIONS)
    assert _cluster(archive, "9802895-frame") == _cluster(archive, "9802895") == _cluster(archive, "sts087-718-069")

    def stored(record_id: str) -> set[int]:
        return {key for (key,) in archive.conn.execute("SELECT key FROM dedupe_keys WHERE record_id = ?",
                                                        (record_id,))}

    own = set(strong_keys(archive.get("9802895-frame")).republished_keys())
    assert own and not own & stored("9802895-frame")  # it joined a cluster: the cluster's first record stands for it
    assert not own & stored("9802895")
    first = set(strong_keys(archive.get("sts087-718-069")).republished_keys())
    assert first <= stored("sts087-718-069") and own & first


def test_body_drops_dateline_id_head_and_credit():
    def body(caption: str) -> str:
        return " ".join(body_tokens(Record(id="x", source="test", caption=caption)) or [])

    text = "a timed exposure of the space shuttle at launch pad a complex 39 turns the pad into light"
    assert body("S87-26113 (5 March 1981) --- A timed exposure of the space shuttle at Launch Pad A, "
                "Complex 39, turns the pad into light. Photo credit: NASA") == text
    assert body("KENNEDY SPACE CENTER, FLA. -- A timed exposure of the space shuttle at Launch Pad A, "
                "Complex 39, turns the pad into light.") == text
    assert body("A timed exposure of the space shuttle at Launch Pad A, Complex 39, turns the pad into "
                "light.") == text
    # a sentence that merely starts with a capitalised name keeps its words
    assert body("Astronaut John Glenn - the first American to orbit the Earth - poses beside the capsule").startswith(
        "astronaut john glenn")
    assert body_tokens(Record(id="x", source="test", caption="KSC-81PC-0137. Photo credit: NASA")) is None
