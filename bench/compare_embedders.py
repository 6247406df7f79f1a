"""Issue 5: the chosen embedding model against an alternative on the dev queries.

    python -m bench.compare_embedders [--dims 256]

Alternatives compared over the whole dev corpus (bench/out/eval-archive, built by bench.eval_search):
- **MiniLM int8** (the product's model: all-MiniLM-L6-v2, int8 ONNX, from the archive's stored vectors);
- **LSA**: latent semantic analysis fitted on the archive itself (TF-IDF of the same embedded text,
  sublinear tf, English stopwords dropped, truncated SVD to ``--dims`` dimensions with scipy). It needs
  no model weights at all, so it is the obvious offline alternative to a packaged neural model.

Each is measured alone (semantic-only: cosine ranking of all records, top 50) and inside the product's
hybrid search (``cupola.search.service.search`` with the semantic side swapped), with the metrics of
bench.eval_search (nDCG@10, P@10, R@50, judged-only nDCG@10). Dev numbers only.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import svds

from bench import eval_search as E

_WORD = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    from cupola.search.keyword import STOPWORDS

    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]


class LSA:
    """TF-IDF -> truncated SVD; documents and queries projected into the same space, unit length."""

    def __init__(self, texts: list[str], dims: int):
        docs = [Counter(tokens(t)) for t in texts]
        df = Counter(w for d in docs for w in d)
        self.vocab = {w: i for i, w in enumerate(w for w, n in df.items() if n >= 2)}
        n = len(texts)
        self.idf = np.zeros(len(self.vocab), dtype=np.float32)
        for w, i in self.vocab.items():
            self.idf[i] = np.log((1 + n) / (1 + df[w])) + 1
        matrix = self._tfidf(docs)
        u, s, vt = svds(matrix, k=dims)
        self.components = (vt.T / s).astype(np.float32)  # query -> latent: q @ V / S
        self.doc_vectors = self._unit(u * s)

    def _tfidf(self, docs: list[Counter]) -> sparse.csr_matrix:
        rows, cols, vals = [], [], []
        for r, d in enumerate(docs):
            for w, c in d.items():
                i = self.vocab.get(w)
                if i is not None:
                    rows.append(r)
                    cols.append(i)
                    vals.append((1 + np.log(c)) * self.idf[i])
        m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(self.vocab)), dtype=np.float32)
        norms = np.sqrt(m.multiply(m).sum(axis=1)).A1
        norms[norms == 0] = 1
        return sparse.diags(1 / norms) @ m

    @staticmethod
    def _unit(v: np.ndarray) -> np.ndarray:
        norms = np.linalg.norm(v, axis=1, keepdims=True)
        norms[norms == 0] = 1
        return (v / norms).astype(np.float32)

    def query(self, text: str) -> np.ndarray:
        q = self._tfidf([Counter(tokens(text))])
        return self._unit(np.asarray(q @ self.components))[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, default=256)
    args = parser.parse_args()
    from cupola.embed import search as embed_search
    from cupola.embed.model import get_embedder
    from cupola.embed.store import open_vectors
    from cupola.embed.text import record_text

    archive = E.open_archive(False, refresh=False)
    queries = E.load_queries()
    vset = open_vectors(archive)
    records = archive.get_many(vset.ids)
    texts = [record_text(records[i]) if i in records else "" for i in vset.ids]
    started = time.perf_counter()
    lsa = LSA(texts, args.dims)
    print(f"LSA fitted on {len(texts):,} records in {time.perf_counter() - started:.1f} s "
          f"({len(lsa.vocab):,} terms, {args.dims} dimensions)")
    ids = vset.ids
    embed = {"MiniLM int8": (lambda text: get_embedder().embed_query(text), np.asarray(vset.vectors)),
             f"LSA {args.dims}": (lsa.query, lsa.doc_vectors)}
    rows: dict[str, dict[str, float]] = {}
    for name, (encode, matrix) in embed.items():
        def ranked(text: str, k: int = 100, encode=encode, matrix=matrix) -> list[tuple[str, float]]:
            scores = matrix @ encode(text)
            top = np.argpartition(-scores, min(k, len(scores) - 1))[:k]
            top = top[np.argsort(-scores[top])]
            return [(ids[int(r)], float(scores[r])) for r in top]

        rows[f"{name}, semantic only"] = E.mean(
            [E.metrics([i for i, _ in ranked(q["query"], E.DEPTH)], q) for q in queries])
        saved = embed_search.semantic_search
        embed_search.semantic_search = lambda _archive, text, k=100, allowed_ids=None, ranked=ranked: (
            ranked(text, k) if text.strip() else [])
        try:
            run = E.runner(archive, "hybrid")
            rows[f"{name}, hybrid"] = E.mean([E.metrics(run(q["query"]), q) for q in queries])
        finally:
            embed_search.semantic_search = saved
    E.table(f"embedders on the dev queries ({len(ids):,} records)", rows)


if __name__ == "__main__":
    main()
