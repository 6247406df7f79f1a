"""The archive: a directory holding ``cupola.db`` (SQLite, the truth) and derived indexes.

SQLite runs in WAL mode so readers never block the one writer; writes go in batched transactions, so
an interrupted ingest (Ctrl-C, kill -9) leaves every committed batch whole and nothing half-written.
A record's ``seq`` grows with every change, which lets derived indexes catch up incrementally.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from cupola.archive.migrations import latest_version, migrate
from cupola.errors import ArchiveError
from cupola.model import Provenance, Record

DB_NAME = "cupola.db"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class UpsertResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=dict)  # id -> seq of each record row written


class Archive:
    """One archive directory. Open with ``Archive.open(path)``; write inside ``with archive.writing():``."""

    def __init__(self, path: Path, conn: sqlite3.Connection, readonly: bool):
        self.path = path
        self.conn = conn
        self.readonly = readonly
        self._lock_file: Any = None
        self._seq: int | None = None

    # -- opening ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, readonly: bool = False) -> Archive:
        root = Path(path)
        db = root / DB_NAME
        if not db.exists():
            if not create or readonly:
                raise ArchiveError("no archive here", where=str(root),
                                   hint="run `cupola --archive DIR ingest ...` first, or check --archive")
            if root.exists() and not root.is_dir():
                raise ArchiveError("exists and is not a directory", where=str(root),
                                   hint="give --archive a directory path")
            root.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            version = _schema_version(conn)
            if version > latest_version():
                raise ArchiveError(f"archive schema v{version} is newer than this Cupola (v{latest_version()})",
                                   where=str(root), hint="upgrade Cupola")
            if version < latest_version() or _missing_migrations(conn):
                try:
                    migrate(conn)  # quick and transactional; a reader may do it too
                except sqlite3.OperationalError as err:
                    raise ArchiveError(f"archive needs a schema upgrade and cannot be written ({err})",
                                       where=str(root),
                                       hint="open it once with write access, e.g. `cupola stats`") from err
        except sqlite3.DatabaseError as err:
            raise ArchiveError(f"not a readable Cupola archive ({err})", where=str(db),
                               hint="check the path; restore the file from a backup if it is damaged") from err
        return cls(root, conn, readonly)

    def close(self) -> None:
        self.release()
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def index_dir(self) -> Path:
        return self.path / "index"

    # -- the one writer --------------------------------------------------------------------------
    @contextlib.contextmanager
    def writing(self) -> Iterator[Archive]:
        """Hold the archive's write lock for the duration (one writer at a time, across processes)."""
        if self.readonly:
            raise ArchiveError("archive opened read-only", where=str(self.path))
        owned = self._lock_file is None
        if owned:
            handle = open(self.path / ".write.lock", "a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                raise ArchiveError("another Cupola process is writing this archive", where=str(self.path),
                                   hint="wait for it to finish (or stop it) and try again") from None
            self._lock_file = handle
        try:
            yield self
        finally:
            if owned:
                self.release()

    def release(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def _next_seq(self) -> int:
        if self._seq is None:
            row = self.conn.execute(
                "SELECT max(s) FROM (SELECT max(seq) s FROM records UNION ALL SELECT max(seq) FROM deleted)"
            ).fetchone()
            self._seq = row[0] or 0
        self._seq += 1
        return self._seq

    # -- writing ---------------------------------------------------------------------------------
    def upsert(self, batch: Iterable[tuple[Record, str]]) -> UpsertResult:
        """Store (record, content_hash) pairs in one transaction.

        The content hash is of the record as its source published it (before enrichment). A copy
        whose content was seen before for that id is ``unchanged`` (its provenance is still added);
        a new content for a known id is kept as a version and becomes the record (``updated``).
        """
        batch = list(batch)
        result = UpsertResult()
        if not batch:
            return result
        ids = list({record.id for record, _ in batch})
        conn = self.conn
        current: dict[str, str] = {}
        known: set[tuple[str, str]] = set()
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            current.update(conn.execute(f"SELECT id, content_hash FROM records WHERE id IN ({marks})", chunk))
            known.update(conn.execute(
                f"SELECT record_id, content_hash FROM versions WHERE record_id IN ({marks})", chunk))
        now = _now()
        rows_records, rows_versions, rows_provenance, keep_old = [], [], [], []
        in_batch: dict[str, tuple[int, str]] = {}
        for record, digest in batch:
            if current.get(record.id) == digest or (record.id, digest) in known:
                result.unchanged.append(record.id)
            else:
                data = record_json(record)
                if record.id in in_batch:  # a second version in this same batch: keep the first one's data
                    row, old_data = in_batch[record.id]
                    rows_versions[row] = (*rows_versions[row][:2], old_data, now)
                    result.updated.append(record.id)
                elif record.id in current:
                    result.updated.append(record.id)
                    keep_old.append((record.id, current[record.id]))
                else:
                    result.added.append(record.id)
                current[record.id] = digest
                known.add((record.id, digest))
                in_batch[record.id] = (len(rows_versions), data)
                seq = self._next_seq()
                result.written[record.id] = seq
                rows_records.append((record.id, record.source, digest, data, record.title, record.taken_at,
                                     record.center, record.media_type, seq, now))
                rows_versions.append((record.id, digest, None, now))
            for prov in record.provenance:
                rows_provenance.append((record.id, prov.key(), digest, prov.kind, prov.file, prov.line,
                                        prov.fetched_at, json.dumps(prov.extra) if prov.extra else None))
        try:
            conn.execute("BEGIN IMMEDIATE")
            for record_id, old_hash in keep_old:  # keep the replaced content before overwriting it
                conn.execute("UPDATE versions SET data = (SELECT data FROM records WHERE id = ?) "
                             "WHERE record_id = ? AND content_hash = ? AND data IS NULL",
                             (record_id, record_id, old_hash))
            conn.executemany("INSERT OR REPLACE INTO records VALUES (?,?,?,?,?,?,?,?,?,?)", rows_records)
            conn.executemany("INSERT OR IGNORE INTO versions VALUES (?,?,?,?)", rows_versions)
            conn.executemany("INSERT OR IGNORE INTO provenance VALUES (?,?,?,?,?,?,?,?)", rows_provenance)
            _settle_versions(self, ids, known)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._seq = None
            raise
        return result

    def replace_data(self, records: Iterable[Record]) -> int:
        """Rewrite derived parts of records (enrichment, clusters) without changing their content hash."""
        rows = [(record_json(r), r.taken_at, self._next_seq(), _now(), r.id) for r in records]
        with self.transaction():
            self.conn.executemany("UPDATE records SET data = ?, taken_at = ?, seq = ?, updated_at = ? "
                                  "WHERE id = ?", rows)
        return len(rows)

    def patch_field(self, name: str, rows: Iterable[tuple[str, Any]]) -> int:
        """Set one top-level field of stored records in SQL (``json_set``: no record is decoded in Python),
        each with a new seq, as ``replace_data`` would. ``rows``: (record id, JSON-able value or None)."""
        if not name.isidentifier():
            raise ValueError(f"not a field name: {name!r}")
        stamp = _now()
        params = [(orjson.dumps(value).decode(), self._next_seq(), stamp, record_id) for record_id, value in rows]
        with self.transaction():
            self.conn.executemany(f"UPDATE records SET data = json_set(data, '$.{name}', json(?)), seq = ?, "
                                  "updated_at = ? WHERE id = ?", params)
        return len(params)

    def touch(self, ids: Iterable[str]) -> None:
        """Mark records changed so derived indexes pick them up again."""
        rows = [(self._next_seq(), record_id) for record_id in ids]
        with self.transaction():
            self.conn.executemany("UPDATE records SET seq = ? WHERE id = ?", rows)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            self._seq = None
            raise
        self.conn.execute("COMMIT")

    # -- reading ---------------------------------------------------------------------------------
    def get(self, record_id: str, *, with_provenance: bool = True) -> Record | None:
        found = self.get_many([record_id], with_provenance=with_provenance)
        return found.get(record_id)

    def get_many(self, ids: list[str], *, with_provenance: bool = False) -> dict[str, Record]:
        out: dict[str, Record] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            for record_id, data in self.conn.execute(f"SELECT id, data FROM records WHERE id IN ({marks})", chunk):
                out[record_id] = Record.from_dict(orjson.loads(data))
        if with_provenance and out:
            for record_id, provenance in self.provenance_of(list(out)).items():
                out[record_id].provenance = provenance
        return out

    def caption_lengths(self, ids: list[str]) -> dict[str, int]:
        """Characters in each record's caption, read inside SQLite (no record is decoded in Python)."""
        out: dict[str, int] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            out.update(self.conn.execute(f"SELECT id, coalesce(length(json_extract(data, '$.caption')), 0) "
                                         f"FROM records WHERE id IN ({marks})", chunk).fetchall())
        return out

    def provenance_of(self, ids: list[str]) -> dict[str, list[Provenance]]:
        out: dict[str, list[Provenance]] = {i: [] for i in ids}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            query = (f"SELECT record_id, kind, file, line, fetched_at, extra, content_hash FROM provenance "
                     f"WHERE record_id IN ({marks}) ORDER BY record_id, fetched_at, file, line")
            for record_id, kind, file, line, fetched_at, extra, digest in self.conn.execute(query, chunk):
                extra_dict = json.loads(extra) if extra else {}
                extra_dict["content_hash"] = digest
                out[record_id].append(Provenance(kind, file, line, fetched_at, extra_dict))
        return out

    def versions_of(self, record_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT content_hash, data, first_seen FROM versions WHERE record_id = ? "
                                 "ORDER BY first_seen", (record_id,)).fetchall()
        return [{"content_hash": h, "data": json.loads(d) if d else None, "first_seen": s} for h, d, s in rows]

    def iter_records(self, since_seq: int = 0, batch_size: int = 2000,
                     skip: Mapping[str, int] | None = None) -> Iterator[tuple[int, Record]]:
        """Records changed after ``since_seq``, in seq order (stable under concurrent appends).

        ``skip`` (id -> seq): records still at that seq are left out without being read."""
        last = since_seq
        while True:
            if skip:
                keys = self.conn.execute("SELECT seq, id FROM records WHERE seq > ? ORDER BY seq LIMIT ?",
                                         (last, batch_size)).fetchall()
                if not keys:
                    return
                last = keys[-1][0]
                wanted = [seq for seq, record_id in keys if skip.get(record_id) != seq]
                rows = []
                for chunk in _chunks(wanted, 500):
                    marks = ",".join("?" * len(chunk))
                    rows += self.conn.execute(f"SELECT seq, data FROM records WHERE seq IN ({marks}) ORDER BY seq",
                                              chunk).fetchall()
            else:
                rows = self.conn.execute("SELECT seq, data FROM records WHERE seq > ? ORDER BY seq LIMIT ?",
                                         (last, batch_size)).fetchall()
                if not rows:
                    return
                last = rows[-1][0]
            for seq, data in rows:
                yield seq, Record.from_dict(orjson.loads(data))

    def ids(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT id FROM records ORDER BY id")]

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM records").fetchone()[0]

    def max_seq(self) -> int:
        row = self.conn.execute(
            "SELECT max(s) FROM (SELECT max(seq) s FROM records UNION ALL SELECT max(seq) FROM deleted)"
        ).fetchone()
        return row[0] or 0

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def stats(self) -> dict[str, Any]:
        conn = self.conn
        by = lambda column: dict(conn.execute(  # noqa: E731
            f"SELECT coalesce({column}, '(none)'), count(*) FROM records GROUP BY 1 ORDER BY 2 DESC"))
        db_file = self.path / DB_NAME
        size = sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())
        return {
            "records": self.count(),
            "provenance": conn.execute("SELECT count(*) FROM provenance").fetchone()[0],
            "versions": conn.execute("SELECT count(*) FROM versions").fetchone()[0],
            "multi_version_records": conn.execute(
                "SELECT count(*) FROM (SELECT record_id FROM versions GROUP BY 1 HAVING count(*) > 1)"
            ).fetchone()[0],
            "sources": by("source"),
            "media_types": by("media_type"),
            "centers": by("center"),
            "schema_version": _schema_version(conn),
            "db_bytes": db_file.stat().st_size if db_file.exists() else 0,
            "archive_bytes": size,
            "path": str(self.path),
        }


def _settle_versions(archive: Archive, ids: list[str], known: set[tuple[str, str]]) -> None:
    """Ids published in several versions: let the version policy (cupola.dedupe.versions) pick the one shown."""
    counts: dict[str, int] = {}
    for record_id, _digest in known:
        counts[record_id] = counts.get(record_id, 0) + 1
    contested = [record_id for record_id in ids if counts.get(record_id, 0) > 1]
    if not contested:
        return
    try:
        from cupola.dedupe.versions import settle
    except ImportError:  # no policy in this build: the latest version is shown
        return
    settle(archive, contested)


def record_json(record: Record) -> str:
    data = record.stored_dict()
    try:
        return orjson.dumps(data).decode("utf-8")
    except TypeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _missing_migrations(conn: sqlite3.Connection) -> bool:
    from cupola.archive.migrations import MIGRATIONS

    done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")} if _schema_version(conn) else set()
    return any(version not in done for version, _, _ in MIGRATIONS)


def _schema_version(conn: sqlite3.Connection) -> int:
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'").fetchone()
    if not exists:
        return 0
    return conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def disk_usage(path: Path) -> int:
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)
