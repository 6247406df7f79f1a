"""The web UI: static HTML, CSS and JS (no build step) served by the API process.

Every UI page (search, record, mission, gallery, timeline) is the same ``index.html``; the script
reads the state from the URL, so any view can be shared by copying its address.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
UI_PATHS = ("/", "/record/{rest:path}", "/mission/{rest:path}", "/gallery/{rest:path}", "/timeline")


class CachedStatic(StaticFiles):
    """Static files with a short cache lifetime (revalidated by ETag after it)."""

    def file_response(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "max-age=300"
        return response


def mount(app: FastAPI) -> None:
    app.mount("/static", CachedStatic(directory=STATIC), name="static")

    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    async def docs() -> FileResponse:
        return FileResponse(STATIC / "docs.html", headers={"Cache-Control": "no-cache"})

    for path in UI_PATHS:
        app.add_api_route(path, page, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_api_route("/docs", docs, methods=["GET"], include_in_schema=False)
