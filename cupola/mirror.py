"""Mirror an images-api compatible server into the archive: resumable, incremental, sliced by year.

``mirror(archive, url, query=..., center=..., year_start=..., year_end=...)`` is the Python API behind
``cupola mirror``. The search is cut into year slices, each paged to its end; a slice whose result count
passes the server's window (NASA pages to 10,000) is split in two until it fits. A single year still
over the window is cut by ``media_type``, then by ``center`` (the known NASA codes and those its first
page shows); whatever those values do not reach (no center, a one-off one) is paged as the whole slice
up to the window, and a slice that cannot be cut further is paged up to the window: both with a
warning naming the slice. Items with no date (or one outside the years) are reached, when no years were
given, by a last pass over the whole search up to the window, run when the counts say they exist.

Every stored page moves a cursor in the archive (table ``mirror_cursors``; a slice cut by media_type or
center keeps its own row, the values appended to the query key), so an interrupted run resumes where it
stopped; a later run over a finished mirror asks each slice for its count again and re-pages only the
slices whose count changed (a year cut by media_type/center is checked, and re-paged, as one slice; an
edit that keeps every count is not seen; ``--year-start`` limits a run). Items go through the normal
ingest path (normalise, record steps, batched upsert, after-steps), so mirrored records are idempotent.
"""

from __future__ import annotations

import json
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
from cupola.sources.mirror import (
    DIMENSIONS,
    OTHERS,
    UNDATED,
    Client,
    MirrorSettings,
    Page,
    ServerError,
    Slice,
    fetch_pages,
    filter_values,
    item_ids,
    raw_items,
    search_params,
    units_to_check,
)

