"""Scaled corpora for benchmarks: real titles, captions, keywords, dates and centers recombined under new ids.

The vocabulary, lengths and field distributions stay those of the real NASA records; only the pairing is new.
Usage: python -m bench.corpus N [--out bench/out/corpus-N.jsonl]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "nasa_images" / "records.jsonl"
OUT = Path(__file__).resolve().parent / "out"


def real_rows(path: Path = SHARED) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8", newline="\n") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line)["data"][0])
    return rows


def build(size: int, out: Path | None = None, seed: int = 7) -> Path:
    out = out or OUT / f"corpus-{size}.jsonl"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = real_rows()
    rng = random.Random(seed)
    tmp = out.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for n in range(size):
            a, b, c, d = (rng.choice(rows) for _ in range(4))
            item = {
                "nasa_id": f"bench-{n:08d}", "title": a.get("title", ""), "description": b.get("description", ""),
                "keywords": c.get("keywords", []), "date_created": d.get("date_created", ""),
                "center": d.get("center", ""), "media_type": a.get("media_type", "image"),
                "photographer": b.get("photographer", ""), "location": c.get("location", ""),
            }
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    tmp.replace(out)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("size", type=int)
    args = parser.parse_args()
    print(build(args.size))
