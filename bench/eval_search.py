"""Relevance on the dev queries: nDCG@10, P@10, recall@50, duplicate-aware nDCG@10, duplicate slots.

    .venv/bin/python -m bench.eval_search              # keyword / semantic / hybrid
    .venv/bin/python -m bench.eval_search --variants   # + which record text to embed (semantic only)
    .venv/bin/python -m bench.eval_search --fresh      # rebuild the cached archive first

The archive is built once from ../shared/data/nasa_images/records.jsonl into bench/out/eval-archive
(gitignored) and reused; vectors and the keyword index are brought up to date on every run. Modes go
through ``cupola.search.service.search`` when it exists; without it only ``semantic`` is measured,
through ``cupola.embed.search.semantic_search``. Judgments: ../shared/eval/queries_dev.jsonl (read
../shared/eval/README.md). Dev numbers only: the product is judged on unseen queries.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
RECORDS = SHARED / "data" / "nasa_images" / "records.jsonl"
QUERIES = SHARED / "eval" / "queries_dev.jsonl"
OUT = ROOT / "bench" / "out"
ARCHIVE = OUT / "eval-archive"
DEPTH = 50


# -- metrics ------------------------------------------------------------------------------------
def dcg(gains: list[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def metrics(ranked: list[str], q: dict[str, Any]) -> dict[str, float]:
    judged: dict[str, int] = q["judgments"]
    group_of = {rid: gi for gi, group in enumerate(q.get("dup_groups", [])) for rid in group}
    top = ranked[:10]
    gains = [judged.get(r, 0) for r in top]
    ideal = dcg(sorted(judged.values(), reverse=True)[:10])
    # duplicate-aware: only the first member of a dup group earns its gain
    seen: set[int] = set()
    dup_gains, dup_slots = [], 0
    for rid, gain in zip(top, gains, strict=True):
        group = group_of.get(rid)
        if group is not None and group in seen:
            dup_gains.append(0)
            dup_slots += 1
            continue
        if group is not None:
            seen.add(group)
        dup_gains.append(gain)
    collapsed: dict[Any, int] = {}
    for rid, grade in judged.items():
        key = ("g", group_of[rid]) if rid in group_of else rid
        collapsed[key] = max(collapsed.get(key, 0), grade)
    ideal_dup = dcg(sorted(collapsed.values(), reverse=True)[:10])
    relevant = {r for r, g in judged.items() if g == 2}
    condensed = [judged[r] for r in ranked if r in judged][:10]  # unjudged results removed (README)
    unjudged = sum(1 for r in top if r not in judged)
    return {
        "ndcg10": dcg(gains) / ideal if ideal else 0.0,
        "p10": sum(1 for g in gains if g == 2) / 10,
        "recall50": len(relevant & set(ranked[:DEPTH])) / len(relevant) if relevant else 0.0,
        "dup_ndcg10": dcg(dup_gains) / ideal_dup if ideal_dup else 0.0,
        "dup_slots": float(dup_slots),
        "judged_ndcg10": dcg(condensed) / ideal if ideal else 0.0,
        "unjudged10": float(unjudged),
    }


def mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: sum(r[k] for r in rows) / len(rows) for k in rows[0]} if rows else {}


# -- queries and archive ------------------------------------------------------------------------
def load_queries() -> list[dict[str, Any]]:
    queries = [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").split("\n") if line.strip()]
    for q in queries:
        notes = q.get("notes", "")
        m = re.search(r"category:\s*([\w-]+)", notes)
        q["category"] = m.group(1) if m else "?"
        q["hard"] = bool(re.search(r"hard for keywords:\s*yes", notes))
        m = re.search(r"intended spelling:\s*([^;]+)", notes)
        q["intended"] = m.group(1).strip() if m else None
    return queries


def subset_file(queries: list[dict[str, Any]], distractors: int) -> Path:
    """records.jsonl cut to the judged records + a fixed hash-ordered sample of the others."""
    import hashlib

    judged = {rid for q in queries for rid in q["judgments"]}
    lines = [line for line in RECORDS.read_text(encoding="utf-8").split("\n") if line.strip()]
    ids = [json.loads(line)["data"][0].get("nasa_id", "") for line in lines]
    rest = sorted((i for i in ids if i not in judged), key=lambda i: hashlib.md5(i.encode()).hexdigest())
    keep = judged | set(rest[:distractors])
    path = OUT / f"records-subset-{distractors}.jsonl"
    OUT.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(line for line, i in zip(lines, ids, strict=True) if i in keep) + "\n")
    return path


def open_archive(fresh: bool, refresh: bool = True, subset: int | None = None,
                 queries: list[dict[str, Any]] | None = None):
    from cupola.archive import Archive
    from cupola.embed.update import update
    from cupola.ingest import ingest

    path = ARCHIVE if subset is None else OUT / f"eval-archive-subset-{subset}"
    if fresh and path.exists():
        shutil.rmtree(path)
    archive = Archive.open(path)
    if not refresh:
        return archive
    with archive.writing():
        if archive.count() == 0:
            source = RECORDS if subset is None else subset_file(queries or [], subset)
            print(f"building {path} from {source} (once; cached) ...", file=sys.stderr)
            ingest(archive, [source], options={"no_vectors": True})
        started = time.perf_counter()
        result = update(archive)
        if result["embedded"]:
            print(f"embedded {result['embedded']} records in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)
        try:
            from cupola.index.keyword import sync

            sync(archive)
        except ImportError:
            pass
    return archive


def runner(archive, mode: str):
    """A function query -> ranked ids for ``mode``, or None when that mode cannot be run yet."""
    try:
        from cupola.search.service import search
    except ImportError:
        search = None
    if search is not None:
        def run(query: str) -> list[str]:
            return [hit.id for hit in search(archive, query, mode=mode, limit=DEPTH, facets=False).hits]
        return run
    if mode == "semantic":
        from cupola.embed.search import semantic_search

        return lambda query: [rid for rid, _ in semantic_search(archive, query, k=DEPTH)]
    return None


# -- text variants (which record text to embed) ---------------------------------------------------
def variant_ids(archive, queries: list[dict[str, Any]], distractors: int) -> list[str]:
    """Every judged record plus a fixed hash-ordered sample of the others (a cheaper corpus)."""
    import hashlib

    ids = archive.ids()
    judged = {rid for q in queries for rid in q["judgments"]}
    rest = sorted((i for i in ids if i not in judged), key=lambda i: hashlib.md5(i.encode()).hexdigest())
    return sorted(judged & set(ids)) + rest[:distractors]


def variant_runner(archive, ids: list[str], variant: str, max_tokens: int | None = None):
    from cupola.embed.model import MAX_TOKENS, get_embedder
    from cupola.embed.store import open_vectors
    from cupola.embed.text import DEFAULT_VARIANT, record_text

    name = variant + (f"-{max_tokens}" if max_tokens else "")
    cache = OUT / "variants" / f"{name}.npz"
    stored = open_vectors(archive)
    if variant == DEFAULT_VARIANT and not max_tokens and all(i in stored.rows for i in ids):
        vectors = np.asarray(stored.vectors[[stored.rows[i] for i in ids]])  # the archive's own vectors
    elif cache.exists() and list(np.load(cache)["ids"]) == ids:
        vectors = np.load(cache)["vectors"]
    else:
        records = archive.get_many(ids)
        texts = [record_text(records[i], variant) for i in ids]
        embedder = get_embedder()
        embedder.tokenizer.enable_truncation(max_tokens or MAX_TOKENS)
        started = time.perf_counter()
        vectors = embedder.embed(texts)
        print(f"variant {name}: embedded {len(ids)} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        embedder.tokenizer.enable_truncation(MAX_TOKENS)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, ids=np.array(ids), vectors=vectors)

    def run(query: str) -> list[str]:
        scores = vectors @ get_embedder().embed_query(query)
        top = np.argsort(-scores)[:DEPTH]
        return [ids[i] for i in top]
    return run


# -- report -------------------------------------------------------------------------------------
COLUMNS = ("ndcg10", "p10", "recall50", "dup_ndcg10", "dup_slots", "judged_ndcg10", "unjudged10")


def table(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"{'':42s}" + "".join(f"{c:>14s}" for c in COLUMNS))
    for name, values in rows.items():
        print(f"{name:42s}" + "".join(f"{values.get(c, float('nan')):14.3f}" for c in COLUMNS))


def evaluate(queries: list[dict[str, Any]], runs: dict[str, Any]) -> dict[str, Any]:
    per: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    typo: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    timings: dict[str, list[float]] = defaultdict(list)
    for mode, run in runs.items():
        for q in queries:
            started = time.perf_counter()
            ranked = run(q["query"])
            timings[mode].append(time.perf_counter() - started)
            per[mode][q["qid"]] = metrics(ranked, q)
            if q["intended"]:
                fixed = metrics(run(q["intended"]), q)
                typo[mode].append((q["query"], per[mode][q["qid"]]["ndcg10"], fixed["ndcg10"]))
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in queries:
        groups[f"category={q['category']}"].append(q)
        groups["hard for keywords" if q["hard"] else "easy for keywords"].append(q)
    summary: dict[str, Any] = {"overall": {m: mean(list(per[m].values())) for m in runs}}
    table(f"overall ({len(queries)} dev queries)", summary["overall"])
    for group, members in sorted(groups.items()):
        summary[group] = {m: mean([per[m][q["qid"]] for q in members]) for m in runs}
        table(f"{group} ({len(members)})", summary[group])
    if typo:
        print("\ntypo'd query vs its intended spelling (nDCG@10)")
        for mode, rows in typo.items():
            for query, got, fixed in rows:
                print(f"  {mode:10s} {query!r:28s} {got:.3f} vs {fixed:.3f}  (gap {fixed - got:+.3f})")
    print("\nlatency per query (ms, p50): " + ", ".join(
        f"{m} {1000 * float(np.median(t)):.1f}" for m, t in timings.items()))
    summary["per_query"] = per
    summary["typo"] = typo
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached archive")
    parser.add_argument("--variants", action="store_true", help="compare embedded-text variants")
    parser.add_argument("--distractors", type=int, default=2000,
                        help="unjudged records added to the judged ones for --variants")
    parser.add_argument("--subset", type=int, metavar="N",
                        help="a smaller corpus: the judged records + N others (quick; optimistic numbers)")
    parser.add_argument("--no-update", action="store_true",
                        help="use the cached archive as it is (no ingest, embedding or reindex)")
    parser.add_argument("--variant-list", default="",
                        help="comma-separated subset of variants to run (default: all)")
    parser.add_argument("--modes", default="keyword,semantic,hybrid")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    queries = load_queries()
    archive = open_archive(args.fresh, refresh=not args.no_update, subset=args.subset, queries=queries)
    print(f"corpus: {archive.count()} records ({archive.path.name})")
    runs: dict[str, Any] = {}
    for mode in [m for m in args.modes.split(",") if m]:
        run = runner(archive, mode)
        if run is None:
            print(f"mode {mode}: not measured (cupola.search.service is not there yet)")
        else:
            runs[mode] = run
    summary = evaluate(queries, runs) if runs else {}
    if args.variants:
        from cupola.embed.text import VARIANTS

        ids = variant_ids(archive, queries, args.distractors)
        wanted = [v for v in args.variant_list.split(",") if v] or [*VARIANTS, "title_keywords_caption-128"]
        variants = {}
        for name in wanted:
            variant, _, tokens = name.partition("-")
            variants[f"semantic[{name}]"] = variant_runner(archive, ids, variant, int(tokens) if tokens else None)
        print(f"\n=== embedded-text variants (semantic only, exact search) on {len(ids)} records: "
              f"the judged ones + {args.distractors} others; compare variants with each other only ===")
        summary["variants"] = evaluate(queries, variants)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
