"""Vectors at ingest: stored under <archive>/vectors/, only new or changed text embedded, skippable,
added later by `cupola embed`, written atomically."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from cupola.archive import Archive
from cupola.cli import cli
from cupola.embed.store import VectorSet, load, read_meta, save, status, vectors_dir
from cupola.embed.update import update
from cupola.ingest import ingest

RECORDS = Path(__file__).parent / "fixtures" / "embed" / "records.jsonl"
N = 18

OPTIONS = {"raw_only": True, "skip_steps": ["dedupe"]}


def _ingest(path: Path, source: Path = RECORDS, **options) -> tuple[Archive, dict]:
    archive = Archive.open(path)
    report = ingest(archive, [source], options={**OPTIONS, **options})
    return archive, report.steps


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> Path:
    """An archive of the fixture records with vectors, made once; tests work on copies."""
    path = tmp_path_factory.mktemp("embedded") / "a"
    archive, steps = _ingest(path)
    assert _embed_step(steps)["embedded"] == N
    archive.close()
    return path


def _copy(embedded: Path, tmp_path: Path) -> Archive:
    shutil.copytree(embedded, tmp_path / "a")
    return Archive.open(tmp_path / "a")


def _embed_step(steps: dict) -> dict:
    found = [v for v in steps.values() if isinstance(v, dict) and "embedded" in v or v == {"skipped": True}]
    assert len(found) == 1, steps
    return found[0]


def test_ingest_embeds_every_record_then_nothing_on_reingest(embedded, tmp_path):
    archive = _copy(embedded, tmp_path)
    vset = load(vectors_dir(archive))
    assert sorted(vset.ids) == sorted(archive.ids())
    assert len(vset) == N
    assert np.allclose(np.linalg.norm(vset.vectors, axis=1), 1.0, atol=1e-5)
    seen = []
    again = ingest(archive, [RECORDS], options=OPTIONS, progress=lambda s, d, t: seen.append(s))
    assert _embed_step(again.steps)["embedded"] == 0
    assert "embed" not in seen
    assert status(archive)["behind"] is False


def test_only_the_record_whose_text_changed_is_embedded_again(embedded, tmp_path):
    archive = _copy(embedded, tmp_path)
    before = load(vectors_dir(archive))
    lines = RECORDS.read_text().splitlines()
    item = json.loads(lines[0])
    changed_id = item["data"][0]["nasa_id"]
    item["data"][0]["description"] = "Hurricane over the Pacific Ocean photographed from orbit."
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join([json.dumps(item), *lines[1:]]) + "\n")
    seen = []
    report = ingest(archive, [edited], options=OPTIONS, progress=lambda s, d, t: seen.append((s, d, t)))
    assert _embed_step(report.steps)["embedded"] == 1
    assert ("embed", 1, 1) in seen
    after = load(vectors_dir(archive))
    assert len(after) == N
    for record_id in before.ids:
        same = float(before.vector_of(record_id) @ after.vector_of(record_id))
        assert (same < 0.99) if record_id == changed_id else (same > 0.9999)


def test_a_change_that_leaves_the_text_alone_keeps_the_vector(embedded, tmp_path):
    archive = _copy(embedded, tmp_path)
    record = archive.get(archive.ids()[0])
    record.event = {"type": "launch", "confidence": 0.9}  # enrichment-like change: seq moves, text does not
    with archive.writing():
        archive.replace_data([record])
        result = update(archive)
    assert result["embedded"] == 0
    assert status(archive)["behind"] is False


def test_no_vectors_skips_and_cupola_embed_adds_them_later(tmp_path):
    archive, steps = _ingest(tmp_path / "a", no_vectors=True)
    assert _embed_step(steps) == {"skipped": True}
    assert status(archive) == {"model": status(archive)["model"], "count": 0, "seq": -1, "behind": True,
                               "hnsw": False}
    archive.close()
    runner = CliRunner()
    result = runner.invoke(cli, ["--archive", str(tmp_path / "a"), "similar", "0100074"])
    assert result.exit_code == 2 and "cupola embed" in result.output
    result = runner.invoke(cli, ["--archive", str(tmp_path / "a"), "embed", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["embedded"] == N
    result = runner.invoke(cli, ["--archive", str(tmp_path / "a"), "embed"])
    assert result.exit_code == 0
    assert result.output.startswith("embedded 0,")
    result = runner.invoke(cli, ["--archive", str(tmp_path / "a"), "embed", "--rebuild", "--json"])
    assert json.loads(result.output)["embedded"] == N


def test_cupola_similar_lists_the_nearest_records(embedded):
    runner = CliRunner()
    result = runner.invoke(cli, ["--archive", str(embedded), "similar", "0100074", "--json", "--limit", "3"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert [h["id"] for h in hits][0] == "0100075" and len(hits) == 3
    result = runner.invoke(cli, ["--archive", str(embedded), "similar", "51g-s-224", "--limit", "1"])
    assert result.exit_code == 0 and "51f-s-160" in result.output  # the other shuttle landing at Edwards
    result = runner.invoke(cli, ["--archive", str(embedded), "similar", "no-such-record"])
    assert result.exit_code == 1 and "no record" in result.output


def test_cupola_embed_without_an_archive_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(cli, ["--archive", str(tmp_path / "nothing"), "embed"])
    assert result.exit_code == 1
    assert "no archive here" in result.output


def test_save_switches_generations_atomically_and_cleans_old_files(tmp_path):
    directory = tmp_path / "vectors"
    vectors = np.eye(3, 384, dtype=np.float32)
    first = VectorSet(ids=["a", "b", "c"], hashes=["1", "2", "3"], vectors=vectors, seq=7)
    save(directory, first)
    second = VectorSet(ids=["a"], hashes=["9"], vectors=vectors[:1], seq=9)
    save(directory, second)
    assert read_meta(directory)["generation"] == 2
    assert sorted(p.name for p in directory.iterdir()) == ["meta.json", "rows-2.json", "vectors-2.npy"]
    loaded = load(directory)
    assert loaded.ids == ["a"] and loaded.hashes == ["9"] and loaded.seq == 9
    (directory / "meta.json").write_text("{broken")
    assert len(load(directory)) == 0  # unreadable -> treated as absent, rebuilt by the next update


def test_large_sets_get_an_hnsw_graph_that_survives_appends(embedded, tmp_path, monkeypatch):
    from cupola.embed import ann
    from cupola.embed.update import _merge

    monkeypatch.setattr(ann, "HNSW_THRESHOLD", 5)
    full = load(vectors_dir(Archive.open(embedded, readonly=True)))
    vectors = np.asarray(full.vectors)
    vset = _merge(VectorSet(), full.ids[:16], full.hashes[:16], vectors[:16], set(), 1)
    assert vset.hnsw is not None and vset.hnsw_rows == 16
    grown = _merge(vset, full.ids[16:17], full.hashes[16:17], vectors[16:17], set(), 2)
    assert grown.hnsw is vset.hnsw and grown.hnsw_rows == 16  # 1 of 17 rows outside: under 10%
    grown = _merge(grown, full.ids[17:], full.hashes[17:], vectors[17:], set(), 3)
    assert grown.hnsw_rows == 18  # 2 of 18 outside: over 10%, rebuilt
    replaced = _merge(grown, full.ids[:1], ["new"], vectors[:1], set(), 4)
    assert replaced.hnsw_rows == 18 and replaced.ids[-1] == full.ids[0]  # a replaced row moves: rebuilt
    dropped = _merge(replaced, [], [], np.zeros((0, 384), np.float32), {full.ids[5]}, 5)
    assert len(dropped) == 17 and full.ids[5] not in dropped.ids
    save(tmp_path / "v", dropped)
    assert load(tmp_path / "v").hnsw_rows == 17
    monkeypatch.setattr(ann, "HNSW_THRESHOLD", 100)
    small = _merge(dropped, [], [], np.zeros((0, 384), np.float32), {full.ids[6]}, 6)
    assert small.hnsw is None  # under the threshold again: exact search only


def test_a_new_text_recipe_re_embeds_only_the_texts_it_changes(embedded, tmp_path):
    """Vectors made before datelines were left out (recipe 1): the next update reads every record again
    and embeds the one fixture record whose caption opens with a dateline, nothing else."""
    archive = _copy(embedded, tmp_path)
    directory = vectors_dir(archive)
    vset = load(directory)
    dated = [r.id for _s, r in archive.iter_records() if (r.caption or "").startswith("KENNEDY SPACE CENTER, FLA.")]
    assert len(dated) == 1
    vset.hashes[vset.rows[dated[0]]] = "made-with-dateline"
    save(directory, vset)
    assert update(archive)["embedded"] == 0  # same recipe, nothing changed since the mark: nothing read
    meta = read_meta(directory)
    (directory / "meta.json").write_text(json.dumps({**meta, "recipe": 1}))
    assert load(directory).recipe == 1
    result = update(archive)
    assert result["embedded"] == 1 and result["vectors"] == N
    after = load(directory)
    assert after.recipe == read_meta(directory)["recipe"] == 2
    assert after.hashes[after.rows[dated[0]]] != "made-with-dateline"
    assert update(archive)["embedded"] == 0
