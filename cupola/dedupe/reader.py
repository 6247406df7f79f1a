"""The reader process of a large dedupe backlog (``python -m cupola.dedupe.reader``, started by
``cupola.dedupe.feed.chunks``): reads records by seq range from its own read-only connection,
prepares them and streams each chunk back, pickled, on stdout.

Its input (stdin, one pickle): the database path and the (lo, hi] seq bounds of every chunk. Writing
blocks while the parent has not read the previous chunks (the pipe is small), so it runs at most about
one chunk ahead. A failure is sent back as ("error", traceback) and the parent raises it.
"""

from __future__ import annotations

import pickle
import sqlite3
import sys
import traceback
from pathlib import Path

import orjson

from cupola.dedupe.feed import pack, prepare
from cupola.model import Record


def main() -> None:
    out = sys.stdout.buffer
    try:
        path, bounds = pickle.load(sys.stdin.buffer)
        conn = sqlite3.connect(f"{Path(path).as_uri()}?mode=ro", uri=True)
        for lo, hi in bounds:
            records = [Record.from_dict(orjson.loads(data)) for (data,) in conn.execute(
                "SELECT data FROM records WHERE seq > ? AND seq <= ? ORDER BY seq", (lo, hi))]
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
