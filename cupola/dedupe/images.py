"""Image identity: file hash and a 256-bit perceptual hash, and how far apart two hashes are.

``hash_image(path)`` is the helper the asset stage calls for local photos. The perceptual hash is
imagehash's pHash at ``hash_size=16`` (256 bits), computed on a grey image decoded in JPEG draft mode
(a few milliseconds per photo; progressive JPEGs are first cut down to the scans that decode reads, see
``cupola.dedupe.progressive``). 16x16 is used rather than the common 8x8 because the 64-bit hash
cannot tell consecutive burst frames from copies: on the real photos in tests/fixtures/dedupe the
burst pair art002e009013/009014 is 2 bits apart at 8x8 but 12 of 256 at 16x16, while resized and
recompressed copies stay within 2 of 256. Two hashes name the same photo within ``PHASH_MAX_BITS``.

Refused inputs (0-byte, truncated, corrupt, decompression bombs above ``MAX_PIXELS``) raise
``ImageRefused`` with a message that says what is wrong and what to do.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import imagehash
from PIL import Image, UnidentifiedImageError

from cupola.assets.image import keep_decode_memory
from cupola.dedupe.progressive import coarse_stream
from cupola.errors import SourceError

MAX_PIXELS = 150_000_000  # same limit as cupola.assets.image: beyond any real frame or scan
HASH_SIZE = 16  # 16x16 = 256-bit pHash
PHASH_MAX_BITS = 6  # copies measured <= 2 of 256 bits apart, burst frames >= 12
PHASH64_MAX_BITS = 0  # 64-bit hashes (other tools): burst frames can be 2 apart, so exact only
log = logging.getLogger("cupola")
_DRAFT_EDGE = 256  # decode at the JPEG scale nearest 256 px: enough detail for a stable 16x16 pHash


class ImageRefused(SourceError):
    """A file that cannot be hashed as an image (empty, damaged, not an image, too many pixels)."""


@dataclass(frozen=True)
class ImageHashes:
    sha256: str
    phash: str  # hex, 64 characters (256 bits)
    width: int
    height: int

    def to_dict(self) -> dict[str, object]:
        return {"sha256": self.sha256, "phash": self.phash, "width": self.width, "height": self.height}


def hash_image(path: str | Path) -> ImageHashes:
    """File sha256 + 256-bit pHash + pixel size of one image file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ImageRefused(f"cannot read ({err.strerror})", where=str(path), hint="check the path") from None
    if not data:
        raise ImageRefused("empty file (0 bytes)", where=str(path), hint="copy the photo again from its source")
    return hash_bytes(data, where=str(path))


def hash_bytes(data: bytes, *, where: str = "<bytes>") -> ImageHashes:
    keep_decode_memory()  # progressive JPEGs: reuse the decoder's buffer instead of faulting it in per image
    digest = hashlib.sha256(data).hexdigest()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise ImageRefused("not an image Pillow can read", where=where,
                           hint="re-export the file or remove it") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise ImageRefused(f"refused as a possible decompression bomb ({err})", where=where,
                           hint="downscale it first if it is genuine") from None
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageRefused(f"impossible size {width}x{height}", where=where, hint="the file is damaged")
    if width * height > MAX_PIXELS:
        raise ImageRefused(f"{width}x{height} = {width * height / 1e6:.0f} megapixels is above the limit of "
                           f"{MAX_PIXELS / 1e6:.0f} (possible decompression bomb); refused without decoding",
                           where=where, hint="downscale it first if it is genuine")
    try:
        grey = _coarse_grey(image, data) if image.format == "JPEG" else None
        if grey is None:
            grey = _grey(image)
    except (OSError, SyntaxError, ValueError) as err:
        raise ImageRefused(f"cannot be decoded ({err})", where=where,
                           hint="the file is truncated or corrupt: copy it again from its source") from None
    return ImageHashes(digest, str(imagehash.phash(grey, hash_size=HASH_SIZE)), width, height)


def _grey(image: Image.Image) -> Image.Image:
    """The (4 * hash_size)^2 grey image pHash reads; JPEGs decoded at the DCT scale nearest 256 px.

    A box filter gets there ten times faster than imagehash's own Lanczos resize, and every hash here
    is made the same way.
    """
    if image.format == "JPEG":
        image.draft("L", (_DRAFT_EDGE, _DRAFT_EDGE))
    image.load()
    side = 4 * HASH_SIZE
    return image.convert("L").resize((side, side), Image.Resampling.BOX)


def _coarse_grey(image: Image.Image, data: bytes) -> Image.Image | None:
    """A progressive JPEG's grey image from its first scans only; None: decode the whole file instead."""
    if not image.info.get("progressive"):
        return None
    width, height = image.size
    scale = min(width // _DRAFT_EDGE, height // _DRAFT_EDGE)  # as Pillow's draft picks 8, 4, 2 or 1
    stream = coarse_stream(data, 8 if scale >= 8 else 4 if scale >= 4 else 1)
    if stream is None:
        return None
    try:
        coarse = Image.open(io.BytesIO(stream))
        if coarse.size != image.size:
            return None
        grey = _grey(coarse)
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError) as err:
        log.debug("coarse decode failed, decoding the whole file: %s", err)
        return None
    return grey


def phash_distance(a: str, b: str) -> int | None:
    """Hamming distance of two hex hashes of the same length; None when they are not comparable."""
    if len(a) != len(b):
        return None
    try:
        return (int(a, 16) ^ int(b, 16)).bit_count()
    except ValueError:
        return None


def same_photo(a: str, b: str) -> bool:
    distance = phash_distance(a, b)
    if distance is None:
        return False
    limit = PHASH_MAX_BITS if len(a) >= 64 else PHASH64_MAX_BITS
    return distance <= limit


def phash_chunks(phash: str) -> list[str]:
    """Split a hash into more pieces than the bits it may differ by (pigeonhole: one piece is equal).

    256-bit hashes -> 8 pieces of 32 bits (distance <= 6 keeps at least two pieces equal);
    64-bit hashes (exact match only) -> the whole hash.
    """
    if len(phash) >= 64:
        step = len(phash) // 8
        return [f"{i}:{phash[i * step:(i + 1) * step]}" for i in range(8)]
    return [f"x:{phash}"]
