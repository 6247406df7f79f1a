"""Series stacks by leader clustering: a caption joins the most similar stack seed, else it seeds one.

Joining is checked against the seed only (never against any member), so a chain of small edits
cannot drift from "Apollo 11 launch" to an unrelated caption: every member is within the
similarity rule of its stack's seed. A stack stops growing at ``MAX_STACK`` members, so even a
caption that escaped the boilerplate rules cannot glue thousands of records together.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping

from cupola.dedupe.minhash import band_keys
from cupola.dedupe.text import SHORT_WORDS, shingles, similar

MAX_STACK = 500
PERFECT = 1.0  # similar(a, a) for any text that is not boilerplate; no pair scores more


def best_seed(words: list[str], seeds: Iterable[str], texts: Mapping[str, list[str] | None],
              full: Container[str] = frozenset(),
              cache: dict[str, set[str]] | None = None) -> tuple[str | None, float]:
    """The seed whose text is most similar to ``words`` (ties: first seen), or (None, 0).

    ``cache`` keeps seeds' shingle sets between calls (a seed is compared with many texts). No score
    exceeds ``PERFECT`` (what ``similar`` gives identical texts), so the first seed that reaches it wins
    and the rest are not compared; an identical text is recognised without computing its similarity.
    """
    best, best_score = None, 0.0
    own = None
    for seed in seeds:
        if seed in full:
            continue
        other = texts.get(seed)
        if not other:
            continue
        if other == words:
            return seed, PERFECT
        if own is None and len(words) >= SHORT_WORDS:
            own = shingles(words)
        theirs = None
        if cache is not None and own is not None and len(other) >= SHORT_WORDS:
            theirs = cache.get(seed)
            if theirs is None:
                theirs = cache[seed] = shingles(other)
        score = similar(words, other, theirs, own)
        if score > best_score:
            best, best_score = seed, score
            if score >= PERFECT:
                break
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
    cache: dict[str, set[str]] = {}
    eligible = [i for i, words in enumerate(texts) if words]
    for position, keys in _keyed(eligible, texts):
        record_id, words = ids[position], texts[position]
        candidates: dict[str, None] = {}
        for key in keys:
            for seed in buckets.get(key, ()):
                candidates[seed] = None
        seed, _score = best_seed(words, candidates, seed_text, full, cache) if candidates else (None, 0.0)
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


def _keyed(positions: list[int], texts: list[list[str] | None], batch: int = 20_000):
    """(position, band keys) in order, computed a batch at a time to bound memory."""
    for start in range(0, len(positions), batch):
        chunk = positions[start:start + batch]
        yield from zip(chunk, band_keys([texts[i] for i in chunk]), strict=True)
