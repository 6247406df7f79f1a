"""Network side of the mirror: page through any images-api compatible ``/search`` (NASA's, or another
Cupola's ``serve``) and yield raw items. No storage here (see ``cupola.mirror``). A ``Slice`` is one
search the mirror pages: a range of years, optionally narrowed by media_type/center (``filter_values``
says which values to try when a year has more results than the server's window).

Polite by construction: one shared client with timeouts, at most ``rate`` requests per second,
``concurrency`` pages in flight, retries with exponential backoff on timeouts, connection errors,
429 and 5xx answers and bodies that are not collection+json. A page that still fails raises
``ServerError`` naming the URL and what went wrong.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from cupola.errors import SourceError
from cupola.model import Provenance, RawItem

log = logging.getLogger("cupola")
RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
MEDIA_TYPES = ("image", "video", "audio")  # every images-api item has one: an "everything" filter
# Center codes images.nasa.gov publishes (measured on 24,067 library records: these cover all but 22,
# which have no center or a one-off value); a slice's own first page adds the values it shows.
KNOWN_CENTERS = ("JSC", "KSC", "ARC", "MSFC", "JPL", "GRC", "AFRC", "LRC", "HQ", "LARC", "GSFC", "SSC", "MAF",
                 "WSTF", "NSSC")
DIMENSIONS = ("media_type", "center")  # the filters a single year over the window is cut by, in order
OTHERS = "*"  # a dimension value: what the values tried did not reach (the slice paged as a whole)
UNDATED = {"years": "none"}  # the last pass: the whole search, without years


class ServerError(SourceError):
    """The server did not give a usable page after the retries."""


@dataclass
class MirrorSettings:
    page_size: int = 100
    concurrency: int = 2  # pages in flight at once
    rate: float = 5.0  # requests per second, at most
    timeout: float = 15.0  # seconds for connect / read
    retries: int = 4  # attempts after the first
    backoff: float = 0.5  # seconds before the first retry; doubles each time (plus jitter)
    window: int = 10_000  # deepest result the server pages to (NASA: 10,000); years are sliced below it


@dataclass
class Page:
    number: int
    url: str
    items: list[dict[str, Any]]
    total_hits: int | None
    has_next: bool
    fetched_at: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))


class Client:
    """A rate-limited, retrying images-api search client (one per mirror run, thread-safe)."""

    def __init__(self, base_url: str, settings: MirrorSettings | None = None,
                 transport: httpx.BaseTransport | None = None):
        self.base = base_url.rstrip("/")
        if self.base.endswith("/search"):
            self.base = self.base[: -len("/search")]
        self.settings = settings or MirrorSettings()
        self.http = httpx.Client(timeout=httpx.Timeout(self.settings.timeout), follow_redirects=True,
                                 headers={"User-Agent": "Cupola-mirror/0.1", "Accept": "application/json"},
                                 transport=transport)
        self._lock = threading.Lock()
        self._next_at = 0.0
        self.requests = 0

    def close(self) -> None:
        self.http.close()

    def _wait_turn(self) -> None:
        interval = 1.0 / self.settings.rate if self.settings.rate > 0 else 0.0
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_at)
            self._next_at = start + interval
        if start > now:
            time.sleep(start - now)

    def search(self, params: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """GET /search -> (collection, url). Retries what is worth retrying; raises ServerError."""
        url = f"{self.base}/search"
        problem = ""
        for attempt in range(self.settings.retries + 1):
            if attempt:
                delay = self.settings.backoff * (2 ** (attempt - 1)) * (1 + 0.25 * (attempt % 2))
                log.info("mirror: retry %d for %s in %.1f s (%s)", attempt, url, delay, problem)
                time.sleep(delay)
            self._wait_turn()
            self.requests += 1
            try:
                response = self.http.get(url, params=params)
            except httpx.TimeoutException:
                problem = f"no answer within {self.settings.timeout:g} s"
                continue
            except httpx.TransportError as err:
                problem = f"connection failed ({err})"
                continue
            shown = str(response.url)
            if response.status_code in RETRY_STATUS:
                problem = f"HTTP {response.status_code}"
                continue
            if response.status_code >= 400:
                raise ServerError(f"HTTP {response.status_code}: {_reason(response)}", where=shown,
                                  hint="check the URL and the search options")
            try:
                body = response.json()
            except ValueError:
                problem = "the answer is not JSON"
                continue
            collection = body.get("collection") if isinstance(body, dict) else None
            if not isinstance(collection, dict) or not isinstance(collection.get("items", []), list):
                problem = "the answer is JSON but not a collection+json search result"
                continue
            return collection, shown
        raise ServerError(f"gave up after {self.settings.retries + 1} attempts: {problem}",
                          where=f"{url}?{httpx.QueryParams(params)}",
                          hint="the server may be down or not images-api compatible; run the same command "
                               "again later to resume from here")

    def page(self, params: dict[str, Any], number: int) -> Page:
        collection, url = self.search({**params, "page": number, "page_size": self.settings.page_size})
        metadata = collection.get("metadata") if isinstance(collection.get("metadata"), dict) else {}
        total = metadata.get("total_hits")
        links = collection.get("links") if isinstance(collection.get("links"), list) else []
        has_next = any(isinstance(link, dict) and link.get("rel") == "next" for link in links)
        return Page(number, url, list(collection.get("items") or []),
                    int(total) if isinstance(total, (int, float)) else None, has_next)


def _reason(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip() or response.reason_phrase
    if isinstance(body, dict):
        return str(body.get("reason") or body.get("error") or body)[:200]
    return str(body)[:200]


@dataclass
class Slice:
    year_start: int
    year_end: int
    state: str = "pending"
    next_page: int = 1
    total_hits: int | None = None
    items_seen: int = 0
    sub: dict[str, str] = field(default_factory=dict)  # media_type / center within one year, or UNDATED

    def params(self, base: dict[str, str]) -> dict[str, str]:
        out = dict(base)
        if self.sub != UNDATED:
            out.update(year_start=str(self.year_start), year_end=str(self.year_end))
        elif not out:  # images-api wants a search parameter: "every media type" is the whole archive
            out["media_type"] = ",".join(MEDIA_TYPES)
        out.update({k: v for k, v in self.sub.items() if k in DIMENSIONS and v != OTHERS})
        return out

    def contains(self, other: Slice) -> bool:
        return (self.year_start <= other.year_start and other.year_end <= self.year_end
                and all(other.sub.get(k) == v for k, v in self.sub.items()))

    def label(self) -> str:
        if self.sub == UNDATED:
            return "items without a date"
        years = str(self.year_start) if self.year_start == self.year_end else f"{self.year_start}-{self.year_end}"
        return " ".join([years, *(f"{k}={'(others)' if self.sub[k] == OTHERS else self.sub[k]}"
                                  for k in DIMENSIONS if k in self.sub)])


def search_params(query: str | None, center: str | None, media_type: str | None) -> dict[str, str]:
    params = {"q": query, "center": center, "media_type": media_type}
    return {k: v.strip() for k, v in params.items() if v and v.strip()}


def units_to_check(known: list[Slice]) -> list[Slice]:
    """What an incremental run checks: a year cut by media_type/center as one slice, other finished ones."""
    cut = [s for s in known if s.state == "split" and s.year_start == s.year_end]
    outer = [s for s in cut if not any(o is not s and o.contains(s) for o in cut)]
    return outer + [s for s in known if s.state == "done" and not any(o.contains(s) for o in outer)]


def last_page(total: int | None, settings: MirrorSettings) -> int | None:
    if total is None:
        return None
    reachable = min(total, settings.window)
    return max(1, -(-reachable // settings.page_size))


def fetch_pages(client: Client, params: dict[str, Any], start_page: int = 1,
                first: Page | None = None) -> Iterator[Page]:
    """Pages of one search in order from ``start_page``, ``concurrency`` requests in flight.

    Stops at the last page (no ``next`` link, an empty page, or the server's result window).
    """
    settings = client.settings
    page = first if first is not None and first.number == start_page else client.page(params, start_page)
    yield page
    end = last_page(page.total_hits, settings)
    if not page.items or not page.has_next or (end is not None and page.number >= end):
        return
    if end is None:  # no total: follow next links one by one
        number = page.number
        while page.items and page.has_next:
            number += 1
            page = client.page(params, number)
            yield page
        return
    with ThreadPoolExecutor(max(1, settings.concurrency), thread_name_prefix="cupola-mirror") as pool:
        pending: deque[Future[Page]] = deque()
        number = page.number + 1
        while number <= end or pending:
            while number <= end and len(pending) < settings.concurrency:
                pending.append(pool.submit(client.page, params, number))
                number += 1
            page = pending.popleft().result()
            yield page
            if not page.items or not page.has_next:
                for future in pending:
                    future.cancel()
                return


def filter_values(dimension: str, page: Page) -> list[str]:
    """Values worth trying for one images-api filter (``media_type`` or ``center``) to cut a search that
    has more results than the server pages to: the known ones, then those the page's items show."""
    known = MEDIA_TYPES if dimension == "media_type" else KNOWN_CENTERS
    shown = [item["data"][0].get(dimension) for item in page.items
             if isinstance(item, dict) and isinstance(item.get("data"), list) and item["data"]
             and isinstance(item["data"][0], dict)]
    values: dict[str, str] = {}
    for value in (*known, *sorted(v for v in shown if isinstance(v, str))):
        if value.strip() and "," not in value:  # a comma would be read as two values
            values.setdefault(value.strip().lower(), value.strip())
    return list(values.values())


def item_ids(page: Page) -> list[str]:
    return [str(item["data"][0].get("nasa_id")) for item in page.items
            if isinstance(item, dict) and isinstance(item.get("data"), list) and item["data"]
            and isinstance(item["data"][0], dict)]


def raw_items(page: Page, server: str) -> list[RawItem]:
    """A page's items as raw images-api items (normalised like any NASA JSON), with mirror provenance."""
    return [RawItem("nasa_json", item, Provenance("mirror", page.url, None, page.fetched_at,
                                                  {"item": index, "server": server, "page": page.number}))
            for index, item in enumerate(page.items, start=1) if isinstance(item, dict)]
