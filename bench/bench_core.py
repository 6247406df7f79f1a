"""Issue 2 benchmark: ingest speed, archive size, keyword query latency with facets, vs raw tantivy and FTS5.

    python -m bench.bench_core [--sizes 100000,1000000] [--queries 1000] [--no-fts5] [--workdir DIR] [--floor]

Targets (issue 2): ingest >= 20,000 records/s without embeddings; at 1M: p50 <= 5 ms, p99 <= 50 ms,
<= 3x raw tantivy on the same index, peak RSS while serving queries <= 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from statistics import quantiles

from bench.corpus import OUT, build

STEPS_OFF = {"raw_only": True, "no_vectors": True, "skip_steps": ["dedupe", "embed"]}


def pct(values: list[float]) -> tuple[float, float]:
    cuts = quantiles(values, n=100)
    return cuts[49], cuts[98]


def make_queries(corpus: Path, count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    rows = []
    with corpus.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if n >= 20000:
                break
            rows.append(json.loads(line))
    words = [w.lower() for r in rows for w in re.findall(r"[A-Za-z]{4,}", r["title"])]
    centers = [r["center"] for r in rows if r["center"]]
    dates = sorted(r["date_created"][:10] for r in rows if r["date_created"])
    queries = []
    for n in range(count):
        kind = n % 4
        if kind == 0:
            text = rng.choice(words)
        elif kind == 1:
            text = " ".join(rng.sample(words, 2))
        elif kind == 2:
            caption_words = re.findall(r"[A-Za-z]{3,}", rng.choice(rows)["description"]) or ["apollo", "launch"]
            start = rng.randrange(max(1, len(caption_words) - 1))
            text = '"' + " ".join(caption_words[start:start + 2]) + '"'
        else:
            text = rng.choice(words)[:4] + "*"
        if n % 8 >= 4:
            lo = rng.choice(dates)
            hi = dates[min(len(dates) - 1, dates.index(lo) + len(dates) // 10)]
            text += f" date:{lo}..{hi} center:{rng.choice(centers)}"
        queries.append(text)
    return queries


def query_phase(archive_dir: str, queries_file: str) -> dict:
    """Runs in a fresh process: Cupola search vs raw tantivy on the same index, then peak RSS."""
    from cupola.archive import Archive
    from cupola.index.keyword import FACET_FIELDS, TEXT_FIELDS, open_index
    from cupola.search.service import search

    queries = json.loads(Path(queries_file).read_text())
    archive = Archive.open(archive_dir, readonly=True)
    index = open_index(archive)
    for q in queries[:50]:  # warm up
        search(archive, q, limit=10)
    cupola_ms = []
    for q in queries:
        start = time.perf_counter()
        search(archive, q, limit=10, facets=True)
        cupola_ms.append((time.perf_counter() - start) * 1000)
    searcher = index.searcher()
    spec = {name: {"terms": {"field": name, "size": 20}} for name in FACET_FIELDS}
    raw_ms = []
    for q in queries:
        text = re.sub(r"(date|center):\S+", "", q).strip()
        start = time.perf_counter()
        parsed = index.parse_query(text, list(TEXT_FIELDS), conjunction_by_default=True)
        result = searcher.search(parsed, limit=10)
        _ = [searcher.doc(a)["id"] for _s, a in result.hits]
        searcher.aggregate(parsed, spec)
        raw_ms.append((time.perf_counter() - start) * 1000)
    return {"cupola": pct(cupola_ms), "raw": pct(raw_ms), "peak_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak RSS. Not ``ru_maxrss``: after fork + exec Linux reports the larger of the child's
    peak and the parent's RSS at the fork, so a query phase started by a 1M ingest showed the ingest's 1.2 GB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fts5(corpus: Path, queries: list[str], workdir: Path) -> dict:
    db = workdir / "fts5.db"
    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, keywords, caption, tokenize='porter')")
    start = time.perf_counter()
    count = 0
    with corpus.open(encoding="utf-8") as handle:
        batch = []
        for line in handle:
            row = json.loads(line)
            batch.append((row["title"], " ; ".join(row["keywords"]), row["description"]))
            if len(batch) == 5000:
                conn.executemany("INSERT INTO docs VALUES (?,?,?)", batch)
                count += len(batch)
                batch = []
        conn.executemany("INSERT INTO docs VALUES (?,?,?)", batch)
        count += len(batch)
    conn.commit()
    build_s = time.perf_counter() - start
    times = []
    for q in queries:
        text = re.sub(r"(date|center):\S+", "", q).strip()
        start = time.perf_counter()
        try:
            conn.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 3.0, 2.0, 1.0) LIMIT 10",
                         (text,)).fetchall()
            conn.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (text,)).fetchone()
        except sqlite3.OperationalError:
            pass
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return {"docs_per_s": count / build_s, "p50_p99": pct(times)}


def index_floor(corpus: Path, count: int = 50_000) -> list[dict]:
    """The keyword index alone: ``count`` prebuilt documents of the corpus added and committed, with one and two
    indexing threads; no reading, normalising, SQLite or vocabulary. What ingest could reach if Python cost nothing."""
    import gc
    import itertools
    import tempfile

    from cupola.index.keyword import WRITER_HEAP, record_document, tantivy_index
    from cupola.normalise import to_record
    from cupola.sources import read_inputs

    events = itertools.islice(read_inputs([corpus]), count)
    documents = [record_document(to_record(event), seq) for seq, event in enumerate(events, start=1)]
    out = []
    gc.disable()
    try:
        for threads in (1, 2):
            with tempfile.TemporaryDirectory() as directory:
                writer = tantivy_index(Path(directory), create=True).writer(WRITER_HEAP, threads)
                start, cpu = time.perf_counter(), time.process_time()
                for document in documents:
                    writer.add_document(document)
                writer.commit()
                writer.wait_merging_threads()
                wall = time.perf_counter() - start
                out.append({"threads": threads, "docs_per_s": len(documents) / wall,
                            "cpu_us_per_doc": (time.process_time() - cpu) / len(documents) * 1e6})
    finally:
        gc.enable()
    return out


def cpu_seconds() -> tuple[float, float]:
    """(this process's CPU seconds, all threads; its main thread's CPU seconds)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, time.thread_time()


