"""The FastAPI app: images-api routes, native /api/v1, files, the web UI, one error shape.

``create_app(archive_path, token=None, **settings)`` is the one entry point (``cupola serve`` and the
tests use it). Read-only by default; write routes need the token given at start.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from cupola.api import errors, files, galleries, nasa, native, write
from cupola.api.context import ServerState, default_settings
from cupola.api.security import SecurityMiddleware
from cupola.archive import Archive
from cupola.errors import ArchiveError

log = logging.getLogger("cupola")

DESCRIPTION = """Cupola serves one local archive of space-mission photography.

* **images-api** routes (`/search`, `/asset/{nasa_id}`, `/metadata/{nasa_id}`, `/captions/{nasa_id}`,
  `/album/{name}`) answer like images-api.nasa.gov, so existing clients work unchanged; their errors
  are NASA's `{"reason": ...}`.
* **native** routes under `/api/v1` take the full query language and return facets and clusters;
  every error there is `{"ok": false, "error": ..., "status": ...}`.
* Read-only unless the server was started with `--token`.
"""


def prepare_archive(path: Path) -> None:
    """Open the archive once for writing: apply migrations and bring the keyword index up to date."""
    from cupola.index.keyword import is_behind, open_index, sync

    with Archive.open(path, create=False) as archive:
        try:
            open_index(archive)  # builds it when missing or from an older schema
            if is_behind(archive):
                with archive.writing():
                    sync(archive)
        except ArchiveError as err:  # another process is writing: it will sync the index itself
            log.warning("keyword index not brought up to date at start: %s", err)


def app_from_env() -> FastAPI:
    """The app for `cupola serve --workers N` (uvicorn imports it in each worker process)."""
    return create_app(os.environ["CUPOLA_SERVE_ARCHIVE"], token=os.environ.get("CUPOLA_SERVE_TOKEN") or None,
                      prepare=False, query_timeout_s=float(os.environ.get("CUPOLA_SERVE_QUERY_TIMEOUT", "5")))


def create_app(archive_path: str | Path, *, token: str | None = None, prepare: bool = True,
               **settings: Any) -> FastAPI:
    path = Path(archive_path)
    values = default_settings(**settings)
    if prepare:
        prepare_archive(path)
    app = FastAPI(title="Cupola", version="1", description=DESCRIPTION, docs_url=None, redoc_url=None)
    app.state.cupola = ServerState(path, token or None, values)
    errors.install(app)
    for router in (nasa.router, native.router, galleries.router, write.router, files.router):
        app.include_router(router)
    from cupola.web import mount

    mount(app)
    app.add_middleware(SecurityMiddleware, max_body_bytes=values["max_body_bytes"],
                       request_timeout_s=values["request_timeout_s"], long_paths=("/api/v1/ingest",),
                       long_timeout_s=values["ingest_timeout_s"])
    return app
