"""The ingest pipeline's pluggable steps, in order.

Record steps run on every new or changed record before it is stored (after its content hash is taken,
so enrichment never makes a record look changed). After-steps run once the inputs are stored: they
bring derived data (clusters, vectors, the keyword index) up to date incrementally.

Steps are named by import path and loaded lazily; a step whose module is not installed is skipped.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("cupola")

RECORD_STEPS = [
    "cupola.enrich.pipeline:enrich_record",  # caption understanding: ids, dates, entities, event
    "cupola.assets.pipeline:process_assets",  # local photos: thumbnails, file and image hashes
]
# Stored-steps see each batch right after it is committed: (archive, [(seq, record), ...], context) for the
# records written exactly as they were given (new ids), so derived data can start before the after-steps.
STORED_STEPS = [
    "cupola.index.ingest_time:index_stored",  # keyword documents built while ingest reads on
]
AFTER_STEPS = [
    "cupola.dedupe.pipeline:after_ingest",  # same record / same photo / series clusters
    "cupola.embed.pipeline:after_ingest",  # embeddings for new or changed text
    "cupola.index.keyword:after_ingest",  # keyword index catches up with the archive
]


@dataclass
class StepContext:
    """What a step may know about the run: the archive directory and the user's options."""

    archive_path: Any
    options: dict[str, Any] = field(default_factory=dict)
    progress: Callable[[str, int, int | None], None] | None = None  # (stage, done, total)
    shared: dict[str, Any] = field(default_factory=dict)  # state a stage keeps from its stored-step to its after-step

    def report(self, stage: str, done: int, total: int | None = None) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)


def load_steps(paths: list[str]) -> list[tuple[str, Callable[..., Any]]]:
    steps = []
    for path in paths:
        module_name, _, attr = path.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            if err.name and module_name.startswith(err.name):
                continue  # that stage is not part of this build
            raise
        steps.append((path, getattr(module, attr)))
    return steps
