"""Search collapse: one hit per cluster, members attached; and search pages without repeats."""

from __future__ import annotations

import json
from pathlib import Path

from cupola.archive import Archive
from cupola.ingest import ingest
from cupola.search.collapse import collapse, duplicate_share

HERE = Path(__file__).parent / "fixtures" / "dedupe"
EXPECTED = json.loads((HERE / "expected_groups.json").read_text())


def test_collapse_keeps_first_of_each_cluster_in_rank_order():
    ranked = [("a", 9.0), ("b", 8.0), ("c", 7.0), ("d", 6.0), ("e", 5.0)]
    clusters = {"a": {"id": "c1", "size": 3}, "c": {"id": "c1", "size": 3}, "d": {"id": "c2", "size": 2},
                "e": {"id": "c2", "size": 2}, "b": None}
    out = collapse(ranked, clusters)
    assert [h.id for h in out] == ["a", "b", "d"]
    assert out[0].matched == ["a", "c"] and out[0].size == 3
    assert out[1].cluster is None and out[1].size == 1
    assert out[2].matched == ["d", "e"]


def test_collapse_limit_and_single_member_clusters():
    ranked = [("a", 3.0), ("b", 2.0), ("c", 1.0)]
    out = collapse(ranked, {"a": {"id": "c1", "size": 1}, "b": "c7", "c": "c7"}, limit=1)
    assert [h.id for h in out] == ["a"] and out[0].cluster is None  # size 1 is no cluster
    out = collapse(ranked, {"b": "c7", "c": "c7"})
    assert [h.id for h in out] == ["a", "b"] and out[1].matched == ["b", "c"]


def test_duplicate_share():
    groups = {"a": "g1", "b": "g1", "c": "g2", "d": "g1"}
    assert duplicate_share(["a", "b", "c", "d", "x"], groups, k=10) == 2 / 5
    assert duplicate_share(["a", "c", "x"], groups) == 0.0
    assert duplicate_share([], groups) == 0.0


def test_search_pages_show_each_stack_once(tmp_path):
    from cupola.search.service import search

    archive = Archive.open(tmp_path / "a")
    ingest(archive, [HERE / "series_records.jsonl"], options={"raw_only": True, "no_vectors": True})
    big = max(EXPECTED["groups"].values(), key=len)
    record = archive.get(big[0])
    words = " ".join((record.title or "").split()[:4])
    result = search(archive, words, limit=10)
    ids = [hit.id for hit in result.hits]
    clusters = [hit.cluster["id"] for hit in result.hits if hit.cluster]
    assert len(clusters) == len(set(clusters))
    assert set(ids) & set(big)
    stack = next(hit for hit in result.hits if hit.id in big)
    assert stack.cluster["size"] == len(big)
