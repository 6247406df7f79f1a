"""The native API: search with the query language and facets, records, clusters, entities, writes."""

from __future__ import annotations

import json
import shutil

import pytest
from test_api_common import HOSTILE_CAPTION, HOSTILE_ID, RAW_PLUTO, build_archive, client, raw_items

from cupola.archive import Archive


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory):
    return build_archive(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def api(archive_path):
    return client(archive_path)


def test_search_takes_the_query_language_and_returns_facets(api):
    body = api.get("/api/v1/search", params={"q": "pluto center:JPL", "limit": 5}).json()
    assert body["ok"] is True and body["mode"] == "keyword"
    assert 0 < len(body["hits"]) <= 5 and body["total"] >= len(body["hits"])
    assert all(hit["center"] == "JPL" for hit in body["hits"])
    assert body["facets"]["center"] == {"JPL": body["total"]}
    assert {"id", "title", "caption", "preview", "cluster"} <= set(body["hits"][0])


def test_search_pages_do_not_overlap(api):
    first = api.get("/api/v1/search", params={"q": "apollo", "limit": 10, "page": 1}).json()
    second = api.get("/api/v1/search", params={"q": "apollo", "limit": 10, "page": 2}).json()
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}


def test_local_photo_previews_point_at_this_server(api):
    hit = api.get("/api/v1/search", params={"q": "id:PIA01142"}).json()["hits"][0]
    assert hit["preview"].startswith("http://testserver/media/PIA01142/")
    thumb = api.get(hit["preview"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert len(thumb.content) < 64946  # the generated thumbnail, not the original


def test_record_has_provenance_and_files(api):
    nasa_id = raw_items(RAW_PLUTO)[0]["data"][0]["nasa_id"]
    body = api.get(f"/api/v1/records/{nasa_id}").json()
    record = body["record"]
    assert body["ok"] is True and record["id"] == nasa_id
    assert record["provenance"][0]["kind"] == "nasa_json"
    assert record["provenance"][0]["file"].endswith("Arts7__Angular12__src_assets_nasa.json")
    assert record["versions"] == 1
    assert record["files"] and all("url" in f for f in record["files"])


def test_ids_with_spaces_work(api):
    body = api.get("/api/v1/records/Apollo 11 Overview").json()
    assert body["record"]["title"] == "Apollo 11 Overview"


def test_missing_record_is_404_in_the_error_shape(api):
    response = api.get("/api/v1/records/NO-SUCH-RECORD")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error": "no record 'NO-SUCH-RECORD'", "status": 404}


def test_cluster_lists_its_members(api, archive_path):
    with Archive.open(archive_path, readonly=True) as archive:
        clustered = [r for _, r in archive.iter_records() if r.cluster and r.cluster.get("size", 1) > 1]
    if not clustered:
        pytest.fail("the fixture archive should hold duplicate clusters (NASA caption series)")
    largest = max(clustered, key=lambda r: r.cluster["size"])  # more members than one search page fetches
    cluster = largest.cluster
    body = api.get(f"/api/v1/clusters/{cluster['id']}").json()
    assert body["ok"] is True and len(body["members"]) == cluster["size"] > 11
    assert largest.id in {m["id"] for m in body["members"]}
    assert body["representative"] == cluster["representative"]
    assert api.get("/api/v1/clusters/no-such-cluster").status_code == 404


def test_entities_listing_and_unknown_kind(api):
    body = api.get("/api/v1/entities").json()
    assert body["ok"] is True and set(body["entities"]) >= {"person", "mission", "vehicle", "place", "event"}
    response = api.get("/api/v1/entities/planet")
    assert response.status_code == 404 and response.json()["ok"] is False


def test_analyze_is_a_post_of_text(api):
    response = api.post("/api/v1/analyze", json={"text": "Apollo 11 launched on July 16, 1969 from KSC."})
    assert response.status_code in (200, 404)
    body = response.json()
    if response.status_code == 200:
        assert body["ok"] is True and "analysis" in body
    else:
        assert body == {"ok": False, "error": "caption analysis is not available in this build of Cupola",
                        "status": 404}
    bad = api.post("/api/v1/analyze", json={"words": "no text field"})
    assert bad.status_code == 400 and bad.json()["ok"] is False


def test_server_is_read_only_without_a_token(api):
    response = api.post("/api/v1/ingest", json={"collection": {"items": []}})
    assert response.status_code == 403
    assert response.json()["ok"] is False


def test_ingest_needs_the_right_token_and_then_stores(archive_path, tmp_path):
    copy = tmp_path / "archive"
    shutil.copytree(archive_path, copy)
    writable = client(copy, token="s3cret")
    item = raw_items(RAW_PLUTO)[1]
    item = json.loads(json.dumps(item))
    item["data"][0]["nasa_id"] = "PIA-uploaded-over-http"
    payload = {"collection": {"items": [item]}}
    assert writable.post("/api/v1/ingest", json=payload).status_code == 401
    wrong = writable.post("/api/v1/ingest", json=payload, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    done = writable.post("/api/v1/ingest?no_vectors=true", json=payload,
                         headers={"Authorization": "Bearer s3cret"})
    assert done.status_code == 200, done.text
    assert done.json()["added"] == 1
    assert writable.get("/api/v1/records/PIA-uploaded-over-http").status_code == 200


def test_hostile_caption_comes_back_as_text(api):
    record = api.get(f"/api/v1/records/{HOSTILE_ID}").json()["record"]
    assert record["caption"] == HOSTILE_CAPTION


def test_openapi_lists_the_routes(api):
    spec = api.get("/openapi.json").json()
    for path in ("/search", "/asset/{nasa_id}", "/album/{album_name}", "/api/v1/search",
                 "/api/v1/records/{record_id}", "/api/v1/clusters/{cluster_id}", "/api/v1/analyze"):
        assert path in spec["paths"], path
    documented = {p["name"] for p in spec["paths"]["/search"]["get"]["parameters"]}
    assert documented == {"q", "center", "description", "description_508", "keywords", "location", "media_type",
                          "nasa_id", "page", "page_size", "photographer", "secondary_creator", "title",
                          "year_start", "year_end"}
    docs = api.get("/docs")
    assert docs.status_code == 200 and "/static/js/docs.js" in docs.text
