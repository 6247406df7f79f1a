"""The CLI through click's runner: exit codes, JSON contracts, one-line errors, help everywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import RAW_APOLLO, SAMPLE

from cupola.cli import cli

RAW_ONLY = ["--no-vectors"]


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def cli_archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "archive"
    result = CliRunner().invoke(cli, ["--archive", str(path), "ingest", *RAW_ONLY, str(RAW_APOLLO)])
    assert result.exit_code == 0, result.output
    return path


def test_ingest_summary_and_exit_zero(runner, tmp_path):
    result = runner.invoke(cli, ["--archive", str(tmp_path / "a"), "ingest", *RAW_ONLY, str(RAW_APOLLO)])
    assert result.exit_code == 0, result.output
    assert re.search(r"added 100, updated 0, unchanged 0, rejected 0", result.output)
    again = runner.invoke(cli, ["--archive", str(tmp_path / "a"), "ingest", *RAW_ONLY, str(RAW_APOLLO)])
    assert "added 0, updated 0, unchanged 100, rejected 0" in again.output


def test_ingest_with_rejections_exits_one_and_names_file_and_line(runner, tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")[:5]
    lines[2] = "{not json"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    result = runner.invoke(cli, ["--archive", str(tmp_path / "a"), "ingest", *RAW_ONLY, "--json", str(bad)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["added"] == 4
    assert report["rejected"][0]["where"] == f"{bad}:3" and "malformed JSON" in report["rejected"][0]["reason"]


def test_usage_errors_exit_two(runner, tmp_path):
    assert runner.invoke(cli, ["ingest", str(RAW_APOLLO)], env={"CUPOLA_ARCHIVE": ""}).exit_code == 2
    assert runner.invoke(cli, ["--archive", str(tmp_path / "a"), "ingest"]).exit_code == 2
    assert runner.invoke(cli, ["--archive", str(tmp_path / "a"), "search", "x", "--limit", "0"]).exit_code == 2
    assert runner.invoke(cli, ["--archive", str(tmp_path / "a"), "nosuchcommand"]).exit_code == 2


def test_errors_are_one_line_without_traceback(runner, tmp_path):
    result = runner.invoke(cli, ["--archive", str(tmp_path / "missing"), "search", "apollo"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and "no archive here" in lines[0]
    missing = runner.invoke(cli, ["--archive", str(tmp_path / "a"), "ingest", str(tmp_path / "nope.json")])
    assert missing.exit_code == 1 and "nope.json" in missing.output and "Traceback" not in missing.output


def test_search_json_contract(runner, cli_archive):
    result = runner.invoke(cli, ["--archive", str(cli_archive), "search", "apollo", "11", "--json", "--limit", "5"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"query", "total", "page", "hits", "facets"}
    assert data["query"] == "apollo 11" and data["page"] == 1 and data["total"] > 5
    assert len(data["hits"]) == 5
    for hit in data["hits"]:
        assert {"id", "title", "caption", "taken_at", "center", "media_type", "score", "cluster"} <= set(hit)
    assert {"center", "media_type", "year", "keyword"} <= set(data["facets"])


def test_search_human_output_and_env_archive(runner, cli_archive):
    result = runner.invoke(cli, ["search", "apollo"], env={"CUPOLA_ARCHIVE": str(cli_archive)})
    assert result.exit_code == 0 and "results" in result.output and " 1. " in result.output


def test_show_json_uses_design_field_names(runner, cli_archive):
    nasa_id = json.loads(RAW_APOLLO.read_text())["collection"]["items"][0]["data"][0]["nasa_id"]
    result = runner.invoke(cli, ["--archive", str(cli_archive), "show", nasa_id, "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    for name in ("id", "source", "provenance", "title", "caption", "keywords", "media_type", "taken_at",
                 "taken_precision", "credit", "photographer", "center", "location_text", "lat", "lon", "assets"):
        assert name in record
    assert record["id"] == nasa_id and record["provenance"][0]["file"] == str(RAW_APOLLO)
    missing = runner.invoke(cli, ["--archive", str(cli_archive), "show", "no-such-id"])
    assert missing.exit_code == 1 and "no record" in missing.output


def test_stats_json(runner, cli_archive):
    result = runner.invoke(cli, ["--archive", str(cli_archive), "stats", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["records"] == 100


def test_reindex(runner, cli_archive):
    result = runner.invoke(cli, ["--archive", str(cli_archive), "reindex"])
    assert result.exit_code == 0 and "indexed 100 records" in result.output


def _commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def test_every_command_has_help(runner):
    for path in _commands(cli):
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        command = cli
        for part in path:
            command = command.commands[part]
        assert (command.help or "").strip(), f"`cupola {' '.join(path)}` has no help text"


def test_readme_gives_the_two_commands_and_the_makefile_has_them():
    root = Path(__file__).parent.parent
    readme = (root / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    makefile = (root / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (root / ".ci" / "run").read_text()
