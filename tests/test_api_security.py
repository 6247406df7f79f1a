"""Security and limits: headers, path traversal, body size, time limits, local asset serving."""

from __future__ import annotations

import shutil
import time

import pytest
from test_api_common import build_archive, client

from cupola.api.files import safe_local_path
from cupola.archive import Archive


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory):
    return build_archive(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def api(archive_path):
    return client(archive_path)


@pytest.mark.parametrize("url", ["/", "/search?q=pluto", "/api/v1/search?q=pluto", "/api/v1/records/nope",
                                 "/static/app.css", "/openapi.json", "/media/PIA01142/1"])
def test_security_headers_on_every_response(api, url):
    headers = api.get(url).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("url", [
    "/static/../cupola.db", "/static/..%2f..%2fapi%2fapp.py", "/static/%2e%2e/%2e%2e/api/app.py",
    "/media/..%2F..%2Fetc%2Fpasswd/0", "/media/PIA01142/..%2F..%2Fcupola.db", "/assets/..%2F..%2Fetc/metadata.json",
])
def test_path_traversal_is_refused(api, url):
    response = api.get(url)
    assert response.status_code in (400, 403, 404)
    assert b"SQLite format" not in response.content and b"root:" not in response.content
    assert b"import" not in response.content


def test_asset_paths_outside_the_archive_are_refused(archive_path, tmp_path):
    copy = tmp_path / "archive"
    shutil.copytree(archive_path, copy)
    with Archive.open(copy) as archive:
        record = archive.get("PIA12262")
        record.assets = [{"role": "thumb", "path": "../../../../etc/passwd"},
                         {"role": "orig", "path": "/etc/passwd"},
                         {"role": "medium", "path": "medium/does/not/exist.jpg"}]
        with archive.writing():
            archive.replace_data([record])
    api = client(copy)
    for position in (0, 1):
        response = api.get(f"/media/PIA12262/{position}")
        assert response.status_code == 403 and response.json()["ok"] is False
        assert b"root:" not in response.content
    missing = api.get("/media/PIA12262/2")
    assert missing.status_code == 200 and missing.headers["content-type"].startswith("image/svg+xml")


def test_safe_local_path_rules(tmp_path):
    assert safe_local_path(tmp_path, "thumbs/ab/x.jpg") == (tmp_path / "thumbs/ab/x.jpg").resolve()
    assert safe_local_path(tmp_path, "../outside.jpg") is None
    assert safe_local_path(tmp_path, "/etc/shadow") is None
    assert safe_local_path(tmp_path, "/photos/moon.jpg") is not None


def test_local_original_and_thumbnail_are_served(api):
    record = api.get("/api/v1/records/PIA01142").json()["record"]
    roles = {f["role"]: f["url"] for f in record["files"]}
    original = api.get(roles["orig"])
    thumb = api.get(roles["thumb"])
    assert original.status_code == 200 and len(original.content) == 64946
    assert thumb.status_code == 200 and thumb.content[:2] == b"\xff\xd8" and len(thumb.content) < 64946


def test_remote_asset_without_local_file_redirects_to_its_href(api):
    response = api.get("/media/PIA11217/0", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"].startswith("https://images-assets.nasa.gov/")


def test_request_body_over_the_limit_is_413(archive_path):
    small = client(archive_path, max_body_bytes=1000)
    response = small.post("/api/v1/analyze", json={"text": "x" * 5000})
    assert response.status_code == 413
    assert response.json() == {"ok": False, "error": "request body over 1000 bytes", "status": 413}


def test_slow_queries_are_cut_off_with_503(archive_path, monkeypatch):
    import cupola.search.service as service

    real = service.search

    def slow(*args, **kwargs):
        time.sleep(1.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "search", slow)
    limited = client(archive_path, query_timeout_s=0.3, cache_entries=0)
    started = time.perf_counter()
    response = limited.get("/api/v1/search?q=pluto")
    assert time.perf_counter() - started < 1.4
    assert response.status_code == 503
    assert response.json()["error"].startswith("query took longer than 0.3 s")
    nasa = limited.get("/search?q=pluto")
    assert nasa.status_code == 503 and set(nasa.json()) == {"reason"}
    time.sleep(1.3)  # let the abandoned worker threads finish before the archive goes away


def test_page_depth_is_capped(api):
    response = api.get("/search?q=pluto&page=200&page_size=100")
    assert response.status_code == 400 and "reason" in response.json()
    assert api.get("/api/v1/search?q=pluto&limit=500").status_code == 200
    assert api.get("/api/v1/search?q=pluto&limit=501").status_code == 400


def test_reads_are_open_to_browser_apps_on_other_origins_but_writes_are_not(api):
    read = api.get("/search?q=pluto", headers={"Origin": "https://example.org"})
    assert read.headers["access-control-allow-origin"] == "*"
    write = api.post("/api/v1/ingest", json={}, headers={"Origin": "https://example.org"})
    assert "access-control-allow-origin" not in write.headers


def test_head_answers_like_get_without_a_body(api):
    for url in ("/search?q=pluto", "/api/v1/records/PIA01142", "/media/PIA01142/1"):
        get, head = api.get(url), api.head(url)
        assert head.status_code == get.status_code == 200
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.content == b""


def test_archive_relative_asset_paths_reach_only_renditions(tmp_path):
    from cupola.api.files import safe_local_path

    (tmp_path / "thumbs" / "ab").mkdir(parents=True)
    assert safe_local_path(tmp_path, "thumbs/ab/x.jpg") == (tmp_path / "thumbs" / "ab" / "x.jpg").resolve()
    assert safe_local_path(tmp_path, "cupola.db") is None
    assert safe_local_path(tmp_path, "index/data/meta.json") is None
    assert safe_local_path(tmp_path, "thumbs/../cupola.db") is None
    assert safe_local_path(tmp_path, "thumbs/ab/notes.txt") is None
    assert safe_local_path(tmp_path, "/etc/passwd") is None
