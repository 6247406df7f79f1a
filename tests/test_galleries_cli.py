"""`cupola gallery` and the saved-gallery commands through the CLI runner, and the HTTP routes in process."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from fixtures.galleries.archive import archive_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cupola.api import create_app
from cupola.cli import cli


@pytest.fixture(scope="module")
def path():
    return str(archive_path())


def run(path, *args):
    return CliRunner().invoke(cli, ["--archive", path, *args])


def test_json_story_goes_to_stdout(path):
    result = run(path, "gallery", "STS-61", "--max", "12", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["subject"]["name"] == "STS-61" and data["subject"]["kind"] == "mission"
    assert sum(len(p["items"]) for p in data["phases"]) == 12


def test_markdown_is_the_default_and_out_writes_a_file(path, tmp_path):
    out = tmp_path / "gemini4.md"
    result = run(path, "gallery", "Gemini IV", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("# Gemini 4 in pictures")


def test_html_export_writes_a_folder(path, tmp_path):
    result = run(path, "gallery", "Apollo 13", "--format", "html", "--out", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").exists() and (tmp_path / "site" / "gallery.js").exists()


def test_unknown_mission_exits_1_with_suggestions(path):
    result = run(path, "gallery", "Apolo 12")
    assert result.exit_code == 1
    assert "unknown mission 'Apolo 12'" in result.stderr and "did you mean Apollo 12" in result.stderr


def test_mission_without_photos_is_an_empty_story_said_plainly(path):
    result = run(path, "gallery", "Expedition 58", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["phases"] == []
    assert "no photos of Expedition 58" in result.stderr


def test_theme_timeline_and_mission_list_galleries(path):
    theme = json.loads(run(path, "gallery", "--theme", "event=spacewalk", "--max", "8", "--format", "json").stdout)
    assert theme["title"] == "Spacewalk in pictures" and sum(len(p["items"]) for p in theme["phases"]) == 8
    timeline = json.loads(run(path, "gallery", "--timeline", "1969-07", "--format", "json").stdout)
    days = [p["name"] for p in timeline["phases"]]
    assert days and all(d.endswith(" July") for d in days)
    assert [int(d.split()[0]) for d in days] == sorted(int(d.split()[0]) for d in days)
    listed = json.loads(run(path, "gallery", "--missions", "Apollo 11,Apollo 13", "--max", "6",
                            "--format", "json").stdout)
    assert [p["name"] for p in listed["phases"]] == ["Apollo 11", "Apollo 13"]


def test_bad_usage_exits_2(path):
    assert run(path, "gallery").exit_code == 2
    assert run(path, "gallery", "Apollo 11", "--timeline", "1969").exit_code == 2
    assert run(path, "gallery", "--theme", "spacewalk").exit_code == 2
    assert run(path, "gallery", "--timeline", "July").exit_code == 2


def test_save_list_open_and_delete_a_custom_gallery(path, tmp_path):
    entries = tmp_path / "entries.json"
    entries.write_text(json.dumps([{"id": "S69-39957", "heading": "Liftoff!"}, {"id": "as11-40-5903"}]))
    result = run(path, "gallery-save", "My Apollo 11", "S70-17433", "--entries", str(entries), "--slug", "mine")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "mine"
    listed = run(path, "gallery", "--list")
    assert "saved/mine" in listed.stdout and "Apollo 11  (mission)" in listed.stdout
    opened = json.loads(run(path, "gallery", "--saved", "mine", "--format", "json").stdout)
    items = opened["phases"][0]["items"]
    assert [i["id"] for i in items] == ["S70-17433", "S69-39957", "as11-40-5903"]
    assert items[1]["heading"] == "Liftoff!"
    assert run(path, "gallery-save", "Bad", "no-such-record").exit_code == 1
    assert run(path, "gallery-delete", "mine").exit_code == 0
    assert run(path, "gallery", "--saved", "mine").exit_code == 1


def test_save_as_keeps_a_built_story(path):
    result = run(path, "gallery", "STS-1", "--max", "5", "--save-as", "STS-1 draft", "--format", "json")
    assert result.exit_code == 0, result.output
    story = json.loads(result.stdout)
    saved = json.loads(run(path, "gallery", "--saved", "sts-1-draft", "--format", "json").stdout)
    assert [i["id"] for p in saved["phases"] for i in p["items"]] == [i["id"] for p in story["phases"] for i in p["items"]]
    assert [p["name"] for p in saved["phases"]] == [p["name"] for p in story["phases"]]


def test_http_routes(path):
    client = TestClient(create_app(path), raise_server_exceptions=False)
    listed = client.get("/api/v1/galleries").json()
    assert listed["ok"] and listed["galleries"][0]["name"] == "Apollo 11"
    story = client.get("/api/v1/galleries/Gemini IV", params={"max": 10}).json()
    assert story["ok"] and story["gallery"]["subject"]["name"] == "Gemini 4"
    assert sum(len(p["items"]) for p in story["gallery"]["phases"]) == 10
    theme = client.get("/api/v1/galleries/theme/event/launch", params={"max": 4}).json()
    assert sum(len(p["items"]) for p in theme["gallery"]["phases"]) == 4
    md = client.get("/api/v1/galleries/timeline/1969", params={"format": "md"})
    assert md.status_code == 200 and md.text.startswith("# 1969 in pictures")
    unknown = client.get("/api/v1/galleries/Apolo 12")
    assert unknown.status_code == 404
    body = unknown.json()
    assert body["ok"] is False and "Apollo 12" in json.dumps(body)
    assert client.get("/api/v1/galleries/saved/nothing-here").status_code == 404
    assert client.get("/api/v1/galleries/Apollo 11", params={"max": 0}).status_code in (400, 422)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_gallery_name_gives_a_gallery_or_a_clean_error(path, name):
    from cupola.archive import Archive
    from cupola.errors import CupolaError
    from cupola.galleries import Gallery, build_gallery

    archive = Archive.open(path)
    try:
        found = build_gallery(archive, name, max_items=5)
        assert found is None or (isinstance(found, Gallery) and len(found.items) <= 5)
    except CupolaError as err:
        assert str(err)
    finally:
        archive.close()
