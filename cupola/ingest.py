"""Ingest: sources -> normalise -> record steps -> archive (batched) -> after-steps.

``ingest(archive, paths)`` is the Python API behind ``cupola ingest``. It never prints; it reports
progress through ``progress(stage, done, total)`` and returns an ``IngestReport``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cupola.archive import Archive
from cupola.archive.bulk_writes import checkpointing, collector_paused
from cupola.model import Notice, RawItem, Record, Rejection
from cupola.normalise import to_record
from cupola.pipeline import AFTER_STEPS, RECORD_STEPS, STORED_STEPS, StepContext, load_steps
from cupola.sources import SourceEvent, read_inputs
from cupola.sources._options import reader_options

log = logging.getLogger("cupola")
BATCH_SIZE = 2000


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    steps: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def read(self) -> int:
        return self.added + self.updated + self.unchanged

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "rejected": [{"where": r.where(), "file": r.file, "line": r.line, "reason": r.reason}
                         for r in self.rejected],
            "notices": [str(n) for n in self.notices],
            "steps": self.steps, "seconds": round(self.seconds, 3),
        }


def ingest(archive: Archive, paths: Iterable[str | Path], *, kind: str | None = None,
           options: dict[str, Any] | None = None,
           progress: Callable[[str, int, int | None], None] | None = None,
           batch_size: int = BATCH_SIZE) -> IngestReport:
    """Read every input path, store what is good, reject what is not (with where and why).

    ``options`` reach the record and after steps (``no_vectors``, ``no_thumbnails``, ``skip_steps``...)
    and the source readers (``mapping`` for CSV/JSONL columns).
    """
    with reader_options(options):
        return ingest_events(archive, read_inputs(paths, kind), options=options, progress=progress,
                             batch_size=batch_size)


def ingest_events(archive: Archive, events: Iterable[SourceEvent], *, options: dict[str, Any] | None = None,
                  progress: Callable[[str, int, int | None], None] | None = None,
                  batch_size: int = BATCH_SIZE) -> IngestReport:
    """The same pipeline fed by any iterable of source events (a fetched page, a mirror, a replay)."""
    started = time.perf_counter()
    context = StepContext(archive.path, dict(options or {}), progress)
    record_steps = load_steps(RECORD_STEPS) if not context.options.get("raw_only") else []
    skip = set(context.options.get("skip_steps") or ())
    stored_steps = [(name, step) for name, step in load_steps(STORED_STEPS) if _stage(name) not in skip]
    report = IngestReport()
    with archive.writing():
        try:
            with collector_paused(), checkpointing(archive):
                _store_events(archive, events, report, record_steps, context, stored_steps, batch_size)
            run_after_steps(archive, context, report.steps)
        except BaseException:
            _abandon(context)
            raise
    report.seconds = time.perf_counter() - started
    return report


def _store_events(archive: Archive, events: Iterable[SourceEvent], report: IngestReport,
                  record_steps: list[tuple[str, Any]], context: StepContext, stored_steps: list[tuple[str, Any]],
                  batch_size: int) -> None:
    batch: list[tuple[Record, str]] = []
    for event in events:
        if isinstance(event, Rejection):
            report.rejected.append(event)
            continue
        if isinstance(event, Notice):
            report.notices.append(event)
            continue
        record = _normalise(event, report)
        if record is None:
            continue
        batch.append((record, record.content_hash()))
        if len(batch) >= batch_size:
            _flush(archive, batch, record_steps, context, report, stored_steps)
            batch = []
    _flush(archive, batch, record_steps, context, report, stored_steps)


def run_after_steps(archive: Archive, context: StepContext, summary: dict[str, Any]) -> None:
    """Bring derived data up to date. ``options["skip_steps"]`` names stages to leave out (e.g. "dedupe")."""
    skip = set(context.options.get("skip_steps") or ())
    for name, step in load_steps(AFTER_STEPS):
        stage = _stage(name)
        if stage in skip:
            continue
        result = step(archive, context)
        if result is not None:
            summary[stage] = result


def _stage(step_path: str) -> str:
    return step_path.split(":")[0].split(".")[1]  # cupola.<stage>.module:function


def _abandon(context: StepContext) -> None:
    """Ingest failed (an input, a store or a step): stages drop the uncommitted work their stored-steps began."""
    for value in context.shared.values():
        abandon = getattr(value, "abandon", None)
        if callable(abandon):
            abandon()


def _normalise(item: RawItem, report: IngestReport) -> Record | None:
    try:
        return to_record(item)
    except (ValueError, TypeError) as err:
        prov = item.provenance
        where_item = prov.extra.get("item") if prov.extra else None
        reason = f"item {where_item}: {err}" if where_item and prov.line is None else str(err)
        report.rejected.append(Rejection(prov.file or "", prov.line, reason))
        return None


def _flush(archive: Archive, batch: list[tuple[Record, str]], record_steps: list[tuple[str, Any]],
           context: StepContext, report: IngestReport, stored_steps: list[tuple[str, Any]] = ()) -> None:
    if not batch:
        return
    batch = _apply_record_steps(archive, batch, record_steps, context, report)
    result = archive.upsert(batch)
    report.added += len(result.added)
    report.updated += len(result.updated)
    report.unchanged += len(result.unchanged)
    context.report("store", report.read, None)
    if stored_steps and result.added:
        new = set(result.added) - set(result.updated)  # stored exactly as given: new ids, once in the batch
        stored = []
        for record, _digest in batch:
            if record.id in new:
                new.discard(record.id)  # a copy later in the batch (same content) is not a second record
                stored.append((result.written[record.id], record))
        for _name, step in stored_steps:
            step(archive, stored, context)


def _apply_record_steps(archive: Archive, batch: list[tuple[Record, str]], steps: list[tuple[str, Any]],
                        context: StepContext, report: IngestReport) -> list[tuple[Record, str]]:
    """Run record steps only on records whose content is new (unchanged ones keep their stored data)."""
    if not steps:
        return batch
    ids = list({record.id for record, _ in batch})
    seen: set[tuple[str, str]] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        seen.update(archive.conn.execute(
            f"SELECT record_id, content_hash FROM versions WHERE record_id IN ({marks})", chunk))
    out = []
    for record, digest in batch:
        if (record.id, digest) not in seen:
            for name, step in steps:
                try:
                    record = step(record, context)
                except Exception as err:  # a step must not lose the record: store it unenriched
                    log.warning("%s failed on %s: %s", name, record.id, err)
                    report.notices.append(Notice(record.provenance[0].file if record.provenance else "",
                                                 record.provenance[0].line if record.provenance else None,
                                                 f"{name} failed on {record.id}: {err}"))
        out.append((record, digest))
    return out
