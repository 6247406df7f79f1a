"""Keyword search over real records: filters and facets checked against counts computed independently."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

from conftest import RAW_CRAWL_1969, SAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cupola.index.keyword import rebuild
from cupola.normalise.centers import normalise_center
from cupola.search.query import parse
from cupola.search.service import search


def _raw_rows() -> list[dict]:
    """The fixture rows as published, deduplicated by nasa_id the way the archive keys them."""
    rows: dict[str, dict] = {}
    for path in (SAMPLE, RAW_CRAWL_1969):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                item = json.loads(line)
                data = item["data"][0] if "data" in item else item
                rows[data["nasa_id"].strip()] = data
    return list(rows.values())


ROWS = _raw_rows()


def all_ids(archive, query: str, page_size: int = 100) -> list[str]:
    ids, page = [], 1
    while True:
        result = search(archive, query, limit=page_size, page=page, facets=False)
        ids += [h.id for h in result.hits]
        if len(result.hits) < page_size:
            return ids
        page += 1


def test_archive_holds_every_distinct_record(sample_archive):
    assert sample_archive.count() == len(ROWS)
    assert search(sample_archive, "", limit=1).total == len(ROWS)


def test_center_facet_counts_match_independent_counts(sample_archive):
    expected = Counter(normalise_center(r.get("center")) for r in ROWS if normalise_center(r.get("center")))
    facets = search(sample_archive, "", limit=1).facets
    assert facets["center"] == dict(expected.most_common(len(facets["center"])))
    assert search(sample_archive, "center:KSC", limit=1).total == expected["KSC"]
    assert search(sample_archive, "center:larc", limit=1).total == expected["LaRC"]  # any Langley spelling


def test_year_facet_and_year_range(sample_archive):
    years = Counter(int(r["date_created"][:4]) for r in ROWS if r.get("date_created"))
    facets = search(sample_archive, "", limit=1).facets
    assert {int(k): v for k, v in facets["year"].items()} == dict(years)
    in_range = sum(v for y, v in years.items() if 1965 <= y <= 1968)
    assert search(sample_archive, "year:1965..1968", limit=1).total == in_range


def test_day_precision_date_range(sample_archive):
    days = [r["date_created"][:10] for r in ROWS if r.get("date_created")]
    expected = sum(1 for d in days if "1969-07-16" <= d <= "1969-07-24")
    assert expected > 0
    result = search(sample_archive, "date:1969-07-16..1969-07-24", limit=500)
    assert result.total == expected
    assert all("1969-07-16" <= h.record.taken_at <= "1969-07-24" for h in result.hits)


def test_media_type_and_keyword_filters_with_facets(sample_archive):
    media = Counter(r.get("media_type") for r in ROWS if r.get("media_type"))
    result = search(sample_archive, "type:video", limit=1)
    assert result.total == media["video"]
    assert result.facets["media_type"] == {"video": media["video"]}
    keyword = "APOLLO 11 FLIGHT"
    expected = sum(1 for r in ROWS if keyword.lower() in [k.lower() for k in r.get("keywords") or []])
    assert expected > 0
    assert search(sample_archive, f'keyword:"{keyword}"', limit=1).total >= expected


def test_phrase_exclusion_and_prefix(sample_archive):
    phrase = search(sample_archive, '"lunar module"', limit=50)
    assert phrase.total > 0
    for hit in phrase.hits:
        text = " ".join([hit.record.title, hit.record.caption, *hit.record.keywords]).lower()
        assert "lunar module" in " ".join(text.split())
    excluded = search(sample_archive, '"lunar module" -simulator', limit=500)
    assert excluded.total < phrase.total
    assert all("simulator" not in (h.record.caption + h.record.title).lower() for h in excluded.hits)
    prefix = search(sample_archive, "apoll*", limit=20)
    assert prefix.total >= search(sample_archive, "apollo", limit=1).total > 0


def test_prefix_matches_every_word_it_starts_whichever_query_expands_it(sample_archive):
    """Few expansions go through tantivy's phrase-prefix query (no automaton to compile), many through
    a regex; either way the hits and scores equal a regex over the whole term dictionary."""
    import re

    from tantivy import Occur, Query

    from cupola.index.keyword import open_index
    from cupola.search import keyword

    index = open_index(sample_archive)
    searcher = index.searcher()
    paths = set()
    for prefix in ("apoll", "astron", "s", "con", "lun", "a"):
        expansions = len(searcher.terms_with_prefix("caption", prefix, limit=keyword.PREFIX_EXPANSIONS + 1))
        paths.add(expansions <= keyword.PREFIX_EXPANSIONS)
        regex = Query.boolean_query([
            (Occur.Should, Query.boost_query(Query.regex_query(index.schema, name, re.escape(prefix) + ".*"),
                                             keyword.FIELD_BOOSTS[name]))
            for name in ("title", "keywords", "caption")])
        expected = searcher.search(regex, limit=10_000)
        got = searcher.search(keyword._prefix_clause(index.schema, searcher, prefix + "*"), limit=10_000)
        assert got.count == expected.count > 0, prefix
        assert [(round(s, 5), a.doc) for s, a in got.hits] == [(round(s, 5), a.doc) for s, a in expected.hits]
    assert paths == {True, False}


def test_title_matches_rank_above_caption_only_matches(sample_archive):
    result = search(sample_archive, "saturn", limit=10)
    assert result.total > 10
    assert "saturn" in result.hits[0].record.title.lower()


def test_paging_is_stable_and_has_no_window_cap(sample_archive):
    total = search(sample_archive, "", limit=1).total
    ids = all_ids(sample_archive, "", page_size=97)
    assert len(ids) == len(set(ids)) == total
    first = [h.id for h in search(sample_archive, "apollo", limit=30).hits]
    paged = [h.id for p in (1, 2, 3) for h in search(sample_archive, "apollo", limit=10, page=p).hits]
    assert first == paged


def test_typo_is_matched_approximately_and_exact_ranks_first(sample_archive):
    typo = search(sample_archive, "Apolo 11", limit=10)
    assert typo.total > 0 and any("apollo" in n and "Apolo" in n for n in typo.notes)
    assert all("apollo" in (h.record.title + h.record.caption).lower() for h in typo.hits[:5])


def test_words_missing_together_fall_back_to_any_word(sample_archive):
    result = search(sample_archive, "apollo zzzqqq", limit=5)
    assert result.total > 0


def test_images_api_style_filters(sample_archive):
    expected = sum(1 for r in ROWS if r.get("center") == "JSC" and r.get("date_created", "")[:4] == "1969")
    result = search(sample_archive, "", limit=1, filters={"center": ["JSC"], "year_start": ["1969"],
                                                          "year_end": ["1969"]})
    assert result.total == expected


def test_reindex_rebuilds_the_same_index(sample_archive):
    before = [h.id for h in search(sample_archive, "apollo launch", limit=20).hits]
    shutil.rmtree(sample_archive.index_dir)
    with sample_archive.writing():
        rebuild(sample_archive)
    assert [h.id for h in search(sample_archive, "apollo launch", limit=20).hits] == before


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_string_is_a_valid_query(sample_archive, text):
    result = search(sample_archive, text, limit=5)
    assert result.total >= 0
    assert parse(text).text == text[:1000]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(['"', "-", ":", "*", "year:", "date:", "..", "center:", "(", ")", "apollo",
                                 "1969", "-07-", "mission:", "\\", "'", "~", "^", "AND", "OR", " "]), max_size=12))
def test_syntax_fragments_never_raise(sample_archive, parts):
    search(sample_archive, "".join(parts), limit=3)


def test_spelling_correction_uses_the_archive_vocabulary(sample_archive):
    from cupola.search import spelling

    vocabulary = spelling.load(sample_archive.index_dir)
    assert vocabulary.get("apollo", 0) > 10
    assert spelling.correct("Apolo", vocabulary) == "apollo"
    assert spelling.correct("apollo", vocabulary) is None  # known words stay
    assert spelling.correct("xqzvw", vocabulary) is None  # nothing close
    typo = search(sample_archive, "saturn lanch", limit=10)
    right = search(sample_archive, "saturn launch", limit=10)
    assert [h.id for h in typo.hits][:5] == [h.id for h in right.hits][:5]


def test_bounding_box_filter_on_catalogue_positions(tmp_path):
    import csv

    from cupola.archive import Archive
    from cupola.ingest import ingest

    rows = Path(__file__).parent / "fixtures" / "sources"
    sources = [rows / "ISS005_rows.csv", rows / "STS126_rows.csv"]
    archive = Archive.open(tmp_path / "geo")
    ingest(archive, sources, options={"no_vectors": True, "skip_steps": ["dedupe", "embed"]})
    points = [(float(r[1]), float(r[2])) for s in sources for r in csv.reader(s.open()) if len(r) == 3]
    west, south, east, north = 40.0, 30.0, 60.0, 50.0
    inside = sum(1 for lat, lon in points if south <= lat <= north and west <= lon <= east)
    assert 0 < inside < len(points)
    result = search(archive, f"bbox:{west},{south},{east},{north}", limit=100)
    assert result.total == inside
    assert all(south <= h.record.lat <= north and west <= h.record.lon <= east for h in result.hits)
    assert search(archive, "bbox:not,a,box,x", limit=1).parsed.bbox is None  # a bad box is plain text
