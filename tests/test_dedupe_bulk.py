"""The bulk feed of the engine (empty dedupe tables: first clustering, recluster) gives the clusters of the
chunked path, on the real fixture records, with manual corrections, and a bulk run that dies is finished."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_halves

from cupola.archive import Archive
from cupola.dedupe.pipeline import recluster, update
from cupola.dedupe.representative import choose_representative
from cupola.dedupe.review import merge, split
from cupola.ingest import ingest

HERE = Path(__file__).parent / "fixtures" / "dedupe"
RECORDS = HERE / "series_records.jsonl"
EXPECTED = json.loads((HERE / "expected_groups.json").read_text())
OPTIONS = {"raw_only": True, "no_vectors": True, "skip_steps": ["dedupe"]}


def _layout(archive: Archive) -> set[tuple]:
    """Every stack as (members, kind, size, representative), from record.cluster and from the tables."""
    stacks: dict[str, list] = {}
    for record in archive.get_many(archive.ids()).values():
        if record.cluster:
            stacks.setdefault(record.cluster["id"], []).append(record)
    fields = {(frozenset(r.id for r in members), members[0].cluster["kind"], members[0].cluster["size"],
               members[0].cluster["representative"]) for members in stacks.values()}
    for members in stacks.values():
        assert [r.cluster["role"] for r in members].count("representative") == 1
        assert {r.cluster["size"] for r in members} == {len(members)}
    tables = set()
    for cluster, kind, size, rep in archive.conn.execute("SELECT id, kind, size, representative FROM dedupe_clusters"):
        ids = frozenset(r for (r,) in archive.conn.execute(
            "SELECT record_id FROM dedupe_members WHERE cluster_id = ?", (cluster,)))
        tables.add((ids, kind, size, rep))
    assert fields == tables
    return fields


def _ingested(path: Path) -> Archive:
    archive = Archive.open(path)
    ingest(archive, [RECORDS], options=OPTIONS)
    return archive


def _clustered(path: Path, **options) -> Archive:
    archive = _ingested(path)
    with archive.writing():
        update(archive, **options)
    return archive


def test_bulk_gives_the_chunked_clusters(tmp_path):
    bulk = _clustered(tmp_path / "bulk", chunk_size=7)
    assert bulk.meta("dedupe_refresh_pending") is None
    chunked = _clustered(tmp_path / "chunked", chunk_size=7, bulk=False, defer=False)
    deferred = _clustered(tmp_path / "deferred", chunk_size=7, bulk=False)
    single = _clustered(tmp_path / "single", chunk_size=10_000)
    read_apart = _clustered(tmp_path / "reader", chunk_size=7, readers=1)  # prepared in a second process
    two = _clustered(tmp_path / "readers", chunk_size=7, readers=2)
    assert _layout(bulk) == _layout(chunked) == _layout(deferred) == _layout(single) == _layout(read_apart)
    assert _layout(two) == _layout(bulk)
    assert len(_layout(bulk)) >= len(EXPECTED["groups"])


def test_bulk_recluster_obeys_splits_and_merges(tmp_path):
    archives = []
    for name, bulk in (("bulk", None), ("chunked", False)):
        archive = _clustered(tmp_path / name, chunk_size=7, bulk=bulk)
        big = max(EXPECTED["groups"].values(), key=len)
        with archive.writing():
            split(archive, big[2])
            merge(archive, EXPECTED["singles"][0], EXPECTED["singles"][1])
            merge(archive, EXPECTED["singles"][2], big[0])
        with archive.writing():
            if bulk is None:
                recluster(archive)
            else:  # the chunked path over the same empty tables
                with archive.transaction() as conn:
                    for table in ("dedupe_members", "dedupe_clusters", "dedupe_keys", "dedupe_seen"):
                        conn.execute(f"DELETE FROM {table}")
                    conn.execute("DELETE FROM meta WHERE key = 'dedupe_seq'")
                update(archive, chunk_size=7, bulk=False)
        cluster = {r.id: (r.cluster or {}).get("id") for r in archive.get_many(archive.ids()).values()}
        assert cluster[big[2]] is None or cluster[big[2]] != cluster[big[0]]
        assert cluster[EXPECTED["singles"][0]] == cluster[EXPECTED["singles"][1]] is not None
        assert cluster[EXPECTED["singles"][2]] == cluster[big[0]] is not None
        archives.append(archive)
    assert _layout(archives[0]) == _layout(archives[1])


@pytest.mark.parametrize("where", ["placing", "writing"])
def test_bulk_run_that_died_is_finished_by_the_next(tmp_path, monkeypatch, where):
    import cupola.dedupe.feed as feed
    import cupola.dedupe.refresh as refresh

    archive = _ingested(tmp_path / "died")
    calls = []

    def dies(*args, **kwargs):
        calls.append(1)
        if where == "writing" or len(calls) > 5:  # placing: the sixth chunk of 7 records
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    module, name = (refresh, "patch_cluster") if where == "writing" else (feed, "prepare")
    original = getattr(module, name)
    with monkeypatch.context() as patch, archive.writing():
        patch.setattr(module, name, dies)
        with pytest.raises(KeyboardInterrupt):
            update(archive, chunk_size=7)
    # placing: the tables are not written yet, the next run starts over; writing: only records are left
    assert archive.meta("dedupe_refresh_pending") == ("1" if where == "writing" else "bulk")
    with archive.writing():
        stats = update(archive, chunk_size=7)
    assert stats.placed == (0 if where == "writing" else archive.count())
    assert _layout(archive) == _layout(_clustered(tmp_path / "clean", chunk_size=7))
    assert archive.meta("dedupe_refresh_pending") is None


def test_after_a_bulk_run_updates_are_incremental(tmp_path):
    lines, first, second = write_halves(RECORDS, tmp_path)
    archive = Archive.open(tmp_path / "a")
    placed = []
    for path in (first, second, second):
        ingest(archive, [path], options=OPTIONS)
        with archive.writing():
            placed.append(update(archive, chunk_size=7).placed)
    assert placed == [len(lines[::2]), len(lines[1::2]), 0]
    clusters = {r.id: (r.cluster or {}).get("id") for r in archive.get_many(archive.ids()).values()}
    for members in EXPECTED["groups"].values():
        assert len({clusters[m] for m in members}) == 1 and clusters[members[0]] is not None
    _assert_best_representatives(archive)


def _assert_best_representatives(archive: Archive) -> None:
    """Every stored representative is the member ``choose_representative`` picks from all members."""
    layout = _layout(archive)
    assert layout
    for members, _kind, _size, rep in layout:
        assert choose_representative(list(archive.get_many(sorted(members)).values())).id == rep


def test_stacks_that_only_grew_keep_the_best_representative(tmp_path):
    """Incremental runs grade only newcomers against the stored representative; newcomers that rank
    better (an earlier date) take over, and the result is what grading every member gives."""
    rows = [json.loads(line) for line in RECORDS.read_text().splitlines()]
    archive = _clustered(tmp_path / "a", chunk_size=7)
    extra = tmp_path / "extra.jsonl"
    with extra.open("w") as out:
        for n, item in enumerate(rows[:40]):
            new_id = f"{item['data'][0]['nasa_id']}-again-{n}"
            data = dict(item["data"][0], nasa_id=new_id)
            if n % 2:
                data["date_created"] = "1950-01-01T00:00:00Z"  # ranks before every original
            asset = f"http://images-assets.nasa.gov/image/{new_id}/{new_id}~orig.jpg"  # its own full-size image
            out.write(json.dumps({**item, "data": [data], "_extra": {"asset": asset}}) + "\n")
    ingest(archive, [extra], options=OPTIONS)
    with archive.writing():
        stats = update(archive, chunk_size=7)
    assert stats.placed == 40 and stats.joined > 0
    _assert_best_representatives(archive)
    assert any("-again-" in rep for _members, _kind, _size, rep in _layout(archive))  # newcomers took over


def test_best_seed_stops_at_a_perfect_score_without_changing_the_choice():
    """best_seed returns, for real captions, the first seed of highest similarity, as comparing every seed would."""
    import random

    from cupola.dedupe.series import PERFECT, best_seed
    from cupola.dedupe.text import series_tokens, similar

    archive_rows = [json.loads(line)["data"][0] for line in RECORDS.read_text().splitlines()]
    texts = {}
    for n, row in enumerate(archive_rows):
        words = series_tokens(_record(row))
        if words:
            texts[f"r{n}"] = words
            texts[f"copy{n}"] = list(words)  # identical texts: the shortcut
    for words in texts.values():
        assert similar(words, words) == PERFECT
    rng = random.Random(4)
    ids = sorted(texts)
    for _ in range(300):
        words = texts[rng.choice(ids)]
        seeds = rng.sample(ids, 25)
        scores = [similar(words, texts[s]) for s in seeds]
        top = max(scores)
        expected = (seeds[scores.index(top)], top) if top > 0 else (None, 0.0)
        assert best_seed(words, seeds, texts) == expected
        assert best_seed(words, seeds, texts, cache={}) == expected


def _record(row: dict):
    from cupola.model import Record

    return Record(id=row["nasa_id"], source="test", title=row.get("title", ""), caption=row.get("description", ""))


def test_readers_find_an_archive_given_by_a_relative_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    archive = Archive.open("relative")
    ingest(archive, [RECORDS], options=OPTIONS)
    with archive.writing():
        stats = update(archive, chunk_size=7, readers=2)
    assert stats.placed == archive.count()
    assert _layout(archive) == _layout(_clustered(tmp_path / "here", chunk_size=7, readers=0))


def test_the_reader_prepares_from_a_few_fields_what_the_whole_record_gives(tmp_path):
    """The reader process decodes only the fields preparing reads (SQLite json_extract); the chunk it sends
    is the one the whole records give, on the real fixture records and on copies with local files."""
    import orjson

    from cupola.dedupe import reader
    from cupola.dedupe.feed import pack, prepare
    from cupola.model import Record

    archive = _clustered(tmp_path / "a", chunk_size=7)  # record.cluster set: the old field is sent too
    photo = next(p for p in sorted((HERE / "photos").glob("*.jpg")))
    rows = list(archive.conn.execute("SELECT data FROM records ORDER BY seq"))
    with archive.writing(), archive.transaction() as conn:  # two records gain a local file without a pHash
        for (data,) in rows[:2]:
            record = orjson.loads(data)
            record["assets"] = [*record["assets"], {"role": "orig", "path": str(photo)}]
            conn.execute("UPDATE records SET data = ? WHERE id = ?", (orjson.dumps(record).decode(), record["id"]))
    whole = [Record.from_dict(orjson.loads(d)) for (d,) in archive.conn.execute("SELECT data FROM records ORDER BY seq")]
    few = [reader._record(archive.conn, fields) for (fields,) in archive.conn.execute(reader._FIELDS, (0, 10**9))]
    prepared = prepare(few)
    assert sum(p.dirty for p in prepared) == 2  # hashed, and sent whole
    assert pack(prepared) == pack(prepare(whole))


def test_a_bulk_run_leaves_the_connection_and_the_collector_as_it_found_them(tmp_path, monkeypatch):
    """The end of a bulk run checkpoints from a second connection with the writer's autocheckpoint off, and
    placing pauses the garbage collector: both are restored, also when the run fails."""
    import gc

    import cupola.dedupe.pipeline as pipeline

    archive = _ingested(tmp_path / "a")
    pages = archive.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    with archive.writing():
        stats = update(archive, chunk_size=7)
    assert stats.placed == archive.count() and gc.isenabled()
    assert archive.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == pages

    def fail(engine):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline, "flush", fail)
    with archive.writing(), pytest.raises(RuntimeError):
        recluster(archive)
    assert gc.isenabled() and archive.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == pages
