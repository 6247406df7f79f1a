"""Progressive JPEGs hashed from their first scans: the same pHash as the whole file, faster, safe fallbacks.

The two ISS042 frames in tests/fixtures/dedupe/photos are real progressive JPEGs (4:4:4, libjpeg's
standard scan script); the other progressive files here are real photos re-encoded with Pillow
(progressive, 4:2:0) at test time.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from cupola.dedupe import images
from cupola.dedupe.images import ImageRefused, hash_bytes, phash_distance, same_photo
from cupola.dedupe.progressive import coarse_stream

PHOTOS = Path(__file__).parent / "fixtures" / "dedupe" / "photos"
REAL_PROGRESSIVE = ["ISS042-E-104437.jpg", "ISS042-E-104441.jpg"]


def _whole_file(data: bytes, monkeypatch) -> str:
    """The pHash as it was made before: every scan decoded."""
    with monkeypatch.context() as patch:
        patch.setattr(images, "coarse_stream", lambda data, scale: None)
        return hash_bytes(data).phash


def _progressive(name: str, width: int | None = None, quality: int = 90) -> bytes:
    with Image.open(PHOTOS / name) as image:
        image = image.convert("RGB")
        if width:
            image = image.resize((width, round(image.height * width / image.width)))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, progressive=True)
        return out.getvalue()


@pytest.mark.parametrize("name", REAL_PROGRESSIVE)
def test_real_progressive_frame_hashes_like_the_whole_file(name, monkeypatch):
    data = (PHOTOS / name).read_bytes()
    stream = coarse_stream(data, 4)
    assert stream is not None and len(stream) < len(data) / 2  # most scans are left out
    fast = hash_bytes(data)
    assert phash_distance(fast.phash, _whole_file(data, monkeypatch)) <= 2
    assert (fast.width, fast.height) == (1725, 2592)


def test_consecutive_real_frames_stay_apart():
    a, b = (hash_bytes((PHOTOS / name).read_bytes()).phash for name in REAL_PROGRESSIVE)
    assert not same_photo(a, b) and phash_distance(a, b) >= 10


@pytest.mark.parametrize("width,quality", [(1200, 85), (640, 60)])
def test_resized_baseline_copy_matches_the_progressive_original(width, quality):
    original = hash_bytes((PHOTOS / "ISS042-E-104437.jpg").read_bytes())
    with Image.open(PHOTOS / "ISS042-E-104437.jpg") as image:
        out = io.BytesIO()
        image.resize((width, round(image.height * width / image.width))).save(out, "JPEG", quality=quality)
    assert same_photo(original.phash, hash_bytes(out.getvalue()).phash)


def test_reencoded_progressive_burst_pair_stays_apart_and_matches_its_baseline(monkeypatch):
    first, second = _progressive("art002e009013~large.jpg"), _progressive("art002e009014~large.jpg")
    assert coarse_stream(first, 4) is not None  # 1920x1440, 4:2:0: the 1/4 scale path is taken
    fast_first, fast_second = hash_bytes(first).phash, hash_bytes(second).phash
    assert phash_distance(fast_first, _whole_file(first, monkeypatch)) <= 2
    assert phash_distance(fast_first, fast_second) >= 10
    baseline = hash_bytes((PHOTOS / "art002e009013~large.jpg").read_bytes()).phash
    assert same_photo(fast_first, baseline)


def test_eighth_scale_keeps_the_hash(monkeypatch):
    data = _progressive("ISS042-E-104437.jpg", width=2100)  # >= 2048 px both ways: decoded at 1/8
    assert coarse_stream(data, 8) is not None
    assert phash_distance(hash_bytes(data).phash, _whole_file(data, monkeypatch)) <= 2


def test_small_progressive_file_is_decoded_whole(monkeypatch):
    data = _progressive("art002e009013~large.jpg", width=800)  # 1/2 scale needs more than the first scans
    assert hash_bytes(data).phash == _whole_file(data, monkeypatch)


def test_baseline_and_odd_streams_fall_back():
    baseline = (PHOTOS / "art002e009013~large.jpg").read_bytes()
    real = (PHOTOS / "ISS042-E-104437.jpg").read_bytes()
    assert coarse_stream(baseline, 4) is None
    assert coarse_stream(real, 2) is None
    assert coarse_stream(real[: len(real) // 2], 4) is None  # no EOI: decoded whole, and refused there
    assert coarse_stream(b"not a jpeg", 4) is None


def test_truncated_progressive_file_is_still_refused(tmp_path):
    data = (PHOTOS / "ISS042-E-104437.jpg").read_bytes()
    with pytest.raises(ImageRefused, match="truncated or corrupt"):
        hash_bytes(data[: len(data) // 2], where="cut.jpg")
