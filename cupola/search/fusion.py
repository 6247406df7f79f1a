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


NAME_PHRASE_MIN = 3  # records holding the query as an exact phrase before it reads as a name


# Measured on the dev queries over the whole 24k corpus (hybrid nDCG@10): semantic weight 1.0 -> 0.691,
# 0.7 -> 0.705, 0.5 -> 0.731, 0.4 -> 0.730, 0.3 -> 0.732; with the thesaurus on the keyword side
# (cupola.search.synonyms) 0.7 -> 0.754, 0.5 -> 0.783, 0.4 -> 0.787, 0.3 -> 0.793 (judged-only nDCG flat at
# 0.83 throughout). The small MiniLM model is a good second opinion and a poor first one: the words lead.
KEYWORD_WEIGHT, SEMANTIC_WEIGHT = 1.0, 0.3


def fusion_weights(strict_matches: int, terms: int, phrase_matches: int = 0) -> tuple[float, float]:
    """(keyword, semantic) weights.

    When no record holds all the query's words (``strict_matches``: transcripts, which hold nearly every
    word, are not counted by the caller), the words are not the captions' words (a paraphrase, a
    synonym, a description): lean on meaning. When records hold the whole query as an exact phrase, it
    is a name ("Vehicle Assembly Building", "Neil Armstrong"): lean further on the words.
    """
    if terms > 1 and strict_matches == 0:
        return 0.6, 1.4
    if terms > 1 and phrase_matches >= NAME_PHRASE_MIN:
        return 1.3, SEMANTIC_WEIGHT * 0.8
    return KEYWORD_WEIGHT, SEMANTIC_WEIGHT
