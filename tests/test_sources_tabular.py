"""CSV/JSONL with a column mapping, and the astronaut-photo catalogue rows with positions."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cupola.archive import Archive
from cupola.cli import cli
from cupola.errors import UsageError
from cupola.ingest import ingest
from cupola.model import RawItem, Rejection
from cupola.normalise import to_record
from cupola.sources import detect
from cupola.sources.astro_photos import read as read_catalogue
from cupola.sources.tabular import column_mapping, parse_mapping, read

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
CATALOGUE = FIXTURES / "catalogue.csv"
MAP = "id=Photo ID,title=Headline,caption=Description,date=Date Taken,credit=Credit Line,keywords=Tags"


def rows() -> list[dict]:
    with CATALOGUE.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_mapping_puts_columns_on_record_fields() -> None:
    with column_mapping(MAP):
        events = list(read(CATALOGUE))
    records = [to_record(e) for e in events]
    source = rows()
    assert [r.id for r in records] == [row["Photo ID"] for row in source]
    evening = next(r for r in records if r.id == "GRC-2019-C-09307")
    assert evening.title == "Evening With The Stars - 2019"
    assert (evening.taken_at, evening.taken_precision) == ("2019-09-10", "day")
    assert evening.credit == "NASA Glenn Research Center"
    assert evening.keywords[:2] == ["Evening With The Stars", "Lucas_9116-1"]
    assert evening.provenance[0].line == 3


def test_a_mapping_naming_a_missing_column_says_which(tmp_path: Path) -> None:
    with column_mapping("title=Headline,caption=Descr"):
        (rejection,) = list(read(CATALOGUE))
    assert isinstance(rejection, Rejection) and rejection.line == 1
    assert "caption=Descr" in rejection.reason and "'Descr'" in rejection.reason
    assert "Description" in rejection.reason  # the columns that do exist are listed


def test_a_mapping_onto_an_unknown_field_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="titel"):
        parse_mapping("titel=Headline")


def test_without_a_mapping_columns_are_matched_by_name(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    with plain.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "description", "date", "latitude", "longitude"])
        writer.writerow(["Apollo 11 liftoff", "Saturn V leaves pad 39A.", "1969-07-16", "28.6", "-80.6"])
        writer.writerow(["Bad row", "Position typed wrong.", "1969", "north", "-80.6"])
    archive = Archive.open(tmp_path / "a")
    report = ingest(archive, [plain], options={"no_vectors": True})
    (record,) = [r for _, r in archive.iter_records()]
    assert (record.lat, record.lon, record.taken_at) == (28.6, -80.6, "1969-07-16")
    (rejection,) = report.rejected
    assert rejection.line == 3 and "'latitude'" in rejection.reason and "not a number" in rejection.reason


def test_jsonl_rows_with_a_mapping_and_the_cli_map_option(tmp_path: Path) -> None:
    source = tmp_path / "rows.jsonl"
    source.write_text("\n".join(json.dumps(row) for row in rows()) + "\n")
    result = CliRunner().invoke(cli, ["--archive", str(tmp_path / "a"), "ingest", str(source), "--no-vectors",
                                      "--map", MAP, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["added"] == len(rows())
    assert Archive.open(tmp_path / "a").get("GRC-1999-C-01554").source == "tabular"


def test_cli_wrong_map_exits_1_and_names_the_column(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--archive", str(tmp_path / "a"), "ingest", str(CATALOGUE), "--no-vectors",
                                      "--map", "title=Heading"])
    assert result.exit_code == 1
    assert "no column 'Heading'" in result.output


def test_catalogue_rows_become_positioned_records_keyed_by_photo_id(tmp_path: Path) -> None:
    source = FIXTURES / "ISS005_rows.csv"
    assert detect(source).kind == "astro_photo"
    records = {r.id: r for r in (to_record(e) for e in read_catalogue(source) if isinstance(e, RawItem))}
    assert sorted(records) == ["iss005e009689", "iss005e009690", "iss005e009691", "iss005e009691a",
                               "iss005e009691b", "iss005e009692", "iss005e009693", "iss005e009694"]
    row = records["iss005e009691a"]
    assert (row.lat, row.lon, row.title) == (44.0, 46.2, "ISS005-E-9691 A")
    assert row.assets[0]["href"].endswith("mission=ISS005&roll=E&frame=9691")


def test_catalogue_row_adds_its_position_to_the_library_record(tmp_path: Path) -> None:
    library = json.loads((FIXTURES / "nasa_sample.jsonl").read_text().split("\n")[0])
    library["data"][0]["nasa_id"] = "iss005e009692"  # a library record of that frame (id changed, see PROVENANCE)
    (tmp_path / "library.json").write_text(json.dumps(library))
    shutil.copy(FIXTURES / "ISS005_rows.csv", tmp_path / "rows.csv")
    archive = Archive.open(tmp_path / "a")
    ingest(archive, [tmp_path / "library.json"], options={"no_vectors": True})
    ingest(archive, [tmp_path / "rows.csv"], options={"no_vectors": True})
    merged = archive.get("iss005e009692")
    assert merged.source == "nasa" and merged.title == library["data"][0]["title"]
    assert (merged.lat, merged.lon) == (44.5, 47.3)
    assert {p.kind for p in merged.provenance} == {"nasa_json", "astro_photo"}


def test_bad_catalogue_line_is_rejected_with_its_line(tmp_path: Path) -> None:
    source = tmp_path / "ISS001.csv"
    source.write_text("ISS001-E-5411,-31.8,-53.9\nISS001-E-5412,south,-51.5\nISS001-E-5413,-29.5,-51.3\n")
    events = list(read_catalogue(source))
    assert [type(e).__name__ for e in events] == ["RawItem", "Rejection", "RawItem"]
    assert events[1].line == 2 and "MISSION-ROLL-FRAME" in events[1].reason
