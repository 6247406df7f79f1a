"""search(): the one function behind the CLI, the API and the UI.

keyword candidates (tantivy) [+ semantic candidates, fused; then the semantic side again from the query
moved toward the best fused hits, fused again] -> filters -> cluster collapse -> page, with facet counts
over the whole matching set.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import tantivy
from tantivy import Occur, Query

from cupola.archive import Archive
from cupola.errors import UsageError
from cupola.index.keyword import open_index
from cupola.index.keyword import state as index_state
from cupola.model import Record
from cupola.search import facets as facets_module
from cupola.search import keyword, spelling, synonyms
from cupola.search.collapse import collapse
from cupola.search.fusion import fusion_weights, reciprocal_rank_fusion
from cupola.search.query import ParsedQuery, parse, parse_bbox

log = logging.getLogger("cupola")
MODES = ("keyword", "semantic", "hybrid")
MAX_LIMIT = 500
HYBRID_DEPTH = 200
PHRASE_CHECK_DEPTH = 50  # strict keyword hits checked for the query as an exact phrase (fusion weights)
# A text this long (a podcast or film transcript) holds every word of most queries: it matching all of them
# does not show that the query uses the captions' words (dev: 68 of 24,067 captions, all audio transcripts).
LONG_TEXT_CHARS = 5_000


@dataclass
class Hit:
    id: str
    score: float
    record: Record
    cluster: dict[str, Any] | None = None
    members: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        r = self.record
        data = {
            "id": r.id, "title": r.title, "caption": r.caption, "taken_at": r.taken_at,
            "taken_precision": r.taken_precision, "center": r.center, "media_type": r.media_type,
            "score": round(self.score, 6), "keywords": r.keywords, "credit": r.credit,
            "photographer": r.photographer, "location_text": r.location_text, "source": r.source,
            "preview": r.preview_url(), "event": r.event, "entities": r.entities, "rights": r.rights,
            "cluster": self.cluster,
        }
        if self.members:
            data["members"] = self.members
        return data


@dataclass
class SearchResult:
    query: str
    mode: str
    total: int
    page: int
    limit: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    parsed: ParsedQuery
    took_ms: float = 0.0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query, "mode": self.mode, "total": self.total, "page": self.page, "limit": self.limit,
            "hits": [h.to_dict() for h in self.hits], "facets": self.facets,
            "took_ms": round(self.took_ms, 2), "notes": self.notes,
        }


def search(archive: Archive, query: str | None, *, limit: int = 20, page: int = 1, mode: str = "keyword",
           facets: bool = True, expand: bool = False, filters: dict[str, list[str]] | None = None,
           collapse_clusters: bool = True) -> SearchResult:
    """Search the archive. Any query string is valid; bad paging values are a UsageError.

    ``collapse_clusters=False`` lists every record in rank order (what images-api clients expect).
    """
    started = time.perf_counter()
    if mode not in MODES:
        raise UsageError(f"unknown search mode {mode!r}", hint=f"choose one of: {', '.join(MODES)}")
    if limit < 1 or page < 1:
        raise UsageError("limit and page must be at least 1")
    limit = min(limit, MAX_LIMIT)
    parsed = parse(query)
    for name, values in (filters or {}).items():
        for value in values:
            if name in ("year_start", "year_end"):
                _apply_year(parsed, name, value)
            elif name == "bbox":
                parsed.bbox = parse_bbox(value) or parsed.bbox
            else:
                parsed.add_filter(name, value)
    state = index_state(archive)  # before opening: cached counts are never labelled with a newer state
    index = open_index(archive)
    searcher = index.searcher()
    notes: list[str] = []
    vocabulary = spelling.load(archive.index_dir)
    corrections = spelling.corrections(parsed.words, vocabulary)
    if corrections:
        notes.append("also matched: " + ", ".join(f"{c} (for {w!r})" for w, c in corrections.items()))
    expansions = synonyms.expansions(parsed.words, vocabulary, searcher.num_docs, corrections)
    if expansions:
        notes.append("also matched: " + "; ".join(f"{', '.join(found)} (for {w!r})" for w, found in expansions.items()))
    built = keyword.build(index, searcher, parsed, corrections=corrections, expansions=expansions)
    pending = facets_module.PendingFacets(searcher, built.query, state) if facets else None
    if mode != "keyword" and not parsed.has_text:
        mode = "keyword"  # nothing to embed: a filter-only or empty query
    offset = (page - 1) * limit
    depth = offset + limit + 10
    clusters: dict[str, str | None] = {}
    while True:  # deepen until the page is full after collapsing clusters, or the candidates run out
        if mode == "keyword":
            ranked, total = _keyword_ranked(index, searcher, parsed, built, depth, clusters)
        else:
            ranked, total = _fused(archive, index, searcher, parsed, built, mode, max(depth, HYBRID_DEPTH),
                                   clusters, corrections)
        if not collapse_clusters:
            clusters = dict.fromkeys((i for i, _ in ranked), None)
        hits, complete = _collapse_and_page(archive, ranked, clusters, offset, limit, expand)
        if complete or len(ranked) < depth or mode != "keyword":
            break
        depth *= 4
    if built.fuzzy_words:
        notes.append("matched approximately: " + ", ".join(built.fuzzy_words))
    if mode == "keyword" and collapse_clusters:
        total = facets_module.collapsed_total(searcher, built.query, total)
    facet_counts: dict[str, dict[str, int]] = {}
    if pending is not None:
        if pending.query is not built.query:  # the words were relaxed or respelled: count what was shown
            pending = facets_module.PendingFacets(searcher, built.query, state)
        facet_counts = pending.result()
    return SearchResult(query or "", mode, total, page, limit, hits, facet_counts, parsed,
                        (time.perf_counter() - started) * 1000, notes)


def _apply_year(parsed: ParsedQuery, name: str, value: str) -> None:
    try:
        year = int(str(value).strip())
    except ValueError:
        raise UsageError(f"{name} must be a year, got {value!r}") from None
    lo, hi = parsed.year_range or (None, None)
    parsed.year_range = (year, hi) if name == "year_start" else (lo, year)


def _ids(searcher: tantivy.Searcher, hits: list[tuple[Any, Any]],
         clusters: dict[str, str | None]) -> list[tuple[str, float]]:
    """(id, score) per hit; notes each hit's cluster id (stored in the index) in ``clusters``."""
    out = []
    for score, address in hits:
        doc = searcher.doc(address)
        record_id = doc["id"][0]
        cluster = doc.get_first("cluster_id")
        clusters[record_id] = cluster
        out.append((record_id, float(score)))
    return out


