"""Photo items in an HTML page, found by general layout rules (never per-site scrapers).

Rules, in order; an image already taken by an earlier rule is not taken again:
1. caption elements: ``figcaption``, and elements whose class names a caption (``caption``,
   ``thumbcaption``, ``imageComment_txt``, ``legend``) -> the nearest image above them in the tree;
   a caption that is only "Credit: ..." is the credit of the images in its group.
2. embedded social posts: a ``blockquote`` ending "— Name (@handle) Date" (the paragraph before it is
   the editor's caption); elements carrying item data in attributes (``data-title`` +
   ``data-description``/``data-caption`` and an image URL attribute), as lightbox galleries write them.
3. slideshow JSON inside ``<script>`` (JSON-LD ``ImageObject``; arrays of objects with an image URL
   and a caption or title).
4. a content image followed by a caption-like text block (table rows, ``<br>``-separated blocks,
   slides whose "3 of 10" counter sits between image and caption), a heading right above it as title.
5. a page about one picture: the page's main image (``og:image`` or the largest content image) with
   the text under a "Caption"/"Explanation"/"Description" label (or the meta description) and the
   text after a "Credit" label.
Navigation, menus, footers, icons and logos are ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from cupola.sources._html_nodes import (
    _BLOCK_TAGS,
    _BRACKET_CREDIT,
    _CAPTION_CLASS,
    _CAPTION_LABEL,
    _COPYRIGHT_LABEL,
    _CREDIT_LABEL,
    _DATE_CLASS,
    _DESCRIBED_CLASS,
    _IMAGE_EXT,
    _INLINE_CREDIT,
    _LABEL_ONLY_CREDIT,
    _POST_TAIL,
    _SLIDE_COUNTER,
    _TITLE_CLASS,
    MIN_CAPTION,
    _attr,
    _has_ancestor_in,
    _image_area,
    _img_src,
    _in_junk,
    _is_ancestor,
    _is_content_image,
    _is_image_link,
    _links_to_page,
    _media,
    _text,
    _url_key,
    reset_memos,
)


class Extractor:
    def __init__(self, html: str | LexborHTMLParser, base_url: str | None):
        self.tree = html if isinstance(html, LexborHTMLParser) else LexborHTMLParser(html)
        reset_memos()
        self.base = base_url
        self.items: list[dict[str, Any]] = []
        self.taken: set[str] = set()
        self.json_objects = list(self._script_objects())
        self.tree.strip_tags(["script", "style", "noscript", "template"])
        self._order: dict[int, int] | None = None

    def url(self, value: str) -> str:
        value = value.strip()
        if value.startswith("//"):
            return "https:" + value
        return urljoin(self.base, value) if self.base else value

    def add(self, layout: str, image: str, caption: str, **fields: Any) -> None:
        image_url = self.url(image) if image else ""
        key = _url_key(image_url) if image_url else f"{layout}:{caption[:80]}"
        if key in self.taken:
            return
        credit = fields.get("credit") or ""
        original = f"{fields.get('credit_label', '')} {caption}"
        match = _BRACKET_CREDIT.search(caption)
        if match and not credit:
            credit, caption = match.group(1).strip(), caption[:match.start()].rstrip()
        label = _CREDIT_LABEL.search(caption) if not credit else None
        if label is None and not credit:
            split = _INLINE_CREDIT.search(caption)
            if split:
                credit, caption = split.group(1).strip(), caption[:split.start()].rstrip()
        self.taken.add(key)
        copyrighted = bool(re.search(r"copyright|©", original, re.IGNORECASE))
        item = {"layout": layout, "image": image_url, "caption": caption.strip(), "credit": credit.strip(),
                "heading": (fields.get("heading") or "").strip(), "date": (fields.get("date") or "").strip(),
                "alt": (fields.get("alt") or "").strip()}
        if copyrighted:
            item["copyright"] = True
        if fields.get("thumbnail"):
            item["thumbnail"] = self.url(fields["thumbnail"])
            self.taken.add(_url_key(item["thumbnail"]))
        self.items.append(item)

    # -- rule 1 ---------------------------------------------------------------------------------
    def captions(self) -> None:
        nodes = [n for n in self.tree.css("figcaption, [class]") if n.tag == "figcaption"
                 or _CAPTION_CLASS.search(n.attributes.get("class") or "")]
        ids = {n.mem_id for n in nodes}
        outer = [n for n in nodes if not _has_ancestor_in(n, ids)]
        group_credit: dict[int, str] = {}
        for node in outer:
            if _in_junk(node) or node.css_first("img") is not None:
                continue
            text = _text(node)
            container, images = _container_with_images(node)
            if container is None:
                continue
            if _CREDIT_LABEL.match(text) and len(images) != 1:
                group_credit[container.mem_id] = _CREDIT_LABEL.sub("", text)
                continue
            if len(text) < 3:
                continue
            img = self.nearest_image(node, images)
            link = img.parent if img.parent is not None and img.parent.tag == "a" else None
            full = _attr(link, "href") if link is not None and _is_image_link(_attr(link, "href")) else ""
            image = full or _img_src(img) if img.tag == "img" else _attr(img, "src", "poster")
            if image and _url_key(self.url(image)) in self.taken:
                continue
            credit_node = next((c for c in node.css("[class]") if "credit" in (c.attributes.get("class") or "")),
                               None)
            credit = _CREDIT_LABEL.sub("", _text(credit_node)) if credit_node is not None else ""
            caption = text
            if credit_node is not None and _text(credit_node):
                head, _, tail = text.rpartition(_text(credit_node))
                caption = f"{head} {tail}".strip()
            caption = re.sub(r"\s*(?:Jpeg|Tif|JPEG|TIFF|PNG)(?:\s*,\s*(?:Jpeg|Tif|JPEG|TIFF|PNG))*\s*$", "", caption)
            if not credit:
                credit = _nearest_group_credit(container, group_credit) or _credit_in(container, node)
            self.add("caption", image, caption, credit=credit, alt=_attr(img, "alt"),
                     heading=_heading_in(container, node), date=_date_in(container),
                     thumbnail=_img_src(img) if full and img.tag == "img" else "")

    def nearest_image(self, caption: LexborNode, images: list[LexborNode]) -> LexborNode:
        """The last image before the caption in document order (else the first after it)."""
        if len(images) == 1:
            return images[0]
        if self._order is None:
            root = self.tree.root
            self._order = {n.mem_id: i for i, n in enumerate(root.traverse())} if root is not None else {}
        at = self._order.get(caption.mem_id, 0)
        before = [i for i in images if self._order.get(i.mem_id, 0) < at]
        return before[-1] if before else images[0]

    # -- rule 2 ---------------------------------------------------------------------------------
    def data_attributes(self) -> None:
        for node in self.tree.css("[data-title]"):
            caption = _attr(node, "data-description", "data-caption", "data-desc")
            image = _attr(node, "data-fancybox-href", "data-image", "data-full", "data-src", "data-large")
            if not image and _IMAGE_EXT.search(_attr(node, "href")):
                image = _attr(node, "href")
            if not image or not (caption or _attr(node, "data-title")) or _in_junk(node):
                continue
            holder = node.parent.parent if node.parent is not None and node.parent.parent is not None else node
            self.add("data-attributes", image, caption, heading=_attr(node, "data-title"),
                     thumbnail=_attr(node, "data-thumbnail", "data-thumb"), date=_date_in(holder),
                     credit=_attr(node, "data-credit"))

    # -- rule 3 ---------------------------------------------------------------------------------
    def _script_objects(self) -> Iterator[dict[str, str]]:
        for script in self.tree.css("script"):
            kind = (script.attributes.get("type") or "").lower()
            if "json" not in kind:
                continue
            body = script.text(deep=True).strip()
            if not body or len(body) > 5_000_000:
                continue
            try:
                data = json.loads(body)
            except json.JSONDecodeError:
                continue
            yield from _json_image_objects(data)

    def script_json(self) -> None:
        for obj in self.json_objects:
            self.add("script-json", obj["image"], obj.get("caption", ""), heading=obj.get("title", ""),
                     credit=obj.get("credit", ""), date=obj.get("date", ""))

    # -- rule 2b --------------------------------------------------------------------------------
    def social_posts(self) -> None:
        """Embedded posts: a blockquote ending "— Name (@handle) Date"; the paragraph before it is the
        editor's caption (kept as the heading)."""
        for quote in self.tree.css("blockquote"):
            text = _text(quote)
            match = _POST_TAIL.search(text)
            if match is None or _in_junk(quote):
                continue
            body = text[:match.start()].strip()
            img = next((i for i in quote.css("img") if _is_content_image(i)), None)
            before = quote.prev
            while before is not None and not _text(before):
                before = before.prev
            heading = _text(before) if before is not None and before.tag in ("p", "h2", "h3", "h4") else ""
            self.add("social-post", _img_src(img) if img is not None else "", body,
                     credit=f"{match.group('name').strip()} ({match.group('handle')})",
                     date=match.group("date").strip(), heading=heading if len(heading) < 400 else "")

    # -- rule 4 ---------------------------------------------------------------------------------
    def adjacent_text(self) -> None:
        for img in self.tree.css("img"):
            if not _is_content_image(img) or _in_junk(img):
                continue
            src = _img_src(img)
            if _url_key(self.url(src)) in self.taken or _links_to_page(img):
                continue
            text, credit = _following_text(img)
            if len(text) >= MIN_CAPTION:
                self.add("adjacent", src, text, credit=credit, alt=_attr(img, "alt"), heading=_heading_before(img))

    # -- rule 5 ---------------------------------------------------------------------------------
    def main_image(self, page: dict[str, Any]) -> None:
        image = ""
        for selector, attr in (('meta[property="og:image"]', "content"), ('meta[name="twitter:image"]', "content"),
                               ('link[rel="image_src"]', "href")):
            node = self.tree.css_first(selector)
            if node is not None and _attr(node, attr):
                image = _attr(node, attr)
                break
        if not image:
            candidates = [i for i in self.tree.css("img") if _is_content_image(i) and not _in_junk(i)]
            if candidates:
                image = _img_src(max(candidates, key=_image_area))
        shown = next((i for i in self.tree.css("img") if image and _url_key(self.url(_img_src(i)))
                      == _url_key(self.url(image))), None)
        if shown is None:
            content = [i for i in self.tree.css("img") if _is_content_image(i) and not _in_junk(i)]
            shown = max(content, key=_image_area) if content else None
        candidates = [_labelled_text(self.tree, _CAPTION_LABEL), _described_text(self.tree),
                      _paragraphs_after(shown) if shown is not None else "", page.get("description", "")]
        caption = max(candidates, key=len)
        credit = _credit_anywhere(self.tree)
        if image and (caption or credit):
            self.add("main-image", image, caption, credit=credit, heading=page.get("title", ""),
                     date=page.get("date", ""))

    def run(self, page: dict[str, Any]) -> list[dict[str, Any]]:
        self.captions()
        self.social_posts()
        self.data_attributes()
        self.script_json()
        self.adjacent_text()
        if not self.items:
            self.main_image(page)
        elif len(self.items) == 1:
            self.refine_single(self.items[0], page)
        return self.items

    def refine_single(self, item: dict[str, Any], page: dict[str, Any]) -> None:
        """A page about one picture: its labelled caption and credit beat the text next to the image."""
        labelled = _labelled_text(self.tree, _CAPTION_LABEL)
        if len(labelled) > len(item["caption"]):
            if not item["heading"] and len(item["caption"]) < 200:
                item["heading"] = _INLINE_CREDIT.sub("", item["caption"]).strip()
            item["caption"] = labelled
        if not item["credit"]:
            item["credit"] = _credit_anywhere(self.tree)
        body = self.tree.body
        if body is not None and _COPYRIGHT_LABEL.search(_text(body)):
            item["copyright"] = True
        if not item["heading"]:
            item["heading"] = page.get("title", "")
        if not item["date"]:
            item["date"] = page.get("date", "")


