"""Issue 8 benchmark: photo-folder ingest speed (with and without thumbnails), full APOD archive ingest,
mirror throughput against a local ``cupola serve``.

    python -m bench.bench_sources [--photos 300] [--mirror-records 5000] [--skip apod,mirror]

Targets (issue 8): photo folders >= 100 photos/s including thumbnails on 2 cores. The photo folder is
the shared corpus' 30 real JPEGs copied until --photos files, each copy made distinct by one trailing
byte after the JPEG end marker (so every file is a new record with its own hashes and renditions, and
decoding work is that of the real photos). Embeddings are off (their cost belongs to issue 5's bench).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
NO_VECTORS = {"no_vectors": True}


def make_folder(target: Path, count: int) -> Path:
    photos = sorted((SHARED / "photos").glob("*.jpg"))
    target.mkdir(parents=True)
    for index, source in zip(range(count), itertools.cycle(photos), strict=False):
        data = source.read_bytes() + index.to_bytes(4, "big")
        (target / f"{index:05d}_{source.name}").write_bytes(data)
    return target


def time_ingest(paths: list[Path], options: dict, label: str) -> dict:
    from cupola.archive import Archive
    from cupola.ingest import ingest
    from cupola.sources._options import reader_options

    root = Path(tempfile.mkdtemp(prefix="bench-sources-"))
    try:
        archive = Archive.open(root / "archive")
        started, cpu_started = time.perf_counter(), time.process_time()
        with reader_options(options):  # as the CLI does: readers see --no-thumbnails / --map
            report = ingest(archive, paths, options=options)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        archive.close()
        files = report.read + len(report.rejected)
        return {"label": label, "inputs": files, "records": report.added,
                "rejected": len(report.rejected), "seconds": round(seconds, 2),
                "per_second": round(files / seconds, 1) if seconds else None,
                "cpu_seconds": round(cpu, 2), "two_core_capacity_per_second": round(2 * files / cpu, 1),
                "load_average": os.getloadavg()[0], "steps": report.steps}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def time_reader_and_assets(folder: Path, thumbnails: bool) -> dict:
    """The stage this issue owns, without the other stages' after-steps: read + normalise + assets step."""
    from cupola.assets.pipeline import process_assets
    from cupola.assets.renditions import CACHE
    from cupola.model import RawItem
    from cupola.normalise import to_record
    from cupola.pipeline import StepContext
    from cupola.sources._options import reader_options
    from cupola.sources.photos import read

    CACHE.clear()
    root = Path(tempfile.mkdtemp(prefix="bench-assets-"))
    try:
        context = StepContext(root, {"no_thumbnails": not thumbnails})
        started, cpu_started = time.perf_counter(), time.process_time()
        count = 0
        with reader_options(context.options):
            for event in read(folder):
                if isinstance(event, RawItem):
                    process_assets(to_record(event), context)
                    count += 1
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        return {"label": f"reader+assets {'with' if thumbnails else 'without'} thumbnails", "records": count,
                "seconds": round(seconds, 2), "per_second": round(count / seconds, 1),
                "cpu_ms_per_photo": round(cpu * 1000 / count, 1),
                "two_core_capacity_per_second": round(2 * count / cpu, 1), "load_average": os.getloadavg()[0]}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def bench_mirror(records: int) -> dict:
    from cupola.archive import Archive
    from cupola.ingest import ingest
    from cupola.mirror import mirror
    from cupola.sources.mirror import MirrorSettings

    root = Path(tempfile.mkdtemp(prefix="bench-mirror-"))
    try:
        lines = [line for line in (SHARED / "nasa_images" / "records.jsonl").read_text().split("\n") if line.strip()]
        step = max(1, len(lines) // records)
        sample = root / "sample.jsonl"
        sample.write_text("\n".join(lines[::step][:records]) + "\n")
        served = Archive.open(root / "served")
        ingest(served, [sample], options={"raw_only": True, "no_vectors": True})
        served_count = served.count()
        served.close()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        # the server in its own process, as a real one would be (not sharing this process's GIL)
        server = subprocess.Popen([sys.executable, "-m", "cupola.cli", "--archive", str(root / "served"), "serve",
                                   "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        target = Archive.open(root / "mirror")
        settings = MirrorSettings(page_size=100, concurrency=2, rate=50)
        started = time.perf_counter()
        report = mirror(target, f"http://127.0.0.1:{port}", year_start=1900, year_end=2030, settings=settings,
                        options={"no_vectors": True})
        seconds = time.perf_counter() - started
        again_started = time.perf_counter()
        again = mirror(target, f"http://127.0.0.1:{port}", year_start=1900, year_end=2030, settings=settings,
                       options={"no_vectors": True})
        again_seconds = time.perf_counter() - again_started
        server.terminate()
        server.wait(10)
        return {"label": "mirror of a local cupola serve", "served": served_count, "mirrored": target.count(),
                "pages": report.pages, "requests": report.requests, "seconds": round(seconds, 2),
                "store_seconds": round(report.store_seconds, 2),
                "items_per_second": round(target.count() / seconds, 1), "errors": report.errors,
                "incremental_rerun_seconds": round(again_seconds, 2), "rerun_requests": again.requests}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=300)
    parser.add_argument("--mirror-records", type=int, default=5000)
    parser.add_argument("--skip", default="")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    results = []
    work = Path(tempfile.mkdtemp(prefix="bench-photos-"))
    try:
        folder = make_folder(work / "photos", args.photos)
        warmup = make_folder(work / "warmup", 12)
        time_reader_and_assets(warmup, thumbnails=True)  # imports, caches
        # the first ingest in a process also imports and loads the later stages (enrich's knowledge base,
        # dedupe, the keyword index): a one-time cost, reported here and kept out of the per-photo figures
        first = time_ingest([warmup], NO_VECTORS, "first ingest in the process (12 photos: start-up)")
        print(json.dumps({"label": first["label"], "seconds": first["seconds"], "cpu_seconds": first["cpu_seconds"]}))
        if "photos" not in skip:
            results.append(time_reader_and_assets(folder, thumbnails=True))
            results.append(time_reader_and_assets(folder, thumbnails=False))
            results.append(time_ingest([folder], NO_VECTORS, "full ingest with thumbnails (no vectors)"))
            results.append(time_ingest([folder], {**NO_VECTORS, "no_thumbnails": True},
                                       "full ingest without thumbnails (no vectors)"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if "apod" not in skip:
        results.append(time_ingest([SHARED / "apod" / "apod.jsonl"], NO_VECTORS, "APOD full archive (no vectors)"))
    if "mirror" not in skip:
        results.append(bench_mirror(args.mirror_records))
    for result in results:
        print(json.dumps(result))
    target = 100.0
    for result in results[:4] if "photos" not in skip else []:
        print(f"{result['label']}: {result['per_second']} photos/s wall (load average "
              f"{result['load_average']:.1f} on this shared machine) = {result['per_second'] / target:.2f}x the "
              f"100/s target; CPU-time capacity on 2 free cores {result['two_core_capacity_per_second']}/s = "
              f"{result['two_core_capacity_per_second'] / target:.2f}x")


if __name__ == "__main__":
    main()
