"""Rank fusion: one small module so the ranking can be read, tested and tuned in one place.

Weighted reciprocal rank fusion (Cormack et al. 2009): score(d) = sum_i w_i / (k + rank_i(d)).
"""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60


def reciprocal_rank_fusion(runs: Sequence[Sequence[tuple[str, float]]], weights: Sequence[float] | None = None,
                           k: int = RRF_K) -> list[tuple[str, float]]:
    """Fuse ranked lists of (id, score); returns (id, fused score) best first, ties broken by first appearance."""
    weights = list(weights) if weights is not None else [1.0] * len(runs)
    fused: dict[str, float] = {}
    order: dict[str, int] = {}
    for run, weight in zip(runs, weights, strict=False):
        for rank, (doc_id, _score) in enumerate(run, start=1):
            fused[doc_id] = fused.get(doc_id, 0.0) + weight / (k + rank)
            order.setdefault(doc_id, len(order))
    return sorted(fused.items(), key=lambda item: (-item[1], order[item[0]]))
