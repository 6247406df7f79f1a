"""Shared set-up for the API and web tests: one small archive built from real fixtures.

The archive holds three saved images-api search responses (apollo 11, pluto, saucer), two real NASA
photos (local assets with generated thumbnails) and one record whose caption is hostile HTML (a real
pluto item with only its description replaced), for the inert-rendering tests.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from fastapi.testclient import TestClient

from cupola.api import create_app
from cupola.archive import Archive
from cupola.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures" / "api"
RAW_APOLLO = FIXTURES / "Rekjal__nasaImageLookUpProject__sampleJSON.json"
RAW_PLUTO = FIXTURES / "Arts7__Angular12__src_assets_nasa.json"
RAW_SAUCER = FIXTURES / "dougbacca89__Hash51-2.0__test_data_nasaApi.json"
PHOTOS = FIXTURES / "photos"
HOSTILE_ID = "PIA11217-hostile"
HOSTILE_CAPTION = ('Pluto <script>window.__pwned = 1</script> and Charon '
                   '<img src="x" onerror="window.__pwned = 2"> seen by New Horizons.')
HOSTILE_TITLE = "Hostile <b>caption</b> test"
_BUILT: dict[str, Path] = {}


def raw_items(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["collection"]["items"]


def build_archive(root: Path) -> Path:
    """Ingest the fixtures into ``root/archive`` (once per test session) and return its path."""
    if "archive" in _BUILT:
        return _BUILT["archive"]
    path = root / "archive"
    hostile = copy.deepcopy(raw_items(RAW_PLUTO)[0])
    hostile["data"][0]["nasa_id"] = HOSTILE_ID
    hostile["data"][0]["description"] = HOSTILE_CAPTION
    hostile["data"][0]["title"] = HOSTILE_TITLE
    extra = root / "hostile.json"
    extra.write_text(json.dumps({"collection": {"items": [hostile]}}))
    with Archive.open(path) as archive:
        ingest(archive, [RAW_APOLLO, RAW_PLUTO, RAW_SAUCER, PHOTOS, extra], options={"no_vectors": True})
        # Normalisation strips tags from published captions; a source may still deliver text that
        # reads as markup (e.g. decoded entities), so store it verbatim to test inert rendering.
        record = archive.get(HOSTILE_ID)
        record.caption, record.title = HOSTILE_CAPTION, HOSTILE_TITLE
        with archive.writing():
            archive.replace_data([record])
    _BUILT["archive"] = path
    return path


def client(path: Path, **options: object) -> TestClient:
    return TestClient(create_app(path, **options), raise_server_exceptions=False)


def test_fixture_archive_has_every_input(tmp_path_factory) -> None:
    path = build_archive(tmp_path_factory.getbasetemp())
    with Archive.open(path, readonly=True) as archive:
        ids = set(archive.ids())
    published = {item["data"][0]["nasa_id"].strip() for raw in (RAW_APOLLO, RAW_PLUTO, RAW_SAUCER) for item in raw_items(raw)}
    assert published <= ids
    assert {HOSTILE_ID, "PIA01142", "PIA12262"} <= ids
