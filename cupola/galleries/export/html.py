"""The static HTML export: one folder (index.html, gallery.css, gallery.js, gallery.json, images/) that
works from a file:// URL and from any static host. No fetch, no CDN, no build step.

Everything from a record is escaped; only http(s) URLs and files copied into the folder are linked.
Local images (photo folders) are copied into ``images/`` so the folder stands alone; remote ones
(images.nasa.gov) are referenced, and a card whose image cannot load shows its heading instead.
"""

from __future__ import annotations

import hashlib
import shutil
from html import escape
from pathlib import Path

from cupola.errors import UsageError
from cupola.galleries.export.site_assets import CSS, JS
from cupola.galleries.export.text import date_label, to_json
from cupola.galleries.model import Gallery, Item


def _safe_url(value: str | None) -> str | None:
    if value and value.lower().startswith(("https://", "http://")):
        return value
    return None


def _local_copy(value: str | None, folder: Path, copied: dict[str, str]) -> str | None:
    """Copy a local image into the export; return its relative URL (or the remote URL, or None)."""
    remote = _safe_url(value)
    if remote or not value:
        return remote
    path = Path(value[7:] if value.startswith("file://") else value)
    if not path.is_file():
        return None
    if value not in copied:
        digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
        name = f"{digest}{path.suffix.lower() or '.jpg'}"
        (folder / "images").mkdir(exist_ok=True)
        shutil.copyfile(path, folder / "images" / name)
        copied[value] = f"images/{name}"
    return copied[value]


def _card(item: Item, image: str | None, thumb: str | None) -> str:
    heading = escape(item.heading)
    credit = escape(item.credit or "")
    when = escape(date_label(item.taken_at, item.taken_precision))
    link = _safe_url(item.link)
    ident = f'<a href="{escape(link)}" rel="noopener">{escape(item.id)}</a>' if link else escape(item.id)
    rights = ' data-rights="third_party"' if item.rights == "third_party" else ""
    return (
        f'<figure class="card" id="item-{escape(item.id)}"{rights}>'
        f'<a class="open" href="{escape(image or thumb or "")}" data-alt="{heading}">'
        f'<img src="{escape(thumb or image or "")}" alt="{heading}" loading="lazy" decoding="async"></a>'
        f"<figcaption><h3>{heading}</h3>"
        + (f'<p class="caption">{escape(item.caption)}</p>' if item.caption else "")
        + f'<p class="meta"><time datetime="{escape(item.taken_at or "")}">{when}</time> · '
        f'<span class="credit">Credit: {credit}</span> · {ident}</p>'
        "</figcaption></figure>"
    )


def render(gallery: Gallery, folder: Path | None = None) -> str:
    folder = folder or Path(".")
    copied: dict[str, str] = {}
    subject = gallery.subject
    facts = []
    if subject.start:
        span = date_label(subject.start, "day")
        if subject.end and subject.end != subject.start:
            span += " – " + date_label(subject.end, "day")
        facts.append(escape(span))
    if subject.crew:
        facts.append("Crew: " + escape(", ".join(subject.crew)))
    count = len(gallery.items)
    facts.append(f"{count} photo{'s' if count != 1 else ''}")
    phases = [p for p in gallery.phases if p.items]
    nav = "".join(f'<li><a href="#phase-{escape(p.key)}">{escape(p.name)}</a></li>' for p in phases)
    sections = []
    for phase in phases:
        cards = "".join(_card(i, _local_copy(i.image, folder, copied), _local_copy(i.thumbnail, folder, copied))
                        for i in phase.items)
        sections.append(
            f'<section class="phase" id="phase-{escape(phase.key)}"><h2>{escape(phase.name)}'
            f'<span class="count">{len(phase.items)}</span></h2><div class="grid">{cards}</div></section>')
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in gallery.notes)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Cupola">
<title>{escape(gallery.title)}</title>
<link rel="stylesheet" href="gallery.css">
</head>
<body>
<header class="top"><h1>{escape(gallery.title)}</h1><p class="facts">{" · ".join(facts)}</p>{notes}</header>
{f'<nav class="phases" aria-label="Phases"><ol>{nav}</ol></nav>' if phases else ""}
<main>
{"".join(sections)}
</main>
<footer>Made with Cupola from the archive's records. Each photo shows its credit; photos credited to a
third party belong to that holder.</footer>
<div class="lightbox" id="lightbox" hidden role="dialog" aria-modal="true" aria-label="Photo viewer">
<div class="stage"><img alt=""></div>
<div class="text"><h3></h3><p class="lb-caption"></p><p class="meta"></p></div>
<button class="prev" type="button" aria-label="Previous photo">&#8249;</button>
<button class="next" type="button" aria-label="Next photo">&#8250;</button>
<button class="close" type="button" aria-label="Close">&#215;</button>
</div>
<script src="gallery.js"></script>
</body>
</html>
"""


def write_html(gallery: Gallery, out: str | Path) -> Path:
    """Write the site into the folder ``out`` (created; files of an earlier export are replaced)."""
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise UsageError("--out must be a folder for the HTML export", where=str(folder),
                         hint="give a directory path, e.g. --out apollo-11-gallery")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(render(gallery, folder), encoding="utf-8")
    (folder / "gallery.css").write_text(CSS.lstrip(), encoding="utf-8")
    (folder / "gallery.js").write_text(JS.lstrip(), encoding="utf-8")
    (folder / "gallery.json").write_text(to_json(gallery), encoding="utf-8")
    return folder / "index.html"
