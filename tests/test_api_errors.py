"""One JSON error shape for every route: {"ok": false, "error", "status"}; NASA's {"reason"} on images-api routes."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_api_common import build_archive, client

from cupola.api.errors import is_nasa_route


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    return client(build_archive(tmp_path_factory.getbasetemp()))


def assert_error_shape(path: str, response) -> None:
    assert response.headers["content-type"].startswith("application/json"), (path, response.text[:200])
    body = response.json()
    if is_nasa_route(path):
        assert set(body) == {"reason"} and isinstance(body["reason"], str) and body["reason"], (path, body)
    else:
        assert set(body) == {"ok", "error", "status"}, (path, body)
        assert body["ok"] is False and body["status"] == response.status_code
        assert isinstance(body["error"], str) and body["error"] and "\n" not in body["error"]


def _concrete(path: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: "99" if m.group(1) == "position" else "NO-SUCH-THING", path)


def all_routes(api) -> dict[str, set[str]]:
    """Every route: the documented ones (OpenAPI) and the UI pages, with their methods."""
    routes = {path: {m.upper() for m in ops} for path, ops in api.get("/openapi.json").json()["paths"].items()}
    for route in api.app.routes:
        if isinstance(route, APIRoute):
            routes.setdefault(route.path, set(route.methods) - {"HEAD"})
    return routes


def test_every_route_answers_errors_in_the_one_shape(api):
    routes = all_routes(api)
    assert len(routes) > 20
    checked = set()
    for path, methods in routes.items():
        url = _concrete(path)
        wrong_method = api.request("DELETE", url)
        assert wrong_method.status_code == 405, url
        assert_error_shape(url, wrong_method)
        for method in methods:
            for query in ("", "?page=0&limit=0&page_size=0"):
                response = api.request(method, url + query, content=b"{not json")
                assert response.status_code < 500, (method, url, response.text)
                if response.status_code >= 400:
                    assert_error_shape(url, response)
                    checked.add(path)
    ui_pages = {"/", "/timeline", "/docs", "/record/{rest:path}", "/mission/{rest:path}", "/gallery/{rest:path}"}
    missing = set(routes) - checked - ui_pages - {"/api/v1/stats", "/api/v1/entities", "/api/v1/galleries"}
    assert not missing, f"routes that never answered an error: {missing}"


@pytest.mark.parametrize("url", ["/no/such/page", "/api/v1/nothing", "/static/nope.js", "/api/v1/records/"])
def test_unknown_paths_are_404_in_the_shape(api, url):
    response = api.get(url)
    assert response.status_code == 404
    assert_error_shape(url, response)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_any_query_string_is_accepted(api, text):
    native = api.get("/api/v1/search", params={"q": text, "limit": 3})
    assert native.status_code == 200, native.text
    nasa = api.get("/search", params={"q": text, "page_size": 3})
    if text.strip():
        assert nasa.status_code == 200, nasa.text
    else:
        assert nasa.status_code == 400


NASA_PARAMS = ("q", "center", "description", "description_508", "keywords", "location", "media_type", "nasa_id",
               "page", "page_size", "photographer", "secondary_creator", "title", "year_start", "year_end")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(NASA_PARAMS), st.text(max_size=12), max_size=5))
@example({"q": "moon", "page": "\u00b2"})  # "²" passes str.isdigit() but is no number (found by Hypothesis)
@example({"q": "moon", "year_start": "\u0661\u0669\u0666\u0669"})  # Arabic-Indic digits
def test_any_images_api_parameters_get_an_answer_or_a_reason(api, params):
    response = api.get("/search", params=params)
    assert response.status_code in (200, 400), response.text
    body = response.json()
    if response.status_code == 400:
        assert set(body) == {"reason"} and body["reason"]
    else:
        assert isinstance(body["collection"]["metadata"]["total_hits"], int)
