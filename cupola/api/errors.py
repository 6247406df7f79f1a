"""One JSON error shape for every route, mapped from exceptions in one place.

Native routes (and everything that is not an images-api route) answer errors as
``{"ok": false, "error": "<one line>", "status": <http status>}``. The images-api compatible routes
(``/search``, ``/asset``, ``/metadata``, ``/captions``, ``/album``) keep NASA's own error body,
``{"reason": "<one line>"}``, because existing clients parse ``reason``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cupola.errors import ArchiveError, CupolaError, NotFound, UsageError

log = logging.getLogger("cupola")

NASA_PREFIXES = ("/search", "/asset/", "/metadata/", "/captions/", "/album/")


class ApiError(Exception):
    """An error with an HTTP status; raised by handlers, rendered by ``error_response``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def is_nasa_route(path: str) -> bool:
    return path == "/search" or path.startswith(NASA_PREFIXES[1:])


def error_body(path: str, status: int, message: str) -> dict[str, Any]:
    if is_nasa_route(path):
        return {"reason": message}
    return {"ok": False, "error": message, "status": status}


def error_response(request: Request, status: int, message: str,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(request.url.path, status, message), status_code=status, headers=headers)


def _status_of(err: CupolaError) -> int:
    if isinstance(err, NotFound):
        return 404
    if isinstance(err, UsageError):
        return 400
    if isinstance(err, ArchiveError):
        return 503
    return 500


def install(app: FastAPI) -> None:
    """Map every exception the app can raise to the one error shape."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, err: ApiError) -> JSONResponse:
        return error_response(request, err.status, err.message, err.headers)

    @app.exception_handler(CupolaError)
    async def _cupola_error(request: Request, err: CupolaError) -> JSONResponse:
        return error_response(request, _status_of(err), str(err))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, err: StarletteHTTPException) -> JSONResponse:
        message = err.detail if isinstance(err.detail, str) else "request failed"
        if err.status_code == 404 and message == "Not Found":
            message = f"no such resource: {request.url.path}"
        elif err.status_code == 405:
            message = f"method {request.method} not allowed on {request.url.path}"
        return error_response(request, err.status_code, message, getattr(err, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, err: RequestValidationError) -> JSONResponse:
        parts = []
        for problem in err.errors()[:3]:
            where = ".".join(str(p) for p in problem.get("loc", ()) if p not in ("query", "body", "path"))
            parts.append(f"{where}: {problem.get('msg', 'invalid')}" if where else problem.get("msg", "invalid"))
        return error_response(request, 400, "invalid request: " + "; ".join(parts))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, err: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return error_response(request, 500, "internal error; the server log has the details")
