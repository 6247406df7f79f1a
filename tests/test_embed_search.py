"""semantic_search and similar_to over real records: meaning beats wording, filters, bad input, HNSW."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cupola.archive import Archive
from cupola.embed import ann
from cupola.embed.search import feedback_search, has_vectors, semantic_search, similar_to, vector_status
from cupola.embed.store import VectorSet, open_vectors
from cupola.errors import NotFound
from cupola.ingest import ingest

RECORDS = Path(__file__).parent / "fixtures" / "embed" / "records.jsonl"


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Archive:
    archive = Archive.open(tmp_path_factory.mktemp("search") / "a")
    ingest(archive, [RECORDS], options={"raw_only": True, "skip_steps": ["dedupe"]})
    return archive


@pytest.mark.parametrize("query, expected", [
    ("moonwalk", {"as11-40-5903", "S69-31042"}),  # captions say "walks on lunar surface", "lunar surface simulation"
    ("storm seen from space", {"41G-121-099", "51I-44-052"}),  # captions say "Hurricane ... photographed"
    ("orbiter touchdown on a dry lakebed", {"51f-s-160", "51g-s-224"}),
    ("monkey flown in a rocket", {"6100114"}),  # "chimpanzee, named Ham ... suborbital test flight"
])
def test_meaning_finds_records_that_share_no_words_with_the_query(archive, query, expected):
    hits = semantic_search(archive, query, k=3)
    assert {record_id for record_id, _ in hits[:len(expected)]} == expected
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(-1.0 <= s <= 1.0 for s in scores)


def test_feedback_moves_the_query_toward_the_records_given(archive):
    query = "storm seen from space"
    plain = [i for i, _ in semantic_search(archive, query, k=18)]
    assert [i for i, _ in feedback_search(archive, query, [], k=18)] == plain  # no feedback: the plain answer
    # feedback from the two shuttle-landing photos pulls them up; the storms still lead all other records
    moved = [i for i, _ in feedback_search(archive, query, ["51f-s-160", "51g-s-224"], k=18)]
    others = [i for i in moved if i not in {"51f-s-160", "51g-s-224"}]
    assert set(others[:2]) == {"41G-121-099", "51I-44-052"}
    assert moved.index("51f-s-160") < plain.index("51f-s-160")
    assert moved.index("51g-s-224") < plain.index("51g-s-224")
    assert feedback_search(archive, "", ["51f-s-160"]) == []
    assert feedback_search(archive, query, ["no-such-record"], k=18) == semantic_search(archive, query, k=18)


def test_allowed_ids_restrict_the_answer(archive):
    allowed = ["A-12700", "8445212", "6100114", "not-a-record"]
    hits = semantic_search(archive, "wind tunnel model", k=10, allowed_ids=allowed)
    assert [record_id for record_id, _ in hits][:2] in (["A-12700", "8445212"], ["8445212", "A-12700"])
    assert {record_id for record_id, _ in hits} <= set(allowed)
    assert semantic_search(archive, "wind tunnel", allowed_ids=[]) == []
    assert semantic_search(archive, "wind tunnel", allowed_ids=["not-a-record"]) == []


def test_k_bounds_the_answer(archive):
    assert len(semantic_search(archive, "rocket launch", k=5)) == 5
    assert len(semantic_search(archive, "rocket launch", k=1000)) == len(archive.ids())
    assert semantic_search(archive, "rocket launch", k=0) == []


@pytest.mark.parametrize("query", ["", "   ", "🚀" * 3000, "a" * 10_000, "the of and", "Юрий Гагарин"])
def test_any_query_is_answered(archive, query):
    hits = semantic_search(archive, query, k=3)
    assert isinstance(hits, list)
    assert len(hits) == (0 if not query.strip() else 3)


def test_similar_to_finds_the_same_caption_first_and_never_itself(archive):
    hits = similar_to(archive, "0100074", k=5)
    assert hits[0][0] == "0100075" and hits[0][1] > 0.99
    assert "0100074" not in [record_id for record_id, _ in hits]
    assert len(hits) == 5
    with pytest.raises(NotFound):
        similar_to(archive, "no-such-id")


def test_similar_to_leaves_out_the_records_own_cluster_and_shows_each_cluster_once(archive, tmp_path):
    import shutil

    shutil.copytree(archive.path, tmp_path / "c")
    copy = Archive.open(tmp_path / "c")
    first, second, a, b = copy.get_many(["0100074", "0100075", "41G-121-099", "51I-44-052"]).values()
    first.cluster = second.cluster = {"id": "c1", "kind": "series", "size": 2, "role": "member"}
    a.cluster = b.cluster = {"id": "c2", "kind": "series", "size": 2, "role": "member"}
    with copy.writing():
        copy.replace_data([first, second, a, b])
    ids = [record_id for record_id, _ in similar_to(copy, "0100074", k=17)]
    assert "0100075" not in ids and "0100074" not in ids
    assert len({"41G-121-099", "51I-44-052"} & set(ids)) == 1
    assert len(ids) == 15  # 18 records less itself, its twin, and one of the other pair
    every = [record_id for record_id, _ in similar_to(copy, "0100074", k=17, distinct=False)]
    assert every[0] == "0100075" and len(every) == 17


def test_an_archive_without_vectors_answers_empty(tmp_path):
    bare = Archive.open(tmp_path / "bare")
    ingest(bare, [RECORDS], options={"raw_only": True, "no_vectors": True, "skip_steps": ["dedupe"]})
    assert semantic_search(bare, "moonwalk") == []
    assert similar_to(bare, "0100074") == []
    assert vector_status(bare)["behind"] is True
    assert has_vectors(bare) is False


def _clustered(n: int, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(50, 384))
    data = centres[rng.integers(0, 50, n)] + 0.6 * rng.normal(size=(n, 384))
    return (data / np.linalg.norm(data, axis=1, keepdims=True)).astype(np.float32)


def test_hnsw_with_tail_and_filters_agrees_with_exact_search(monkeypatch):
    vectors = _clustered(3000)
    graph_rows = 2700
    vset = VectorSet(ids=[f"r{i}" for i in range(3000)], hashes=[""] * 3000, vectors=vectors,
                     hnsw=ann.build_hnsw(vectors[:graph_rows]), hnsw_rows=graph_rows)
    exact_set = VectorSet(ids=vset.ids, hashes=vset.hashes, vectors=vectors)
    recall = []
    for q in range(20):
        query = vectors[q * 149] + 0.01
        query /= np.linalg.norm(query)
        got, _ = ann.search(vset, query, 10)
        want, _ = ann.search(exact_set, query, 10)
        recall.append(len(set(got) & set(want)) / 10)
    assert np.mean(recall) >= 0.95
    tail_row = 2900  # a row outside the graph is still found
    rows, scores = ann.search(vset, vectors[tail_row], 1)
    assert rows[0] == tail_row and scores[0] == pytest.approx(1.0, abs=1e-5)
    allowed = np.arange(0, 3000, 3)
    for overfetch in (ann.MAX_OVERFETCH, 0):  # over-fetch then filter; the graph's bitmap selector
        monkeypatch.setattr(ann, "EXACT_SUBSET", 10)
        monkeypatch.setattr(ann, "MAX_OVERFETCH", overfetch)
        rows, scores = ann.search(vset, vectors[300], 10, allowed)
        assert rows[0] == 300 and len(rows) == 10 and all(r % 3 == 0 for r in rows)
        want, _ = ann.search(exact_set, vectors[300], 10, allowed)
        assert len(set(rows) & set(want)) >= 9
    rows, _ = ann.search(vset, vectors[2950], 5, np.array([2950, 2951, 7]))  # few allowed: exact
    assert set(rows) == {2950, 2951, 7}


def test_vectors_are_loaded_once_per_process(archive):
    assert open_vectors(archive) is open_vectors(archive)
    assert has_vectors(archive) is True