def run(size: int, n_queries: int, with_fts5: bool, workdir: Path | None = None) -> dict:
    from cupola.archive import Archive
    from cupola.ingest import ingest

    corpus = build(size)
    qfile = workdir.with_name(f"{workdir.name}-queries.json") if workdir else OUT / f"queries-{size}.json"
    workdir = workdir or OUT / f"archive-{size}"
    shutil.rmtree(workdir, ignore_errors=True)
    archive = Archive.open(workdir)
    start, (cpu_start, main_start) = time.perf_counter(), cpu_seconds()
    report = ingest(archive, [corpus], options=STEPS_OFF)
    ingest_s = time.perf_counter() - start
    cpu_end, main_end = cpu_seconds()
    assert report.added == size, report.to_dict()
    size_bytes = sum(f.stat().st_size for f in workdir.rglob("*") if f.is_file())
    queries = make_queries(corpus, n_queries)
    qfile.write_text(json.dumps(queries))
    out = subprocess.run([sys.executable, "-m", "bench.bench_core", "--query-phase", str(workdir), str(qfile)],
                         capture_output=True, text=True, check=True)
    phase = json.loads(out.stdout.strip().splitlines()[-1])
    result = {"size": size, "ingest_per_s": size / ingest_s, "ingest_s": ingest_s, "ingest_cpu_s": cpu_end - cpu_start,
              "ingest_main_cpu_s": main_end - main_start, "archive_mb": size_bytes / 1e6, **phase}
    if with_fts5:
        result["fts5"] = fts5(corpus, queries, OUT)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--no-fts5", action="store_true")
    parser.add_argument("--query-phase", nargs=2)
    parser.add_argument("--floor", action="store_true",
                        help="also time the keyword index alone on 50,000 prebuilt documents (1 and 2 threads)")
    parser.add_argument("--workdir", type=Path,
                        help="build the archive here, its queries beside it (default bench/out/archive-SIZE and "
                             "queries-SIZE.json); one size only")
    args = parser.parse_args()
    if args.query_phase:
        print(json.dumps(query_phase(*args.query_phase)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.workdir and len(sizes) > 1:
        parser.error("--workdir takes one size")
    for size in sizes:
        r = run(size, args.queries, not args.no_fts5, args.workdir)
        (c50, c99), (r50, r99) = r["cupola"], r["raw"]
        print(f"== {size:,} records")
        print(f"ingest: {r['ingest_per_s']:,.0f} records/s ({r['ingest_s']:.1f} s; target >= 20,000/s) "
              f"-> {r['ingest_per_s'] / 20000:.2f}x target")
        print(f"ingest CPU: {r['ingest_cpu_s']:.1f} s (all threads; {r['ingest_cpu_s'] / r['ingest_s']:.2f} cores busy), "
              f"main thread {r['ingest_main_cpu_s']:.1f} s")
        print(f"archive on disk: {r['archive_mb']:.0f} MB")
        print(f"cupola search+facets: p50 {c50:.2f} ms, p99 {c99:.2f} ms (targets at 1M: 5 / 50 ms)")
        print(f"raw tantivy search+facets: p50 {r50:.2f} ms, p99 {r99:.2f} ms -> cupola/raw p50 {c50 / r50:.2f}x, "
              f"p99 {c99 / r99:.2f}x (target <= 3x)")
        if "fts5" in r:
            f50, f99 = r["fts5"]["p50_p99"]
            print(f"sqlite FTS5: build {r['fts5']['docs_per_s']:,.0f} docs/s, p50 {f50:.2f} ms, p99 {f99:.2f} ms "
                  f"-> cupola/fts5 p50 {c50 / f50:.2f}x")
        print(f"peak RSS while serving queries: {r['peak_rss_mb']:.0f} MB (target <= 1,500 MB at 1M)")
        if args.floor:
            for f in index_floor(build(size)):
                print(f"keyword index alone, {f['threads']} thread(s): {f['docs_per_s']:,.0f} docs/s, "
                      f"{f['cpu_us_per_doc']:.0f} us CPU a document (20,000 records/s on {os.cpu_count()} cores "
                      f"allows {os.cpu_count() * 1e6 / 20000:.0f} us CPU a record for all of ingest)")


if __name__ == "__main__":
    main()
