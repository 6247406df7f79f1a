"""The embedding model: shape, unit length, meaning, batching, the query cache, pooling maths."""

from __future__ import annotations

import numpy as np
import pytest

from cupola.embed.model import DIMS, MAX_CHARS, get_embedder, pool
from cupola.embed.text import record_text, text_hash
from cupola.model import Record


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


def test_vectors_are_unit_length_and_384_wide(embedder):
    vectors = embedder.embed(["Astronaut Edwin Aldrin walks on the lunar surface", "wind tunnel model"])
    assert vectors.shape == (2, DIMS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_paraphrase_is_nearer_than_an_unrelated_caption(embedder):
    moonwalk, paraphrase, landing = embedder.embed([
        "moonwalk",
        "Astronaut walks on the surface of the Moon during extravehicular activity",
        "The Space Shuttle Discovery touches down on the dry lakebed at Edwards Air Force Base",
    ])
    assert moonwalk @ paraphrase > moonwalk @ landing + 0.15


def test_batching_and_padding_do_not_change_a_vector(embedder):
    short = "Hurricane Elena over the Gulf of Mexico"
    long = "Launch of Jupiter-C/Explorer 1 at Cape Canaveral, Florida on January 31, 1958. " * 5
    alone = embedder.embed([short])[0]
    together = embedder.embed([long, short, "x"])[1]
    assert float(alone @ together) > 0.9999


def test_query_cache_returns_the_same_vector_and_normalises_spacing(embedder):
    first = embedder.embed_query("Apollo 17  lunar rover")
    again = embedder.embed_query(" Apollo 17 lunar rover ")
    assert again is first
    assert float(first @ embedder.embed(["Apollo 17 lunar rover"])[0]) > 0.9999


def test_huge_emoji_and_foreign_text_is_embedded(embedder):
    vectors = embedder.embed(["🚀🌕" * 10_000, "Юрий Гагарин 宇宙飛行士", ""])
    assert vectors.shape == (3, DIMS)
    assert np.isfinite(vectors).all()


def test_pool_is_a_masked_mean_then_unit_length():
    hidden = np.array([[[3.0, 0.0], [0.0, 4.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    (vector,) = pool(hidden, mask)
    assert np.allclose(vector, [0.6, 0.8])


def test_record_text_drops_id_titles_and_repeated_captions():
    scan = Record(id="KSC-69PC-0316", source="nasa", title="KSC-69PC-0316", caption="Apollo 11 liftoff",
                  keywords=["Apollo"])
    assert record_text(scan) == "Apollo. Apollo 11 liftoff"
    same = Record(id="x", source="nasa", title="Saturn V", caption="Saturn V")
    assert record_text(same) == "Saturn V"
    assert record_text(same, "title") == "Saturn V"
    long = Record(id="y", source="nasa", title="t", caption="word " * 5000)
    assert len(record_text(long)) == MAX_CHARS
    assert text_hash("a") != text_hash("b")
    with pytest.raises(ValueError):
        record_text(same, "pixels")


@pytest.mark.parametrize("dateline", ["KENNEDY SPACE CENTER, FLA. -- ", "CAPE CANAVERAL, Fla. -- ",
                                      "JOHNSON SPACE CENTER, HOUSTON, TEXAS - ", "CAPE CANAVERAL Fla. --",
                                      "PALMDALE, Calif. -- "])
def test_record_text_leaves_out_the_press_release_dateline(dateline):
    record = Record(id="r", source="nasa", title="Orbiter rollout",
                    caption=dateline + "The orbiter rolls over to the Vehicle Assembly Building.")
    assert record_text(record) == "Orbiter rollout. The orbiter rolls over to the Vehicle Assembly Building"


@pytest.mark.parametrize("caption", ["APOLLO XI CREWMEMBERS - SIMULATION - An astronaut trains.",
                                     "S75-29432 (17 July 1975) --- Two crews meet in orbit.",
                                     "KENNEDY SPACE CENTER, FLA. --", "Kennedy Space Center, Fla. -- lower case"])
def test_record_text_keeps_captions_that_open_otherwise(caption):
    record = Record(id="r", source="nasa", title="t", caption=caption)
    assert record_text(record) == "t. " + caption.rstrip(". ")
