"""Keyword documents written during ingest (cupola.index.ingest_time) give the index a rebuild gives."""

from __future__ import annotations

import pytest
from conftest import RAW_CRAWL_1969, SAMPLE

from cupola.archive import Archive
from cupola.index.keyword import open_index, rebuild
from cupola.ingest import ingest, ingest_events
from cupola.search import spelling
from cupola.search.service import search
from cupola.sources import read_inputs

QUERIES = ["apollo", "shuttle launch", '"lunar module"', "center:KSC", "astronaut training year:1990..1999", ""]
OPTIONS = {"no_vectors": True}  # enrichment and clustering on: clustered records are indexed again after


def _state(archive: Archive) -> dict:
    searcher = open_index(archive).searcher()
    return {
        "docs": searcher.num_docs,
        "vocabulary": dict(spelling.load(archive.index_dir)),
        # the same records and clusters; the order of near-ties may differ, as BM25 statistics count a
        # re-indexed record's old document until tantivy merges it away
        "results": {q: sorted((h.id, h.cluster and h.cluster.get("id")) for h in search(archive, q, limit=500).hits)
                    for q in QUERIES if search(archive, q, limit=1).total < 500},  # every match, not a cut
        "totals": {q: search(archive, q, limit=1).total for q in QUERIES},
        "best": {q: search(archive, q, limit=1).hits[0].id for q in QUERIES[:3]},
        "facets": search(archive, "apollo", limit=1).facets,
    }


def test_documents_written_while_ingesting_equal_a_rebuild(tmp_path):
    archive = Archive.open(tmp_path / "a")
    first = ingest(archive, [SAMPLE], options=OPTIONS)
    assert first.steps["index"]["while_ingesting"] == first.added > 0  # a new archive: all written during ingest
    second = ingest(archive, [RAW_CRAWL_1969], options=OPTIONS)  # into an existing index
    assert second.steps["index"]["while_ingesting"] == second.added > 0
    clustered = sum(1 for _seq, r in archive.iter_records() if r.cluster)
    assert clustered > 0  # the dedupe step changed records after they were indexed: indexed again
    during = _state(archive)
    assert during["docs"] == archive.count()
    with archive.writing():
        rebuild(archive)
    assert _state(archive) == during


def test_an_ingest_that_fails_midway_leaves_the_index_writable_and_complete(tmp_path):
    archive = Archive.open(tmp_path / "a")

    def failing():
        for n, event in enumerate(read_inputs([SAMPLE], None)):
            if n == 40:
                raise RuntimeError("the source went away")
            yield event

    with pytest.raises(RuntimeError):
        ingest_events(archive, failing(), options=OPTIONS, batch_size=16)
    stored = archive.count()
    assert 0 < stored < 40
    report = ingest(archive, [SAMPLE], options=OPTIONS, batch_size=16)  # a writer left open would fail here
    assert report.added == archive.count() - stored
    assert open_index(archive).searcher().num_docs == archive.count()
    assert search(archive, "", limit=1).total <= archive.count()


def test_a_failing_after_step_leaves_the_index_writable(tmp_path, monkeypatch):
    import cupola.dedupe.pipeline

    archive = Archive.open(tmp_path / "a")

    def broken(_archive, _context):
        raise RuntimeError("clustering failed")

    with monkeypatch.context() as patched:
        patched.setattr(cupola.dedupe.pipeline, "after_ingest", broken)
        with pytest.raises(RuntimeError):
            ingest(archive, [SAMPLE], options=OPTIONS)
    assert archive.count() > 0  # the records are stored; their documents were rolled back
    report = ingest(archive, [SAMPLE], options=OPTIONS)
    assert report.added == 0
    assert open_index(archive).searcher().num_docs == archive.count()


def test_sync_reads_nothing_back_when_ingest_indexed_every_change_and_everything_otherwise(tmp_path, monkeypatch):
    import json

    import cupola.index.keyword as keyword

    calls = []
    real = keyword._index_records
    monkeypatch.setattr(keyword, "_index_records", lambda *a, **k: calls.append(1) or real(*a, **k))
    raw = {"no_vectors": True, "raw_only": True, "skip_steps": ["dedupe", "embed"]}
    archive = Archive.open(tmp_path / "a")
    first = ingest(archive, [SAMPLE], options=raw)
    assert first.steps["index"] == {"indexed": first.added, "while_ingesting": first.added}
    assert calls == []  # every record was new and indexed while ingesting: nothing to read back
    assert open_index(archive).searcher().num_docs == archive.count()

    # a changed record is not indexed while ingesting (only new ids are): sync must find it
    line = json.loads(SAMPLE.read_text(encoding="utf-8").splitlines()[0])
    data = line["data"][0] if "data" in line else line
    data["title"] = "Zanzibarian test title"
    changed = tmp_path / "changed.jsonl"
    changed.write_text(json.dumps(line) + "\n", encoding="utf-8")
    second = ingest(archive, [changed, RAW_CRAWL_1969], options=raw)
    assert second.updated >= 1 and second.added > 0  # the crawl also republishes some sample records
    assert calls == [1]
    assert [h.id for h in search(archive, "zanzibarian", limit=5).hits] == [data["nasa_id"]]
    during = _state(archive)
    with archive.writing():
        rebuild(archive)
    assert _state(archive) == during
