"""MinHash LSH band keys for series texts (rensa for the signatures, numpy for the bands).

Each long text gets ``BANDS`` keys; two texts that share any key are candidates, checked afterwards
with the exact rule in ``cupola.dedupe.text.similar``. With 3 rows per band and 8 bands a pair at
Jaccard 0.75 is a candidate with probability 1 - (1 - 0.75^3)^8 = 0.987 (0.9995 at 0.85), while
pairs below 0.3 rarely are. Short texts get one key: their exact word sequence.
Keys are signed 64-bit integers, so they can be stored in SQLite as they are.
"""

from __future__ import annotations

import numpy as np
from rensa import RMinHash

from cupola.dedupe.text import SHORT_WORDS, exact_key, shingles

BANDS = 8
ROWS = 3
NUM_PERM = BANDS * ROWS
SEED = 20260
_MULT = np.uint64(0x9E3779B97F4A7C15)
_EXACT_TAG = np.int64(1)  # band index used for exact keys of short texts


def band_keys(texts: list[list[str]]) -> list[list[int]]:
    """Candidate keys for each text (a list of words, already known not to be boilerplate)."""
    out: list[list[int]] = [[] for _ in texts]
    long_rows = [i for i, words in enumerate(texts) if len(words) >= SHORT_WORDS]
    for i, words in enumerate(texts):
        if len(words) < SHORT_WORDS:
            out[i] = [_mix(np.array([exact_key(words)], dtype=np.uint64), _EXACT_TAG)]
    if long_rows:
        digests = RMinHash.digests_from_token_sets([list(shingles(texts[i])) for i in long_rows],
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


def _mix(values: np.ndarray, tag: np.int64) -> int:
    with np.errstate(over="ignore"):
        mixed = (values ^ np.uint64(tag)) * _MULT
    return int(mixed.view(np.int64)[0])
