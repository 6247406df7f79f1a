"""Series clustering of real NASA captions, in an archive: stacks, boilerplate, incremental runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_halves

from cupola.archive import Archive
from cupola.dedupe.pipeline import recluster, update
from cupola.ingest import ingest

HERE = Path(__file__).parent / "fixtures" / "dedupe"
RECORDS = HERE / "series_records.jsonl"
EXPECTED = json.loads((HERE / "expected_groups.json").read_text())
OPTIONS = {"raw_only": True, "no_vectors": True}


def _clusters(archive: Archive) -> dict[str, str | None]:
    return {rid: (r.cluster or {}).get("id") for rid, r in archive.get_many(archive.ids()).items()}


@pytest.fixture()
def archive(tmp_path) -> Archive:
    archive = Archive.open(tmp_path / "a")
    ingest(archive, [RECORDS], options=OPTIONS)
    return archive


def test_each_expected_group_is_one_stack(archive):
    clusters = _clusters(archive)
    for name, members in EXPECTED["groups"].items():
        ids = {clusters[m] for m in members}
        assert len(ids) == 1 and None not in ids, (name, {m: clusters[m] for m in members})
    stacks = {clusters[m[0]] for m in EXPECTED["groups"].values()}
    assert len(stacks) == len(EXPECTED["groups"])  # no two groups glued together


def test_boilerplate_and_singles_stay_alone(archive):
    clusters = _clusters(archive)
    assert all(clusters[i] is None for i in EXPECTED["singles"])
    boiler_clusters = [clusters[i] for i in EXPECTED["boilerplate"]]
    assert boiler_clusters.count(None) >= len(boiler_clusters) - 4  # only same-id-spelling pairs may join


def test_cluster_fields_are_written_with_one_representative(archive):
    records = archive.get_many(archive.ids())
    by_cluster: dict[str, list] = {}
    for record in records.values():
        if record.cluster:
            by_cluster.setdefault(record.cluster["id"], []).append(record)
    assert by_cluster
    for members in by_cluster.values():
        roles = [r.cluster["role"] for r in members]
        assert roles.count("representative") == 1
        assert {r.cluster["size"] for r in members} == {len(members)}
        rep = next(r for r in members if r.cluster["role"] == "representative")
        assert all(r.cluster["representative"] == rep.id for r in members)


def test_identical_boilerplate_captions_never_glue(tmp_path):
    """Hundreds of records whose caption is 'NASA image' or their own id stay apart."""
    lines = [json.loads(line) for line in RECORDS.read_text().splitlines()][:60]
    path = tmp_path / "boiler.jsonl"
    with path.open("w") as out:
        for n, item in enumerate(lines * 5):
            clone = {"data": [dict(item["data"][0])]}  # no links: these are different photos
            data = clone["data"][0]
            data["nasa_id"] = f"{data['nasa_id']}-{n}"
            data["description"] = ["NASA image", "", data["nasa_id"], "Image"][n % 4]
            data["title"] = data["nasa_id"]
            out.write(json.dumps(clone) + "\n")
    archive = Archive.open(tmp_path / "b")
    ingest(archive, [path], options=OPTIONS)
    assert archive.conn.execute("SELECT count(*) FROM dedupe_members").fetchone()[0] == 0


def test_incremental_run_places_only_new_records(tmp_path):
    lines, first, second = write_halves(RECORDS, tmp_path)
    archive = Archive.open(tmp_path / "a")
    manual = {**OPTIONS, "skip_steps": ["dedupe"]}
    placed = []
    for path in (first, second, first, second):
        ingest(archive, [path], options=manual)
        with archive.writing():
            placed.append(update(archive).placed)
    assert placed == [len(lines[::2]), len(lines[1::2]), 0, 0]
    # the same stacks as ingesting everything at once
    clusters = _clusters(archive)
    for members in EXPECTED["groups"].values():
        assert len({clusters[m] for m in members}) == 1 and clusters[members[0]] is not None


def test_recluster_gives_the_same_groups_and_deletes_nothing(archive):
    before = _clusters(archive)
    count = archive.count()
    with archive.writing():
        recluster(archive)
    after = _clusters(archive)
    assert archive.count() == count
    groups_before = {frozenset(i for i, c in before.items() if c == cid) for cid in set(before.values()) if cid}
    groups_after = {frozenset(i for i, c in after.items() if c == cid) for cid in set(after.values()) if cid}
    assert groups_before == groups_after


def test_update_without_changes_writes_nothing(archive):
    seq = archive.max_seq()
    with archive.writing():
        stats = update(archive)
    assert stats.seen == 0 and archive.max_seq() == seq


def test_small_chunks_give_the_same_stacks(tmp_path):
    archive = Archive.open(tmp_path / "chunks")
    ingest(archive, [RECORDS], options={**OPTIONS, "skip_steps": ["dedupe"]})
    with archive.writing():
        stats = update(archive, chunk_size=7)
    assert stats.placed == archive.count()
    clusters = _clusters(archive)
    for members in EXPECTED["groups"].values():
        assert len({clusters[m] for m in members}) == 1 and clusters[members[0]] is not None
    assert len({clusters[m[0]] for m in EXPECTED["groups"].values()}) == len(EXPECTED["groups"])


def _layout(archive: Archive) -> set[tuple]:
    """Every stack as (members, kind, size, representative): cluster numbering left out."""
    stacks: dict[str, list] = {}
    for record in archive.get_many(archive.ids()).values():
        if record.cluster:
            stacks.setdefault(record.cluster["id"], []).append(record)
    return {(frozenset(r.id for r in members), members[0].cluster["kind"], members[0].cluster["size"],
             members[0].cluster["representative"]) for members in stacks.values()}


def _clustered(path: Path, **options) -> Archive:
    archive = Archive.open(path)
    ingest(archive, [RECORDS], options={**OPTIONS, "skip_steps": ["dedupe"]})
    with archive.writing():
        update(archive, **options)
    return archive


def test_deferred_refresh_gives_the_same_stacks_as_refreshing_every_chunk(tmp_path):
    """A big backlog writes record.cluster once at the end; the stacks, kinds, sizes and representatives
    are those of refreshing after every chunk and of one single chunk, on the real fixture records."""
    every_chunk = _layout(_clustered(tmp_path / "every", chunk_size=7, defer=False))
    deferred_archive = _clustered(tmp_path / "deferred", chunk_size=7)  # 130 records > 7: deferred
    single = _layout(_clustered(tmp_path / "single", chunk_size=10_000))
    assert every_chunk == _layout(deferred_archive) == single
    assert len(single) >= len(EXPECTED["groups"])
    conn = deferred_archive.conn
    stored = conn.execute("SELECT c.id FROM dedupe_clusters c LEFT JOIN (SELECT cluster_id, count(*) n FROM "
                          "dedupe_members GROUP BY cluster_id) m ON m.cluster_id = c.id "
                          "WHERE c.size != coalesce(m.n, 0) OR c.representative IS NULL").fetchall()
    assert stored == []  # sizes and representatives in the table agree with the members
    assert deferred_archive.meta("dedupe_refresh_pending") is None


def test_deferred_run_that_died_before_writing_is_completed_by_the_next(tmp_path, monkeypatch):
    import cupola.dedupe.engine as engine

    archive = Archive.open(tmp_path / "died")
    ingest(archive, [RECORDS], options={**OPTIONS, "skip_steps": ["dedupe"]})

    def killed(_engine):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch, archive.writing():
        patch.setattr(engine, "refresh_clusters", killed)
        with pytest.raises(KeyboardInterrupt):
            update(archive, chunk_size=7)
    assert archive.meta("dedupe_refresh_pending") == "1"
    with archive.writing():
        stats = update(archive, chunk_size=7)
    assert stats.placed == 0  # every record was placed by the run that died; only the writing was left
    assert _layout(archive) == _layout(_clustered(tmp_path / "clean", chunk_size=7))
    assert archive.meta("dedupe_refresh_pending") is None