def _keyword_ranked(index: tantivy.Index, searcher: tantivy.Searcher, parsed: ParsedQuery,
                    built: keyword.BuiltQuery, depth: int,
                    clusters: dict[str, str | None]) -> tuple[list[tuple[str, float]], int]:
    if not parsed.has_text:  # empty or filter-only query: newest first
        result = searcher.search(built.query, limit=depth, order_by_field="recent")
        return [(i, 0.0) for i, _s in _ids(searcher, result.hits, clusters)], result.count
    result = searcher.search(built.query, limit=depth)
    if result.count == 0 and parsed.words:  # a typo? match unknown words approximately
        fuzzy = keyword.build(index, searcher, parsed, fuzzy=True, expansions=built.expansions)
        if fuzzy.fuzzy_words:
            built.query, built.fuzzy_words = fuzzy.query, fuzzy.fuzzy_words
            result = searcher.search(built.query, limit=depth)
    if result.count == 0 and len(parsed.words) + len(parsed.phrases) + len(parsed.prefixes) > 1:
        relaxed = keyword.build(index, searcher, parsed, relaxed=True, fuzzy=True, expansions=built.expansions)
        built.query, built.relaxed, built.fuzzy_words = relaxed.query, True, relaxed.fuzzy_words
        result = searcher.search(relaxed.query, limit=depth)
    return _ids(searcher, result.hits, clusters), result.count