def _container_with_images(node: LexborNode) -> tuple[LexborNode | None, list[LexborNode]]:
    parent = node.parent
    for _ in range(5):
        if parent is None or parent.tag in ("body", "html"):
            return None, []
        if parent.css_first("img, video") is not None:
            images = _media(parent)
            if images:
                return parent, images
        parent = parent.parent
    return None, []


def _nearest_group_credit(container: LexborNode, credits: dict[int, str]) -> str:
    parent = container
    for _ in range(4):
        if parent is None:
            return ""
        if parent.mem_id in credits:
            return credits[parent.mem_id]
        parent = parent.parent
    return ""


def _heading_in(container: LexborNode, caption: LexborNode) -> str:
    for node in container.css("h1, h2, h3, h4, h5, [class]"):
        if node.tag in ("h1", "h2", "h3", "h4", "h5") or _TITLE_CLASS.search(node.attributes.get("class") or ""):
            if not _is_ancestor(caption, node) and node.mem_id != caption.mem_id:
                text = _text(node)
                if 2 < len(text) < 200:
                    return text
    return ""


def _date_in(container: LexborNode) -> str:
    time_node = container.css_first("time")
    if time_node is not None:
        return _attr(time_node, "datetime") or _text(time_node)
    for node in container.css("[class]"):
        if _DATE_CLASS.search(node.attributes.get("class") or "") and len(_text(node)) < 40:
            return _text(node)
    return ""


