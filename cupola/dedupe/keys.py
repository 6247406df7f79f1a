"""Match keys: what two records must share before they are compared at all.

- ``id``: the record id in photo-id normal form (``AST-05-298`` = ``ast-005-298``): the same record
  published under spellings of one id.
- ``url``: an identical asset URL; ``sha``: identical file bytes; ``ph``: a piece of a 256-bit pHash
  (pigeonhole pieces, see ``cupola.dedupe.images.phash_chunks``) or a whole 64-bit pHash.
- ``series``: LSH band keys of the caption (``cupola.dedupe.minhash``); only stack seeds keep these.

Every key is a signed 64-bit integer (blake2b of ``kind:value``), so one SQLite table holds them all.
A key only proposes a candidate; ``verify_strong`` decides.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from cupola.dedupe.images import ImageRefused, hash_image, phash_chunks, phash_distance, same_photo
from cupola.dedupe.text import id_form
from cupola.model import Record

log = logging.getLogger("cupola")
_URL_ROLES = ("orig", "large", "medium", "alternate")
_MIN_ID_FORM = 5  # ids shorter than this ("1", "a-2") are too generic to link records on


def key_of(kind: str, value: str) -> int:
    digest = hashlib.blake2b(f"{kind}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass
class StrongKeys:
    id_form: str
    urls: set[str] = field(default_factory=set)
    shas: set[str] = field(default_factory=set)
    phashes: set[str] = field(default_factory=set)

    def keys(self) -> dict[int, str]:
        out: dict[int, str] = {}
        if len(self.id_form.replace(".", "")) >= _MIN_ID_FORM:
            out[key_of("id", self.id_form)] = "id"
        out.update({key_of("url", u): "url" for u in self.urls})
        out.update({key_of("sha", s): "sha" for s in self.shas})
        for phash in self.phashes:
            out.update({key_of("ph", piece): "ph" for piece in phash_chunks(phash)})
        return out


def _canonical_url(href: str) -> str:
    href = href.strip()
    for prefix in ("https://", "http://"):
        if href.lower().startswith(prefix):
            href = href[len(prefix):]
    return href.replace(" ", "%20")


def ensure_phash256(asset: dict) -> str | None:
    """A local asset's 256-bit pHash, computed (and kept on the asset) when only a 64-bit one is there."""
    phash = asset.get("phash256") or (asset.get("phash") if len(asset.get("phash") or "") >= 64 else None)
    if phash or not asset.get("path"):
        return phash
    try:
        phash = hash_image(Path(asset["path"])).phash
    except ImageRefused as err:
        log.info("no pHash for %s: %s", asset["path"], err)
        return None
    asset["phash256"] = phash
    return phash


def strong_keys(record: Record) -> StrongKeys:
    out = StrongKeys(id_form(record.id))
    for asset in record.assets:
        if asset.get("of"):  # our own thumbnail/medium renditions of a local file
            continue
        href = asset.get("href")
        if href and asset.get("role") in _URL_ROLES:
            out.urls.add(_canonical_url(href))
        if asset.get("sha256"):
            out.shas.add(asset["sha256"])
        phash = ensure_phash256(asset) if asset.get("path") else (asset.get("phash256") or asset.get("phash"))
        if phash:
            out.phashes.add(phash)
    return out


def verify_strong(a: StrongKeys, b: StrongKeys) -> tuple[str, str] | None:
    """(link kind, reason) when a and b are the same photo or the same record; None otherwise."""
    if a.shas & b.shas:
        return "photo", "same file (sha256)"
    if a.urls & b.urls:
        return "photo", "same asset URL"
    for pa in a.phashes:
        for pb in b.phashes:
            if same_photo(pa, pb):
                return "photo", f"pHash {phash_distance(pa, pb)} of {len(pa) * 4} bits apart"
    if len(a.id_form.replace(".", "")) >= _MIN_ID_FORM and a.id_form == b.id_form:
        return "record", "same id"
    return None
