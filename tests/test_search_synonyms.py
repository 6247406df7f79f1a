"""Other words for query words: the shipped thesaurus and compound splitting, on real records."""

from __future__ import annotations

from cupola.search import synonyms
from cupola.search.service import search


def test_thesaurus_lists_the_captions_words_for_a_query_word():
    assert {"extravehicular", "eva"} <= set(synonyms.alternatives("Spacewalk"))
    assert "vehicle assembly building" in synonyms.alternatives("VAB")
    assert synonyms.alternatives("lunar surface") == []  # only words have entries


def test_a_rare_compound_of_two_common_words_is_split():
    vocabulary = {"earthrise": 2, "earth": 4000, "rise": 300, "moon": 2500, "walk": 120, "spacewalk": 900}
    assert synonyms.split_compound("Earthrise", vocabulary, records=10_000) == "earth rise"
    assert synonyms.split_compound("moonwalk", vocabulary, records=10_000) == "moon walk"
    assert synonyms.split_compound("spacewalk", vocabulary, records=10_000) is None  # common itself: means what it says
    assert synonyms.split_compound("earth", vocabulary, records=10_000) is None  # too short to be a compound
    assert synonyms.split_compound("zzzzzzzz", vocabulary, records=10_000) is None
    assert synonyms.split_compound("moonwalk", vocabulary, records=1_000_000) is None  # "walk": rare at that size


def test_a_word_common_in_the_archive_is_not_expanded():
    vocabulary = {"spacewalk": 500}
    assert synonyms.alternatives("spacewalk", vocabulary, records=1_000) == []  # 50% of the records use it
    assert "extravehicular" in synonyms.alternatives("spacewalk", vocabulary, records=100_000)


def _says(hit, word: str) -> bool:
    return word in f"{hit.record.title} {hit.record.caption} {' '.join(hit.record.keywords)}".lower()


def test_spacewalk_finds_extravehicular_captions_and_quotes_keep_the_word_exact(sample_archive):
    result = search(sample_archive, "spacewalk", limit=200, facets=False, collapse_clusters=False)
    hits = result.hits
    assert any("extravehicular" in note and "spacewalk" in note for note in result.notes)  # says what it did
    ids = [h.id for h in hits]
    # "extravehicular activity (EVA)" and never the word "spacewalk"
    assert {"as11-40-5863", "AS12-48-7149"} <= set(ids)
    literal = [h.id for h in hits if _says(h, "spacewalk")]
    exact = search(sample_archive, '"spacewalk"', limit=200, facets=False, collapse_clusters=False).hits
    assert sorted(h.id for h in exact) == sorted(literal) and literal
    assert all(_says(h, "spacewalk") for h in exact)
    assert len(ids) > 3 * len(literal)


def test_records_indexed_again_are_counted_once_in_the_vocabulary(sample_archive, tmp_path):
    """The vocabulary counts records (the thesaurus and compound rules read shares of the archive):
    re-indexing changed records (enriched, clustered) must not count their words again."""
    import shutil

    from cupola.archive import Archive
    from cupola.index.keyword import rebuild, sync
    from cupola.search import spelling

    shutil.copytree(sample_archive.path, tmp_path / "a")
    archive = Archive.open(tmp_path / "a")
    rebuild(archive)
    before = dict(spelling.load(archive.index_dir))
    records = [record for _seq, record in archive.iter_records()]
    with archive.writing():
        archive.replace_data(records)  # every record changes seq: the next sync indexes them all again
    assert sync(archive) == len(records)
    assert spelling.load(archive.index_dir) == before
    assert before["apollo"] <= len(records)
