"""Decoding one image file: size check, perceptual hash, thumbnail and medium renditions.

Everything works from the file's bytes (the original is never opened for writing). Decoding uses
the JPEG decoder's draft mode, so a 1920-pixel photo is decoded at the scale its renditions need.
An image whose header announces more than ``MAX_PIXELS`` is refused before any pixel is decoded
(decompression bombs).
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import sys
import threading
import warnings
from dataclasses import dataclass

import imagehash
from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 150_000_000  # 150 megapixels: beyond any real camera frame or scan we expect
THUMB_EDGE = 320  # longest edge of the thumbnail (NASA's ~small rendition is 320 px)
MEDIUM_EDGE = 1024  # longest edge of the medium rendition (lightbox) at most; a JPEG's medium is its coarse
# decode (about 600 px for a 2,600-5,000 px original, NASA's "~medium" size), so no second decode ...
MEDIUM_FROM_EDGE = 2048  # ... made only for originals too big to show as they are: longer edge than this,
MEDIUM_FROM_BYTES = 3_000_000  # more bytes than this,
BROWSER_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")  # or a format browsers do not show (TIFF)
PHASH_DRAFT_EDGE = 256  # cupola.dedupe.images decodes JPEGs at >= 256 px for its 256-bit pHash ...
PHASH256_SIZE = 16  # ... with hash_size 16
JPEG_QUALITY = 82

# Pillow's own guard warns at 89 Mpx and stops at 179 Mpx; ours is checked first, with a clearer message.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS * 2


class ImageProblem(ValueError):
    """The bytes are not an image Cupola can use: the message says why and what to do."""


@dataclass
class ImageInfo:
    format: str
    width: int
    height: int


@dataclass
class Analysis:
    width: int
    height: int
    phash: str  # 64-bit pHash (imagehash default), hex
    phash256: str  # 256-bit pHash as the dedupe stage compares photos (cupola.dedupe.images)
    thumb: bytes | None = None  # JPEG bytes, None when renditions were not asked for
    medium: bytes | None = None  # None also when the original is no larger than the medium size
    thumb_size: tuple[int, int] | None = None
    medium_size: tuple[int, int] | None = None


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageProblem("not an image Pillow can read (unknown or damaged format); "
                           "re-export the file or remove it") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise ImageProblem(f"refused: {err}") from None


def probe(data: bytes) -> ImageInfo:
    """Format and pixel size from the header only; raises ImageProblem for non-images and bombs."""
    image = _open(data)
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageProblem(f"image header gives an impossible size {width}x{height}; the file is damaged")
    if width * height > MAX_PIXELS:
        raise ImageProblem(f"image is {width}x{height} = {width * height / 1e6:.0f} megapixels, above the "
                           f"limit of {MAX_PIXELS / 1e6:.0f} (possible decompression bomb); refused without "
                           "decoding — downscale it first if it is genuine")
    return ImageInfo(image.format or "unknown", width, height)


def looks_truncated(data: bytes, fmt: str) -> bool:
    """A JPEG must end with its EOI marker (allowing trailing padding); PNG with IEND."""
    tail = data[-4096:].rstrip(b"\x00\r\n ")
    if fmt == "JPEG":
        return b"\xff\xd9" not in tail[-64:]
    if fmt == "PNG":
        return b"IEND" not in tail[-16:]
    return False


def _fit(width: int, height: int, edge: int) -> tuple[int, int]:
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=False)
    return out.getvalue()


def _draft_scale(width: int, height: int, min_w: int, min_h: int) -> int:
    """The JPEG DCT scale (1, 2, 4 or 8) Pillow's draft picks for a requested minimum size."""
    scale = 1
    for candidate in (2, 4, 8):
        if -(-width // candidate) >= min_w and -(-height // candidate) >= min_h:
            scale = candidate
    return scale


def _phash256(image: Image.Image, info: ImageInfo, data: bytes, is_jpeg: bool) -> str:
    """The dedupe stage's 256-bit pHash, made its way: grey, JPEG decoded at the DCT scale for >= 256 px,
    box-filtered to 64x64, hash_size 16.

    When our decode is at that same scale (the thumbnail-only case) the decoded image is reused (within
    2 of 256 bits of ``cupola.dedupe.images.hash_bytes`` on the real photos; its threshold is 6);
    when we decoded finer (for a medium rendition) the dedupe stage's own function hashes the bytes.
    """
    scale_here = max(1, round(info.width / image.width))
    scale_there = _draft_scale(info.width, info.height, PHASH_DRAFT_EDGE, PHASH_DRAFT_EDGE) if is_jpeg else 1
    if scale_here != scale_there:
        try:
            from cupola.dedupe.images import hash_bytes

            return hash_bytes(data).phash
        except ImportError:
            pass
        except Exception as err:  # the same bytes decoded above; report it as this module does
            raise ImageProblem(f"image cannot be decoded ({err})") from None
    side = 4 * PHASH256_SIZE
    grey = image.convert("L").resize((side, side), Image.Resampling.BOX)
    return str(imagehash.phash(grey, hash_size=PHASH256_SIZE))


_ALLOCATOR_TUNED = threading.Event()
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc mallopt parameters
KEEP_FREED_BYTES = 128 * 1024 * 1024  # freed heap kept for the next decode instead of given back


def keep_decode_memory() -> None:
    """Let glibc keep the decoder's freed memory for the next photo (once per process; Linux only).

    A progressive JPEG is decoded through a whole-image coefficient buffer (17 MB for a 4.5-megapixel
    ISS frame). With glibc's default thresholds that buffer is mapped, freed and trimmed back to the
    system for every photo, and the next photo faults it in again page by page: 4,300 page faults and
    about 12 ms of kernel time per such photo, a fifth of its cost. Raising the mmap threshold to its
    maximum (32 MB) and the trim threshold to ``KEEP_FREED_BYTES`` keeps that memory in the heap; the
    process then holds on to at most what the concurrent decodes needed at their peak.
    """
    if _ALLOCATOR_TUNED.is_set() or not sys.platform.startswith("linux"):
        return
    _ALLOCATOR_TUNED.set()
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt): nothing to tune
        return
    mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024)
    mallopt(_M_TRIM_THRESHOLD, KEEP_FREED_BYTES)


