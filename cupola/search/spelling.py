"""Spelling correction against the archive's own vocabulary ("Gemeni" -> "gemini", "spacewlak" -> "spacewalk").

The vocabulary (word -> how many records use it) is derived data kept beside the keyword index, read
from the index's own term dictionary after each commit. A word the archive never uses is corrected to
the most frequent word one edit away (insert, delete, replace, transpose), or two edits away for words
of six letters or more.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from pathlib import Path

import orjson

from cupola.model import Record

VOCABULARY_FILE = "vocabulary.json"
MIN_COUNT = 2  # words used once are as likely typos as words
MIN_LENGTH = 4
_CACHE: dict[str, tuple[float, dict[str, int]]] = {}


CAPTION_CHARS = 600  # the start of a caption names its subject; counting more costs index time, adds little


def vocabulary_text(record: Record) -> str:
    """The text whose words the vocabulary counts: title, keywords and the start of the caption.

    The keyword index tokenises it into a field of its own (``cupola.index.keyword``), so the words are
    split and counted in tantivy's indexing thread, not in Python, and a record counts once however often
    it is indexed again."""
    return " ".join([record.title or "", " ".join(record.keywords), (record.caption or "")[:CAPTION_CHARS]])


def is_word(term: str) -> bool:
    """A vocabulary word: three or more ASCII letters (the index's tokens also hold numbers, ids, accents)."""
    return len(term) >= 3 and term.isascii() and term.isalpha()


def save(directory: Path, terms: Iterable[tuple[str, int]]) -> None:
    """Write the vocabulary from (term, records using it) pairs, keeping the words, atomically."""
    path = directory / VOCABULARY_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(orjson.dumps({term: n for term, n in terms if is_word(term)}))
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
