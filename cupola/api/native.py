"""The native API under ``/api/v1``: search with the full query language, records, clusters, entities.

Features that other stages provide (semantic search, clusters, caption analysis) are imported lazily:
when a stage is not installed its route answers 404 in the one error shape, and the rest still works.
"""

from __future__ import annotations

import importlib
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from cupola.api import collection as cj
from cupola.api.context import base_url, cached_json, run, state_of
from cupola.api.errors import ApiError
from cupola.model import ENTITY_KINDS, Record

router = APIRouter(prefix="/api/v1", tags=["native"])
ENTITY_FILTER = {"person": "person", "organization": "org", "mission": "mission", "vehicle": "vehicle",
                 "place": "place", "event": "event"}


def optional(module: str, name: str, feature: str) -> Any:
    """A function from another stage, or 404 (JSON error shape) when that stage is not installed."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise ApiError(404, f"{feature} is not available in this build of Cupola") from None


def _hit_dicts(base: str, result: Any) -> dict[str, Any]:
    body = result.to_dict()
    for hit, data in zip(result.hits, body["hits"], strict=True):
        data["preview"] = cj.preview_url(base, hit.record)
    return body


def _resolve_mode(request: Request, mode: str) -> str:
    if mode != "auto":
        return mode
    from cupola.search.service import default_mode

    return default_mode(state_of(request).archive())


@router.get("/search", summary="Search with the query language, facets, clusters and modes")
async def api_search(
    request: Request,
    q: str = Query("", max_length=2000, description='Query language: words, "phrases", -exclusions, '
                   "field:value filters (center:, type:, person:, mission:, year:1969..1972, date:...)."),
    page: int = Query(1, ge=1, le=10_000),
    limit: int = Query(20, ge=1, le=500),
    mode: Literal["auto", "keyword", "semantic", "hybrid"] = "auto",
    facets: bool = True,
    expand: bool = Query(False, description="List every member of each collapsed cluster."),
) -> Response:
    from cupola.search.service import search

    state = state_of(request)
    if page * limit > state.settings["max_results"] + limit:
        raise ApiError(400, f"results past {state.settings['max_results']} cannot be paged to; refine the query")
    base = base_url(request)

    def compute() -> dict[str, Any]:
        chosen = _resolve_mode(request, mode)
        result = search(state.archive(), q, limit=limit, page=page, mode=chosen, facets=facets, expand=expand)
        return {"ok": True, **_hit_dicts(base, result)}

    key = ("api-search", base, q, page, limit, mode, facets, expand)
    return await cached_json(request, key, compute)


def record_body(request: Request, record: Record) -> dict[str, Any]:
    archive = state_of(request).archive()
    base = base_url(request)
    data = record.to_dict()
    data.pop("raw", None)
    data["preview"] = cj.preview_url(base, record)
    data["files"] = [{**asset, "url": cj.asset_url(base, record, i)} for i, asset in enumerate(record.assets)]
    data["versions"] = len(archive.versions_of(record.id))
    return data


def _get_record(request: Request, record_id: str) -> Record:
    record = state_of(request).archive().get(record_id)
    if record is None:
        raise ApiError(404, f"no record {record_id!r}")
    return record


@router.get("/records/{record_id:path}/versions", summary="Every content a record was published with")
async def record_versions(request: Request, record_id: str) -> dict[str, Any]:
    await run(request, _get_record, request, record_id)
    versions = await run(request, lambda: state_of(request).archive().versions_of(record_id))
    return {"ok": True, "id": record_id, "versions": versions}


@router.get("/records/{record_id:path}/similar", summary='"More like this": records similar to one')
async def record_similar(request: Request, record_id: str,
                         limit: int = Query(12, ge=1, le=100)) -> dict[str, Any]:
    similar_to = optional("cupola.embed.search", "similar_to", "similarity search (embeddings)")
    await run(request, _get_record, request, record_id)

    def compute() -> dict[str, Any]:
        archive = state_of(request).archive()
        found = similar_to(archive, record_id, k=limit)
        pairs = [(p[0], p[1]) if isinstance(p, (tuple, list)) else (p, None) for p in list(found)[:limit]]
        records = archive.get_many([i for i, _ in pairs])
        base = base_url(request)
        hits = []
        for other, score in pairs:
            if other in records and other != record_id:
                r = records[other]
                hits.append({"id": r.id, "title": r.title, "taken_at": r.taken_at, "score": score,
                             "preview": cj.preview_url(base, r), "cluster": r.cluster})
        return {"ok": True, "id": record_id, "hits": hits}

    return await run(request, compute)


@router.get("/records/{record_id:path}", summary="One record with provenance")
async def record(request: Request, record_id: str) -> dict[str, Any]:
    found = await run(request, _get_record, request, record_id)
    return {"ok": True, "record": await run(request, record_body, request, found)}


@router.get("/clusters/{cluster_id:path}", summary="A duplicate or series cluster and its members")
async def cluster(request: Request, cluster_id: str) -> dict[str, Any]:
    from cupola.dedupe.review import show_cluster
    from cupola.errors import NotFound

    def compute() -> dict[str, Any]:
        archive = state_of(request).archive()
        try:  # every member from the cluster tables (a search page would list only the members it fetched)
            shown = show_cluster(archive, cluster_id)
        except NotFound:
            raise ApiError(404, f"no cluster {cluster_id!r}") from None
        ids = [m["id"] for m in shown["members"]]
        records = archive.get_many(ids)
        representative = shown["representative"] if shown["representative"] in records else ids[0]
        cluster = records[representative].cluster if representative in records else None
        base = base_url(request)
        members = [{"id": r.id, "title": r.title, "taken_at": r.taken_at, "role": (r.cluster or {}).get("role"),
                    "preview": cj.preview_url(base, r)} for i in ids if (r := records.get(i))]
        return {"ok": True, "id": cluster_id,
                "cluster": cluster or {"id": shown["id"], "kind": shown["kind"], "size": shown["size"]},
                "representative": representative, "members": members}

    return await run(request, compute)


@router.get("/entities", summary="Entity kinds with their most frequent values")
async def entities(request: Request) -> dict[str, Any]:
    return await _facet_listing(request, None)


@router.get("/entities/{kind}", summary="The most frequent values of one entity kind")
async def entity_kind(request: Request, kind: str) -> dict[str, Any]:
    if kind not in (*ENTITY_KINDS, "event"):
        raise ApiError(404, f"unknown entity kind {kind!r}; one of {', '.join((*ENTITY_KINDS, 'event'))}")
    return await _facet_listing(request, kind)


async def _facet_listing(request: Request, kind: str | None) -> dict[str, Any]:
    from cupola.search.service import search

    def compute() -> dict[str, Any]:
        result = search(state_of(request).archive(), "", limit=1, facets=True)
        kinds = [kind] if kind else [*ENTITY_KINDS, "event"]
        return {"ok": True, "entities": {k: result.facets.get(k, {}) for k in kinds}}

    return await run(request, state_of(request).cached, ("entities", kind), compute)


@router.get("/entities/{kind}/{name}", summary="Records that mention one entity")
async def entity_records(request: Request, kind: str, name: str, page: int = Query(1, ge=1, le=10_000),
                         limit: int = Query(20, ge=1, le=500)) -> dict[str, Any]:
    from cupola.search.service import search

    if kind not in ENTITY_FILTER:
        raise ApiError(404, f"unknown entity kind {kind!r}; one of {', '.join(ENTITY_FILTER)}")
    clean = name.replace('"', " ").strip()

    def compute() -> dict[str, Any]:
        result = search(state_of(request).archive(), f'{ENTITY_FILTER[kind]}:"{clean}"', limit=limit,
                        page=page, facets=True)
        return {"ok": True, "kind": kind, "name": name, **_hit_dicts(base_url(request), result)}

    return await run(request, compute)


class AnalyzeRequest(BaseModel):
    text: str = Field(..., max_length=100_000, description="A caption to analyse.")


@router.post("/analyze", summary="Recognise photo ids, dates, entities and the event in a caption")
async def analyze(request: Request, body: AnalyzeRequest) -> dict[str, Any]:
    analyze_text = optional("cupola.enrich", "analyze", "caption analysis")
    result = await run(request, analyze_text, body.text)
    if hasattr(result, "to_dict"):
        result = result.to_dict()
    return {"ok": True, "analysis": result}


@router.get("/stats", summary="Counts of what the archive holds")
async def stats(request: Request) -> dict[str, Any]:
    state = state_of(request)

    def compute() -> dict[str, Any]:
        archive = state.archive()
        conn = archive.conn
        by = lambda column: dict(conn.execute(  # noqa: E731
            f"SELECT coalesce({column}, '(none)'), count(*) FROM records GROUP BY 1 ORDER BY 2 DESC"))
        return {"ok": True, "records": archive.count(), "centers": by("center"), "media_types": by("media_type"),
                "sources": by("source"), "writable": state.token is not None}

    return await run(request, state.cached, ("stats",), compute)
