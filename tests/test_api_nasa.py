"""images-api compatibility: NASA's parameters, collection+json shapes and types, paging, errors.

The reference is NASA's published API documentation (GET /search, /asset/{nasa_id},
/metadata/{nasa_id}, /album/{album_name}; 400 with a JSON ``reason`` when no parameter is given) and
the real saved responses in tests/fixtures/api/.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from test_api_common import RAW_APOLLO, RAW_PLUTO, build_archive, client, raw_items

NO_PARAMETER = "Expected 'q' text search parameter or other keywords."


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    return client(build_archive(tmp_path_factory.getbasetemp()))


def _reference_types() -> dict[str, type]:
    types: dict[str, type] = {}
    for raw in (RAW_APOLLO, RAW_PLUTO):
        for item in raw_items(raw):
            for key, value in item["data"][0].items():
                types.setdefault(key, type(value))
    return types


@pytest.mark.parametrize("url", ["/search", "/search?", "/search?q=", "/search?q=%20%20", "/search?page=2",
                                 "/search?page_size=5"])
def test_search_without_a_search_parameter_is_400_with_nasas_reason(api, url):
    response = api.get(url)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"reason": NO_PARAMETER}


@pytest.mark.parametrize("url", ["/search?q=pluto&page=0", "/search?q=pluto&page=x", "/search?q=pluto&page_size=0",
                                 "/search?q=pluto&year_start=69", "/search?q=pluto&year_end=abcd",
                                 "/search?media_type=photo"])
def test_bad_parameter_values_are_400_with_a_reason(api, url):
    response = api.get(url)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"reason"} and body["reason"]


def test_search_answers_collection_json_with_nasas_field_names_and_types(api):
    response = api.get("/search?q=pluto&page_size=20")
    assert response.status_code == 200
    collection = response.json()["collection"]
    assert collection["version"] == "1.0"
    assert collection["href"].endswith("/search?q=pluto&page_size=20")
    assert isinstance(collection["metadata"]["total_hits"], int) and collection["metadata"]["total_hits"] > 20
    assert len(collection["items"]) == 20
    reference = _reference_types()
    for item in collection["items"]:
        assert set(item) == {"href", "data", "links"}
        assert isinstance(item["data"], list) and len(item["data"]) == 1
        data = item["data"][0]
        for key in ("nasa_id", "title", "media_type", "center", "date_created"):
            assert isinstance(data[key], str) and data[key]
        for key, value in data.items():
            assert key in reference, f"{key} is not an images-api field"
            assert isinstance(value, reference[key]), key
        assert data["date_created"].endswith("Z") and data["date_created"][4] == "-"
        preview = [link for link in item["links"] if link["rel"] == "preview"]
        assert preview and preview[0]["render"] == "image" and preview[0]["href"].startswith("http")


def test_a_nasa_record_comes_back_with_the_values_nasa_published(api):
    published = raw_items(RAW_PLUTO)[0]
    nasa_id = published["data"][0]["nasa_id"]
    body = api.get("/search", params={"nasa_id": nasa_id}).json()["collection"]
    assert body["metadata"]["total_hits"] == 1
    assert body["items"][0]["data"][0] == published["data"][0]
    assert body["items"][0]["links"][0] == {**published["links"][0]}


def test_paging_links_follow_nasas_contract(api):
    first = api.get("/search?q=pluto&page_size=30").json()["collection"]
    total = first["metadata"]["total_hits"]
    assert [link["rel"] for link in first["links"]] == ["next"]
    assert first["links"][0]["prompt"] == "Next"
    following = first["links"][0]["href"]
    assert parse_qs(urlsplit(following).query) == {"q": ["pluto"], "page_size": ["30"], "page": ["2"]}
    seen = [item["data"][0]["nasa_id"] for item in first["items"]]
    pages = 1
    while following:
        body = api.get(following).json()["collection"]
        pages += 1
        rels = {link["rel"]: link for link in body.get("links", [])}
        assert rels["prev"]["prompt"] == "Previous"
        assert parse_qs(urlsplit(rels["prev"]["href"]).query)["page"] == [str(pages - 1)]
        seen += [item["data"][0]["nasa_id"] for item in body["items"]]
        following = rels["next"]["href"] if "next" in rels else None
    assert pages == -(-total // 30)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(("params", "field", "check"), [
    ({"center": "JPL", "q": "pluto"}, "center", lambda v: v == "JPL"),
    ({"media_type": "video"}, "media_type", lambda v: v == "video"),
    ({"media_type": "video,audio"}, "media_type", lambda v: v in ("video", "audio")),
    ({"q": "apollo", "year_start": "1969", "year_end": "1970"}, "date_created", lambda v: v[:4] in ("1969", "1970")),
    ({"keywords": "New Horizons"}, "keywords", lambda v: any("New Horizons" in k for k in v)),
    ({"title": "Charon"}, "title", lambda v: "charon" in v.lower()),
    ({"photographer": "Bill Ingalls"}, "photographer", lambda v: "Ingalls" in v),
])
def test_filters_restrict_the_results(api, params, field, check):
    body = api.get("/search", params={**params, "page_size": 100}).json()["collection"]
    assert body["items"], params
    for item in body["items"]:
        assert check(item["data"][0].get(field)), (params, item["data"][0].get(field))


def test_year_range_excludes_other_years(api):
    everything = api.get("/search", params={"q": "apollo"}).json()["collection"]["metadata"]["total_hits"]
    only = api.get("/search", params={"q": "apollo", "year_start": "2019", "year_end": "2019"}).json()
    assert 0 < only["collection"]["metadata"]["total_hits"] < everything


def test_asset_manifest_lists_files_and_metadata(api):
    response = api.get("/asset/PIA01142")
    assert response.status_code == 200
    collection = response.json()["collection"]
    assert collection["version"] == "1.0" and collection["href"].endswith("/asset/PIA01142")
    hrefs = [item["href"] for item in collection["items"]]
    assert all(set(item) == {"href"} for item in collection["items"])
    assert hrefs[-1].endswith("/metadata.json")
    image = api.get(hrefs[0])
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"


def test_unknown_asset_and_metadata_are_404_with_a_reason(api):
    for url in ("/asset/NO-SUCH-ID", "/metadata/NO-SUCH-ID"):
        response = api.get(url)
        assert response.status_code == 404
        assert response.json() == {"reason": "No AssetDB records for nasaid=NO-SUCH-ID"}


def test_metadata_location_points_at_served_metadata(api):
    nasa_id = raw_items(RAW_APOLLO)[0]["data"][0]["nasa_id"]
    location = api.get(f"/metadata/{nasa_id}").json()["location"]
    document = api.get(location).json()
    assert document["AVAIL:NASAID"] == nasa_id
    assert document["AVAIL:Title"] == raw_items(RAW_APOLLO)[0]["data"][0]["title"]


def test_video_captions_location(api):
    item = raw_items(RAW_APOLLO)[0]
    srt = [link["href"] for link in item["links"] if link["rel"] == "captions"][0]
    assert api.get(f"/captions/{item['data'][0]['nasa_id']}").json() == {"location": srt}


def test_item_href_is_a_list_of_the_records_files(api):
    item = api.get("/search", params={"nasa_id": "PIA12262"}).json()["collection"]["items"][0]
    urls = api.get(item["href"]).json()
    assert isinstance(urls, list) and all(isinstance(u, str) for u in urls)
    assert urls[-1].endswith("metadata.json")


def test_album_lists_its_records_and_unknown_album_is_404(api):
    expected = {item["data"][0]["nasa_id"].strip() for item in raw_items(RAW_APOLLO)
                if "201907_Apollo_50th_in_DC" in (item["data"][0].get("album") or [])}
    body = api.get("/album/201907_Apollo_50th_in_DC").json()["collection"]
    assert body["metadata"]["total_hits"] == len(expected)
    assert {item["data"][0]["nasa_id"] for item in body["items"]} == expected
    small = api.get("/album/201907_Apollo_50th_in_DC?page_size=2").json()["collection"]
    assert [link["rel"] for link in small["links"]] == ["next"]
    missing = api.get("/album/no_such_album")
    assert missing.status_code == 404
    assert missing.json() == {"reason": 'No assets found for album="no_such_album" page=1'}
