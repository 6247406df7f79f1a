"""Manual corrections (split / merge) survive re-ingest and re-clustering; the dupes CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cupola.archive import Archive
from cupola.cli import cli
from cupola.dedupe.pipeline import recluster
from cupola.dedupe.review import list_clusters, merge, split
from cupola.errors import NotFound
from cupola.ingest import ingest

HERE = Path(__file__).parent / "fixtures" / "dedupe"
RECORDS = HERE / "series_records.jsonl"
EXPECTED = json.loads((HERE / "expected_groups.json").read_text())
OPTIONS = {"raw_only": True, "no_vectors": True}
BIG = max(EXPECTED["groups"].values(), key=len)  # a 12-member stack


def _cluster(archive: Archive, record_id: str) -> str | None:
    record = archive.get(record_id)
    return record.cluster["id"] if record.cluster else None


@pytest.fixture()
def archive(tmp_path) -> Archive:
    archive = Archive.open(tmp_path / "a")
    ingest(archive, [RECORDS], options=OPTIONS)
    return archive


def _edited_copy(tmp_path: Path, record_id: str) -> Path:
    """The record's row again with one keyword added: a changed version that gets re-clustered."""
    for line in RECORDS.read_text().splitlines():
        item = json.loads(line)
        if item["data"][0]["nasa_id"] == record_id:
            item["data"][0]["keywords"] = [*item["data"][0].get("keywords", []), "re-published"]
            path = tmp_path / "edited.jsonl"
            path.write_text(json.dumps(item) + "\n")
            return path
    raise AssertionError(record_id)


def test_split_survives_reingest_and_recluster(archive, tmp_path):
    out, stay = BIG[3], BIG[4]
    with archive.writing():
        result = split(archive, out)
    assert result["left"] == len(BIG) - 1
    assert _cluster(archive, out) is None and _cluster(archive, stay) is not None
    ingest(archive, [_edited_copy(tmp_path, out)], options=OPTIONS)
    assert archive.get(out).keywords[-1] == "re-published"
    assert _cluster(archive, out) is None
    with archive.writing():
        recluster(archive)
    assert _cluster(archive, out) is None
    assert len({_cluster(archive, m) for m in BIG if m != out}) == 1


def test_merge_survives_reingest_and_recluster(archive, tmp_path):
    a, b = EXPECTED["singles"][0], EXPECTED["singles"][1]
    with archive.writing():
        result = merge(archive, a, b)
    assert result["cluster"] and _cluster(archive, a) == _cluster(archive, b) == result["cluster"]
    ingest(archive, [_edited_copy(tmp_path, a)], options=OPTIONS)
    assert _cluster(archive, a) == _cluster(archive, b) is not None
    with archive.writing():
        recluster(archive)
    assert _cluster(archive, a) == _cluster(archive, b) is not None


def test_merge_two_stacks_makes_one(archive):
    groups = sorted(EXPECTED["groups"].values(), key=len)
    first, second = groups[0], groups[1]
    with archive.writing():
        merge(archive, first[0], second[0])
    clusters = {_cluster(archive, m) for m in first + second}
    assert len(clusters) == 1 and None not in clusters
    assert archive.get(first[0]).cluster["size"] == len(first) + len(second)


def test_dissolving_a_cluster_keeps_every_record(archive):
    name = _cluster(archive, BIG[0])
    count = archive.count()
    with archive.writing():
        result = split(archive, name)
    assert sorted(result["records"]) == sorted(BIG)
    assert all(_cluster(archive, m) is None for m in BIG)
    assert archive.count() == count
    with archive.writing():
        recluster(archive)
    assert all(_cluster(archive, m) is None for m in BIG)


def test_unknown_ids_are_clear_errors(archive):
    with pytest.raises(NotFound, match="c999999"):
        split(archive, "c999999")
    with pytest.raises(NotFound, match="no record"):
        merge(archive, "nope-1", BIG[0])


def test_cli_lists_largest_first_and_corrects(archive):
    runner = CliRunner()
    base = ["--archive", str(archive.path)]
    listed = runner.invoke(cli, [*base, "dupes", "--json", "--kind", "series"])
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.output)
    sizes = [c["size"] for c in data["clusters"]]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == len(BIG)
    assert {c["kind"] for c in data["clusters"]} == {"series"}
    records = runner.invoke(cli, [*base, "dupes", "--kind", "record"])
    assert records.exit_code == 0 and "record" in records.output
    split_run = runner.invoke(cli, [*base, "dupes", "split", BIG[0], "--json"])
    assert split_run.exit_code == 0, split_run.output
    assert json.loads(split_run.output)["split"] == BIG[0]
    missing = runner.invoke(cli, [*base, "dupes", "split", "c999999"])
    assert missing.exit_code == 1 and "c999999" in missing.output
    merged = runner.invoke(cli, [*base, "dupes", "merge", BIG[0], BIG[1]])
    assert merged.exit_code == 0 and "merged" in merged.output
    assert list_clusters(Archive.open(archive.path, readonly=True), kind="series")["clusters"][0]["size"] == len(BIG)


def test_merge_into_a_stack_survives_reingest(archive, tmp_path):
    """A record merged by hand into a big stack goes back into that same stack when it changes."""
    single = EXPECTED["singles"][2]
    with archive.writing():
        merge(archive, single, BIG[0])
    stack = _cluster(archive, BIG[0])
    assert _cluster(archive, single) == stack
    ingest(archive, [_edited_copy(tmp_path, single)], options=OPTIONS)
    assert _cluster(archive, single) == stack
    assert {_cluster(archive, m) for m in BIG} == {stack}
    assert archive.get(BIG[0]).cluster["size"] == len(BIG) + 1
