"""MinHash LSH band keys for series texts (rensa for the signatures, numpy for the bands).

Each long text gets ``BANDS`` keys from a MinHash of its set of words; two texts that share any key
are candidates, checked afterwards with the exact rule in ``cupola.dedupe.text.similar`` (word
3-shingles). Hashing words rather than shingles keeps the per-text cost inside rensa (no Python
strings per shingle); near-duplicates have an even higher word Jaccard than shingle Jaccard, so
recall does not suffer. Common function words are left out of the set, so that captions that only
share "the", "of", "space" do not look alike. With 5 rows per band and 10 bands a pair at word
Jaccard 0.85 is a candidate with probability 1 - (1 - 0.85^5)^10 = 0.997 (0.95 at 0.75), one at 0.5
with 0.27 and one at 0.3 with 0.024, so few candidates need the exact check.
Short texts get one key: their exact word sequence.
Keys are signed 64-bit integers, so they can be stored in SQLite as they are.
"""

from __future__ import annotations

import numpy as np
from rensa import RMinHash

from cupola.dedupe.text import SHORT_WORDS, exact_key

BANDS = 10
ROWS = 5
NUM_PERM = BANDS * ROWS
SEED = 20260
_MULT = np.uint64(0x9E3779B97F4A7C15)
_EXACT_TAG = np.int64(1)
STOPWORDS = frozenset(
    "a an and are as at be by for from has have in into is it its of on or that the their this to was were "
    "which with during after before while photo image nasa".split())  # band index used for exact keys of short texts


def band_keys(texts: list[list[str]]) -> list[list[int]]:
    """Candidate keys for each text (a list of words, already known not to be boilerplate)."""
    out: list[list[int]] = [[] for _ in texts]
    long_rows = [i for i, words in enumerate(texts) if len(words) >= SHORT_WORDS]
    for i, words in enumerate(texts):
        if len(words) < SHORT_WORDS:
            out[i] = [_mix(np.array([exact_key(words)], dtype=np.uint64), _EXACT_TAG)]
    if long_rows:
        digests = RMinHash.digests_from_token_sets([_content_words(texts[i]) for i in long_rows],
                                                   num_perm=NUM_PERM, seed=SEED)
        matrix = np.asarray(digests, dtype=np.uint64).reshape(len(long_rows), BANDS, ROWS)
        keys = np.zeros((len(long_rows), BANDS), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for r in range(ROWS):
                keys = (keys ^ matrix[:, :, r]) * _MULT
            keys = (keys ^ (np.arange(BANDS, dtype=np.uint64) + np.uint64(2))) * _MULT
        signed = keys.view(np.int64)
        for row, i in enumerate(long_rows):
            out[i] = signed[row].tolist()
    return out


def _content_words(words: list[str]) -> list[str]:
    kept = [w for w in words if w not in STOPWORDS]
    return kept or words


def _mix(values: np.ndarray, tag: np.int64) -> int:
    with np.errstate(over="ignore"):
        mixed = (values ^ np.uint64(tag)) * _MULT
    return int(mixed.view(np.int64)[0])
