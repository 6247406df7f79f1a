"""Other words for a query word: a space-photography thesaurus and compound splitting.

People search in words the captions do not use: "spacewalk" for "extravehicular activity (EVA)",
"liftoff" for "launch", "VAB" for "Vehicle Assembly Building", "Earthrise" for "Earth rising above the
lunar horizon". ``alternatives(word, vocabulary)`` gives the other forms a query word may take in the
archive; the keyword search accepts any of them for that word, scored below the word itself.

Two sources: the thesaurus shipped in ``cupola/data/search/thesaurus.tsv`` (general vocabulary and NASA
abbreviations), and compound splitting against the archive's own vocabulary: a word the archive
rarely uses that is two words it uses often ("earthrise" = "earth rise", "moonwalk" = "moon walk") is
also matched as that two-word phrase.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

THESAURUS = "thesaurus.tsv"
COMPOUND_MIN_LENGTH = 7  # shorter words split into noise ("stars" = "st ars")
# Shares of the archive's records (the vocabulary counts records), so the rules hold at any archive size.
COMPOUND_RARE_SHARE = 0.0004  # a word used by fewer records than this may be a compound of two common ones
PART_MIN_SHARE = 0.0005  # ... when both its parts are used by at least this share
PART_MIN_COUNT = 5  # and by at least this many records (small archives)
PART_MIN_LENGTH = 3
# A word already used by more than this share of the records finds plenty by itself; alternatives for
# it mostly reorder what it finds ("shuttle" -> "orbiter", "moon" -> "lunar"), so only rarer words are
# expanded. Dev queries over the 24k corpus, hybrid nDCG@10 (semantic weight 0.5): every word expanded
# 0.754, words under 2.5% of records 0.767, under 1% 0.783, under 0.5% 0.779, under 0.25% 0.764, none 0.767.
EXPAND_MAX_SHARE = 0.01


@cache
def thesaurus() -> dict[str, tuple[str, ...]]:
    """Query word (lowercase) -> its alternatives, as listed in the shipped thesaurus."""
    text = resources.files("cupola.data").joinpath(f"search/{THESAURUS}").read_text(encoding="utf-8")
    table: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, _, alternatives = line.partition("\t")
        table[word.strip().lower()] = tuple(a.strip().lower() for a in alternatives.split("|") if a.strip())
    return table


def split_compound(word: str, vocabulary: dict[str, int], records: int) -> str | None:
    """``"earth rise"`` for ``"earthrise"`` when the archive (of ``records`` records) rarely uses the word
    and often its parts."""
    w = word.lower()
    if len(w) < COMPOUND_MIN_LENGTH or not w.isascii() or not w.isalpha() or not vocabulary:
        return None
    if vocabulary.get(w, 0) >= max(2, COMPOUND_RARE_SHARE * records):
        return None
    part_min = max(PART_MIN_COUNT, PART_MIN_SHARE * records)
    best, best_count = None, 0
    for cut in range(PART_MIN_LENGTH, len(w) - PART_MIN_LENGTH + 1):
        head, tail = w[:cut], w[cut:]
        common = min(vocabulary.get(head, 0), vocabulary.get(tail, 0))
        if common >= part_min and common > best_count:
            best, best_count = f"{head} {tail}", common
    return best


def alternatives(word: str, vocabulary: dict[str, int] | None = None, records: int = 0) -> list[str]:
    """Other words or phrases that may stand for ``word`` in captions (never ``word`` itself).

    ``records`` (the archive's size) lets a word that is common in the archive stand alone."""
    w = word.lower()
    common = records and vocabulary and vocabulary.get(w, 0) > EXPAND_MAX_SHARE * records
    found = [] if common else list(thesaurus().get(w, ()))
    compound = split_compound(w, vocabulary or {}, records)
    if compound and compound not in found:
        found.append(compound)
    return [a for a in found if a != w]


def expansions(words: list[str], vocabulary: dict[str, int] | None = None, records: int = 0,
               corrections: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Each query word that has alternatives -> those alternatives (of its corrected spelling, if any)."""
    out = {}
    for word in words:
        found = alternatives((corrections or {}).get(word, word), vocabulary, records)
        if found:
            out[word] = found
    return out
