"""Helpers for runs that write in bulk (ingest of many records, the first clustering of an archive).

Both were measured on the 1M bench archive and the 100k ingest bench (docs/notes/issue-2.md, issue-4.md).
"""

from __future__ import annotations

import contextlib
import gc
import sqlite3
import threading
from collections.abc import Iterator

from cupola.archive.store import DB_NAME, Archive

CHECKPOINT_EVERY = 0.05  # seconds between the background checkpoints of ``checkpointing``


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a bulk run builds its millions of objects (each full pass
    walked all of them: ~10 % of placing on the 300k prefix of the 1M bench archive, ~13 % of ingest at 100k).
    Neither run makes reference cycles to speak of; reference counting frees the rest as before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def checkpointing(archive: Archive) -> Iterator[None]:
    """Copy the WAL into the database file from a second connection on a thread while a bulk run writes
    (SQLite runs it without the GIL, beside the writer), instead of in the writer's commits: writing ~1M
    records and ~3M table rows, that copy is about a third of the writer's time."""
    conn = archive.conn
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        yield
        return
    pages = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    checkpointer = sqlite3.connect(archive.path / DB_NAME, check_same_thread=False)
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(CHECKPOINT_EVERY):
            with contextlib.suppress(sqlite3.OperationalError):  # busy: the writer's commits copy it later
                checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")

    thread = threading.Thread(target=run, name="cupola-checkpoint", daemon=True)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        # the rest, and the WAL back to empty: a long WAL slows every later page lookup (the next ingest's)
        with contextlib.suppress(sqlite3.OperationalError):
            checkpointer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        checkpointer.close()
        conn.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
