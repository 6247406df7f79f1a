"""What every handler shares: settings, per-thread archive connections, the blocking-work runner.

Handlers are thin: they parse the request, call one core function through ``run`` (a worker thread,
abandoned when the request's time limit passes) and shape the answer.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import anyio
from fastapi import Request
from fastapi.responses import Response

from cupola.api.errors import ApiError
from cupola.archive import Archive

T = TypeVar("T")

# All server settings in one table: name -> (default, help). Precedence: flag > env var > default.
SETTINGS: dict[str, tuple[Any, str]] = {
    "max_body_bytes": (2_000_000, "Largest request body accepted (bytes); larger ones get 413."),
    "request_timeout_s": (10.0, "Longest time one request may take before it is answered 503."),
    "query_timeout_s": (5.0, "Longest time one search or lookup may run."),
    "ingest_timeout_s": (600.0, "Longest time one ingest over HTTP (POST /api/v1/ingest) may run."),
    "max_page_size": (1000, "Largest page_size / limit a client may ask for."),
    "max_results": (10_000, "Deepest result a client may page to (page * page_size)."),
    "cache_entries": (2048, "Answers kept in the in-memory response cache (0 = off)."),
}


def default_settings(**overrides: Any) -> dict[str, Any]:
    values = {name: default for name, (default, _help) in SETTINGS.items()}
    unknown = set(overrides) - set(values)
    if unknown:
        raise ValueError(f"unknown server settings: {', '.join(sorted(unknown))}")
    values.update(overrides)
    return values


@dataclass
class ServerState:
    archive_path: Path
    token: str | None = None
    settings: dict[str, Any] = field(default_factory=default_settings)
    _local: threading.local = field(default_factory=threading.local)
    _seq: tuple[float, int] = (0.0, -1)
    _cache: OrderedDict[Any, Any] = field(default_factory=OrderedDict)
    _cache_lock: threading.Lock = field(default_factory=threading.Lock)

    def archive(self) -> Archive:
        """This thread's read-only connection to the archive (SQLite connections are per thread)."""
        archive = getattr(self._local, "archive", None)
        if archive is None:
            archive = Archive.open(self.archive_path, create=False, readonly=True)
            self._local.archive = archive
        return archive

    def archive_seq(self) -> int:
        """The archive's change counter, looked up at most once a second (it keys the response cache)."""
        checked, seq = self._seq
        now = time.monotonic()
        if now - checked > 1.0:
            seq = self.archive().max_seq()
            self._seq = (now, seq)
        return seq

    def cached(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()`` once per key while the archive does not change (LRU, ``cache_entries`` big)."""
        size = self.settings["cache_entries"]
        if not size:
            return compute()
        full_key = (self.archive_seq(), key)
        with self._cache_lock:
            if full_key in self._cache:
                self._cache.move_to_end(full_key)
                return self._cache[full_key]
        value = compute()
        with self._cache_lock:
            self._cache[full_key] = value
            while len(self._cache) > size:
                self._cache.popitem(last=False)
        return value

    def peek(self, key: Any) -> Any:
        """The cached answer for ``key`` if the archive has not changed since, else None (no work done)."""
        if not self.settings["cache_entries"]:
            return None
        full_key = (self.archive_seq(), key)
        with self._cache_lock:
            return self._cache.get(full_key)

    def close(self) -> None:
        archive = getattr(self._local, "archive", None)
        if archive is not None:
            archive.close()
            self._local.archive = None


def state_of(request: Request) -> ServerState:
    return request.app.state.cupola


async def run(request: Request, fn: Callable[..., T], *args: Any, limit: float | None = None) -> T:
    """Run blocking work in a worker thread under the query time limit (503 when it runs over)."""
    state = state_of(request)
    limit = limit if limit is not None else state.settings["query_timeout_s"]
    try:
        with anyio.fail_after(limit):
            return await anyio.to_thread.run_sync(fn, *args, abandon_on_cancel=True)
    except TimeoutError:
        raise ApiError(503, f"query took longer than {limit:g} s; narrow it or try again") from None


async def cached_json(request: Request, key: Any, compute: Callable[[], Any]) -> Response:
    """A JSON answer served from the response cache (serialised once), computed in a worker on a miss."""
    state = state_of(request)
    body = state.peek(key)
    if body is None:
        body = await run(request, state.cached, key, lambda: json_bytes(compute()))
    return Response(body, media_type="application/json")


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")
