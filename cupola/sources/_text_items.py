"""Photo items in a plain-text capture of a gallery page (the page's text, images dropped).

What survives of each photo is text, so the rules read its shapes:
- an embedded social post: its text, then a line "— Name (@handle) Date" (credit and date);
- numbered slides: a line "3 of 10" (or "Image 3 of 10") opens an item: heading, caption, credit;
- heading + caption: a short title line directly followed by a caption paragraph, repeated;
- otherwise every paragraph after the introduction (which ends at a line ending in ":") is a
  caption; a short line of names after a caption, or a trailing ". NASA" is its credit.
"""

from __future__ import annotations

import re
from typing import Any

_POST = re.compile(r"^\s*[—–-]{1,2}\s*(?P<name>[^\n]{1,80}?)\s*\((?P<handle>@\w{1,30})\)\s*(?P<date>.{0,40})$")
_END = re.compile(r"^(?:editors[’']? (?:recommendations|picks)|related (?:articles|stories|posts)|recommended(?: for you)?|"
                  r"more (?:from|stories|on)|you might also like|read (?:more|next)|comments?|about the author|"
                  r"join our|get the .{0,40}newsletter|sign up for|subscribe to)\b",
                  re.IGNORECASE)
_SLIDE = re.compile(r"^\s*(?:(?:image|photo|slide|picture)\s+)?(\d{1,3})\s*(?:of|/)\s*(\d{1,3})\s*$", re.IGNORECASE)
_CREDIT_LINE = re.compile(r"^\s*(?:image\s+|photo\s+)?credits?\s*:\s*(.+)$", re.IGNORECASE)
_NAMES = re.compile(r"^(?:[A-Z][\w.'’\-]*|of|and|&|the|via|/)(?:[ /](?:[A-Z][\w.'’\-]*|of|and|&|the|via|/)){0,5}$")
_TRAILING_CREDIT = re.compile(r"(?<=[.!?”\"])\s+((?:[A-Z][\w'’\-]*\.?)(?:[ /](?:[A-Z][\w'’\-]*\.?|of|and|&)){0,4})\s*$")
_BOILERPLATE = re.compile(r"^(?:skip to (?:main )?content|advertisement|share|read more|related|menu|search)\b",
                          re.IGNORECASE)


def _blocks(text: str) -> list[str]:
    """Paragraphs when the capture separates them by blank lines; otherwise lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    blocks = paragraphs if len(paragraphs) * 2 >= len(lines) else lines
    for index, block in enumerate(blocks):
        if index > 3 and _END.match(block):
            blocks = blocks[:index]
            break
    return [" ".join(b.split()) if "\n" in b else b for b in blocks if not _BOILERPLATE.match(b)]


def _is_heading(block: str) -> bool:
    return len(block) <= 80 and not block.rstrip().endswith((".", ":", "”", '"')) \
        and len(block.split()) <= 12


def _is_credit(block: str) -> bool:
    return len(block) <= 60 and bool(_NAMES.match(block.strip())) and not block.strip().endswith(".")


def _split_credit(caption: str) -> tuple[str, str]:
    match = _CREDIT_LINE.search(caption)
    if match and match.start() > 0:
        return caption[:match.start()].strip(), match.group(1).strip()
    trailing = re.search(r"(?:^|\s)(?:Image |Photo )?Credits?:\s*(.+)$", caption, re.IGNORECASE)
    if trailing:
        return caption[:trailing.start()].strip(), trailing.group(1).strip()
    match = _TRAILING_CREDIT.search(caption)
    if match and len(match.group(1)) <= 40 and len(match.group(1).split()) <= 4:
        return caption[:match.start()].strip(), match.group(1).strip()
    return caption, ""


def extract(text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(page facts, items) from a text capture."""
    blocks = _blocks(text)
    if not blocks:
        return {}, []
    page = {"title": blocks[0] if len(blocks[0]) < 200 else ""}
    body = blocks[1:] if page["title"] else blocks
    items: list[dict[str, Any]] = []
    if any(_SLIDE.match(b) for b in body):
        return page, _slides(body)
    pairs = sum(1 for a, b in zip(body, body[1:], strict=False) if _is_heading(a) and len(b) > 80)
    heading_mode = pairs >= 3 and pairs * 3 >= len(body)
    start = 0
    for index, block in enumerate(body[: max(1, len(body) * 2 // 5)]):
        if block.endswith(":"):
            start = index + 1
    if heading_mode:
        start = 0
    pending_heading = ""
    index = start
    while index < len(body):
        block = body[index]
        post = _POST.match(block)
        if post and items:
            last = items[-1]
            last.update(credit=f"{post['name'].strip()} ({post['handle']})", date=post["date"].strip(),
                        layout="social-post")
            if len(items) >= 2 and items[-2].get("layout") == "paragraph" and not items[-2].get("post"):
                intro = items.pop(-2)
                last["heading"] = intro["caption"]
            last["post"] = True
        elif heading_mode and _is_heading(block) and index + 1 < len(body) and not _is_heading(body[index + 1]):
            pending_heading = block
        elif _is_credit(block) and items and not items[-1]["credit"]:
            items[-1]["credit"] = block
        elif _CREDIT_LINE.match(block) and items and not items[-1]["credit"]:
            items[-1]["credit"] = _CREDIT_LINE.match(block).group(1).strip()
        elif len(block) >= 20:
            caption, credit = _split_credit(block)
            items.append({"layout": "heading-caption" if pending_heading else "paragraph",
                          "heading": pending_heading, "caption": caption, "credit": credit, "date": "",
                          "image": ""})
            pending_heading = ""
        index += 1
    for item in items:
        item.pop("post", None)
    return page, items


def _slides(body: list[str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for block in body:
        slide = _SLIDE.match(block)
        if slide:
            current = {"layout": "numbered-slide", "slide": f"{slide.group(1)} of {slide.group(2)}",
                       "heading": "", "caption": "", "credit": "", "date": "", "image": ""}
            items.append(current)
            continue
        if current is None:
            continue
        credit = _CREDIT_LINE.match(block)
        if credit:
            current["credit"] = credit.group(1).strip()
        elif not current["heading"] and not current["caption"] and _is_heading(block):
            current["heading"] = block
        elif not current["caption"]:
            current["caption"], current["credit"] = _split_credit(block)
        elif _is_credit(block) and not current["credit"]:
            current["credit"] = block
        else:
            current["caption"] = f"{current['caption']}\n\n{block}"
    return [i for i in items if i["caption"] or i["heading"]]
