"""enrich_record at ingest, taken_at from the best evidence, `cupola analyze` and `cupola reenrich`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cupola.archive import Archive
from cupola.cli import cli
from cupola.enrich.pipeline import enrich_record
from cupola.ingest import ingest
from cupola.model import ENTITY_KINDS, Record

FIXTURE = Path(__file__).parent / "fixtures" / "enrich" / "records.jsonl"


def _record(caption: str, title: str = "t", taken_at=None, precision=None, source=None) -> Record:
    return Record(id="x", source="nasa", title=title, caption=caption, taken_at=taken_at,
                  taken_precision=precision, taken_source=source)


def test_entities_event_and_photo_ids():
    record = enrich_record(_record("S82-E-5242 (14 Feb. 1997) --- Astronaut Steven L. Smith, STS-82 "
                                   "mission specialist, on the Hubble Space Telescope during EVA.",
                                   title="EVA on Flight Day 4"))
    kinds = {e["kind"] for e in record.entities}
    assert kinds <= set(ENTITY_KINDS) | {"photo_id"}
    photo = next(e for e in record.entities if e["kind"] == "photo_id")
    assert photo["id"] == "s82e5242" and photo["mission"] == "STS-82" and photo["field"] == "caption"
    person = next(e for e in record.entities if e["kind"] == "person")
    assert person["name"] == "Steven Smith"
    assert record.caption[person["span"][0]:person["span"][1]] == "Steven L. Smith"
    assert record.event["type"] == "spacewalk" and 0 < record.event["confidence"] <= 1


def test_caption_date_beats_date_created():
    record = enrich_record(_record("S82-E-5242 (14 Feb. 1997) --- view", taken_at="1997-03-01",
                                   precision="day", source="date_created"))
    assert (record.taken_at, record.taken_precision, record.taken_source) == ("1997-02-14", "day", "caption")


def test_photo_id_range_when_date_created_disagrees():
    record = enrich_record(_record("AS11-40-5903 view of the lunar surface", taken_at="1999-01-01",
                                   precision="day", source="date_created"))
    assert (record.taken_at, record.taken_precision, record.taken_source) == ("1969-07", "month", "photo_id")


def test_date_created_kept_when_consistent_and_nothing_better():
    record = enrich_record(_record("AS11-40-5903 view", taken_at="1969-07-20", precision="day",
                                   source="date_created"))
    assert (record.taken_at, record.taken_source) == ("1969-07-20", "date_created")


def test_future_dates_never_become_taken_at():
    record = enrich_record(_record("Discovery is scheduled to launch on Oct. 29, 1998.", taken_at="1998",
                                   precision="year", source="date_created"))
    assert record.taken_at == "1998"


def test_credit_filled_only_when_missing():
    assert enrich_record(_record("Crew at work. Photo Credit: (NASA/Bill Ingalls)")).credit == "NASA/Bill Ingalls"
    kept = _record("Crew at work. Photo Credit: (NASA/Bill Ingalls)")
    kept.credit = "ESA"
    assert enrich_record(kept).credit == "ESA"


def test_ingest_runs_enrichment_and_reenrich(tmp_path):
    archive = Archive.open(tmp_path / "a", create=True)
    ingest(archive, [FIXTURE], options={"no_vectors": True, "no_thumbnails": True})
    record = archive.get("S70-15506")
    assert {"James Lovell", "Richard Nixon"} <= {e["name"] for e in record.entities if e["kind"] == "person"}
    assert record.event["type"] == "ceremony_or_media"
    runner = CliRunner()
    result = runner.invoke(cli, ["--archive", str(tmp_path / "a"), "reenrich", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["records"] == 13
    assert Archive.open(tmp_path / "a").meta("enrich_kb_version") == summary["kb_version"]


def test_cli_analyze_json_and_stdin():
    runner = CliRunner()
    result = runner.invoke(cli, ["analyze", "--json", "Apollo XII crew: Charles Conrad Jr. in 1969"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["missions"] == ["Apollo 12"] and data["people"] == ["Pete Conrad"]
    lines = "\n".join(json.dumps({"text": t}) for t in ["STS-95 launch", "", "Gemini IV"]) + "\nnot json\n"
    result = runner.invoke(cli, ["analyze", "-"], input=lines)
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["missions"] for o in out] == [["STS-95"], [], ["Gemini 4"], []]


def test_cli_analyze_human_output():
    result = CliRunner().invoke(cli, ["analyze", "STS-85 launch from Pad 39A on 7 August 1997"])
    assert result.exit_code == 0
    assert "missions: STS-85" in result.output and "event: launch" in result.output
