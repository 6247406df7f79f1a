"""HTML prose -> plain text, with its links kept as a list (APOD explanations, page captions)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

from cupola.normalise.text import clean_text

_SOFT_BREAK = re.compile(r"(?<!\n)\n(?!\n)")


def html_to_text_and_links(html: str, base_url: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    """Plain text (single source line breaks joined, paragraphs kept) and [{"text", "href"}] in order.

    Relative hrefs are made absolute against ``base_url`` when one is given.
    """
    if not html or not html.strip():
        return "", []
    links: list[dict[str, Any]] = []
    if "<" in html:
        tree = LexborHTMLParser(f"<div>{html}</div>")
        for node in tree.css("a[href]"):
            href = (node.attributes.get("href") or "").strip()
            if not href or href.startswith(("javascript:", "#")):
                continue
            if base_url:
                href = urljoin(base_url, href)
            text = " ".join(node.text(deep=True).split())
            links.append({"text": text, "href": href})
    text = html.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"<\s*(?:p|br)\s*/?>", "\n\n", text, flags=re.IGNORECASE)
    text = _SOFT_BREAK.sub(" ", text)
    return clean_text(text), links