log = logging.getLogger("cupola")
FIRST_YEAR = 1900


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
    """The mirror's progress for one (server, query) in ``mirror_cursors``; a slice cut by media_type or
    center is keyed by the query key, a space and its own values as canonical JSON."""

    def __init__(self, archive: Archive, server: str, query_key: bytes):
        self.archive, self.server, self.key = archive, server, query_key

    def key_of(self, piece: Slice) -> bytes:
        return self.key + b" " + canonical_json(piece.sub) if piece.sub else self.key

    def load(self, year_start: int, year_end: int) -> list[Slice]:
        prefix = self.key + b" "
        rows = self.archive.conn.execute(
            "SELECT query_key, year_start, year_end, state, next_page, total_hits, items_seen FROM mirror_cursors "
            "WHERE server = ? AND (query_key = ? OR substr(query_key, 1, ?) = ?) AND year_start >= ? "
            "AND year_end <= ? ORDER BY year_start, year_end, query_key",
            (self.server, self.key, len(prefix), prefix, year_start, year_end)).fetchall()
        return [Slice(*row, sub=json.loads(bytes(key)[len(prefix):]) if bytes(key) != self.key else {})
                for key, *row in rows]

    def save(self, piece: Slice, error: str | None = None) -> None:
        with self.archive.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO mirror_cursors VALUES (?,?,?,?,?,?,?,?,?,?)",
                         (self.server, self.key_of(piece), piece.year_start, piece.year_end, piece.state,
                          piece.next_page, piece.total_hits, piece.items_seen, error, _now()))

    def remove_children(self, piece: Slice) -> None:
        inside = [s for s in self.load(piece.year_start, piece.year_end)
                  if piece.contains(s) and self.key_of(s) != self.key_of(piece)]
        with self.archive.transaction() as conn:
            conn.executemany("DELETE FROM mirror_cursors WHERE server = ? AND query_key = ? AND year_start = ? "
                             "AND year_end = ?", [(self.server, self.key_of(s), s.year_start, s.year_end)
                                                  for s in inside])


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

    def page_slice(self, piece: Slice, first: Page | None = None) -> None:
        params = piece.params(self.params)
        if first is None or first.number != piece.next_page:
            first = self.client.page(params, piece.next_page)
        if piece.next_page == 1:
            piece.total_hits = first.total_hits
            window = self.client.settings.window
            if first.total_hits is not None and first.total_hits > window and piece.sub != UNDATED:
                if piece.year_end > piece.year_start:
                    self.split(piece)
                    return
                if OTHERS not in piece.sub.values() and self.divide(piece, first):
                    return
                if OTHERS not in piece.sub.values():
                    self.report.warnings.append(
                        f"{piece.label()}: {first.total_hits} results but the server pages to {window}; "
                        f"{first.total_hits - window} cannot be reached — narrow the mirror with --query")
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

    def divide(self, piece: Slice, first: Page) -> bool:
        """Cut one year over the window by the first filter that helps: one slice per value with results
        (their first pages are kept for paging) and one for what those values leave (paged as a whole)."""
        for dimension in [d for d in DIMENSIONS if d not in self.params and d not in piece.sub]:
            children: list[tuple[Slice, Page]] = []
            seen: set[tuple[int | None, tuple[str, ...]]] = set()
            ignored = False
            for value in filter_values(dimension, first):
                child = Slice(piece.year_start, piece.year_end, sub={**piece.sub, dimension: value})
                page = self.client.page(child.params(self.params), 1)
                fingerprint = (page.total_hits, tuple(item_ids(page)))
                if page.total_hits == piece.total_hits and fingerprint[1] == tuple(item_ids(first)):
                    ignored = True  # the server ignores this filter, or every result has this value
                    break
                if page.items and fingerprint not in seen:  # an alias of a value tried (LRC / LARC)
                    seen.add(fingerprint)
                    child.total_hits = page.total_hits
                    children.append((child, page))
            if ignored or not children:
                continue
            rest = (piece.total_hits or 0) - sum(child.total_hits or 0 for child, _ in children)
            piece.state = "split"
            self.cursors.save(piece)
            if rest > 0:
                children.append((Slice(piece.year_start, piece.year_end, sub={**piece.sub, dimension: OTHERS},
                                       total_hits=piece.total_hits), first))
                self.report.warnings.append(
                    f"{piece.label()}: {rest} results have a {dimension} other than the "
                    f"{len(children) - 1} values with results; the slice was paged as a whole up to the "
                    f"server's window ({self.client.settings.window}), so up to {rest} may be missed")
            for child, _ in children:
                self.cursors.save(child)
            for child, page in children:
                self.run_slice(child, page)
            return True
        return False

    def run_slice(self, piece: Slice, first: Page | None = None) -> None:
        try:
            self.page_slice(piece, first)
        except ServerError as err:
            self.report.errors.append(str(err))
            self.cursors.save(Slice(piece.year_start, piece.year_end, "failed", piece.next_page,
                                    piece.total_hits, piece.items_seen, piece.sub), str(err))

    def count(self, piece: Slice) -> int | None:
        return self.client.page(piece.params(self.params), 1).total_hits

    def changed(self, piece: Slice) -> bool:
        """A finished slice is paged again when the server's count for it moved."""
        try:
            return self.count(piece) != piece.total_hits
        except ServerError as err:
            self.report.errors.append(str(err))
            return False

    def undated(self, first: int, last: int, stored: list[Slice]) -> None:
        """The last pass: when the whole search counts more than its years, page it up to the window
        (items already stored come back unchanged); again on a later run only if the whole count moved."""
        piece = stored[0] if stored else Slice(first, last, sub=dict(UNDATED))
        try:
            whole = self.client.page(piece.params(self.params), 1)
            missing = (whole.total_hits or 0) - (self.count(Slice(first, last)) or 0)
        except ServerError as err:
            self.report.errors.append(str(err))
            return
        if missing <= 0 or (piece.state == "done" and piece.total_hits == whole.total_hits):
            return
        if piece.state not in ("paging", "failed"):  # an interrupted pass resumes at its page
            piece = Slice(first, last, sub=dict(UNDATED))
        if (whole.total_hits or 0) > self.client.settings.window:
            self.report.warnings.append(
                f"{missing} results have no date (or one outside {first}-{last}): the whole search was paged "
                f"up to the server's window ({self.client.settings.window}) to reach them; some may be missed")
        self.run_slice(piece, whole)


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
    params = search_params(query, center, media_type)
    client = Client(url, settings, transport)
    report = MirrorReport(client.base)
    context = StepContext(archive.path, dict(options or {}), progress)
    cursors = Cursors(archive, client.base, canonical_json(params))
    try:
        with archive.writing():
            run = _Run(archive, client, cursors, params, context, report)
            loaded = cursors.load(first, last)
            undated = [s for s in loaded if s.sub == UNDATED]
            known = [s for s in loaded if s.sub != UNDATED]
            if not known:
                root = Slice(first, last)
                cursors.save(root)
                known = [root]
            unfinished = [s for s in known if s.state in ("pending", "paging", "failed")]
            if not unfinished:  # a finished mirror: look for what changed since
                for piece in units_to_check(known):
                    if run.changed(piece):
                        cursors.remove_children(piece)
                        unfinished.append(Slice(piece.year_start, piece.year_end, sub=dict(piece.sub)))
                    else:
                        report.slices_skipped += 1
            for piece in unfinished:
                if piece.state == "failed":
                    piece.state = "paging" if piece.next_page > 1 else "pending"
                run.run_slice(piece)
            if year_start is None and year_end is None and not report.errors:
                run.undated(first, last, undated)
            run_after_steps(archive, context, report.ingest.steps)
    finally:
        report.requests = client.requests
        client.close()
        report.seconds = time.perf_counter() - started
    return report
