"""images-api compatible routes: ``/search``, ``/asset``, ``/metadata``, ``/captions``, ``/album``.

Existing clients of images-api.nasa.gov work unchanged against a local archive: the same parameters,
the same collection+json answers (paging links included) and NASA's ``{"reason": ...}`` error bodies.
"""

from __future__ import annotations

import math
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from cupola.api import collection as cj
from cupola.api.context import base_url, cached_json, run, state_of
from cupola.api.errors import ApiError
from cupola.errors import CupolaError
from cupola.model import MEDIA_TYPES, Record

router = APIRouter(tags=["images-api"])

SEARCH_PARAMS = ("q", "center", "description", "description_508", "keywords", "location", "media_type",
                 "nasa_id", "photographer", "secondary_creator", "title", "year_start", "year_end")
PAGING_PARAMS = ("page", "page_size")
DEFAULT_PAGE_SIZE = 100
NO_PARAMETER = "Expected 'q' text search parameter or other keywords."
_YEAR = re.compile(r"^\d{4}$")
# images-api parameter -> search filter name (comma-separated values become several values)
FILTER_OF = {"center": "center", "media_type": "media_type", "keywords": "keyword", "location": "location",
             "photographer": "photographer", "secondary_creator": "secondary_creator", "nasa_id": "nasa_id",
             "title": "title", "description": "description", "description_508": "description",
             "year_start": "year_start", "year_end": "year_end"}
SPLIT_ON_COMMA = ("center", "media_type", "keywords")


