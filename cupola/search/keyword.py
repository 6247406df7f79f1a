"""ParsedQuery -> tantivy Query, built programmatically (no query-parser syntax errors can reach a user).

Each free word must match (in any text field, weighted title > keywords > caption > other); a word the
index has never seen is matched fuzzily instead (typo tolerance: "Apolo" ~ "Apollo"), while exact matches
still score higher. Phrases match as phrases; exclusions remove; filters restrict without scoring.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import tantivy
from tantivy import Occur, Query

from cupola.index.keyword import FIELD_BOOSTS, TEXT_FIELDS
from cupola.normalise.centers import normalise_center
from cupola.search.query import ParsedQuery

# Words a person types around what they want; they are not required to match (phrases keep them).
STOPWORDS = frozenset(
    "a an and are as at be been being by can could did do does doing during for from had has have having he "
    "her here him his how i in into is it its me my of off on onto or our out over she so some such than that "
    "the their them then there these they this those through to too under up upon us very was we were what "
    "when where which while who whom why will with within without you your "
    "photo photos photograph photographs picture pictures image images shot shots show shows showing shown "
    "seen view views about".split()
)
PREFIX_EXPANSIONS = 50  # tantivy's PhrasePrefixQuery default max_expansions
YEAR_WORD_BOOST = 3.0  # a bare year in free text ("moon landing 1969") prefers that year; it does not require it
EXACT_FILTERS = {"center", "media_type", "source", "keyword", "nasa_id", "person", "mission", "vehicle", "place",
                 "organization", "event", "cluster_id"}
# title: and description: filter on the stemmed text fields (a phrase in them, as the images-api's own search
# does with its analysed fields): an unstemmed copy of the caption cost 40 % of the index's time per record.
PHRASE_FILTERS = {"photographer": "photographer", "secondary_creator": "secondary_creator",
                  "location": "location", "title": "title", "description": "caption"}
_SAFE = re.compile(r"[\W_]+", re.UNICODE)
FUZZY_MIN_LENGTH = 4
FUZZY_MAX_LENGTH = 30
ALTERNATIVE_BOOST = 0.7  # a thesaurus word or split compound standing in for the typed word scores lower


@dataclass
class BuiltQuery:
    query: tantivy.Query  # scoring + filtering
    filter_query: tantivy.Query | None  # filters only (for semantic candidates)
    fuzzy_words: list[str]
    relaxed: bool  # words OR'ed instead of AND'ed
    expansions: dict[str, list[str]] = field(default_factory=dict)  # word -> other forms also matched


def _text_clause(index: tantivy.Index, text: str, boost: float = 1.0) -> tantivy.Query:
    safe = _SAFE.sub(" ", text).strip()  # quoted, so words like AND / OR / TO are never syntax
    query = index.parse_query(f'"{safe}"', list(TEXT_FIELDS), field_boosts=FIELD_BOOSTS)
    return Query.boost_query(query, boost) if boost != 1.0 else query


def _fuzzy_clause(schema: tantivy.Schema, word: str) -> tantivy.Query:
    """Terms one edit away score well above terms two edits away (allowed for words of 7+ letters)."""
    distances = ((1, 0.6), (2, 0.15)) if len(word) >= 7 else ((1, 0.6),)
    subqueries = [
        (Occur.Should, Query.boost_query(Query.fuzzy_term_query(schema, name, word.lower(), distance, True, False),
                                         FIELD_BOOSTS[name] * weight))
        for distance, weight in distances
        for name in ("title", "keywords", "caption")
    ]
    return Query.boolean_query(subqueries)


def _prefix_clause(schema: tantivy.Schema, searcher: tantivy.Searcher, prefix: str) -> tantivy.Query:
    """Any indexed word that starts with ``prefix``, in title, keywords or caption (constant score).

    tantivy's phrase-prefix query expands the prefix from the term dictionary at search time, but to
    at most PREFIX_EXPANSIONS words; a regex query expands to all of them but compiles an automaton
    first (~0.35 ms a field). So the first is used when the dictionary holds few enough such words.
    """
    stem = _SAFE.sub("", prefix.rstrip("*").lower())
    subqueries = []
    for name in ("title", "keywords", "caption"):
        if len(searcher.terms_with_prefix(name, stem, limit=PREFIX_EXPANSIONS + 1)) <= PREFIX_EXPANSIONS:
            clause = Query.phrase_prefix_query(schema, name, [stem])
        else:
            clause = Query.regex_query(schema, name, re.escape(stem) + ".*")
        subqueries.append((Occur.Should, Query.boost_query(clause, FIELD_BOOSTS[name])))
    return Query.boolean_query(subqueries)


def _filter_values(name: str, values: list[str]) -> list[str]:
    out = []
    for value in values:
        parts = value.split(",") if name in ("media_type", "center") else [value]
        for part in parts:
            part = part.strip()
            if not part:
                continue
            if name == "center":
                part = normalise_center(part) or part
            out.append(part.lower())
    return out


def filter_clauses(index: tantivy.Index, parsed: ParsedQuery) -> list[tuple[Occur, tantivy.Query]]:
    schema = index.schema
    clauses: list[tuple[Occur, tantivy.Query]] = []
    for filters, occur in ((parsed.filters, Occur.Must), (parsed.excluded_filters, Occur.MustNot)):
        for name, values in filters.items():
            if name in EXACT_FILTERS:
                wanted = _filter_values(name, values)
                if not wanted:
                    continue
                query = Query.term_set_query(schema, f"{name}_l", wanted)
                if name == "keyword":  # also a phrase inside a keyword ("apollo 11" in "APOLLO 11 FLIGHT")
                    phrases = [index.parse_query(f'"{_SAFE.sub(" ", v).strip()}"', ["keywords"]) for v in values
                               if _SAFE.sub(" ", v).strip()]
                    query = Query.boolean_query([(Occur.Should, query), *((Occur.Should, p) for p in phrases)])
                clauses.append((occur, query))
            elif name in PHRASE_FILTERS:
                field_name = PHRASE_FILTERS[name]
                options = [(Occur.Should, index.parse_query(f'"{_SAFE.sub(" ", v).strip()}"', [field_name]))
                           for v in values if _SAFE.sub(" ", v).strip()]
                if options:
                    clauses.append((occur, Query.boolean_query(options)))
    if parsed.bbox:
        west, south, east, north = parsed.bbox
        clauses.append((Occur.Must, Query.range_query(schema, "lat", tantivy.FieldType.Float, south, north)))
        if west <= east:
            clauses.append((Occur.Must, Query.range_query(schema, "lon", tantivy.FieldType.Float, west, east)))
        else:  # the box crosses the antimeridian
            clauses.append((Occur.Must, Query.boolean_query([
                (Occur.Should, Query.range_query(schema, "lon", tantivy.FieldType.Float, west, 180.0)),
                (Occur.Should, Query.range_query(schema, "lon", tantivy.FieldType.Float, -180.0, east))])))
    if parsed.year_range:
        lo, hi = parsed.year_range
        clauses.append((Occur.Must, Query.range_query(schema, "year", tantivy.FieldType.Integer, lo, hi)))
    if parsed.date_range:
        lo, hi = parsed.date_range
        if lo is not None:
            clauses.append((Occur.Must, Query.range_query(schema, "date_lo", tantivy.FieldType.Integer, lo, None)))
        if hi is not None:
            clauses.append((Occur.Must, Query.range_query(schema, "date_hi", tantivy.FieldType.Integer, None, hi)))
    return clauses


# How much a recognised entity in the query lifts records where that entity was recognised in the caption
# (on top of BM25 text scores, which are typically 5-40). Measured on the dev queries over the whole
# corpus (hybrid nDCG@10): no boost 0.736, these 0.734, double these 0.732 — the words already find
# most such records, so the lift is kept small: it orders near-ties towards recognised entities.
ENTITY_BOOSTS = {"missions": ("mission", 2.0), "people": ("person", 1.5), "vehicles": ("vehicle", 1.0),
                 "places": ("place", 1.0)}
EVENT_BOOST = 0.75


def entity_clauses(schema: tantivy.Schema, text: str) -> list[tantivy.Query]:
    """Scoring-only clauses for the missions, people, vehicles, places and event the query names."""
    if not text.strip():
        return []
    try:
        from cupola.enrich import analyze
    except ImportError:  # caption understanding not installed: plain keyword ranking
        return []
    understood = analyze(text)
    clauses = []
    for key, (field_name, boost) in ENTITY_BOOSTS.items():
        names = [n.lower() for n in understood.get(key) or [] if isinstance(n, str)]
        if names:
            clauses.append(Query.boost_query(Query.term_set_query(schema, f"{field_name}_l", names), boost))
    event = understood.get("event")
    if isinstance(event, str) and event != "other":
        clauses.append(Query.boost_query(Query.term_set_query(schema, "event_l", [event]), EVENT_BOOST))
    return clauses


_ANALYZER: tantivy.TextAnalyzer | None = None


def _analyzer() -> tantivy.TextAnalyzer:
    """tantivy's ``en_stem`` chain, so words are looked up as the text fields index them."""
    global _ANALYZER
    if _ANALYZER is None:
        _ANALYZER = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(40))
                     .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.stemmer("english")).build())
    return _ANALYZER


