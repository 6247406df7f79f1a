"""Mirror an images-api compatible server into the archive: resumable, incremental, sliced by year.

``mirror(archive, url, query=..., center=..., year_start=..., year_end=...)`` is the Python API behind
``cupola mirror``. The search is cut into year slices, each paged to its end; a slice whose result count
passes the server's window (NASA pages to 10,000) is split in two until it fits. Every stored page
moves a cursor in the archive (table ``mirror_cursors``), so an interrupted run resumes where it
stopped; a later run over a finished mirror asks each slice for its count again and re-pages only the
slices whose count changed (an edit that keeps every count is not seen; ``--year-start`` limits a run). Items go through the normal ingest path (normalise,
record steps, batched upsert, after-steps), so mirrored records are idempotent like any other.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from cupola.archive import Archive
from cupola.ingest import IngestReport, _flush, _normalise, run_after_steps
from cupola.model import Record, canonical_json
from cupola.pipeline import RECORD_STEPS, StepContext, load_steps
from cupola.sources.mirror import Client, MirrorSettings, Page, ServerError, fetch_pages, raw_items

log = logging.getLogger("cupola")
FIRST_YEAR = 1900


@dataclass
class Slice:
    year_start: int
    year_end: int
    state: str = "pending"
    next_page: int = 1
    total_hits: int | None = None
    items_seen: int = 0


@dataclass
class MirrorReport:
    server: str
    ingest: IngestReport = field(default_factory=IngestReport)
    pages: int = 0
    requests: int = 0
    slices_done: int = 0
    slices_skipped: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    store_seconds: float = 0.0  # of which: normalising, record steps and writing (the rest is the network)

    def to_dict(self) -> dict[str, Any]:
        data = self.ingest.to_dict()
        data.update({"server": self.server, "pages": self.pages, "requests": self.requests,
                     "slices_done": self.slices_done, "slices_unchanged": self.slices_skipped,
                     "errors": self.errors, "warnings": self.warnings, "seconds": round(self.seconds, 3),
                     "store_seconds": round(self.store_seconds, 3)})
        return data


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Cursors:
    """The mirror's progress for one (server, query) in ``mirror_cursors``."""

    def __init__(self, archive: Archive, server: str, query_key: str):
        self.archive, self.server, self.key = archive, server, query_key

    def load(self, year_start: int, year_end: int) -> list[Slice]:
        rows = self.archive.conn.execute(
            "SELECT year_start, year_end, state, next_page, total_hits, items_seen FROM mirror_cursors "
            "WHERE server = ? AND query_key = ? AND year_start >= ? AND year_end <= ? ORDER BY year_start, year_end",
            (self.server, self.key, year_start, year_end)).fetchall()
        return [Slice(*row) for row in rows]

    def save(self, piece: Slice, error: str | None = None) -> None:
        with self.archive.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO mirror_cursors VALUES (?,?,?,?,?,?,?,?,?,?)",
                         (self.server, self.key, piece.year_start, piece.year_end, piece.state, piece.next_page,
                          piece.total_hits, piece.items_seen, error, _now()))

    def remove_children(self, piece: Slice) -> None:
        with self.archive.transaction() as conn:
            conn.execute("DELETE FROM mirror_cursors WHERE server = ? AND query_key = ? AND year_start >= ? "
                         "AND year_end <= ? AND NOT (year_start = ? AND year_end = ?)",
                         (self.server, self.key, piece.year_start, piece.year_end, piece.year_start,
                          piece.year_end))


def _params(query: str | None, center: str | None, media_type: str | None) -> dict[str, str]:
    params = {"q": query, "center": center, "media_type": media_type}
    return {k: v.strip() for k, v in params.items() if v and v.strip()}


