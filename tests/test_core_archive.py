"""The archive: idempotent re-ingest, versions and provenance, one writer, crash safety."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import RAW_APOLLO, sample_items
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cupola.archive import Archive
from cupola.errors import ArchiveError
from cupola.ingest import ingest


def snapshot(archive: Archive) -> dict:
    """The archive's contents, independent of timestamps and row order."""
    conn = archive.conn
    return {
        "records": sorted(conn.execute("SELECT id, content_hash, data FROM records")),
        "versions": sorted(conn.execute("SELECT record_id, content_hash, data IS NULL FROM versions")),
        "provenance": sorted(conn.execute("SELECT record_id, key, content_hash FROM provenance")),
    }


def write_jsonl(path, items):
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    return path


ITEMS = sample_items()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, len(ITEMS) - 1), min_size=1, max_size=40), st.integers(1, 3))
def test_ingest_twice_equals_ingest_once(tmp_path_factory, picks, times):
    root = tmp_path_factory.mktemp("idem")
    source = write_jsonl(root / "in.jsonl", [ITEMS[i] for i in picks])
    once = Archive.open(root / "once")
    ingest(once, [source], options={"raw_only": True})
    many = Archive.open(root / "many")
    for _ in range(times + 1):
        report = ingest(many, [source], options={"raw_only": True})
    assert report.added == 0 and report.updated == 0
    assert snapshot(once) == snapshot(many)


def test_changed_record_is_updated_and_old_version_kept(tmp_path):
    items = ITEMS[:5]
    first = write_jsonl(tmp_path / "first.jsonl", items)
    changed = json.loads(json.dumps(items[2]))
    changed["data"][0]["description"] = changed["data"][0].get("description", "") + " Corrected caption."
    second = write_jsonl(tmp_path / "second.jsonl", [changed])
    archive = Archive.open(tmp_path / "a")
    ingest(archive, [first], options={"raw_only": True})
    report = ingest(archive, [second], options={"raw_only": True})
    record_id = changed["data"][0]["nasa_id"]
    assert report.updated == 1 and report.added == 0
    assert archive.get(record_id).caption.endswith("Corrected caption.")
    versions = archive.versions_of(record_id)
    assert len(versions) == 2
    kept = [v for v in versions if v["data"] is not None]
    assert kept and not kept[0]["data"]["caption"].endswith("Corrected caption.")
    files = {p.file for p in archive.get(record_id).provenance}
    assert files == {str(first), str(second)}
    again = ingest(archive, [first, second], options={"raw_only": True})
    assert again.updated == 0 and again.unchanged == 6


def test_same_record_from_two_sources_is_one_record(tmp_path):
    apollo = json.loads(RAW_APOLLO.read_text())["collection"]["items"]
    copy = write_jsonl(tmp_path / "copy.jsonl", apollo[:10])
    archive = Archive.open(tmp_path / "a")
    ingest(archive, [RAW_APOLLO, copy], options={"raw_only": True})
    assert archive.count() == len({i["data"][0]["nasa_id"] for i in apollo})
    record = archive.get(apollo[0]["data"][0]["nasa_id"])
    assert {p.file for p in record.provenance} == {str(RAW_APOLLO), str(copy)}


def test_one_writer_at_a_time(tmp_path):
    archive = Archive.open(tmp_path / "a")
    other = Archive.open(tmp_path / "a")
    with archive.writing(), pytest.raises(ArchiveError, match="another Cupola process"):
        with other.writing():
            pass
    with other.writing():  # released: now it works
        pass


def test_migrations_apply_once_and_reopen_is_a_no_op(tmp_path):
    Archive.open(tmp_path / "a").close()
    archive = Archive.open(tmp_path / "a")
    rows = archive.conn.execute("SELECT version FROM schema_migrations").fetchall()
    assert len(rows) == len({r[0] for r in rows}) >= 1


def test_a_non_archive_file_is_a_clear_error(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "cupola.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ArchiveError, match="not a readable Cupola archive"):
        Archive.open(tmp_path / "a")


def _big_input(path, copies: int):
    """Real records recombined under new ids, so ingest takes long enough to be killed midway."""
    with path.open("w", encoding="utf-8") as out:
        for n in range(copies):
            for item in ITEMS:
                clone = json.loads(json.dumps(item))
                clone["data"][0]["nasa_id"] = f"{item['data'][0]['nasa_id']}-copy{n}"
                out.write(json.dumps(clone) + "\n")
    return copies * len(ITEMS)


def test_killed_ingest_loses_nothing_and_rerun_completes(tmp_path):
    source = tmp_path / "big.jsonl"
    expected = _big_input(source, 15)
    archive_dir = tmp_path / "a"
    command = [sys.executable, "-m", "cupola.cli", "--archive", str(archive_dir), "ingest", "--no-vectors", str(source)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = archive_dir / "cupola.db"
    deadline = time.time() + 60
    stored = 0
    while time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as conn:
                    stored = conn.execute("SELECT count(*) FROM records").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if stored > 0:
                break
    assert process.poll() is None, "ingest finished before it could be interrupted; make the input bigger"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert 0 < stored < expected
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    archive = Archive.open(archive_dir)
    assert archive.count() == expected
    assert archive.conn.execute("SELECT count(*) FROM provenance").fetchone()[0] == expected
    from cupola.index.keyword import open_index

    assert open_index(archive).searcher().num_docs == expected  # the index caught up too
