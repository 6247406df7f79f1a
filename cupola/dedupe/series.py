"""Series stacks by leader clustering: a caption joins the most similar stack seed, else it seeds one.

Joining is checked against the seed only (never against any member), so a chain of small edits
cannot drift from "Apollo 11 launch" to an unrelated caption: every member is within the
similarity rule of its stack's seed. A stack stops growing at ``MAX_STACK`` members, so even a
caption that escaped the boilerplate rules cannot glue thousands of records together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cupola.dedupe.minhash import band_keys
from cupola.dedupe.text import similar

MAX_STACK = 500


def best_seed(words: list[str], seeds: Iterable[str], texts: Mapping[str, list[str] | None],
              full: set[str] | frozenset[str] = frozenset()) -> tuple[str | None, float]:
    """The seed whose text is most similar to ``words`` (ties: first seen), or (None, 0)."""
    best, best_score = None, 0.0
    for seed in seeds:
        if seed in full:
            continue
        other = texts.get(seed)
        if not other:
            continue
        score = similar(words, other)
        if score > best_score:
            best, best_score = seed, score
    return best, best_score


def cluster_texts(ids: list[str], texts: list[list[str] | None]) -> dict[str, str]:
    """In-memory series clustering of many captions: record id -> seed id (seeds map to themselves).

    Texts that are None (boilerplate) stay alone. Used for bulk runs and the benchmark; the archive
    path (``cupola.dedupe.engine``) applies the same rules incrementally with stored keys.
    """
    assignment: dict[str, str] = {}
    buckets: dict[int, list[str]] = {}
    seed_text: dict[str, list[str]] = {}
    sizes: dict[str, int] = {}
    full: set[str] = set()
    eligible = [i for i, words in enumerate(texts) if words]
    keys_of = band_keys([texts[i] for i in eligible])
    for position, keys in zip(eligible, keys_of, strict=True):
        record_id, words = ids[position], texts[position]
        candidates: dict[str, None] = {}
        for key in keys:
            for seed in buckets.get(key, ()):
                candidates[seed] = None
        seed, _score = best_seed(words, candidates, seed_text, full) if candidates else (None, 0.0)
        if seed is None:
            assignment[record_id] = record_id
            seed_text[record_id] = words
            sizes[record_id] = 1
            for key in keys:
                buckets.setdefault(key, []).append(record_id)
        else:
            assignment[record_id] = seed
            sizes[seed] += 1
            if sizes[seed] >= MAX_STACK:
                full.add(seed)
    for record_id, words in zip(ids, texts, strict=True):
        if not words:
            assignment[record_id] = record_id
    return assignment
