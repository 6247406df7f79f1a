"""Numbered schema migrations, applied in order and exactly once at open.

Add a migration by appending to MIGRATIONS; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "records, versions, provenance, meta", """
CREATE TABLE records (
    id            TEXT PRIMARY KEY,
    source        TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    data          TEXT NOT NULL,   -- the Record as JSON, provenance excluded
    title         TEXT,
    taken_at      TEXT,
    center        TEXT,
    media_type    TEXT,
    seq           INTEGER NOT NULL, -- change counter: the index syncs records with seq > its mark
    updated_at    TEXT NOT NULL
);
CREATE INDEX records_seq ON records(seq);
CREATE TABLE versions (           -- every distinct content a record was published with
    record_id     TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    data          TEXT,            -- NULL while this version is the record's current data
    first_seen    TEXT NOT NULL,
    PRIMARY KEY (record_id, content_hash)
) WITHOUT ROWID;
CREATE TABLE provenance (         -- every copy seen: which source, file, line
    record_id     TEXT NOT NULL,
    key           TEXT NOT NULL,   -- kind|file|line
    content_hash  TEXT NOT NULL,
    kind          TEXT NOT NULL,
    file          TEXT,
    line          INTEGER,
    fetched_at    TEXT,
    extra         TEXT,
    PRIMARY KEY (record_id, key, content_hash)
) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE deleted (id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
"""),
]


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply the migrations this database lacks. Returns the versions applied now."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                 "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    applied = []
    for version, name, sql in MIGRATIONS:
        if version in done:
            continue
        with conn:
            conn.execute("BEGIN")
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                         (version, name, datetime.now(UTC).isoformat(timespec="seconds")))
        applied.append(version)
    return applied


def latest_version() -> int:
    return MIGRATIONS[-1][0]


def _statements(sql: str) -> list[str]:
    out, buf = [], []
    for line in sql.splitlines():
        code = line.split("--", 1)[0]
        buf.append(code)
        if code.rstrip().endswith(";"):
            out.append("\n".join(buf).strip())
            buf = []
    tail = "\n".join(buf).strip()
    if tail:
        out.append(tail)
    return [s for s in out if s.strip(" ;\n")]