def _following_text(img: LexborNode) -> tuple[str, str]:
    """Caption-like text right after an image (or after its link/cell/row wrapper), and a credit."""
    node = img
    for _ in range(4):
        wrapper = node.parent
        sibling = node.next
        while sibling is not None and ((sibling.tag in ("-text", "br", "script", "#comment", "-comment")
                                        and not _text(sibling)) or _SLIDE_COUNTER.match(_text(sibling))):
            sibling = sibling.next  # skip blanks and slide counters ("3 of 10")
        if sibling is not None and sibling.tag not in ("img", "figure", "h1", "h2", "table") \
                and sibling.css_first("img") is None and not _mostly_link(sibling):
            text = _text(sibling)
            inner = next((c for c in sibling.css("span, div, p, small, em, i, b, strong")
                          if _CREDIT_LABEL.match(_text(c)) and len(_text(c)) < 200), None)
            if inner is not None and text.find(_text(inner)) >= MIN_CAPTION:
                return text[:text.find(_text(inner))].strip(), _CREDIT_LABEL.sub("", _text(inner))
            if len(text) >= MIN_CAPTION and len(text) < 3000:
                credit = ""
                nxt = sibling.next
                while nxt is not None and not _text(nxt):
                    nxt = nxt.next
                if nxt is not None and _CREDIT_LABEL.match(_text(nxt)):
                    credit = _CREDIT_LABEL.sub("", _text(nxt))
                return text, credit
        if wrapper is None or wrapper.tag in ("body", "article", "main") or len(_media(wrapper)) > 1:
            break
        node = wrapper
    return "", ""


