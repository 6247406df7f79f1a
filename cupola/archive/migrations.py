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
    (2, "dedupe: clusters, members, keys, manual overrides, version choices", """
CREATE TABLE dedupe_clusters (    -- duplicate clusters of two or more records (singletons have no row)
    id             INTEGER PRIMARY KEY AUTOINCREMENT,   -- shown as "c<id>"; never reused
    kind           TEXT NOT NULL,   -- record | photo | series (the loosest link inside)
    representative TEXT,
    size           INTEGER NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX dedupe_clusters_size ON dedupe_clusters(size);
CREATE TABLE dedupe_members (     -- which cluster a record is in and why it joined
    record_id   TEXT PRIMARY KEY,
    cluster_id  INTEGER NOT NULL,
    link        TEXT NOT NULL,     -- record | photo | series | manual | seed
    via         TEXT,              -- the record it was matched to
    reason      TEXT               -- e.g. "same sha256", "pHash 2 bits", "caption 0.91"
) WITHOUT ROWID;
CREATE INDEX dedupe_members_cluster ON dedupe_members(cluster_id);
CREATE TABLE dedupe_keys (        -- match keys: normalised id, asset URL, file hash, pHash pieces, LSH bands
    key        INTEGER NOT NULL,
    record_id  TEXT NOT NULL,
    PRIMARY KEY (key, record_id)
) WITHOUT ROWID;
CREATE TABLE dedupe_seen (        -- what each record was clustered on, so unchanged inputs are skipped
    record_id   TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    keys        TEXT NOT NULL      -- its keys in dedupe_keys (JSON list), to remove them when it changes
) WITHOUT ROWID;
CREATE TABLE dedupe_overrides (   -- a person's corrections: apart (split) / together (merge), both ways
    record_id  TEXT NOT NULL,
    action     TEXT NOT NULL,
    other      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (record_id, action, other)
) WITHOUT ROWID;
CREATE TABLE record_choices (     -- which published version of a record won, and why
    record_id    TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    rule         TEXT NOT NULL,    -- consistent | majority | trusted | complete | latest
    reason       TEXT NOT NULL,
    versions     INTEGER NOT NULL,
    decided_at   TEXT NOT NULL
) WITHOUT ROWID;
"""),
    (4, "mirror cursors: resumable, incremental paging of images-api servers", """
CREATE TABLE mirror_cursors (     -- one row per (server, query, year slice) a mirror pages through
    server      TEXT NOT NULL,     -- base URL of the images-api server
    query_key   TEXT NOT NULL,     -- canonical JSON of the search parameters (without years and page)
    year_start  INTEGER NOT NULL,
    year_end    INTEGER NOT NULL,
    state       TEXT NOT NULL,     -- pending | paging | done | split | failed
    next_page   INTEGER NOT NULL DEFAULT 1,
    total_hits  INTEGER,           -- as the server reported it when the slice was last paged
    items_seen  INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (server, query_key, year_start, year_end)
) WITHOUT ROWID;
"""),
    (3, "galleries: saved custom galleries (picked records, order, retitled captions)", """
CREATE TABLE galleries (          -- a person's gallery: title, and its entries in order (JSON)
    slug        TEXT PRIMARY KEY,  -- url-safe name, e.g. "apollo-11-highlights"
    title       TEXT NOT NULL,
    subject     TEXT,              -- JSON: the subject it started from (mission, theme), if any
    entries     TEXT NOT NULL,     -- JSON list: {"id", "phase"?, "heading"?, "caption"?}
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) WITHOUT ROWID;
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
    return max(version for version, _, _ in MIGRATIONS)


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
