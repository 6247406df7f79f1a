"""The ingest options readers may need (``--map`` for CSV/JSONL, ``--no-thumbnails`` for photo folders).

``cupola.ingest.ingest`` sets the user's options for the duration of one ingest with
``reader_options(options)``, and a reader reads them with ``option(name)``.
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

    token = _OPTIONS.set(dict(options or {}))
    try:
        yield
    finally:
        _OPTIONS.reset(token)


def option(name: str, default: Any = None) -> Any:
    return (_OPTIONS.get() or {}).get(name, default)