def _heading_before(img: LexborNode) -> str:
    """A heading right above the image (or above its link wrapper): a slide's or card's title."""
    node = img.parent if img.parent is not None and img.parent.tag == "a" else img
    before = node.prev
    while before is not None and not _text(before) and before.tag in ("-text", "br", "#comment", "-comment"):
        before = before.prev
    if before is not None and (before.tag in ("h2", "h3", "h4", "h5")
                               or _TITLE_CLASS.search(before.attributes.get("class") or "")):
        text = _text(before)
        return text if len(text) < 200 else ""
    return ""


def _paragraphs_after(img: LexborNode) -> str:
    """The paragraphs that follow an image (or its wrapper), up to the next heading or credit label."""
    node = img
    for _ in range(3):
        parts, sibling = [], node.next
        while sibling is not None:
            text = _text(sibling)
            if sibling.tag in ("h1", "h2", "h3", "table", "form", "nav") or _CREDIT_LABEL.match(text) \
                    or _LABEL_ONLY_CREDIT.match(text) and text:
                break
            if sibling.tag == "p" and text:
                parts.append(text)
            sibling = sibling.next
        if parts:
            return "\n\n".join(parts)
        if node.parent is None:
            break
        node = node.parent
    return ""


def _credit_in(container: LexborNode, caption: LexborNode) -> str:
    """A credit element beside the caption (class names a credit, or text starts with a credit label)."""
    for node in container.css("[class], p, span, div"):
        if _is_ancestor(caption, node) or node.mem_id == caption.mem_id:
            continue
        text = _text(node)
        if not text or len(text) > 300:
            continue
        if "credit" in (node.attributes.get("class") or "").lower() or _CREDIT_LABEL.match(text):
            return _CREDIT_LABEL.sub("", text).strip()
    return ""


def _described_text(tree: LexborHTMLParser) -> str:
    best = ""
    for node in tree.css("[class]"):
        if not _DESCRIBED_CLASS.search(node.attributes.get("class") or "") or _in_junk(node):
            continue
        text = _text(node)
        if len(best) < len(text) <= 8000:
            best = text
    return best


