"""Same record from several sources: every version and copy kept, the shown one chosen by rule."""

from __future__ import annotations

import json
from pathlib import Path

from cupola.archive import Archive
from cupola.dedupe.versions import Candidate, choose, consistent
from cupola.ingest import ingest

HERE = Path(__file__).parent / "fixtures" / "dedupe"
ITEM, CRAWL = HERE / "versions_item.json", HERE / "versions_crawl.jsonl"
IDS = [json.loads(line)["nasa_id"] for line in (HERE / "duplicates_rows.jsonl").read_text().splitlines()]
OPTIONS = {"raw_only": True, "no_vectors": True}


def _choice(archive: Archive, record_id: str) -> tuple[str, str]:
    return archive.conn.execute("SELECT rule, content_hash FROM record_choices WHERE record_id = ?",
                                (record_id,)).fetchone()


def test_item_beats_crawl_row_whatever_the_order(tmp_path):
    for order in ([ITEM, CRAWL], [CRAWL, ITEM]):
        archive = Archive.open(tmp_path / f"a{order[0].suffix}")
        ingest(archive, order, options=OPTIONS)
        for record_id in IDS:
            record = archive.get(record_id)
            assert "links" in record.raw  # the images-api item is shown
            assert len(archive.versions_of(record_id)) == 2
            assert len(record.provenance) == 2
            rule, shown = _choice(archive, record_id)
            assert rule == "trusted"
            assert archive.conn.execute("SELECT content_hash FROM records WHERE id = ?",
                                        (record_id,)).fetchone()[0] == shown
            versions = archive.versions_of(record_id)
            assert sum(1 for v in versions if v["data"] is None) == 1  # the other version's data is kept


def test_majority_beats_trust(tmp_path):
    copies = [tmp_path / f"crawl{n}.jsonl" for n in range(3)]
    for path in copies:
        path.write_text(CRAWL.read_text())
    archive = Archive.open(tmp_path / "a")
    ingest(archive, [ITEM, *copies], options=OPTIONS)
    for record_id in IDS:
        record = archive.get(record_id)
        assert "links" not in record.raw  # three crawl copies outvote one item
        assert _choice(archive, record_id)[0] == "majority"
        assert len(record.provenance) == 4


def test_reingest_is_idempotent(tmp_path):
    archive = Archive.open(tmp_path / "a")
    ingest(archive, [ITEM, CRAWL], options=OPTIONS)
    before = {i: archive.get(i).to_dict() for i in IDS}
    report = ingest(archive, [CRAWL, ITEM], options=OPTIONS)
    assert report.added == report.updated == 0
    assert {i: archive.get(i).to_dict() for i in IDS} == before


def _candidate(digest: str, copies: int, **data) -> Candidate:
    return Candidate(digest, data, copies, {"nasa_json"}, f"2026-01-0{copies}")


def test_inconsistent_media_type_loses_even_with_more_copies():
    href = "https://images-assets.nasa.gov/image/PIA03201/PIA03201~orig.jpg"
    good = _candidate("a", 1, media_type="image", assets=[{"role": "orig", "href": href}])
    relabelled = _candidate("b", 2, media_type="video", assets=[{"role": "orig", "href": href}])
    assert not consistent(relabelled.data)
    winner, rule, reason = choose([good, relabelled])
    assert (winner.content_hash, rule) == ("a", "consistent")
    assert "media_type" in reason


def test_completeness_then_latest_break_ties():
    full = _candidate("a", 1, title="t", caption="c", photographer="p")
    thin = _candidate("b", 1, title="t", caption="c")
    assert choose([thin, full])[:2] == (full, "complete")
    same = _candidate("c", 1, title="t", caption="c")
    winner, rule, _ = choose([thin, same])
    assert rule == "latest" and winner in (thin, same)
