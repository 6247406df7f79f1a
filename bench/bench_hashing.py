"""Image hashing speed (issue 4: >= 200 images/s on 2 cores), run by ``bench.bench_dedupe`` or alone:

    python -m bench.bench_hashing

``hash_image`` (sha256 + 256-bit pHash, draft mode) over the 30 real photos of ../shared/data/photos,
5 rounds: one thread, and two threads as the photo reader hashes (Pillow releases the GIL while it
decodes); split into baseline and progressive JPEGs (the six progressive 4.5-megapixel ISS042 frames,
decoded from their first scans only, see cupola.dedupe.progressive, and for comparison from the whole
file as before), with how far apart the two decodes' hashes are.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"


def bench_hashing(rounds: int = 5) -> None:
    from PIL import Image

    from cupola.dedupe import images
    from cupola.dedupe.images import hash_image, phash_distance

    photos = sorted((SHARED / "data" / "photos").glob("*.jpg"))
    progressive = {p for p in photos if Image.open(p).info.get("progressive")}

    def whole_file(path: Path):  # the decode before cupola.dedupe.progressive: every scan
        saved, images.coarse_stream = images.coarse_stream, lambda data, scale: None
        try:
            return hash_image(path)
        finally:
            images.coarse_stream = saved

    for label, group, fn in (("all 30", photos, hash_image),
                             ("baseline JPEG", [p for p in photos if p not in progressive], hash_image),
                             ("progressive JPEG, first scans only", sorted(progressive), hash_image),
                             ("progressive JPEG, whole file (before)", sorted(progressive), whole_file)):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(rounds):
            for path in group:
                fn(path)
        n = rounds * len(group)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"image hashing, {label} ({len(group)} files x {rounds}): {n / wall:.0f} images/s wall, "
              f"{n / cpu:.0f} images/s CPU ({1000 * cpu / n:.1f} ms/image; target >= 200/s)")
    gaps = [phash_distance(hash_image(p).phash, whole_file(p).phash) for p in sorted(progressive)]
    print(f"progressive JPEG pHash, first scans vs whole file: {gaps} bits apart (same photo: <= 6)")
    with ThreadPoolExecutor(max_workers=2) as pool:  # as cupola.sources.photos decodes
        for label, group in (("all 30", photos), ("progressive JPEG, first scans only", sorted(progressive))):
            list(pool.map(hash_image, group))  # warm both threads
            wall = time.perf_counter()
            for _ in range(rounds):
                list(pool.map(hash_image, group))
            n = rounds * len(group)
            print(f"image hashing on 2 threads, {label}: {n / (time.perf_counter() - wall):.0f} images/s wall "
                  f"(target >= 200/s)")


if __name__ == "__main__":
    bench_hashing()
