"""Gallery routes under ``/api/v1/galleries``: thin handlers over ``cupola.galleries``.

``GET /api/v1/galleries`` lists the missions with photos and the saved galleries;
``GET /api/v1/galleries/{name}`` builds one: ``Apollo 11`` (or ``mission/Apollo 11``), ``theme/event/spacewalk``,
``timeline/1969``, ``missions/Apollo 11,Apollo 12``, ``saved/<slug>``; ``?max=30`` bounds its size and
``?format=md`` answers the Markdown export instead of JSON. An unknown mission is a 404 whose message
carries the "did you mean" suggestions.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from cupola.api.context import run, state_of
from cupola.api.errors import ApiError
from cupola.api.native import optional

router = APIRouter(prefix="/api/v1/galleries", tags=["galleries"])
MAX_ITEMS = 200


def _jsonable(value: Any) -> Any:
    return value.to_dict() if hasattr(value, "to_dict") else value


@router.get("", summary="Galleries this archive can build")
async def galleries(request: Request) -> dict[str, Any]:
    list_galleries = optional("cupola.galleries", "list_galleries", "galleries")
    found = await run(request, lambda: list_galleries(state_of(request).archive()))
    return {"ok": True, "galleries": [_jsonable(g) for g in found]}


@router.get("/{name:path}", summary="One gallery: its phases and photos", response_model=None)
async def gallery(request: Request, name: str, max: int = Query(30, ge=1, le=MAX_ITEMS),  # noqa: A002
                  format: str = Query("json", pattern="^(json|md)$")) -> Any:  # noqa: A002
    build_gallery = optional("cupola.galleries", "build_gallery", "galleries")
    found = await run(request, lambda: build_gallery(state_of(request).archive(), name, max_items=max))
    if found is None:
        raise ApiError(404, f"no gallery {name!r}")
    if format == "md":
        from cupola.galleries.export import to_markdown

        return PlainTextResponse(to_markdown(found), media_type="text/markdown; charset=utf-8")
    return {"ok": True, "gallery": _jsonable(found)}
