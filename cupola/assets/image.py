"""Decoding one image file: size check, perceptual hash, thumbnail and medium renditions.

Everything works from the file's bytes (the original is never opened for writing). Decoding uses
the JPEG decoder's draft mode, so a 1920-pixel photo is decoded at the scale its renditions need.
An image whose header announces more than ``MAX_PIXELS`` is refused before any pixel is decoded
(decompression bombs).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import imagehash
from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 150_000_000  # 150 megapixels: beyond any real camera frame or scan we expect
THUMB_EDGE = 320  # longest edge of the thumbnail (NASA's ~small rendition is 320 px)
MEDIUM_EDGE = 800  # longest edge of the medium rendition (lightbox)
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
    thumb: bytes | None = None  # JPEG bytes, None when renditions were not asked for
    medium: bytes | None = None  # None also when the original is no larger than the medium size


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def phash256_of(data: bytes) -> str | None:
    """The 256-bit pHash exactly as the dedupe stage computes it (its own helper), when installed."""
    try:
        from cupola.dedupe.images import hash_bytes
    except ImportError:
        return None
    try:
        return hash_bytes(data).phash
    except Exception:  # refused images are reported by analyse(); no hash is no match
        return None


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


def analyse(data: bytes, *, renditions: bool = True) -> Analysis:
    """Decode once (at the smallest scale needed) -> pHash and, if asked, thumbnail + medium JPEGs.

    Raises ImageProblem when the image cannot be decoded (truncated, corrupt, too large).
    """
    info = probe(data)
    image = _open(data)
    edge = MEDIUM_EDGE if renditions else THUMB_EDGE
    target = _fit(info.width, info.height, edge)
    try:
        if image.format == "JPEG":
            image.draft("RGB", target)
        image.load()
        if image.mode not in ("RGB", "L"):
            image = _flatten(image)
    except (OSError, SyntaxError, ValueError) as err:
        raise ImageProblem(f"image cannot be decoded ({err}); the file is truncated or corrupt — "
                           "copy it again from its source") from None
    thumb_size = _fit(info.width, info.height, THUMB_EDGE)
    medium_img = image.resize(target, Image.Resampling.BILINEAR) if image.size != target else image
    thumb_img = medium_img.resize(thumb_size, Image.Resampling.BILINEAR) if medium_img.size != thumb_size \
        else medium_img
    result = Analysis(info.width, info.height, str(imagehash.phash(thumb_img)))
    if renditions:
        result.thumb = _encode(thumb_img)
        if max(info.width, info.height) > MEDIUM_EDGE:
            result.medium = _encode(medium_img)
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