def _fused(archive: Archive, index: tantivy.Index, searcher: tantivy.Searcher, parsed: ParsedQuery,
           built: keyword.BuiltQuery, mode: str, depth: int, clusters: dict[str, str | None],
           corrections: dict[str, str]) -> tuple[list[tuple[str, float]], int]:
    try:
        from cupola.embed.search import FEEDBACK_RECORDS, feedback_search, semantic_search
    except ImportError:
        raise UsageError("semantic search is not available in this build", hint="use --mode keyword") from None
    text = " ".join(corrections.get(word, word) for word in parsed.free_text.split())
    semantic = semantic_search(archive, text, k=depth)
    if built.filter_query is not None or parsed.excluded:
        semantic = _only_matching(index, searcher, parsed, built, semantic)
    if mode == "semantic":
        return semantic, len(semantic)
    strict = searcher.search(built.query, limit=depth)
    lexical = _ids(searcher, strict.hits, clusters)
    relaxed_count = strict.count
    if len(lexical) < depth and len(parsed.words) + len(parsed.phrases) + len(parsed.prefixes) > 1:
        relaxed = keyword.build(index, searcher, parsed, relaxed=True, fuzzy=True, corrections=corrections,
                                expansions=built.expansions)
        more = searcher.search(relaxed.query, limit=depth)
        if strict.count == 0:  # facets and totals then describe the any-word matches that were shown
            built.query, built.relaxed = relaxed.query, True
        seen = {i for i, _ in lexical}
        lexical += [(i, s) for i, s in _ids(searcher, more.hits, clusters) if i not in seen][: depth - len(lexical)]
        relaxed_count = more.count
    phrase_matches = 0
    if len(parsed.words) > 1 and not parsed.phrases and strict.count:
        # Do the best all-words matches hold the words as an exact phrase (a name)? Checked on those
        # matches only: a phrase of common words over the whole index costs 50-300 ms at 1M records.
        phrase = keyword._text_clause(index, " ".join(corrections.get(w, w) for w in parsed.words))
        best = [i for i, _ in lexical[:PHRASE_CHECK_DEPTH]]
        among = Query.boolean_query([(Occur.Must, phrase),
                                     (Occur.Must, Query.term_set_query(index.schema, "id", best))])
        phrase_matches = searcher.search(among, limit=1, count=True).count
    weights = fusion_weights(_caption_scale_matches(archive, strict.count, lexical),
                             len(parsed.words) + len(parsed.phrases), phrase_matches)
    fused = reciprocal_rank_fusion([lexical, semantic], weights)
    if fused and semantic:  # second semantic pass from the query moved toward the best fused hits
        semantic = feedback_search(archive, text, [i for i, _ in fused[:FEEDBACK_RECORDS]], k=depth)
        if built.filter_query is not None or parsed.excluded:
            semantic = _only_matching(index, searcher, parsed, built, semantic)
        fused = reciprocal_rank_fusion([lexical, semantic], weights)
    return fused, max(relaxed_count, len(fused))


def _caption_scale_matches(archive: Archive, strict_count: int, lexical: list[tuple[str, float]]) -> int:
    """How many records hold all the query's words, not counting transcript-length texts (checked when
    there are few such records; with more than PHRASE_CHECK_DEPTH some surely are captions)."""
    if not 0 < strict_count <= PHRASE_CHECK_DEPTH:
        return strict_count
    lengths = archive.caption_lengths([i for i, _ in lexical[:strict_count]])
    return sum(1 for n in lengths.values() if n <= LONG_TEXT_CHARS)


def _only_matching(index: tantivy.Index, searcher: tantivy.Searcher, parsed: ParsedQuery,
                   built: keyword.BuiltQuery, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Keep the semantic candidates that satisfy the query's filters and exclusions."""
    if not ranked:
        return ranked
    clauses = [(Occur.Must, Query.term_set_query(index.schema, "id", [i for i, _ in ranked]))]
    if built.filter_query is not None:
        clauses.append((Occur.Must, built.filter_query))
    for excluded in parsed.excluded:
        clauses.append((Occur.MustNot, keyword._text_clause(index, excluded)))
    result = searcher.search(Query.boolean_query(clauses), limit=len(ranked))
    allowed = {searcher.doc(a)["id"][0] for _s, a in result.hits}
    return [(i, s) for i, s in ranked if i in allowed]


def _collapse_and_page(archive: Archive, ranked: list[tuple[str, float]], clusters: dict[str, str | None],
                       offset: int, limit: int, expand: bool) -> tuple[list[Hit], bool]:
    """One hit per duplicate cluster, in rank order; then the requested page (and whether it is full).

    Cluster ids come from the index, so only the records on the page are loaded from the archive.
    """
    unknown = [i for i, _ in ranked if i not in clusters]
    if unknown:  # semantic candidates: read their cluster from the records
        for record_id, record in archive.get_many(unknown).items():
            clusters[record_id] = record.cluster.get("id") if record.cluster else None
    chosen = collapse(ranked, clusters, limit=None if expand else offset + limit)
    page = chosen[offset: offset + limit]
    records = archive.get_many([c.id for c in page])
    hits = []
    for kept in page:
        record = records.get(kept.id)
        if record is None:
            continue
        cluster = record.cluster if record.cluster and record.cluster.get("size", 1) > 1 else None
        hits.append(Hit(kept.id, kept.score, record, cluster, kept.matched if expand and cluster else []))
    return hits, len(chosen) >= offset + limit


def default_mode(archive: Archive) -> str:
    """Hybrid when the archive has vectors (and the embedding stage is installed), else keyword."""
    try:
        from cupola.embed.search import has_vectors
    except ImportError:
        return "keyword"
    try:
        return "hybrid" if has_vectors(archive) else "keyword"
    except Exception:  # a broken vector store must not break keyword search
        log.warning("vector store unreadable; falling back to keyword search", exc_info=True)
        return "keyword"