def _idf(searcher: tantivy.Searcher, text: str) -> float:
    """BM25 idf of a word, or an estimate for a phrase (its rarest word), from term statistics only:
    counting a phrase of common words over a large index would cost more than the search itself."""
    tokens = _analyzer().analyze(text)
    if not tokens:
        return 0.0
    matches = min(max(searcher.doc_freq(name, token) for name in TEXT_FIELDS) for token in tokens)
    return math.log(1 + (searcher.num_docs - matches + 0.5) / (matches + 0.5)) if matches else 0.0


def _with_alternatives(index: tantivy.Index, searcher: tantivy.Searcher, word: str, clause: tantivy.Query,
                       alternatives: list[str]) -> tantivy.Query:
    """``word`` or any of its alternatives; a record scores by its best match, not their sum.

    An alternative is weighted to score about ALTERNATIVE_BOOST of what the typed word would: BM25
    would otherwise let a rare alternative ("touchdown") outscore the common word typed ("landing")."""
    word_idf = _idf(searcher, word)
    options = [clause]
    for other in alternatives:
        other_clause = _text_clause(index, other)
        other_idf = _idf(searcher, other)
        if other_idf > 0:
            scale = min(word_idf / other_idf, 1.0) if word_idf > 0 else 1.0
            options.append(Query.boost_query(other_clause, ALTERNATIVE_BOOST * scale))
    return Query.disjunction_max_query(options) if len(options) > 1 else clause


