"""Security headers, request size limit and per-request time limit (pure ASGI middleware).

Every response carries a strict Content-Security-Policy (scripts and styles only from this server,
no inline script, no plugins, no framing) and the usual hardening headers. Request bodies over the
limit are refused with 413 before a handler sees them; a request that runs past the time limit is
answered 503 (the query's work is abandoned, its thread finishes in the background).
"""

from __future__ import annotations

import json
from typing import Any

import anyio

from cupola.api.errors import error_body

Scope = dict[str, Any]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: http: data:; "
       "media-src 'self' https: http:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


async def _send_error(send: Any, path: str, status: int, message: str) -> None:
    body = json.dumps(error_body(path, status, message)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})


class SecurityMiddleware:
    """Adds security headers; enforces ``max_body_bytes`` and ``request_timeout_s``."""

    def __init__(self, app: Any, *, max_body_bytes: int, request_timeout_s: float,
                 long_paths: tuple[str, ...] = (), long_timeout_s: float = 600.0):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.request_timeout_s = request_timeout_s
        self.long_paths = long_paths  # routes with their own, longer limit (ingest over HTTP)
        self.long_timeout_s = long_timeout_s

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_body_bytes
                except ValueError:
                    too_big = True
                if too_big:
                    await _send_error(send, path, 413, f"request body over {self.max_body_bytes} bytes")
                    return
        started = False
        received = 0

        async def limited_receive() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _BodyTooLarge()
            return message

        readonly = scope.get("method") in ("GET", "HEAD")
        head = scope.get("method") == "HEAD"
        if head:  # every GET route answers HEAD too: same status and headers, no body
            scope = {**scope, "method": "GET"}

        async def secure_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [h for h in message.get("headers", []) if h[0] not in _OURS]
                headers += SECURITY_HEADERS
                if readonly:  # like images-api.nasa.gov: browser apps on other origins may read (never write)
                    headers.append((b"access-control-allow-origin", b"*"))
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        limit = self.long_timeout_s if path in self.long_paths else self.request_timeout_s
        try:
            with anyio.fail_after(limit):
                await self.app(scope, limited_receive, secure_send)
        except TimeoutError:
            if not started:
                await _send_error(send, path, 503, f"request took longer than {limit:g} s; "
                                  "narrow the query or try again")
        except _BodyTooLarge:
            if not started:
                await _send_error(send, path, 413, f"request body over {self.max_body_bytes} bytes")


_OURS = {name for name, _ in SECURITY_HEADERS}


class _BodyTooLarge(Exception):
    pass