def _int_param(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    value = params.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:  # "²" is a digit, not a number
        raise ApiError(400, f"Invalid {name}: {value!r}; expected a whole number from {low} to {high}.")
    return int(value)


def search_request(params: dict[str, str], max_page_size: int) -> tuple[str, dict[str, list[str]], int, int]:
    """images-api parameters -> (free text, search filters, page, page_size); 400 with ``reason`` if bad."""
    given = {k: v.strip() for k, v in params.items() if k in SEARCH_PARAMS and v.strip()}
    if not given:
        raise ApiError(400, NO_PARAMETER)
    page = _int_param(params, "page", 1, 1, 1_000_000)
    page_size = _int_param(params, "page_size", DEFAULT_PAGE_SIZE, 1, max_page_size)
    filters: dict[str, list[str]] = {}
    for name, value in given.items():
        if name == "q":
            continue
        if name in ("year_start", "year_end") and not _YEAR.match(value):
            raise ApiError(400, f"Invalid {name}: {value!r}; expected a four-digit year (YYYY).")
        values = [v.strip() for v in value.split(",")] if name in SPLIT_ON_COMMA else [value]
        values = [v for v in values if v]
        if name == "media_type":
            bad = [v for v in values if v.lower() not in MEDIA_TYPES]
            if bad:
                raise ApiError(400, f"Invalid media_type: {bad[0]!r}; expected one of image, video, audio "
                                    "(comma-separated).")
            values = [v.lower() for v in values]
        filters.setdefault(FILTER_OF[name], []).extend(values)
    return given.get("q", ""), filters, page, page_size


def every_record(archive: Any, text: str, filters: dict[str, list[str]] | None, page: int, page_size: int
                 ) -> tuple[list[str], int, dict[str, Record]]:
    """One images-api page: every matching record in rank order (duplicates are not collapsed, as at
    NASA), the total, and the records loaded."""
    from cupola.search.service import MAX_LIMIT, search

    ids: list[str] = []
    loaded: dict[str, Record] = {}
    total = 0
    step = math.gcd(page_size, MAX_LIMIT)  # search pages of this size tile the requested page exactly
    first = (page - 1) * page_size // step + 1
    for search_page in range(first, first + page_size // step):
        result = search(archive, text, limit=step, page=search_page, mode="keyword", facets=False,
                        filters=filters, collapse_clusters=False)
        total = result.total
        for hit in result.hits:
            loaded[hit.id] = hit.record
            ids.append(hit.id)
        if len(result.hits) < step:
            break
    return ids, total, loaded


def _search_body(request: Request, params: list[tuple[str, str]], text: str, filters: dict[str, list[str]],
                 page: int, page_size: int) -> dict[str, Any]:
    state = state_of(request)
    max_results = state.settings["max_results"]
    if (page - 1) * page_size >= max_results:
        raise ApiError(400, f"Maximum number of search results have been displayed "
                            f"(page * page_size may not pass {max_results}); refine your search.")
    archive = state.archive()
    chunk, total, records = every_record(archive, text, filters, page, page_size)
    base = base_url(request)
    last_page = max(1, -(-min(total, max_results) // page_size))
    items = [cj.item(base, records[i]) for i in chunk if i in records]
    links = cj.paging_links(f"{base}/search", params, page, page_size, total, last_page)
    return cj.collection(str(request.url), items, total, links)


PARAM_HELP = {
    "q": "Free text search terms to compare to all indexed metadata.",
    "center": "NASA center which published the media.",
    "description": "Terms to search for in Description fields.",
    "description_508": "Terms to search for in 508 Description fields.",
    "keywords": "Terms to search for in Keywords fields. Separate multiple values with commas.",
    "location": "Terms to search for in Location fields.",
    "media_type": "Media types to restrict the search to (image, video, audio), comma-separated.",
    "nasa_id": "The media asset's NASA ID.",
    "page": "Page number, starting at 1.",
    "page_size": "Number of results per page (default 100).",
    "photographer": "The primary photographer's name.",
    "secondary_creator": "A secondary photographer/videographer's name.",
    "title": "Terms to search for in Title fields.",
    "year_start": "The start year for results (YYYY).",
    "year_end": "The end year for results (YYYY).",
}
_SEARCH_OPENAPI = {"parameters": [
    {"name": name, "in": "query", "required": False, "description": text,
     "schema": {"type": "integer" if name in PAGING_PARAMS else "string"}}
    for name, text in PARAM_HELP.items()]}


@router.get("/search", summary="images-api search (collection+json)", openapi_extra=_SEARCH_OPENAPI,
            description="NASA Image and Video Library search over the local archive. Parameters: q, center, "
                        "description, description_508, keywords, location, media_type, nasa_id, page, "
                        "page_size, photographer, secondary_creator, title, year_start, year_end. "
                        "At least one search parameter is required.")
async def nasa_search(request: Request) -> Response:
    state = state_of(request)
    pairs = list(request.query_params.multi_items())
    key = ("search", str(request.base_url), tuple(pairs))
    cached = state.peek(key)
    if cached is not None:
        return Response(cached, media_type="application/json")
    text, filters, page, page_size = search_request(dict(request.query_params), state.settings["max_page_size"])
    return await cached_json(request, key, lambda: _search_body(request, pairs, text, filters, page, page_size))


def _record_or_404(request: Request, nasa_id: str) -> Record:
    record = state_of(request).archive().get(nasa_id, with_provenance=False)
    if record is None:
        raise ApiError(404, f"No AssetDB records for nasaid={nasa_id}")
    return record


@router.get("/asset/{nasa_id:path}", summary="images-api asset manifest")
async def nasa_asset(request: Request, nasa_id: str) -> JSONResponse:
    record = await run(request, _record_or_404, request, nasa_id)
    base = base_url(request)
    items = [{"href": url} for url in cj.manifest_urls(base, record)]
    return JSONResponse(cj.collection(f"{base}/asset/{cj.quote_id(nasa_id)}", items))


@router.get("/metadata/{nasa_id:path}", summary="images-api metadata location")
async def nasa_metadata(request: Request, nasa_id: str) -> JSONResponse:
    record = await run(request, _record_or_404, request, nasa_id)
    return JSONResponse({"location": cj.metadata_url(base_url(request), record.id)})


@router.get("/captions/{nasa_id:path}", summary="images-api captions location")
async def nasa_captions(request: Request, nasa_id: str) -> JSONResponse:
    record = await run(request, _record_or_404, request, nasa_id)
    for position, asset in enumerate(record.assets):
        if asset.get("role") == "captions":
            url = cj.asset_url(base_url(request), record, position)
            if url:
                return JSONResponse({"location": url})
    raise ApiError(404, f"No captions for nasaid={nasa_id}")


def album_members(request: Request, name: str) -> list[str]:
    """Ids of the records whose ``album`` holds ``name`` (case-insensitive), in search order."""
    archive = state_of(request).archive()
    words = " ".join(re.findall(r"[A-Za-z0-9]+", name))
    if not words:
        return []
    wanted = name.strip().lower()
    candidates, _total, _loaded = every_record(archive, f'"{words}"', None, 1,
                                               state_of(request).settings["max_results"])
    found: list[str] = []
    for start in range(0, len(candidates), 500):
        records = archive.get_many(candidates[start:start + 500])
        found += [i for i in candidates[start:start + 500]
                  if i in records and any(a.lower() == wanted for a in records[i].album)]
    return found or gallery_members(archive, name)


def gallery_members(archive: Any, name: str) -> list[str]:
    """A Cupola gallery of that name as an album: its photos in story order (when galleries exist)."""
    try:
        from cupola.galleries import build_gallery
    except ImportError:
        return []
    try:
        gallery = build_gallery(archive, name)
    except CupolaError:  # not a gallery name either
        return []
    if gallery is None:
        return []
    return [item.id for phase in gallery.phases for item in phase.items]


@router.get("/album/{album_name}", summary="images-api album (records' album field, then Cupola galleries)",
            openapi_extra={"parameters": [
                {"name": "page", "in": "query", "required": False, "schema": {"type": "integer"},
                 "description": PARAM_HELP["page"]},
                {"name": "page_size", "in": "query", "required": False, "schema": {"type": "integer"},
                 "description": PARAM_HELP["page_size"]}]})
async def nasa_album(request: Request, album_name: str) -> JSONResponse:
    state = state_of(request)
    params = dict(request.query_params)
    page = _int_param(params, "page", 1, 1, 1_000_000)
    page_size = _int_param(params, "page_size", DEFAULT_PAGE_SIZE, 1, state.settings["max_page_size"])
    ids = await run(request, state.cached, ("album", album_name), lambda: album_members(request, album_name))
    chunk = ids[(page - 1) * page_size: page * page_size]
    if not chunk:
        raise ApiError(404, f'No assets found for album="{album_name}" page={page}')
    records = await run(request, lambda: state.archive().get_many(chunk))
    base = base_url(request)
    items = [cj.item(base, records[i]) for i in chunk if i in records]
    last_page = max(1, -(-len(ids) // page_size))
    links = cj.paging_links(f"{base}/album/{cj.quote_id(album_name)}", list(request.query_params.multi_items()),
                            page, page_size, len(ids), last_page)
    return JSONResponse(cj.collection(str(request.url), items, len(ids), links))
