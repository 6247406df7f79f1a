"""HTML node helpers for the gallery-page rules: text, attributes, page chrome, content images, URLs.

Shared by ``_html_items`` (the rules) and kept apart so each module stays one concept.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|tiff?|avif)(?:[?#].*)?$", re.IGNORECASE)
_JUNK_IMG = re.compile(r"logo|icon|sprite|avatar|badge|button|pixel|spacer|banner|flag|arrow|social|"
                       r"share|rss|feed|blank|loader|placeholder|emoji|PinExt", re.IGNORECASE)
_JUNK_CONTAINER = re.compile(r"\b(?:nav|navbar|menu|megamenu|footer|header|masthead|breadcrumb|sidebar|related|"
                             r"promo|share|social|cookie|newsletter|comments?|advert|ad-)\b", re.IGNORECASE)
_CAPTION_CLASS = re.compile(r"caption|imagecomment_txt|legend|image-text|img-text|wp-caption-text",
                            re.IGNORECASE)
_CREDIT_LABEL = re.compile(r"^\s*(?:image\s+|photo\s+|video\s+)?credits?(?:\s*(?:&|and)\s*copyright)?\s*[:\-–]\s*",
                           re.IGNORECASE)
_CAPTION_LABEL = re.compile(r"^\s*(?:caption|explanation|description|about (?:the|this) (?:image|photo)|"
                            r"original caption released with image)\s*:?\s*$", re.IGNORECASE)
_INLINE_CREDIT = re.compile(r"(?:^|\s)(?:Image |Photo |Video )?Credits?(?:\s*(?:&|and)\s*Copyright)?\s*:\s*(.+)$",
                            re.IGNORECASE)
_COPYRIGHT_LABEL = re.compile(r"credits?\s*(?:&|and)\s*copyright\s*:|copyright\s*:|©\s*\d{4}", re.IGNORECASE)
_LABEL_ONLY_CREDIT = re.compile(r"^\s*(?:image\s+|photo\s+)?credits?\s*:?\s*$", re.IGNORECASE)
_DESCRIBED_CLASS = re.compile(r"description|caption|explanation|summary|article-body|entry-content|body-text",
                              re.IGNORECASE)
_BRACKET_CREDIT = re.compile(r"\s*\[([^\[\]]{2,120})\]\s*\.?\s*$")
_DATE_CLASS = re.compile(r"date|time|published", re.IGNORECASE)
_TITLE_CLASS = re.compile(r"title|heading|headline", re.IGNORECASE)
_POST_TAIL = re.compile(r"[—–-]{1,2}\s*(?P<name>[^—–\n]{1,80}?)\s*\((?P<handle>@\w{1,30})\)\s*(?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4})\s*$")
_SLIDE_COUNTER = re.compile(r"^\s*(?:(?:image|photo|slide)\s+)?\d{1,3}\s*(?:of|/)\s*\d{1,3}\s*$", re.IGNORECASE)
_BLOCK_TAGS = ("br", "p", "div", "center", "b", "strong", "h1", "h2", "h3", "h4", "table", "ul", "dl", "hr")
_SPACES = re.compile(r"\s+")
MIN_CAPTION = 12  # characters: shorter text next to an image is a label, not a caption


def _text(node: LexborNode | None) -> str:
    if node is None:
        return ""
    return _SPACES.sub(" ", node.text(deep=True, separator=" ")).strip()


def _attr(node: LexborNode, *names: str) -> str:
    attrs = node.attributes
    for name in names:
        value = attrs.get(name)
        if value and value.strip():
            return value.strip()
    return ""


def _classes(node: LexborNode) -> str:
    return f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"


_JUNK_MEMO: dict[int, bool] = {}


def _in_junk(node: LexborNode) -> bool:
    """Inside navigation, menus, footers, sidebars (memoised along the ancestor chain)."""
    chain: list[int] = []
    parent: LexborNode | None = node
    verdict = False
    for _ in range(40):
        if parent is None or parent.tag in ("body", "html", "main", "article"):
            break
        known = _JUNK_MEMO.get(parent.mem_id)
        if known is not None:
            verdict = known
            break
        chain.append(parent.mem_id)
        if parent.tag in ("footer", "header") and _inside_article(parent):
            parent = parent.parent  # an article's own footer/header (e.g. a slide's "full image" link)
            continue
        if parent.tag in ("nav", "footer", "aside") or _JUNK_CONTAINER.search(_classes(parent)):
            verdict = True
            break
        parent = parent.parent
    for mem_id in chain:
        _JUNK_MEMO[mem_id] = verdict
    return verdict


def _inside_article(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == "article":
            return True
        parent = parent.parent
    return False


def _img_src(img: LexborNode) -> str:
    src = _attr(img, "data-src", "data-lazy-src", "data-original", "src")
    if not src or src.startswith("data:"):
        srcset = _attr(img, "srcset", "data-srcset")
        if srcset:
            src = srcset.split(",")[-1].strip().split(" ")[0]
    return "" if src.startswith("data:") else src


_CONTENT_MEMO: dict[int, bool] = {}


def _is_content_image(img: LexborNode) -> bool:
    key = img.mem_id
    found = _CONTENT_MEMO.get(key)
    if found is None:
        found = _CONTENT_MEMO[key] = _check_content_image(img)
    return found


def _check_content_image(img: LexborNode) -> bool:
    src = _img_src(img)
    if not src or _JUNK_IMG.search(src) or _JUNK_IMG.search(_classes(img)):
        return False
    if src.lower().split("?")[0].endswith(".svg") and "upload" not in src:
        return False
    for dim in ("width", "height"):
        value = img.attributes.get(dim) or ""
        if value.isascii() and value.isdigit() and int(value) < 40:
            return False
    return True


def _is_image_link(href: str) -> bool:
    """A link straight to an image file (not a wiki's "File:" description page named like one)."""
    return bool(_IMAGE_EXT.search(href)) and not re.search(r"/(?:File|Image|Datei|Fichier):", href)


def _url_key(url: str) -> str:
    return url.split("?", 1)[0].split("#", 1)[0].replace("https://", "//").replace("http://", "//")


def _links_to_page(img: LexborNode) -> bool:
    """An image inside a link to another HTML page is a teaser card, not a captioned photo."""
    parent = img.parent
    for _ in range(3):
        if parent is None:
            return False
        if parent.tag == "a":
            href = _attr(parent, "href")
            return bool(href) and not href.startswith(("#", "javascript:")) and not _IMAGE_EXT.search(href)
        parent = parent.parent
    return False


def _has_ancestor_in(node: LexborNode, ids: set[int], depth: int = 12) -> bool:
    parent = node.parent
    for _ in range(depth):
        if parent is None:
            return False
        if parent.mem_id in ids:
            return True
        parent = parent.parent
    return False


def _is_ancestor(a: LexborNode, b: LexborNode) -> bool:
    parent = b.parent
    for _ in range(30):
        if parent is None:
            return False
        if parent.mem_id == a.mem_id:
            return True
        parent = parent.parent
    return False


def _media(node: LexborNode) -> list[LexborNode]:
    return [m for m in node.css("img, video") if m.tag == "video" or _is_content_image(m)]


def _image_area(img: LexborNode) -> int:
    try:
        return int(img.attributes.get("width") or 300) * int(img.attributes.get("height") or 200)
    except ValueError:
        return 0


def reset_memos() -> None:
    """Forget the per-document memos (node ids are only unique within one parsed document)."""
    _CONTENT_MEMO.clear()
    _JUNK_MEMO.clear()