def _is_year(word: str) -> bool:
    return len(word) == 4 and word.isascii() and word.isdigit() and 1900 <= int(word) <= 2100


def _known(searcher: tantivy.Searcher, index: tantivy.Index, word: str) -> bool:
    return searcher.search(_text_clause(index, word), limit=1, count=True).count > 0


def build(index: tantivy.Index, searcher: tantivy.Searcher, parsed: ParsedQuery, *,
          relaxed: bool = False, fuzzy: bool = False, corrections: dict[str, str] | None = None,
          expansions: dict[str, list[str]] | None = None) -> BuiltQuery:
    """The tantivy query for ``parsed``. With ``fuzzy``, words the index has never seen match approximately
    (callers first try without: a typo makes the all-words query come back empty). ``expansions`` gives
    a word's other forms (``cupola.search.synonyms``): any of them satisfies the word, scored lower."""
    schema = index.schema
    words = [w for w in parsed.words if w.lower() not in STOPWORDS] or list(parsed.words)
    years = [int(w) for w in words if _is_year(w)]
    if years and len(years) < len(words):
        words = [w for w in words if not _is_year(w)]
    text_clauses: list[tantivy.Query] = []
    fuzzy_words: list[str] = []
    corrections = corrections or {}
    expansions = expansions or {}
    for word in words:
        clause = _text_clause(index, word)
        if word in expansions:
            clause = _with_alternatives(index, searcher, word, clause, expansions[word])
        if word in corrections:  # the archive never uses this word: accept its likely spelling too
            clause = Query.boolean_query([(Occur.Should, clause),
                                          (Occur.Should, _text_clause(index, corrections[word]))])
        elif (fuzzy and FUZZY_MIN_LENGTH <= len(word) <= FUZZY_MAX_LENGTH and not word.isdigit()
                and not _known(searcher, index, word)):
            fuzzy_words.append(word)
            clause = Query.boolean_query([(Occur.Should, clause), (Occur.Should, _fuzzy_clause(schema, word))])
        text_clauses.append(clause)
    text_clauses += [_text_clause(index, phrase, 1.5) for phrase in parsed.phrases]
    text_clauses += [_prefix_clause(schema, searcher, prefix) for prefix in parsed.prefixes]
    clauses: list[tuple[Occur, tantivy.Query]] = []
    if text_clauses:
        if relaxed and len(text_clauses) > 1:
            clauses.append((Occur.Must, Query.boolean_query([(Occur.Should, c) for c in text_clauses])))
        else:
            clauses += [(Occur.Must, c) for c in text_clauses]
    if text_clauses:
        clauses += [(Occur.Should, c) for c in entity_clauses(schema, parsed.free_text)]
        for year in years if len(years) < len(parsed.words) else []:
            in_year = Query.range_query(schema, "year", tantivy.FieldType.Integer, year, year)
            clauses.append((Occur.Should, Query.boost_query(Query.const_score_query(in_year, 1.0), YEAR_WORD_BOOST)))
            clauses.append((Occur.Should, _text_clause(index, str(year))))
    for excluded in parsed.excluded:
        clauses.append((Occur.MustNot, _text_clause(index, excluded)))
    filters = filter_clauses(index, parsed)
    clauses += filters
    if not any(occur in (Occur.Must, Occur.Should) for occur, _ in clauses):
        clauses.append((Occur.Must, Query.all_query()))
    filter_query = None
    if filters:
        filter_query = Query.boolean_query([(Occur.Must, Query.all_query()), *filters])
    return BuiltQuery(Query.boolean_query(clauses), filter_query, fuzzy_words, relaxed, expansions)
