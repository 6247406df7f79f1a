"""Gallery and image pages: saved HTML (any size) and plain-text captures of them.

Each photo item on the page becomes one raw item: image URL, heading, caption, credit, date, plus
the page's own URL, title and date as provenance. The rules that find items are general (see
``_html_items`` and ``_text_items``). A page with no photo items is rejected with that said.
``fetch_page(url)`` gets a page over the network with a timeout and a size limit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from cupola.errors import SourceError
from cupola.model import Provenance, RawItem, Rejection
from cupola.sources import SourceEvent, SourceReader, _html_items, _text_items, register
from cupola.sources._files import decode

KIND = "page"
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx"}
TEXT_SUFFIXES = {".txt", ".text"}
MAX_PAGE_BYTES = 64 * 1024 * 1024
FETCH_TIMEOUT = 20.0
TEXT_SNIFF_BYTES = 256 * 1024
TEXT_DATE_REACH = 500  # characters of page text searched for a date when the markup names none
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*(?:<!doctype html|<html|<head|<meta|<body)", re.IGNORECASE | re.DOTALL)


MIN_TEXT_ITEMS = 3  # a plain-text file is taken for a gallery capture only when it reads as one


def sniff(path: Path) -> bool:
    if not path.is_file():
        return False
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return True
    with path.open("rb") as handle:
        head = handle.read(TEXT_SNIFF_BYTES)
    if _HTML_START.match(head[:2048]):
        return True
    if suffix in TEXT_SUFFIXES:
        return len(_text_items.extract(decode(head)[0])[1]) >= MIN_TEXT_ITEMS
    return False


def _meta(tree: LexborHTMLParser, *selectors: str) -> str:
    scope = tree.head if tree.head is not None and tree.head.css_first("meta, link") is not None else tree
    for selector in selectors:
        node = (scope if not selector.startswith("time") else tree).css_first(selector)
        if node is not None:
            value = node.attributes.get("content") or node.attributes.get("href") or node.attributes.get("datetime")
            if value and value.strip():
                return value.strip()
    return ""


def _json_ld_date(tree: LexborHTMLParser) -> str:
    for script in tree.css('script[type="application/ld+json"]'):
        match = re.search(r'"datePublished"\s*:\s*"([^"]+)"', script.text(deep=True))
        if match:
            return match.group(1)
    for node in tree.css('meta[name="parsely-page"]'):
        try:
            return str(json.loads(node.attributes.get("content") or "{}").get("pub_date") or "")
        except json.JSONDecodeError:
            continue
    return ""


_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|" \
         r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_TEXT_DATE = re.compile(rf"\b(?:(?:19|20)\d\d-\d\d-\d\d|(?:19|20)\d\d {_MONTH} \d{{1,2}}|{_MONTH} \d{{1,2}}, (?:19|20)\d\d|"
                        rf"\d{{1,2}} {_MONTH} (?:19|20)\d\d)\b")


def _text_date(tree: LexborHTMLParser) -> str:
    """The first date written near the top of the page (APOD's "2017 June 15", "April 24, 2024")."""
    body = tree.body
    if body is None:
        return ""
    match = _TEXT_DATE.search(" ".join(body.text(separator=" ")[:6000].split())[:TEXT_DATE_REACH])
    return match.group(0) if match else ""


def page_facts(tree: LexborHTMLParser, source: str) -> dict[str, Any]:
    title_node = tree.css_first("title")
    h1 = tree.css_first("h1")
    return {
        "url": _meta(tree, 'link[rel="canonical"]', 'meta[property="og:url"]') or source,
        "title": _meta(tree, 'meta[property="og:title"]', 'meta[name="twitter:title"]')
        or (" ".join(h1.text().split()) if h1 is not None else "")
        or (" ".join(title_node.text().split()) if title_node is not None else ""),
        "date": _meta(tree, 'meta[property="article:published_time"]', 'meta[name="date"]',
                      'meta[name="pubdate"]', 'meta[itemprop="datePublished"]', "time[datetime]")
        or _json_ld_date(tree) or _text_date(tree),
        "description": _meta(tree, 'meta[property="og:description"]', 'meta[name="description"]'),
        "site": _meta(tree, 'meta[property="og:site_name"]'),
    }


def extract_html(html: str, source: str, base_url: str | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    tree = LexborHTMLParser(html)
    page = page_facts(tree, source)
    base = base_url or (page["url"] if page["url"].startswith(("http://", "https://")) else None)
    items = _html_items.Extractor(tree, base).run(page)  # reads scripts, then strips them from the tree
    return page, items


def items_to_events(page: dict[str, Any], items: list[dict[str, Any]], where: str,
                    fetched_at: str) -> Iterator[SourceEvent]:
    if not items:
        yield Rejection(where, None, "no photo items found on this page (no captioned images, figures, "
                        "slides or embedded posts); nothing to ingest from it")
        return
    page_info = {k: v for k, v in page.items() if v}
    for index, item in enumerate(items, start=1):
        provenance = Provenance(KIND, where, None, fetched_at, {"item": index, "page_url": page.get("url")})
        yield RawItem(KIND, {"page": page_info, "item": item, "index": index}, provenance)


def read(path: Path) -> Iterator[SourceEvent]:
    fetched_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    size = path.stat().st_size
    if size > MAX_PAGE_BYTES:
        yield Rejection(str(path), None, f"page is {size / 1e6:.0f} MB, above the {MAX_PAGE_BYTES >> 20} MB limit")
        return
    raw = path.read_bytes()
    text, _ = decode(raw)
    if not text.strip():
        yield Rejection(str(path), None, "empty file: nothing to ingest")
        return
    if path.suffix.lower() in TEXT_SUFFIXES and not _HTML_START.match(raw[:2048]):
        page, items = _text_items.extract(text)
        page["url"] = str(path)
    else:
        page, items = extract_html(text, str(path))
    yield from items_to_events(page, items, str(path), fetched_at)


def fetch_page(url: str, *, timeout: float = FETCH_TIMEOUT, max_bytes: int = MAX_PAGE_BYTES) -> Iterator[SourceEvent]:
    """Download one page (timeout, size limit) and yield its photo items."""
    import httpx

    fetched_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True,
                          headers={"User-Agent": "Cupola/0.1 (gallery page reader)"}) as response:
            response.raise_for_status()
            chunks, total = [], 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise SourceError(f"page is larger than the {max_bytes:,}-byte limit", where=url,
                                      hint="save it and ingest the file if it is really a gallery")
                chunks.append(chunk)
            final_url = str(response.url)
    except httpx.HTTPError as err:
        raise SourceError(f"cannot fetch page ({err})", where=url, hint="check the URL and the network") from None
    text, _ = decode(b"".join(chunks))
    page, items = extract_html(text, final_url, base_url=final_url)
    yield from items_to_events(page, items, url, fetched_at)


register(SourceReader(KIND, read, sniff, priority=60))
