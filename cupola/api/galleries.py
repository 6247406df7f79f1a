"""Gallery routes under ``/api/v1/galleries`` (a seam the galleries stage fills).

When ``cupola.galleries`` provides ``list_galleries(archive)`` and ``build_gallery(archive, name)``
these routes serve them; until then they answer 404 in the one error shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from cupola.api.context import run, state_of
from cupola.api.errors import ApiError
from cupola.api.native import optional

router = APIRouter(prefix="/api/v1/galleries", tags=["galleries"])


def _jsonable(value: Any) -> Any:
    return value.to_dict() if hasattr(value, "to_dict") else value


@router.get("", summary="Galleries this archive can build")
async def galleries(request: Request) -> dict[str, Any]:
    list_galleries = optional("cupola.galleries", "list_galleries", "galleries")
    found = await run(request, lambda: list_galleries(state_of(request).archive()))
    return {"ok": True, "galleries": [_jsonable(g) for g in found]}


@router.get("/{name:path}", summary="One gallery: its phases and photos")
async def gallery(request: Request, name: str) -> dict[str, Any]:
    build_gallery = optional("cupola.galleries", "build_gallery", "galleries")
    found = await run(request, lambda: build_gallery(state_of(request).archive(), name))
    if found is None:
        raise ApiError(404, f"no gallery {name!r}")
    return {"ok": True, "gallery": _jsonable(found)}
