"""The reader process of a large dedupe backlog (``python -m cupola.dedupe.reader``, started by
``cupola.dedupe.feed.chunks``): reads records by seq range from its own read-only connection (only
the fields preparing needs, taken out of the stored JSON by SQLite), prepares them and streams each
chunk back, pickled, on stdout.

Its input (stdin, one pickle): the database path and the (lo, hi] seq bounds of every chunk. Writing
blocks while the parent has not read the previous chunks (the pipe is small), so it runs at most about
one chunk ahead. A failure is sent back as ("error", traceback) and the parent raises it.
"""

from __future__ import annotations

import gc
import pickle
import sqlite3
import sys
import traceback
from pathlib import Path

import orjson

from cupola.dedupe.feed import pack, prepare
from cupola.model import Record

# What preparing reads of a record (``feed.prepare``: series text, match keys, rank, its old cluster), taken
# out of the stored JSON by SQLite: decoding only these is about a third of the cost of the whole record.
_NAMES = ("id", "source", "title", "caption", "assets", "center", "taken_at", "taken_precision", "cluster")
_FIELDS = (f"SELECT json_extract(data, {', '.join(repr('$.' + name) for name in _NAMES)}) FROM records "
           "WHERE seq > ? AND seq <= ? ORDER BY seq")


def _record(conn: sqlite3.Connection, fields: str) -> Record:
    """A Record holding the fields preparing reads; a record with local files is read whole (hashing one
    of them may add a pHash to its assets, and then it is stored whole: ``Prepared.dirty``)."""
    values = dict(zip(_NAMES, orjson.loads(fields), strict=True))
    if any(asset.get("path") for asset in values["assets"] or ()):
        (data,) = conn.execute("SELECT data FROM records WHERE id = ?", (values["id"],)).fetchone()
        return Record.from_dict(orjson.loads(data))
    values["assets"] = values["assets"] or []
    values["title"] = values["title"] or ""
    values["caption"] = values["caption"] or ""
    return Record(**values)


def main() -> None:
    out = sys.stdout.buffer
    gc.disable()  # a chunk's objects are freed by reference counting; the collector only walked them (~15 %)
    try:
        path, bounds = pickle.load(sys.stdin.buffer)
        conn = sqlite3.connect(f"{Path(path).as_uri()}?mode=ro", uri=True)
        for lo, hi in bounds:
            records = [_record(conn, fields) for (fields,) in conn.execute(_FIELDS, (lo, hi))]
            pickle.dump(("chunk", pack(prepare(records))), out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
    except BrokenPipeError:  # the parent stopped reading (it failed or was interrupted)
        return
    except BaseException:
        pickle.dump(("error", traceback.format_exc()), out)
        out.flush()
        raise


if __name__ == "__main__":
    main()
