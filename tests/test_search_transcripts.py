"""Transcripts hold nearly every word: they do not make a query look like the captions' own words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cupola.archive import Archive
from cupola.ingest import ingest
from cupola.search.fusion import fusion_weights
from cupola.search.service import LONG_TEXT_CHARS, PHRASE_CHECK_DEPTH, _caption_scale_matches

FIXTURE = Path(__file__).parent / "fixtures" / "nasa" / "marianopezzutto__buscador-nasa__nasa.json"
ITEMS = {item["data"][0]["nasa_id"]: item["data"][0] for item in json.loads(FIXTURE.read_text())["collection"]["items"]}
PODCAST = "Ep61_Hazard5_Environments"  # a 71,498-character podcast transcript


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Archive:
    archive = Archive.open(tmp_path_factory.mktemp("transcripts") / "a")
    ingest(archive, [FIXTURE], options={"raw_only": True, "no_vectors": True})
    return archive


def test_caption_lengths_are_read_in_sqlite(archive):
    short = min((i for i, d in ITEMS.items() if d.get("description")), key=lambda i: len(ITEMS[i]["description"]))
    lengths = archive.caption_lengths([PODCAST, short, "no-such-record"])
    assert set(lengths) == {PODCAST, short}
    assert lengths[PODCAST] == len(archive.get(PODCAST).caption) > 60_000
    assert lengths[short] == len(archive.get(short).caption) < LONG_TEXT_CHARS


def test_a_transcript_holding_all_the_words_does_not_count(archive):
    captions = [i for i in ITEMS if i != PODCAST and len(ITEMS[i].get("description") or "") < LONG_TEXT_CHARS][:2]
    assert _caption_scale_matches(archive, 1, [(PODCAST, 9.0), (captions[0], 1.0)]) == 0
    assert _caption_scale_matches(archive, 3, [(PODCAST, 9.0), *((c, 1.0) for c in captions)]) == 2
    assert _caption_scale_matches(archive, 0, []) == 0
    many = PHRASE_CHECK_DEPTH + 1  # with this many all-words matches some surely are captions: not checked
    assert _caption_scale_matches(archive, many, [(PODCAST, 9.0)]) == many
    # with only the transcript, a two-word query is read as a paraphrase: meaning leads
    assert fusion_weights(0, 2)[1] > fusion_weights(1, 2)[1]
