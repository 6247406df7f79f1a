"""SQL for the dedupe tables (migration 2): keys, members, clusters, seen fingerprints, overrides.

Everything here runs on the archive's connection inside the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import orjson

CHUNK = 900  # stay under SQLite's bound-parameter limit


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def cluster_name(cluster_id: int) -> str:
    return f"c{cluster_id}"


def parse_cluster_name(name: str) -> int | None:
    if name.startswith("c") and name[1:].isdigit():
        return int(name[1:])
    return None


def lookup_keys(conn: sqlite3.Connection, keys: Iterable[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for chunk in _chunks(list(set(keys))):
        marks = ",".join("?" * len(chunk))
        for key, record_id in conn.execute(f"SELECT key, record_id FROM dedupe_keys WHERE key IN ({marks})", chunk):
            out.setdefault(key, []).append(record_id)
    return out


def seen(conn: sqlite3.Connection, ids: list[str]) -> dict[str, tuple[str, list[int]]]:
    out = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for record_id, fingerprint, keys in conn.execute(
                f"SELECT record_id, fingerprint, keys FROM dedupe_seen WHERE record_id IN ({marks})", chunk):
            out[record_id] = (fingerprint, json.loads(keys))
    return out


def remove_keys(conn: sqlite3.Connection, record_id: str, keys: list[int]) -> None:
    conn.executemany("DELETE FROM dedupe_keys WHERE key = ? AND record_id = ?", [(k, record_id) for k in keys])


def add_keys(conn: sqlite3.Connection, rows: Iterable[tuple[int, str]]) -> None:
    conn.executemany("INSERT OR IGNORE INTO dedupe_keys VALUES (?, ?)", rows)


def seen_row(record_id: str, fingerprint: str, keys: list[int]) -> tuple[str, str, str]:
    return record_id, fingerprint, orjson.dumps(keys).decode()  # read back with json.loads (``seen``)


def save_seen(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, str]]) -> None:
    """Rows made by ``seen_row``."""
    conn.executemany("INSERT OR REPLACE INTO dedupe_seen VALUES (?, ?, ?)", rows)


def membership(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for chunk in _chunks(list(set(ids))):
        marks = ",".join("?" * len(chunk))
        out.update(conn.execute(f"SELECT record_id, cluster_id FROM dedupe_members WHERE record_id IN ({marks})",
                                chunk))
    return out


def members(conn: sqlite3.Connection, cluster_id: int) -> list[tuple[str, str, str | None, str | None]]:
    """(record_id, link, via, reason) of one cluster."""
    return conn.execute("SELECT record_id, link, via, reason FROM dedupe_members WHERE cluster_id = ? "
                        "ORDER BY record_id", (cluster_id,)).fetchall()


def cluster_sizes(conn: sqlite3.Connection, cluster_ids: Iterable[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for chunk in _chunks(list(set(cluster_ids))):
        marks = ",".join("?" * len(chunk))
        out.update(conn.execute(f"SELECT id, size FROM dedupe_clusters WHERE id IN ({marks})", chunk))
    return out


def new_cluster(conn: sqlite3.Connection, kind: str) -> int:
    cursor = conn.execute("INSERT INTO dedupe_clusters (kind, representative, size, updated_at) "
                          "VALUES (?, NULL, 0, ?)", (kind, now()))
    return int(cursor.lastrowid)


def add_member(conn: sqlite3.Connection, record_id: str, cluster_id: int, link: str, via: str | None,
               reason: str | None) -> None:
    conn.execute("INSERT OR REPLACE INTO dedupe_members VALUES (?, ?, ?, ?, ?)",
                 (record_id, cluster_id, link, via, reason))


def remove_member(conn: sqlite3.Connection, record_id: str) -> int | None:
    row = conn.execute("SELECT cluster_id FROM dedupe_members WHERE record_id = ?", (record_id,)).fetchone()
    if row is None:
        return None
    conn.execute("DELETE FROM dedupe_members WHERE record_id = ?", (record_id,))
    return int(row[0])


def move_members(conn: sqlite3.Connection, source: int, target: int) -> None:
    conn.execute("UPDATE dedupe_members SET cluster_id = ? WHERE cluster_id = ?", (target, source))
    conn.execute("DELETE FROM dedupe_clusters WHERE id = ?", (source,))


def save_sizes(conn: sqlite3.Connection, cluster_ids: list[int]) -> None:
    """Store clusters' member counts (what placement reads between chunks when refreshing is deferred)."""
    for chunk in _chunks(cluster_ids):
        marks = ",".join("?" * len(chunk))
        counts = conn.execute(f"SELECT cluster_id, count(*) FROM dedupe_members WHERE cluster_id IN ({marks}) "
                              "GROUP BY cluster_id", chunk).fetchall()
        conn.executemany("UPDATE dedupe_clusters SET size = ? WHERE id = ?", [(n, c) for c, n in counts])


def save_cluster(conn: sqlite3.Connection, cluster_id: int, kind: str, representative: str, size: int) -> None:
    conn.execute("UPDATE dedupe_clusters SET kind = ?, representative = ?, size = ?, updated_at = ? WHERE id = ?",
                 (kind, representative, size, now(), cluster_id))


def drop_cluster(conn: sqlite3.Connection, cluster_id: int) -> None:
    conn.execute("DELETE FROM dedupe_members WHERE cluster_id = ?", (cluster_id,))
    conn.execute("DELETE FROM dedupe_clusters WHERE id = ?", (cluster_id,))


def overrides(conn: sqlite3.Connection, ids: Iterable[str], action: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for chunk in _chunks(list(set(ids))):
        marks = ",".join("?" * len(chunk))
        for record_id, other in conn.execute(
                f"SELECT record_id, other FROM dedupe_overrides WHERE action = ? AND record_id IN ({marks})",
                [action, *chunk]):
            out.setdefault(record_id, set()).add(other)
    return out


def add_override(conn: sqlite3.Connection, a: str, action: str, b: str) -> None:
    stamp = now()
    conn.executemany("INSERT OR REPLACE INTO dedupe_overrides VALUES (?, ?, ?, ?)",
                     [(a, action, b, stamp), (b, action, a, stamp)])
    opposite = "together" if action == "apart" else "apart"
    conn.executemany("DELETE FROM dedupe_overrides WHERE record_id = ? AND action = ? AND other = ?",
                     [(a, opposite, b), (b, opposite, a)])
