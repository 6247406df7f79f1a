"""The ingest options readers may need (``--map`` for CSV/JSONL, ``--no-thumbnails`` for photo folders).

``read_inputs(paths, kind)`` passes no options to readers, so the CLI sets them for the duration of one
ingest with ``reader_options(options)`` and a reader reads them with ``option(name)``.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

_OPTIONS: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("cupola_reader_options",
                                                                                 default=None)


@contextlib.contextmanager
def reader_options(options: dict[str, Any] | None) -> Iterator[None]:
    from cupola.sources._registry import load_all_readers

    load_all_readers()
    token = _OPTIONS.set(dict(options or {}))
    try:
        yield
    finally:
        _OPTIONS.reset(token)


def option(name: str, default: Any = None) -> Any:
    return (_OPTIONS.get() or {}).get(name, default)
