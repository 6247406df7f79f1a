"""`cupola serve` through the CLI runner: help, and one clear line when there is no archive."""

from __future__ import annotations

from click.testing import CliRunner

from cupola.cli import cli


def test_serve_has_help():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--token" in result.output and "--port" in result.output


def test_serve_without_an_archive_fails_with_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["--archive", str(tmp_path / "missing"), "serve"])
    assert result.exit_code == 1
    assert "no archive here" in result.output
    assert not (tmp_path / "missing").exists()
