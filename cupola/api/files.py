"""Files: local assets of records, NASA-style asset manifests and metadata.json, the placeholder.

A record's local asset is addressed by the record id and the asset's position (``/media/{id}/{n}``),
never by a path from the URL, so a request cannot name an arbitrary file. Archive-relative paths
(generated thumbnails under ``<archive>/thumbs/``, ``<archive>/medium/``) must resolve inside the
archive; absolute paths (originals a person ingested) are served only when they are media files.
A missing file falls back to the record's own preview URL, else to a neutral placeholder image.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from cupola.api import collection as cj
from cupola.api.context import base_url, run, state_of
from cupola.api.errors import ApiError
from cupola.model import Record

router = APIRouter(tags=["files"])

PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240" viewBox="0 0 320 240">'
    '<rect width="320" height="240" fill="#1b2230"/>'
    '<circle cx="160" cy="108" r="34" fill="none" stroke="#56627a" stroke-width="4"/>'
    '<path d="M118 170h84" stroke="#56627a" stroke-width="4" stroke-linecap="round"/>'
    '<text x="160" y="205" fill="#8a96ad" font-family="sans-serif" font-size="14" text-anchor="middle">'
    'no image</text></svg>')
MEDIA_PREFIXES = ("image/", "video/", "audio/")
RENDITION_FOLDERS = ("thumbs", "medium")


def placeholder() -> Response:
    return Response(PLACEHOLDER_SVG, media_type="image/svg+xml", headers={"Cache-Control": "max-age=3600"})


def safe_local_path(archive_root: Path, value: str) -> Path | None:
    """The file an asset ``path`` names, or None when it is outside what may be served."""
    root = archive_root.resolve()
    candidate = Path(value)
    if not candidate.is_absolute():  # generated renditions only: never the database or the indexes
        resolved = (root / candidate).resolve()
        if not any(resolved.is_relative_to(root / folder) for folder in RENDITION_FOLDERS):
            return None
    else:
        resolved = candidate.resolve()
    kind, _ = mimetypes.guess_type(resolved.name)
    if not kind or not kind.startswith(MEDIA_PREFIXES):
        return None
    return resolved


def _record(request: Request, record_id: str) -> Record:
    record = state_of(request).archive().get(record_id, with_provenance=False)
    if record is None:
        raise ApiError(404, f"no record {record_id!r}")
    return record


@router.get("/media/{record_id:path}/{position}", summary="A record's local asset (thumbnail, original)")
async def media(request: Request, record_id: str, position: str) -> Response:
    if not (position.isascii() and position.isdigit()) and position != "preview":
        raise ApiError(400, "asset position must be a number or 'preview'")
    record = await run(request, _record, request, record_id)
    if position == "preview":
        return _preview(request, record)
    index = int(position)
    if index >= len(record.assets):
        raise ApiError(404, f"record {record_id!r} has no asset {index}")
    asset = record.assets[index]
    value = asset.get("path")
    if isinstance(value, str) and value:
        path = safe_local_path(state_of(request).archive_path, value)
        if path is None:
            raise ApiError(403, "refused: that asset path is outside what this server serves")
        if path.is_file():
            return FileResponse(path, headers={"Cache-Control": "max-age=86400"})
    fallback = asset.get("href") or record.preview_url()
    if fallback and fallback.startswith(("https://", "http://")):
        return RedirectResponse(fallback, status_code=307)
    return placeholder()


def _preview(request: Request, record: Record) -> Response:
    """The record's thumbnail: a local file when there is one, else its own preview URL, else the placeholder."""
    for role in cj.PREVIEW_ROLES:
        for asset in record.assets:
            if asset.get("role") == role and asset.get("path"):
                path = safe_local_path(state_of(request).archive_path, asset["path"])
                if path is not None and path.is_file():
                    return FileResponse(path, headers={"Cache-Control": "max-age=86400"})
    href = record.preview_url()
    if href and href.startswith(("https://", "http://")):
        return RedirectResponse(href, status_code=307)
    return placeholder()


@router.get("/placeholder.svg", include_in_schema=False)
async def placeholder_route() -> Response:
    return placeholder()


@router.get("/assets/{record_id:path}/collection.json", summary="NASA-style list of a record's files")
async def asset_list(request: Request, record_id: str) -> JSONResponse:
    record = await run(request, _record, request, record_id)
    return JSONResponse(cj.manifest_urls(base_url(request), record))


@router.get("/assets/{record_id:path}/metadata.json", summary="NASA-style metadata.json of a record")
async def asset_metadata(request: Request, record_id: str) -> JSONResponse:
    record = await run(request, _record, request, record_id)
    return JSONResponse(cj.metadata_document(record))
