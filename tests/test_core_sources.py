"""Reading NASA JSON in every shape, and every kind of bad input, from real files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import NASA, RAW_ANDROMEDA, RAW_APOLLO, RAW_CRAWL_1969, SAMPLE, sample_items

from cupola.archive import Archive
from cupola.errors import SourceError
from cupola.ingest import ingest
from cupola.model import Notice, RawItem, Rejection
from cupola.sources import read_inputs


def events(*paths, kind=None):
    out = list(read_inputs(paths, kind))
    return ([e for e in out if isinstance(e, RawItem)], [e for e in out if isinstance(e, Rejection)],
            [e for e in out if isinstance(e, Notice)])


def test_search_response_items_with_item_provenance():
    items, rejected, _ = events(RAW_APOLLO)
    expected = json.loads(RAW_APOLLO.read_text())["collection"]["items"]
    assert len(items) == len(expected) == 100 and not rejected
    assert items[0].data == expected[0]
    assert items[4].provenance.file == str(RAW_APOLLO) and items[4].provenance.extra["item"] == 5


def test_single_item_and_array_of_items(tmp_path):
    expected = json.loads(RAW_APOLLO.read_text())["collection"]["items"]
    single = tmp_path / "one.json"
    single.write_text(json.dumps(expected[3]))
    array = tmp_path / "many.json"
    array.write_text(json.dumps(expected[:7]))
    assert [i.data for i in events(single)[0]] == [expected[3]]
    assert [i.data for i in events(array)[0]] == expected[:7]


def test_jsonl_and_crawl_json_lines_under_json_name():
    lines = [line for line in SAMPLE.read_text(encoding="utf-8").split("\n") if line.strip()]
    items, rejected, _ = events(SAMPLE)
    assert len(items) == len(lines) and not rejected
    assert items[10].provenance.line == 11
    assert items[10].provenance.extra["origin"]["repo"]  # the upstream repo recorded in _source
    crawl_lines = [line for line in RAW_CRAWL_1969.read_text().split("\n") if line.strip()]
    items, rejected, _ = events(RAW_CRAWL_1969)
    assert len(items) == len(crawl_lines) and not rejected


def test_gzipped_jsonl(tmp_path):
    path = tmp_path / "sample.jsonl.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(SAMPLE.read_bytes())
    assert len(events(path)[0]) == len(sample_items())


def test_directory_with_unrelated_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.json").write_bytes(RAW_APOLLO.read_bytes())
    (tmp_path / "notes.txt").write_text("not data")
    (tmp_path / "photo.xyz").write_bytes(b"\x00\x01")
    items, rejected, notices = events(tmp_path)
    assert len(items) == 100 and not rejected
    assert {Path(n.file).name for n in notices} == {"notes.txt", "photo.xyz"}


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        events(tmp_path / "nope.json")


def test_malformed_line_is_rejected_with_its_line_and_the_rest_kept(tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")[:20]
    lines[4] = lines[4][: len(lines[4]) // 2]
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(lines) + "\n")
    items, rejected, _ = events(path)
    assert len(items) == 19
    assert len(rejected) == 1 and rejected[0].line == 5 and "malformed JSON" in rejected[0].reason
    assert str(rejected[0]).startswith(f"{path}:5:")


def test_truncated_search_response_gives_up_complete_items(tmp_path):
    text = RAW_APOLLO.read_text()
    path = tmp_path / "truncated.json"
    path.write_text(text[: len(text) // 2])
    items, rejected, _ = events(path)
    assert 30 < len(items) < 100
    assert len(rejected) == 1 and "truncated" in rejected[0].reason and "recovered" in rejected[0].reason


def test_non_utf8_bytes_are_read_with_a_notice(tmp_path):
    item = sample_items()[0]
    item["data"][0]["title"] = "Caf\u00e9 at the Cape"
    path = tmp_path / "latin.json"
    path.write_bytes(json.dumps([item], ensure_ascii=False).encode("cp1252"))
    items, rejected, notices = events(path)
    assert len(items) == 1 and not rejected
    assert items[0].data["data"][0]["title"] == "Caf\u00e9 at the Cape"
    assert any("UTF-8" in n.message for n in notices)


def test_empty_file_unknown_shape_and_no_id(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("")
    odd = tmp_path / "odd.json"
    odd.write_text('{"foo": [1, 2]}')
    no_id = tmp_path / "noid.json"
    item = sample_items()[0]
    del item["data"][0]["nasa_id"]
    no_id.write_text(json.dumps([sample_items()[1], item]))
    archive = Archive.open(tmp_path / "archive")
    report = ingest(archive, [empty, odd, no_id])
    reasons = {Path(r.file).name: r.reason for r in report.rejected}
    assert "empty file" in reasons["empty.json"]
    assert "unknown JSON shape" in reasons["odd.json"]
    assert "item 2" in reasons["noid.json"] and "nasa_id" in reasons["noid.json"]
    assert report.added == 1 and archive.count() == 1


def test_huge_description_is_stored_whole(tmp_path):
    archive = Archive.open(tmp_path / "archive")
    report = ingest(archive, [RAW_ANDROMEDA])
    assert not report.rejected
    longest = max((archive.get(i) for i in archive.ids()), key=lambda r: len(r.caption))
    assert len(longest.caption) > 85_000


def test_every_fixture_file_reads_without_rejection():
    items, rejected, _ = events(NASA)
    assert not rejected and len(items) > 1000
