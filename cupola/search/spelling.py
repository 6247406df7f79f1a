"""Spelling correction against the archive's own vocabulary ("Gemeni" -> "gemini", "spacewlak" -> "spacewalk").

The vocabulary (word -> how many records use it) is derived data kept beside the keyword index and
grown as records are indexed. A word the archive never uses is corrected to the most frequent word
one edit away (insert, delete, replace, transpose), or two edits away for words of six letters or more.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import orjson

from cupola.model import Record

VOCABULARY_FILE = "vocabulary.json"
MIN_COUNT = 2  # words used once are as likely typos as words
MIN_LENGTH = 4
_WORD = re.compile(r"[a-z]{3,}")
_CACHE: dict[str, tuple[float, dict[str, int]]] = {}


CAPTION_CHARS = 600  # the start of a caption names its subject; counting more costs index time, adds little


def record_words(record: Record) -> set[str]:
    text = " ".join([record.title or "", " ".join(record.keywords), (record.caption or "")[:CAPTION_CHARS]])
    return set(_WORD.findall(text.lower()))


def count(records: Iterable[Record]) -> Counter:
    counts: Counter = Counter()
    for record in records:
        counts.update(record_words(record))
    return counts


def save(directory: Path, counts: Counter, *, merge: bool) -> None:
    """Write the vocabulary (adding to the stored one when ``merge``), atomically."""
    path = directory / VOCABULARY_FILE
    if merge and path.exists():
        counts = counts + Counter(orjson.loads(path.read_bytes()))
    tmp = path.with_suffix(".tmp")  # every count is kept: a word seen once in each of two ingests is used twice
    tmp.write_bytes(orjson.dumps(dict(counts)))
    tmp.replace(path)


def load(directory: Path) -> dict[str, int]:
    path = directory / VOCABULARY_FILE
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return {}
    cached = _CACHE.get(str(path))
    if cached and cached[0] == stamp:
        return cached[1]
    vocabulary = {word: n for word, n in orjson.loads(path.read_bytes()).items() if n >= MIN_COUNT}
    _CACHE[str(path)] = (stamp, vocabulary)
    return vocabulary


def _edits1(word: str) -> set[str]:
    letters = string.ascii_lowercase
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in letters]
    inserts = [a + c + b for a, b in splits for c in letters]
    return set(deletes + transposes + replaces + inserts)


def correct(word: str, vocabulary: dict[str, int]) -> str | None:
    """The likely intended word, or None when the word is known, too short, or nothing is close."""
    w = word.lower()
    if not vocabulary or len(w) < MIN_LENGTH or not w.isascii() or not w.isalpha() or w in vocabulary:
        return None
    near = [e for e in _edits1(w) if e in vocabulary]
    if not near and len(w) >= 6:
        near = [e2 for e1 in _edits1(w) for e2 in _edits1(e1) if e2 in vocabulary]
    if not near:
        return None
    return max(near, key=lambda candidate: (vocabulary[candidate], candidate))


def corrections(words: Iterable[str], vocabulary: dict[str, int]) -> dict[str, str]:
    out = {}
    for word in words:
        fixed = correct(word, vocabulary)
        if fixed:
            out[word] = fixed
    return out
