"""Match keys: what two records must share before they are compared at all.

- ``id``: the record id in photo-id normal form (``AST-05-298`` = ``ast-005-298``): the same record
  published under spellings of one id.
- ``url``: an identical asset URL; ``sha``: identical file bytes; ``ph``: a piece of a 256-bit pHash
  (pigeonhole pieces, see ``cupola.dedupe.images.phash_chunks``) or a whole 64-bit pHash.
- ``rp``: LSH band keys of a dated caption's body mixed with its day (``republished_keys``): the same
  photo published by two NASA centers, each wrapping one caption in its own dateline, id and credit
  (KSC's ``81PC0137`` and JSC's ``S87-26113``: one timed exposure of STS-1 on its pad, 1981-03-05).
- ``series``: LSH band keys of the caption (``cupola.dedupe.minhash``); only stack seeds keep these.

Every key is a signed 64-bit integer (blake2b of ``kind:value``), so one SQLite table holds them all.
A key only proposes a candidate; ``verify_strong`` decides.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from rensa import RMinHash

from cupola.dedupe.images import ImageRefused, hash_image, phash_chunks, phash_distance, same_photo
from cupola.dedupe.text import body_tokens, conflicting, designators, id_form, jaccard, shingles
from cupola.model import Record

log = logging.getLogger("cupola")
_URL_ROLES = ("orig", "large", "medium", "alternate")
_MIN_ID_FORM = 5  # ids shorter than this ("1", "a-2") are too generic to link records on
# Republished captions: bodies whose word 3-shingles agree this much, dated the same day by two
# different centers. On the 24,067 dev records, the 14 such pairs at >= 0.70 are all one photo (or one
# frame of the other center's series) captioned twice; the next ones down (0.59: "astronaut Winston
# Scott works with..." vs "astronaut Takao Doi works with...") are different photos.
REPUBLISHED_MIN = 0.70
_RP_BANDS, _RP_ROWS = 4, 3  # candidates (same day only): content-word Jaccard 0.9 -> 0.99, 0.75 -> 0.89, 0.3 -> 0.10
_RP_SEED = 20261
_MASK, _MULT = (1 << 64) - 1, 0x9E3779B97F4A7C15
_RP_KEY_WORDS, _RP_KEY_CHARS = 40, 400  # keys from the body's opening only; the check reads the whole body
_RP_STOP = frozenset("a an and are as at be by for from in into is it its of on or that the this to was with".split())


def key_of(kind: str, value: str) -> int:
    digest = hashlib.blake2b(f"{kind}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass
class Published:
    """Who published a caption and for which day; its body (``text.body_tokens``) is read on demand."""
    day: str
    center: str
    record: Record
    _body: list[str] | None = None
    _shingles: set[str] | None = None

    @property
    def opening(self) -> list[str]:
        """The body's first words (what the match keys are made of: cheap, and enough to meet)."""
        if self._body is not None:
            return self._body[:_RP_KEY_WORDS]
        return (body_tokens(self.record, _RP_KEY_CHARS) or [])[:_RP_KEY_WORDS]

    @property
    def body(self) -> list[str]:
        if self._body is None:
            self._body = body_tokens(self.record) or []
        return self._body

    @property
    def shingles(self) -> set[str]:
        if self._shingles is None:
            self._shingles = shingles(self.body)
        return self._shingles


@dataclass
class StrongKeys:
    id_form: str
    urls: set[str] = field(default_factory=set)
    shas: set[str] = field(default_factory=set)
    phashes: set[str] = field(default_factory=set)
    published: Published | None = None

    def keys(self) -> dict[int, str]:
        out: dict[int, str] = {}
        if len(self.id_form.replace(".", "")) >= _MIN_ID_FORM:
            out[key_of("id", self.id_form)] = "id"
        out.update({key_of("url", u): "url" for u in self.urls})
        out.update({key_of("sha", s): "sha" for s in self.shas})
        for phash in self.phashes:
            out.update({key_of("ph", piece): "ph" for piece in phash_chunks(phash)})
        return out

    def republished_keys(self) -> list[int]:
        """The ``rp`` keys: kept apart from ``keys()`` because only a record that starts a cluster registers
        them (like a series seed, it stands for the records that join it: they share its day and body)."""
        return republished_keys(self.published) if self.published is not None else []


def republished_keys(published: Published) -> list[int]:
    """LSH band keys of the body's content words, each mixed with the day: only same-day captions meet."""
    opening = published.opening
    if not opening:
        return []
    words = [w for w in opening if w not in _RP_STOP] or opening
    minhash = RMinHash(num_perm=_RP_BANDS * _RP_ROWS, seed=_RP_SEED)
    minhash.update(words)
    digest = minhash.digest()
    day = key_of("rp", published.day) & _MASK
    out = []
    for band in range(_RP_BANDS):
        key = day ^ band
        for value in digest[band * _RP_ROWS:(band + 1) * _RP_ROWS]:
            key = ((key ^ value) * _MULT) & _MASK
        out.append(key - (1 << 64) if key >> 63 else key)
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
    out = StrongKeys(id_form(record.id), published=_published(record))
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


def _published(record: Record) -> Published | None:
    if not record.center or record.taken_precision != "day" or not record.taken_at or not record.caption:
        return None
    return Published(record.taken_at[:10], record.center, record)


def republished(a: Published | None, b: Published | None) -> float:
    """How alike two captions' bodies are when two different centers published them for one day; else 0."""
    if a is None or b is None or a.day != b.day or a.center == b.center:
        return 0.0
    if not a.body or not b.body or 2 * min(len(a.body), len(b.body)) < max(len(a.body), len(b.body)):
        return 0.0
    score = jaccard(a.shingles, b.shingles)
    if score < REPUBLISHED_MIN or conflicting(designators(a.body), designators(b.body)):
        return 0.0
    return score


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
    if score := republished(a.published, b.published):
        return "photo", (f"one caption ({score:.2f} alike) published by {a.published.center} and "
                         f"{b.published.center} for {a.published.day}")
    return None
