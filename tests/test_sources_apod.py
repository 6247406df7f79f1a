"""APOD days: detection ahead of the NASA JSON fallback, ids, explanation text and links, rights."""

from __future__ import annotations

import json
from pathlib import Path

from cupola.archive import Archive
from cupola.ingest import ingest
from cupola.model import RawItem
from cupola.normalise import to_record
from cupola.sources import detect
from cupola.sources.apod import read

FIXTURE = Path(__file__).parent / "fixtures" / "sources" / "apod_sample.jsonl"
FAST = {"no_vectors": True}


def records() -> dict:
    return {r.id: r for r in (to_record(e) for e in read(FIXTURE) if isinstance(e, RawItem))}


def test_apod_jsonl_is_recognised_before_the_nasa_json_fallback() -> None:
    assert detect(FIXTURE).kind == "apod"


def test_every_day_becomes_one_record_keyed_by_date() -> None:
    days = [json.loads(line)["date"] for line in FIXTURE.read_text().strip().split("\n")]
    assert sorted(records()) == sorted(f"apod-{d}" for d in days)


def test_explanation_html_becomes_text_with_links_kept() -> None:
    record = records()["apod-1996-09-25"]
    assert record.caption.startswith("Did you ever feel like a black cloud")
    assert "<a" not in record.caption and "Explanation" not in record.caption[:20]
    links = record.raw["links"]
    assert {"text": "open cluster", "href": "https://apod.nasa.gov/apod/ap960903.html"} in links
    assert all(link["href"].startswith("http") for link in links)


def test_copyright_is_the_credit_and_marks_third_party_rights() -> None:
    by_id = records()
    owned = by_id["apod-1996-09-25"]
    assert owned.credit == "Anglo-Australian Telescope Board" and owned.rights == "third_party"
    free = by_id["apod-1995-06-20"]
    assert free.credit == "Mount Wilson Observatory" and free.rights is None


def test_media_type_dates_and_assets() -> None:
    by_id = records()
    video = next(r for r in by_id.values() if r.raw.get("media_type") == "video")
    assert video.media_type == "video" and any(a["role"] == "video" for a in video.assets)
    first = by_id["apod-1995-06-16"]
    assert (first.taken_at, first.taken_precision) == ("1995-06-16", "day")
    assert {"role": "page", "href": "https://apod.nasa.gov/apod/ap950616.html"} in first.assets
    assert first.caption == ""  # the early days have no explanation; nothing is invented


def test_date_keyed_year_file_is_read_too(tmp_path: Path) -> None:
    days = [json.loads(line) for line in FIXTURE.read_text().strip().split("\n")]
    year_file = tmp_path / "1995.json"
    year_file.write_text(json.dumps({d["date"]: d for d in days}, indent=2))
    assert detect(year_file).kind == "apod"
    assert len([e for e in read(year_file) if isinstance(e, RawItem)]) == len(days)


def test_ingest_is_idempotent_and_bad_lines_are_named(tmp_path: Path) -> None:
    source = tmp_path / "apod.jsonl"
    source.write_text(FIXTURE.read_text() + '{"title": "no date"}\n{broken\n')
    archive = Archive.open(tmp_path / "a")
    first = ingest(archive, [source], options=FAST)
    assert first.added == 16
    assert [(r.line, "date" in r.reason or "JSON" in r.reason) for r in first.rejected] == [(17, True), (18, True)]
    again = ingest(archive, [source], options=FAST)
    assert again.added == again.updated == 0 and again.unchanged == 16
