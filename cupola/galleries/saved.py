"""Saved custom galleries, stored in the archive (migration 3, table ``galleries``).

A saved gallery is a title and its entries in order: ``{"id", "phase"?, "heading"?, "caption"?}``.
Headings and captions given there replace the record's own (an editor's retitling); the rest (credit,
date, image, cluster) is read from the archive each time, so it follows the records. Entries whose
record has gone are skipped and reported in the gallery's notes.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from cupola.archive import Archive
from cupola.errors import NotFound, UsageError
from cupola.galleries.items import make_item, publishable
from cupola.galleries.model import Gallery, Phase, Subject

MAX_ENTRIES = 1000
DEFAULT_PHASE = "Gallery"


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", (title or "").lower()).strip("-")
    return slug[:80] or "gallery"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _entries(entries: list[Any]) -> list[dict[str, str]]:
    out = []
    for entry in entries:
        if isinstance(entry, str):
            entry = {"id": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"].strip():
            raise UsageError(f"a gallery entry needs a record id, got {entry!r}")
        clean = {"id": entry["id"].strip()}
        for key in ("phase", "heading", "caption"):
            if isinstance(entry.get(key), str) and entry[key].strip():
                clean[key] = entry[key].strip()
        out.append(clean)
    if len(out) > MAX_ENTRIES:
        raise UsageError(f"a gallery holds at most {MAX_ENTRIES} photos, got {len(out)}")
    return out


def save_gallery(archive: Archive, title: str, entries: list[Any], *, slug: str | None = None,
                 subject: dict[str, Any] | None = None) -> str:
    """Create or replace a saved gallery; returns its slug. Record ids must exist in the archive."""
    if not title or not title.strip():
        raise UsageError("a saved gallery needs a title")
    clean = _entries(entries)
    found = archive.get_many([e["id"] for e in clean])
    missing = [e["id"] for e in clean if e["id"] not in found]
    if missing:
        raise NotFound(f"no record {missing[0]!r} in this archive" + (f" (and {len(missing) - 1} more)"
                                                                     if len(missing) > 1 else ""),
                       hint="use ids shown by `cupola search` or `cupola gallery --format json`")
    slug = slugify(slug or title)
    now = _now()
    with archive.writing(), archive.transaction() as conn:
        row = conn.execute("SELECT created_at FROM galleries WHERE slug = ?", (slug,)).fetchone()
        conn.execute("INSERT OR REPLACE INTO galleries VALUES (?, ?, ?, ?, ?, ?)",
                     (slug, title.strip(), json.dumps(subject) if subject else None, json.dumps(clean),
                      row[0] if row else now, now))
    return slug


def save_from(archive: Archive, gallery: Gallery, *, title: str | None = None, slug: str | None = None) -> str:
    """Keep a built gallery (e.g. a mission story) as a saved one an editor can then rework."""
    entries = [{"id": item.id, "phase": phase.name} for phase in gallery.phases for item in phase.items]
    return save_gallery(archive, title or gallery.title, entries, slug=slug, subject=gallery.subject.to_dict())


def list_saved(archive: Archive) -> list[dict[str, Any]]:
    rows = archive.conn.execute("SELECT slug, title, entries, updated_at FROM galleries ORDER BY updated_at DESC")
    return [{"slug": s, "title": t, "photos": len(json.loads(e)), "updated_at": u} for s, t, e, u in rows]


def load_gallery(archive: Archive, slug: str) -> Gallery:
    row = archive.conn.execute("SELECT title, subject, entries FROM galleries WHERE slug = ?",
                               (slugify(slug),)).fetchone()
    if row is None:
        raise NotFound(f"no saved gallery {slug!r}", hint="`cupola gallery saved` lists them")
    title, subject_json, entries_json = row
    entries = json.loads(entries_json)
    records = archive.get_many([e["id"] for e in entries])
    phases: list[Phase] = []
    notes = []
    for entry in entries:
        record = records.get(entry["id"])
        if record is None:
            notes.append(f"record {entry['id']} is no longer in the archive")
            continue
        if not publishable(record):
            notes.append(f"record {entry['id']} left out: no image to show, or a third-party photo without a credit")
            continue
        item = make_item(record, base=archive.path)
        item.heading = entry.get("heading", item.heading)
        item.caption = entry.get("caption", item.caption)
        name = entry.get("phase") or DEFAULT_PHASE
        if not phases or phases[-1].name != name:
            phases.append(Phase(name, slugify(name)))
        phases[-1].items.append(item)
    base = json.loads(subject_json) if subject_json else {}
    dates = base.get("dates") or {}
    subject = Subject(base.get("name") or title, "saved", dates.get("start"), dates.get("end"),
                      list(base.get("crew") or []))
    return Gallery(title, subject, phases, notes=notes, candidates=len(entries))


def delete_gallery(archive: Archive, slug: str) -> bool:
    with archive.writing(), archive.transaction() as conn:
        return conn.execute("DELETE FROM galleries WHERE slug = ?", (slugify(slug),)).rowcount > 0