def _mostly_link(node: LexborNode) -> bool:
    """A teaser card's text is a link to another page; a caption is not."""
    if node.tag == "a":
        return True
    total = len(_text(node))
    linked = sum(len(_text(a)) for a in node.css("a"))
    return total > 0 and linked >= 0.8 * total


def _labelled_text(tree: LexborHTMLParser, label: re.Pattern[str]) -> str:
    for node in tree.css("b, strong, dt, h2, h3, h4, th, span, em"):
        own = _text(node)
        if not label.match(own) or _in_junk(node):
            continue
        if node.tag == "dt":
            dd = node.next
            while dd is not None and dd.tag != "dd":
                dd = dd.next
            if dd is not None:
                return _text(dd)
        parts = []
        sibling = node.next
        while sibling is not None and sibling.tag not in ("h2", "h3", "h4", "dt", "hr"):
            if sibling.tag in ("table", "dl", "ul", "nav", "form") or sibling.css_first("table, dl") is not None:
                break
            text = _text(sibling)
            if sibling.tag in ("b", "strong") and _CREDIT_LABEL.match(text):
                break
            if text:
                parts.append(text)
            sibling = sibling.next
        text = " ".join(parts).strip()
        if len(text) >= MIN_CAPTION:
            return text
    return ""


def _credit_anywhere(tree: LexborHTMLParser) -> str:
    for node in tree.css("b, strong, dt, h4, h3, h2, th, span, div, p, td"):
        own = _text(node)
        if _LABEL_ONLY_CREDIT.match(own) and node.tag in ("h2", "h3", "h4", "dt", "b", "strong", "th"):
            if node.tag == "dt":
                dd = node.next
                while dd is not None and dd.tag != "dd":
                    dd = dd.next
                if dd is not None and _text(dd):
                    return _text(dd)
            section = node.tag in ("h2", "h3", "h4")
            parts, sibling = [], node.next
            while sibling is not None and sibling.tag not in ("h2", "h3") and len(" ".join(parts)) < 300:
                if _text(sibling):
                    parts.append(_text(sibling))
                    if not section:
                        break
                sibling = sibling.next
            if parts:
                return " ".join(parts)
        if len(own) > 300 or not _CREDIT_LABEL.match(own) or _in_junk(node):
            continue
        rest = _CREDIT_LABEL.sub("", own)
        if node.tag == "dt":
            dd = node.next
            while dd is not None and dd.tag != "dd":
                dd = dd.next
            return _text(dd) if dd is not None else rest
        if rest:
            return rest
        parts, sibling = [], node.next
        while sibling is not None and sibling.tag not in _BLOCK_TAGS and len(" ".join(parts)) < 300:
            if _text(sibling):
                parts.append(_text(sibling))
            sibling = sibling.next
        if parts:
            return re.sub(r"\s+([,;)])", r"\1", re.sub(r"\(\s+", "(", " ".join(parts)))
    for node in tree.css("b, strong"):
        if _text(node).strip().upper() == "CREDIT":
            sibling = node.next
            while sibling is not None and not _text(sibling):
                sibling = sibling.next
            if sibling is not None:
                return _text(sibling)
    return ""


def _json_image_objects(data: Any) -> Iterator[dict[str, str]]:
    """Objects that pair an image URL with a caption/title: JSON-LD ImageObject, slideshow arrays."""
    stack = [data]
    seen = 0
    while stack and seen < 100_000:
        value = stack.pop()
        seen += 1
        if isinstance(value, list):
            stack.extend(reversed(value))
            continue
        if not isinstance(value, dict):
            continue
        image = ""
        for key in ("contentUrl", "url", "src", "image", "imageUrl", "image_url", "file", "href", "full"):
            candidate = value.get(key)
            if isinstance(candidate, str) and _IMAGE_EXT.search(candidate):
                image = candidate
                break
        caption = next((value[k] for k in ("caption", "description", "desc", "text")
                        if isinstance(value.get(k), str) and len(value[k]) >= MIN_CAPTION), "")
        is_image_object = value.get("@type") == "ImageObject"
        if image and (caption if is_image_object or "@type" in value else caption or value.get("title")):
            yield {"image": image, "caption": caption,
                   "title": value.get("title") or value.get("name") or value.get("headline") or "",
                   "credit": value.get("credit") or value.get("creditText") or value.get("copyrightHolder") or "",
                   "date": value.get("datePublished") or value.get("date") or ""}
        stack.extend(v for v in value.values() if isinstance(v, (dict, list)))
