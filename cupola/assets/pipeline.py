"""Record step: local photos get their thumbnail and medium renditions inside the archive.

``process_assets(record, context)`` runs on new or changed records before they are stored. For each
asset with a local ``path`` and ``sha256`` it adds ``{"role": "thumb"|"medium", "path": <relative to
the archive>, "width", "height"}`` entries (skipped with ``--no-thumbnails``). The pHash and sha256
were computed when the file was read, so they are there either way.

When the record's id is already in the archive from another source (a NASA image found again as a
file with its nasa_id in XMP), the stored record is kept and the local file is added to it: the
images-api caption, keywords and links are richer than what the file carries.
"""

from __future__ import annotations

import copy
import json
import logging
import sqlite3
from collections import OrderedDict
from pathlib import Path
from typing import Any

from PIL import Image

from cupola.assets import renditions
from cupola.assets.image import Analysis, ImageProblem, analyse, needs_medium
from cupola.model import Record

log = logging.getLogger("cupola")
RECENT = 5000  # records remembered per run (more than one ingest batch) for same-batch merges
SUPPLEMENTARY = ("photo", "astro_photo")  # sources that add to a record rather than publish it
_FILL_FIELDS = ("title", "caption", "credit", "photographer", "secondary_creator", "center", "location_text",
                "taken_at", "taken_precision", "taken_source", "lat", "lon")


def _analysis_for(asset: dict[str, Any]) -> Analysis | None:
    cached = renditions.CACHE.take(asset["sha256"])
    if cached is not None and cached.thumb is not None:
        return cached
    try:
        return analyse(Path(asset["path"]).read_bytes())
    except (OSError, ImageProblem) as err:
        log.warning("no thumbnail for %s: %s", asset["path"], err)
        return None


def _size_of(archive_path: Path, rel: str) -> tuple[int | None, int | None]:
    try:
        with Image.open(archive_path / rel) as image:
            return image.size
    except OSError:
        return None, None


def _roles(asset: dict[str, Any]) -> list[str]:
    width, height = asset.get("width"), asset.get("height")
    big = bool(width and height) and needs_medium(width, height, asset.get("bytes") or 0, asset.get("format") or "")
    return ["thumb", "medium"] if big else ["thumb"]


def _rendition_entries(archive_path: Path, asset: dict[str, Any], roles: list[str],
                       known: dict[tuple[str, str], tuple[int, int]]) -> list[dict[str, Any]]:
    """Write the renditions this asset lacks (from the reader's cached decode, else a new one) and
    describe them; sizes come from the decode, the stored record (``known``) or the file itself."""
    sha = asset["sha256"]
    present = {role: renditions.exists(archive_path, role, sha) for role in roles}
    cached = renditions.CACHE.take(sha)  # taken either way, so the cache never keeps a rendered photo
    analysis = cached if cached is not None and cached.thumb is not None else None
    if not all(present.values()) and analysis is None:
        analysis = _analysis_for(asset)
        if analysis is None:
            return []
    sizes: dict[str, tuple[int, int] | None] = {}
    if analysis is not None:
        sizes = {"thumb": analysis.thumb_size, "medium": analysis.medium_size}
        for role, data in (("thumb", analysis.thumb), ("medium", analysis.medium)):
            if role in roles and data is not None and not present[role]:
                renditions.write(archive_path, role, sha, data, checked=True)
                present[role] = True
    entries = []
    for role in roles:
        if present[role]:
            rel = renditions.relative_path(role, sha)
            w, h = sizes.get(role) or known.get((role, sha)) or _size_of(archive_path, rel)
            entries.append({"role": role, "path": rel, "width": w, "height": h, "of": sha})
    return entries


def _stored(context: Any, record_id: str) -> Record | None:
    """The record as already stored under this id (read through a separate read-only connection)."""
    conn = getattr(context, "_assets_conn", None)
    if conn is None:
        db = Path(context.archive_path) / "cupola.db"
        if not db.exists():
            return None
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
        context._assets_conn = conn
    row = conn.execute("SELECT data FROM records WHERE id = ?", (record_id,)).fetchone()
    return Record.from_dict(json.loads(row[0])) if row else None


def _local_assets(record: Record) -> list[dict[str, Any]]:
    return [a for a in record.assets if a.get("path")]


def merge(record: Record, stored: Record) -> Record:
    """One record from the incoming copy and the one stored under the same id.

    A supplementary source (a photo file, a catalogue row) adds to what is stored; a primary source
    (a library record) replaces the content but keeps the stored local files and position.
    """
    if record.source in SUPPLEMENTARY and stored.source != record.source:
        base, extra = stored, record
        base.raw = {**stored.raw, f"from_{record.source}": record.raw}
        base.provenance = record.provenance
    else:
        base, extra = record, stored
    have = {a.get("sha256") or a.get("path") for a in base.assets if a.get("path")}
    for asset in _local_assets(extra):
        if (asset.get("sha256") or asset.get("path")) not in have and not (
                asset.get("of") and extra is stored and record.source == "photo"):
            base.assets.append(asset)
    fill = _FILL_FIELDS if stored.source != record.source else ("lat", "lon")
    for name in fill:
        if getattr(base, name) in (None, "") and getattr(extra, name) not in (None, ""):
            setattr(base, name, getattr(extra, name))
    if not base.keywords and extra.keywords:
        base.keywords = list(extra.keywords)
    return base


def _recent(context: Any) -> OrderedDict[str, Record]:
    """Records this run has already passed through the step (they may not be stored yet: ingest
    stores in batches), so two copies of one id in the same batch still merge."""
    recent = getattr(context, "_assets_recent", None)
    if recent is None:
        recent = context._assets_recent = OrderedDict()
    return recent


def process_assets(record: Record, context: Any) -> Record:
    known: dict[tuple[str, str], tuple[int, int]] = {}  # rendition sizes the stored copy describes
    if context.archive_path is not None:
        recent = _recent(context)
        stored = recent.get(record.id)
        if stored is None:
            try:
                stored = _stored(context, record.id)
            except sqlite3.Error as err:
                log.debug("cannot look up %s: %s", record.id, err)
        if stored is not None and (stored.source != record.source or _local_assets(stored)
                                   or stored.lat is not None):
            known = {(a["role"], a["of"]): (a["width"], a["height"]) for a in stored.assets
                     if a.get("of") and a.get("width") and a.get("height")}
            record = merge(record, copy.deepcopy(stored))
    record = _with_renditions(record, context, known)
    if context.archive_path is not None:
        recent = _recent(context)
        recent[record.id] = record
        recent.move_to_end(record.id)
        while len(recent) > RECENT:
            recent.popitem(last=False)
    return record


def _with_renditions(record: Record, context: Any, known: dict[tuple[str, str], tuple[int, int]]) -> Record:
    local = [a for a in record.assets if a.get("path") and a.get("sha256") and a.get("role") == "orig"]
    if not local or context.options.get("no_thumbnails") or context.archive_path is None:
        return record
    archive_path = Path(context.archive_path)
    have = {(a.get("role"), a.get("of")) for a in record.assets}
    for asset in local:
        roles = _roles(asset)
        if all((role, asset["sha256"]) in have and renditions.exists(archive_path, role, asset["sha256"])
               for role in roles):
            continue  # a copy merged in from the archive: its renditions are described and on disk
        for entry in _rendition_entries(archive_path, asset, roles, known):
            if (entry["role"], entry["of"]) not in have:
                record.assets.append(entry)
    return record
