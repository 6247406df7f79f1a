"""Ingest from source events that do not come from paths (a fetched page, a replayed download).

The same path as ``cupola.ingest.ingest`` (normalise, record steps, batched upsert, after-steps), fed
by any iterable of ``RawItem | Rejection | Notice``. (``ingest()`` reads paths only; when it grows an
events entry point this module can go.)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from cupola.archive import Archive
from cupola.ingest import BATCH_SIZE, IngestReport, _flush, _normalise, run_after_steps
from cupola.model import Notice, Record, Rejection
from cupola.pipeline import RECORD_STEPS, StepContext, load_steps
from cupola.sources import SourceEvent


def ingest_events(archive: Archive, events: Iterable[SourceEvent], *, options: dict[str, Any] | None = None,
                  progress: Callable[[str, int, int | None], None] | None = None) -> IngestReport:
    started = time.perf_counter()
    context = StepContext(archive.path, dict(options or {}), progress)
    steps = load_steps(RECORD_STEPS)
    report = IngestReport()
    with archive.writing():
        batch: list[tuple[Record, str]] = []
        for event in events:
            if isinstance(event, Rejection):
                report.rejected.append(event)
            elif isinstance(event, Notice):
                report.notices.append(event)
            else:
                record = _normalise(event, report)
                if record is not None:
                    batch.append((record, record.content_hash()))
            if len(batch) >= BATCH_SIZE:
                _flush(archive, batch, steps, context, report)
                batch = []
        _flush(archive, batch, steps, context, report)
        run_after_steps(archive, context, report.steps)
    report.seconds = time.perf_counter() - started
    return report
