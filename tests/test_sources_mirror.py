"""The mirror, for real against a ``cupola serve`` started here, and against servers that misbehave."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from click.testing import CliRunner

from cupola.api import create_app
from cupola.archive import Archive
from cupola.cli import cli
from cupola.ingest import ingest
from cupola.mirror import mirror
from cupola.sources.mirror import MirrorSettings

SAMPLE = Path(__file__).parent / "fixtures" / "sources" / "nasa_sample.jsonl"
FAST = {"no_vectors": True}
# a small window makes the year slicing happen on a small archive (NASA's real window is 10,000)
SMALL = MirrorSettings(page_size=10, window=30, rate=200, concurrency=2, backoff=0.01, timeout=10)
WINDOW = 5  # a server window below some single years of the sample (1996-1999 have 6-16 records)
TINY = MirrorSettings(page_size=2, window=WINDOW, rate=500, concurrency=2, backoff=0.01, timeout=10)


def sample_rows() -> list[dict]:
    return [json.loads(line)["data"][0] for line in SAMPLE.read_text().strip().split("\n")]


def sample_ids() -> set[str]:
    return {row["nasa_id"] for row in sample_rows()}


@contextlib.contextmanager
def serving(root: Path, **settings: object) -> Iterator[str]:
    """``cupola serve`` of an archive (its app under uvicorn, in a thread), with its own settings."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    served = uvicorn.Server(uvicorn.Config(create_app(root, **settings), log_level="error", access_log=False))
    thread = threading.Thread(target=served.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not served.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert served.started, "cupola serve did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    served.should_exit = True
    thread.join(10)


def served_archive(root: Path, sample: Path = SAMPLE) -> Path:
    archive = Archive.open(root)
    ingest(archive, [sample], options=FAST)
    archive.close()
    return root


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(served_archive(tmp_path_factory.mktemp("served"))) as url:
        yield url


@pytest.fixture(scope="module")
def small_window_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same records behind a server that pages to 5 results only (its ``max_results`` setting)."""
    with serving(served_archive(tmp_path_factory.mktemp("served5")), max_results=WINDOW) as url:
        yield url


def ids_in(archive: Archive) -> set[str]:
    return set(archive.ids())


def test_mirror_of_a_cupola_server_slices_years_and_gets_everything(tmp_path: Path, server: str) -> None:
    archive = Archive.open(tmp_path / "mirror")
    report = mirror(archive, server, year_start=1940, year_end=2020, settings=SMALL, options=FAST)
    assert report.errors == [] and report.warnings == []
    assert ids_in(archive) == sample_ids()
    states = dict(((s, e), st) for s, e, st in archive.conn.execute(
        "SELECT year_start, year_end, state FROM mirror_cursors"))
    assert states[(1940, 2020)] == "split" and "done" in states.values()
    assert all(st in ("done", "split") for st in states.values())
    record = archive.get(sorted(sample_ids())[0])
    assert record.provenance[0].kind == "mirror" and record.provenance[0].file.startswith(server)


def test_second_run_only_checks_counts(tmp_path: Path, server: str) -> None:
    archive = Archive.open(tmp_path / "mirror")
    first = mirror(archive, server, year_start=1940, year_end=2020, settings=SMALL, options=FAST)
    again = mirror(archive, server, year_start=1940, year_end=2020, settings=SMALL, options=FAST)
    assert again.pages == 0 and again.ingest.added == 0
    assert again.slices_skipped == first.slices_done
    assert again.requests == first.slices_done  # one count probe per finished slice


def test_interrupted_mirror_resumes_from_its_cursor(tmp_path: Path, server: str) -> None:
    real = httpx.HTTPTransport()
    calls = {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] > 6:
            raise httpx.ConnectError("network went away", request=request)
        return real.handle_request(request)

    archive = Archive.open(tmp_path / "mirror")
    settings = MirrorSettings(**{**SMALL.__dict__, "retries": 1, "concurrency": 1})
    broken = mirror(archive, server, year_start=1940, year_end=2020, settings=settings, options=FAST,
                    transport=httpx.MockTransport(flaky))
    assert broken.errors and "connection failed" in broken.errors[0]
    got_before = ids_in(archive)
    assert 0 < len(got_before) < len(sample_ids())
    resumed = mirror(archive, server, year_start=1940, year_end=2020, settings=SMALL, options=FAST)
    assert resumed.errors == []
    assert ids_in(archive) == sample_ids()
    assert resumed.ingest.added == len(sample_ids()) - len(got_before)


def test_cli_mirror_reports_json_and_exit_0(tmp_path: Path, server: str) -> None:
    result = CliRunner().invoke(cli, ["--archive", str(tmp_path / "m"), "mirror", server, "--query", "shuttle",
                                      "--year-start", "1990", "--year-end", "2000", "--no-vectors", "--json",
                                      "--rate", "100"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["added"] > 0 and report["errors"] == []


def failing(status: int | None = None, body: bytes = b"", fail_years: str | None = None):
    def handler(request: httpx.Request) -> httpx.Response:
        if fail_years is None or request.url.params.get("year_start") == fail_years:
            return httpx.Response(status or 200, content=body)
        items = [{"data": [{"nasa_id": f"ok-{request.url.params['year_start']}", "title": "fine",
                            "media_type": "image", "date_created": "2001-01-01T00:00:00Z"}]}]
        return httpx.Response(200, json={"collection": {"items": items, "metadata": {"total_hits": 1},
                                                        "links": []}})
    return httpx.MockTransport(handler)


def test_server_answering_500_is_reported_and_retried_next_run(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "m")
    report = mirror(archive, "http://images.invalid", year_start=2000, year_end=2001, settings=SMALL,
                    transport=failing(500, b"oops"), options=FAST)
    assert len(report.errors) == 1 and "HTTP 500" in report.errors[0] and "gave up after 5 attempts" in report.errors[0]
    assert report.requests == 5 and archive.count() == 0
    (state,) = [row[0] for row in archive.conn.execute("SELECT state FROM mirror_cursors")]
    assert state == "failed"
    healed = mirror(archive, "http://images.invalid", year_start=2000, year_end=2001, settings=SMALL,
                    transport=failing(fail_years="none"), options=FAST)
    assert healed.errors == [] and archive.ids() == ["ok-2000"]


def test_garbage_json_is_named_and_other_slices_continue(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "m")
    settings = MirrorSettings(**{**SMALL.__dict__, "window": 1})
    transport = failing(200, b"<html>maintenance</html>", fail_years="2000")

    def split_first(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("year_start") == "2000" and request.url.params.get("year_end") == "2001":
            return httpx.Response(200, json={"collection": {"items": [], "metadata": {"total_hits": 5}}})
        return transport.handle_request(request)

    report = mirror(archive, "http://images.invalid", year_start=2000, year_end=2001, settings=settings,
                    transport=httpx.MockTransport(split_first), options=FAST)
    assert len(report.errors) == 1 and "not JSON" in report.errors[0] and "year_start=2000" in report.errors[0]
    assert archive.ids() == ["ok-2001"]  # the 2001 slice was mirrored regardless


def test_server_that_hangs_times_out(tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])  # accept, never answer
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        archive = Archive.open(tmp_path / "m")
        settings = MirrorSettings(timeout=0.3, retries=1, backoff=0.01, rate=100)
        started = time.monotonic()
        report = mirror(archive, f"http://127.0.0.1:{listener.getsockname()[1]}", year_start=2000,
                        year_end=2000, settings=settings, options=FAST)
        assert time.monotonic() - started < 10
        assert len(report.errors) == 1 and "no answer within 0.3 s" in report.errors[0]
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        listener.close()


def test_cli_refuses_a_url_that_is_not_http(tmp_path: Path) -> None:
    for url in ("ftp://images.example", "http://", "images-api.nasa.gov"):
        result = CliRunner().invoke(cli, ["--archive", str(tmp_path / "m"), "mirror", url])
        assert result.exit_code == 2 and "not an http(s) URL" in result.output


def test_a_year_over_the_window_is_cut_by_media_type_then_center(tmp_path: Path, small_window_server: str) -> None:
    archive = Archive.open(tmp_path / "mirror")
    report = mirror(archive, small_window_server, year_start=1940, year_end=2020, settings=TINY, options=FAST)
    assert report.errors == []
    groups = Counter((row["date_created"][:4], row["center"]) for row in sample_rows())
    over = {group: n for group, n in groups.items() if n > WINDOW}  # KSC in 1998 and in 1999
    by_id = {row["nasa_id"]: row for row in sample_rows()}
    missing = sample_ids() - ids_in(archive)
    assert 0 < len(missing) <= sum(n - WINDOW for n in over.values())  # only what no filter can reach
    assert {(by_id[i]["date_created"][:4], by_id[i]["center"]) for i in missing} <= set(over)
    assert len(report.warnings) == len(over)
    for (year, center), n in over.items():
        assert any(w.startswith(f"{year} ") and f"center={center}: {n} results but the server pages to {WINDOW}"
                   in w for w in report.warnings), report.warnings
    rows = archive.conn.execute("SELECT query_key, year_start, state FROM mirror_cursors").fetchall()
    assert {state for _, _, state in rows} <= {"done", "split"}
    assert any(bytes(key) == b'{} {"center":"KSC"}' and year == 1998 for key, year, _ in rows)


def test_cut_slices_resume_and_are_checked_as_one_year(tmp_path: Path, small_window_server: str) -> None:
    url, years = small_window_server, {"year_start": 1990, "year_end": 2000}
    full = Archive.open(tmp_path / "full")
    assert mirror(full, url, **years, settings=TINY, options=FAST).errors == []
    real, paged = httpx.HTTPTransport(), {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:  # the network goes away while cut slices page
        if "center" in request.url.params and request.url.params.get("page") != "1":
            paged["n"] += 1
        if paged["n"] > 2:
            raise httpx.ConnectError("network went away", request=request)
        return real.handle_request(request)

    archive = Archive.open(tmp_path / "mirror")
    settings = MirrorSettings(**{**TINY.__dict__, "retries": 0, "concurrency": 1})
    broken = mirror(archive, url, **years, settings=settings, options=FAST, transport=httpx.MockTransport(flaky))
    assert broken.errors and "connection failed" in broken.errors[0]
    failed = archive.conn.execute("SELECT query_key, next_page FROM mirror_cursors WHERE state = 'failed'").fetchall()
    assert any(b'"center"' in bytes(key) and page > 1 for key, page in failed)  # a cut slice stopped mid-way
    got_before = ids_in(archive)
    resumed = mirror(archive, url, **years, settings=TINY, options=FAST)
    assert resumed.errors == [] and ids_in(archive) == ids_in(full)
    assert resumed.ingest.added == len(ids_in(full)) - len(got_before)

    again = mirror(archive, url, **years, settings=TINY, options=FAST)
    assert again.pages == 0 and again.ingest.added == 0 and again.errors == []
    finished = archive.conn.execute("SELECT count(*) FROM mirror_cursors WHERE state = 'done'").fetchone()[0]
    assert again.requests == again.slices_skipped < finished  # one count per year, not per cut slice
    with archive.transaction() as conn:  # the server's count for 1998 moved: that year is paged again
        conn.execute("UPDATE mirror_cursors SET total_hits = total_hits + 1 WHERE query_key = ? AND "
                     "year_start = 1998 AND year_end = 1998", (b"{}",))
    moved = mirror(archive, url, **years, settings=TINY, options=FAST)
    assert moved.errors == [] and moved.pages > 0 and moved.ingest.added == 0
    assert any(w.startswith("1998 ") for w in moved.warnings) and ids_in(archive) == ids_in(full)


def test_values_not_tried_are_paged_as_the_whole_slice(tmp_path: Path, small_window_server: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cupola.sources.mirror.KNOWN_CENTERS", ("KSC",))
    archive = Archive.open(tmp_path / "mirror")
    report = mirror(archive, small_window_server, year_start=1998, year_end=1998, settings=TINY, options=FAST)
    assert report.errors == []
    (rest,) = [w for w in report.warnings if "have a center other than" in w]
    assert rest.startswith("1998: ") and f"window ({WINDOW})" in rest
    keys = {bytes(key): state for key, state in archive.conn.execute("SELECT query_key, state FROM mirror_cursors")}
    assert keys[b'{} {"center":"*"}'] == "done"
    assert WINDOW + 1 < len(ids_in(archive)) and ids_in(archive) <= sample_ids()  # more than one window's worth


def test_items_without_a_date_are_reached_by_a_last_pass(tmp_path: Path) -> None:
    lines = SAMPLE.read_text().strip().split("\n")
    first = json.loads(lines[0])
    del first["data"][0]["date_created"]  # a real record that lost its date
    sample = tmp_path / "sample.jsonl"
    sample.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")
    settings = MirrorSettings(**{**SMALL.__dict__, "window": 200, "page_size": 50})
    with serving(served_archive(tmp_path / "served", sample)) as url:
        years_only = Archive.open(tmp_path / "years")
        mirror(years_only, url, year_start=1900, year_end=2030, settings=settings, options=FAST)
        assert ids_in(years_only) == sample_ids() - {first["data"][0]["nasa_id"]}
        archive = Archive.open(tmp_path / "mirror")
        report = mirror(archive, url, settings=settings, options=FAST)
        assert report.errors == [] and report.warnings == [] and ids_in(archive) == sample_ids()
        again = mirror(archive, url, settings=settings, options=FAST)
        assert again.errors == [] and again.pages == 0 and again.ingest.added == 0
