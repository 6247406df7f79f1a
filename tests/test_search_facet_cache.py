"""Facet counts are kept per index state: the same query is counted once until the index changes."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import SAMPLE, write_halves

from cupola.archive import Archive
from cupola.ingest import ingest
from cupola.search import facets
from cupola.search.service import search

STEPS_OFF = {"raw_only": True, "no_vectors": True, "skip_steps": ["dedupe", "embed"]}


@pytest.fixture
def aggregations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The queries each facet aggregation job was started for."""
    started: list[str] = []
    submit = facets._POOL.submit

    def counting(fn, query, *args):
        started.append(repr(query))
        return submit(fn, query, *args)

    monkeypatch.setattr(facets._POOL, "submit", counting)
    return started


def test_every_page_of_a_query_shows_the_counts_of_one_aggregation(tmp_path, aggregations):
    archive = Archive.open(tmp_path / "archive")
    ingest(archive, [SAMPLE], options=STEPS_OFF)
    first = search(archive, "apollo", limit=5, page=1)
    assert len(aggregations) == 1 and first.total > 10
    second = search(archive, "apollo", limit=5, page=2)
    assert len(aggregations) == 1  # counted once
    assert second.facets == first.facets and not {h.id for h in second.hits} & {h.id for h in first.hits}
    search(archive, "moon", limit=5)
    assert len(aggregations) == 2  # another query is counted


def test_counts_handed_out_are_copies(tmp_path, aggregations):
    archive = Archive.open(tmp_path / "archive")
    ingest(archive, [SAMPLE], options=STEPS_OFF)
    first = search(archive, "apollo", limit=5)
    centers = dict(first.facets["center"])
    first.facets["center"].clear()
    first.facets["year"]["1066"] = 1
    again = search(archive, "apollo", limit=5)
    assert again.facets["center"] == centers and "1066" not in again.facets["year"]


def test_counts_follow_the_records_an_ingest_adds(tmp_path, aggregations):
    lines, first_half, second_half = write_halves(SAMPLE, tmp_path)
    archive = Archive.open(tmp_path / "archive")
    ingest(archive, [first_half], options=STEPS_OFF)
    before = search(archive, "apollo", limit=5)
    ingest(archive, [second_half], options=STEPS_OFF)
    after = search(archive, "apollo", limit=5)
    assert len(aggregations) == 2  # the index changed: counted again
    whole = Archive.open(tmp_path / "whole")
    ingest(whole, [SAMPLE], options=STEPS_OFF)
    expected = search(whole, "apollo", limit=5)
    assert after.facets == expected.facets and after.total == expected.total > before.total
    assert sum(Counter(after.facets["media_type"]).values()) > sum(Counter(before.facets["media_type"]).values())