def needs_medium(width: int, height: int, size: int, fmt: str) -> bool:
    """A medium rendition is made when the original is not fit to show in a lightbox as it is."""
    return max(width, height) > MEDIUM_FROM_EDGE or size > MEDIUM_FROM_BYTES or fmt.upper() not in BROWSER_FORMATS


def analyse(data: bytes, *, renditions: bool = True, info: ImageInfo | None = None) -> Analysis:
    """Decode once, at the coarsest JPEG DCT scale the thumbnail needs -> both pHashes and, if asked,
    the thumbnail (and the medium, for originals too big to show as they are). ``info`` is the
    caller's ``probe(data)``, when it has one.

    Raises ImageProblem when the image cannot be decoded (truncated, corrupt, too large).
    """
    info = info or probe(data)
    image = _open(data)
    is_jpeg = image.format == "JPEG"
    medium = renditions and needs_medium(info.width, info.height, len(data), info.format)
    try:
        if is_jpeg:  # one coarse decode: the thumbnail's scale, never coarser than the dedupe stage's own
            wanted = _fit(info.width, info.height, THUMB_EDGE)
            image.draft("RGB", (max(wanted[0], PHASH_DRAFT_EDGE), max(wanted[1], PHASH_DRAFT_EDGE)))
        image.load()
        if image.mode not in ("RGB", "L"):
            image = _flatten(image)
    except (OSError, SyntaxError, ValueError) as err:
        raise ImageProblem(f"image cannot be decoded ({err}); the file is truncated or corrupt — "
                           "copy it again from its source") from None
    medium_img = image
    if medium and max(image.size) > MEDIUM_EDGE:
        medium_img = image.resize(_fit(*image.size, MEDIUM_EDGE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    thumb_size = _fit(info.width, info.height, THUMB_EDGE)
    thumb_img = medium_img if medium_img.size == thumb_size else \
        medium_img.resize(thumb_size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    result = Analysis(info.width, info.height, str(imagehash.phash(thumb_img)), _phash256(image, info, data, is_jpeg))
    if renditions:
        result.thumb = _encode(thumb_img)
        result.thumb_size = thumb_img.size
        if medium:
            result.medium = _encode(medium_img)
            result.medium_size = medium_img.size
    return result


def _flatten(image: Image.Image) -> Image.Image:
    """Palette/alpha/16-bit images -> RGB on white (thumbnails are JPEG)."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.point(lambda v: v / 256).convert("L")
    return image.convert("RGB")