class _Run:
    def __init__(self, archive: Archive, client: Client, cursors: Cursors, params: dict[str, str],
                 context: StepContext, report: MirrorReport):
        self.archive, self.client, self.cursors, self.params = archive, client, cursors, params
        self.context, self.report = context, report
        self.steps = load_steps(RECORD_STEPS) if not context.options.get("raw_only") else []
        self.done_items = 0

    def store(self, page: Page) -> None:
        started = time.perf_counter()
        batch: list[tuple[Record, str]] = []
        for item in raw_items(page, self.client.base):
            record = _normalise(item, self.report.ingest)
            if record is not None:
                batch.append((record, record.content_hash()))
        _flush(self.archive, batch, self.steps, self.context, self.report.ingest)
        self.report.pages += 1
        self.report.store_seconds += time.perf_counter() - started
        self.done_items += len(page.items)
        self.context.report("mirror", self.done_items, None)

    def page_slice(self, piece: Slice) -> None:
        params = {**self.params, "year_start": str(piece.year_start), "year_end": str(piece.year_end)}
        first = self.client.page(params, piece.next_page)
        if piece.next_page == 1:
            piece.total_hits = first.total_hits
            window = self.client.settings.window
            if first.total_hits is not None and first.total_hits > window:
                if piece.year_end > piece.year_start:
                    self.split(piece)
                    return
                self.report.warnings.append(
                    f"{piece.year_start}: {first.total_hits} results but the server pages to {window}; "
                    f"{first.total_hits - window} cannot be reached — narrow the mirror with --query or --center")
        piece.state = "paging"
        for page in fetch_pages(self.client, params, piece.next_page, first):
            self.store(page)
            piece.next_page = page.number + 1
            piece.items_seen += len(page.items)
            self.cursors.save(piece)
        piece.state = "done"
        self.cursors.save(piece)
        self.report.slices_done += 1

    def split(self, piece: Slice) -> None:
        middle = (piece.year_start + piece.year_end) // 2
        piece.state = "split"
        self.cursors.save(piece)
        for start, end in ((piece.year_start, middle), (middle + 1, piece.year_end)):
            child = Slice(start, end)
            self.cursors.save(child)
            self.run_slice(child)

    def run_slice(self, piece: Slice) -> None:
        try:
            self.page_slice(piece)
        except ServerError as err:
            self.report.errors.append(str(err))
            self.cursors.save(Slice(piece.year_start, piece.year_end, "failed", piece.next_page,
                                    piece.total_hits, piece.items_seen), str(err))

    def changed(self, piece: Slice) -> bool:
        """A finished slice is paged again when the server's count for it moved."""
        params = {**self.params, "year_start": str(piece.year_start), "year_end": str(piece.year_end)}
        try:
            probe = self.client.page({**params}, 1)
        except ServerError as err:
            self.report.errors.append(str(err))
            return False
        return probe.total_hits != piece.total_hits


def mirror(archive: Archive, url: str, *, query: str | None = None, center: str | None = None,
           media_type: str | None = None, year_start: int | None = None, year_end: int | None = None,
           settings: MirrorSettings | None = None, options: dict[str, Any] | None = None,
           progress: Callable[[str, int, int | None], None] | None = None,
           transport: httpx.BaseTransport | None = None) -> MirrorReport:
    """Bring the archive up to date with one search on one server. Never raises for server trouble:
    failures are in ``report.errors`` and their slices are retried on the next run."""
    started = time.perf_counter()
    this_year = datetime.now(UTC).year
    first, last = year_start or FIRST_YEAR, year_end or this_year
    params = _params(query, center, media_type)
    client = Client(url, settings, transport)
    report = MirrorReport(client.base)
    context = StepContext(archive.path, dict(options or {}), progress)
    cursors = Cursors(archive, client.base, canonical_json(params))
    try:
        with archive.writing():
            run = _Run(archive, client, cursors, params, context, report)
            known = cursors.load(first, last)
            if not known:
                root = Slice(first, last)
                cursors.save(root)
                known = [root]
            unfinished = [s for s in known if s.state in ("pending", "paging", "failed")]
            if not unfinished:  # a finished mirror: look for what changed since
                for piece in [s for s in known if s.state == "done"]:
                    if run.changed(piece):
                        cursors.remove_children(piece)
                        unfinished.append(Slice(piece.year_start, piece.year_end))
                    else:
                        report.slices_skipped += 1
            for piece in unfinished:
                if piece.state == "failed":
                    piece.state = "paging" if piece.next_page > 1 else "pending"
                run.run_slice(piece)
            run_after_steps(archive, context, report.ingest.steps)
    finally:
        report.requests = client.requests
        client.close()
        report.seconds = time.perf_counter() - started
    return report
