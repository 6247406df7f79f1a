"""Same record, several versions: which one the archive shows, and why.

When sources disagree about one id (a crawl row vs the images-api item, a hand-edited fixture),
every version stays in ``versions`` and every copy in ``provenance``; the record shows the version
chosen by these rules, in order, the first that decides:

1. ``consistent``: a version whose media_type contradicts its own asset URLs (``/video/`` href on an
   "image") loses to one that does not;
2. ``majority``: the version published by the most copies;
3. ``trusted``: the most trusted kind of source (images-api item or mirror > photo file > crawl row
   > other files);
4. ``complete``: the version with the most filled fields;
5. ``latest``: otherwise the version seen last (a re-published edit of a file is shown).

``settle(archive, ids)`` applies the rules inside ``Archive.upsert``'s transaction and records the
decision in ``record_choices`` (rule + one-line reason), which ``cupola dupes --kind record`` shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cupola.dedupe.store import now
from cupola.model import Record

TRUST = {"item": 4, "mirror": 4, "photo": 3, "crawl": 2, "other": 1}
_TRUST_LABEL = {4: "images-api item", 3: "photo file", 2: "crawl row", 1: "other file"}
_MEDIA_PATHS = {"image": "/image/", "video": "/video/", "audio": "/audio/"}
_CHUNK = 500


@dataclass
class Candidate:
    content_hash: str
    data: dict[str, Any]
    copies: int
    kinds: set[str]
    first_seen: str


def source_trust(data: dict[str, Any], kinds: set[str]) -> int:
    if "mirror" in kinds:
        return TRUST["mirror"]
    raw = data.get("raw") or {}
    if isinstance(raw.get("data"), list) and ("href" in raw or "links" in raw):
        return TRUST["item"]
    if data.get("source") == "photo" or "photo_folder" in kinds:
        return TRUST["photo"]
    if data.get("source") == "nasa":
        return TRUST["crawl"]
    return TRUST["other"]


def consistent(data: dict[str, Any]) -> bool:
    media = data.get("media_type")
    hrefs = [a.get("href") or "" for a in data.get("assets") or [] if isinstance(a, dict)]
    paths = {kind for kind, part in _MEDIA_PATHS.items() for h in hrefs if part in h}
    return not paths or media in paths


def completeness(data: dict[str, Any]) -> int:
    return sum(1 for name in Record.CONTENT_FIELDS if name != "raw" and data.get(name) not in (None, "", [], {}))


def choose(candidates: list[Candidate], newest: str | None = None) -> tuple[Candidate, str, str]:
    """(winner, rule, reason) among two or more versions; ``newest`` is the content hash stored last."""
    pool = list(candidates)
    steps = [
        ("consistent", lambda c: int(consistent(c.data)),
         lambda w, n: "media_type agrees with its asset URLs; the other version's does not"),
        ("majority", lambda c: c.copies,
         lambda w, n: f"published by {w.copies} of {sum(c.copies for c in candidates)} copies"),
        ("trusted", lambda c: source_trust(c.data, c.kinds),
         lambda w, n: f"from the most trusted source ({_TRUST_LABEL[source_trust(w.data, w.kinds)]})"),
        ("complete", lambda c: completeness(c.data),
         lambda w, n: f"most complete ({completeness(w.data)} fields filled, next best {n})"),
    ]
    for rule, score, explain in steps:
        scores = [score(c) for c in pool]
        best = max(scores)
        leaders = [c for c, s in zip(pool, scores, strict=True) if s == best]
        if len(leaders) == 1 and len(pool) > 1:
            runner_up = max(s for s in scores if s != best)
            return leaders[0], rule, explain(leaders[0], runner_up)
        pool = leaders
    winner = max(pool, key=lambda c: (c.first_seen, c.content_hash == newest, c.content_hash))
    return winner, "latest", "versions tie on every rule; the one seen last is shown"


def settle(archive: Any, ids: list[str]) -> dict[str, str]:
    """Apply the rules to ``ids`` (inside the caller's transaction). -> {id: rule} for every decision."""
    conn = archive.conn
    decided: dict[str, str] = {}
    ids = sorted(set(ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        versions: dict[str, list[tuple[str, str | None, str]]] = {}
        for rid, digest, data, first_seen in conn.execute(
                f"SELECT record_id, content_hash, data, first_seen FROM versions WHERE record_id IN ({marks})", chunk):
            versions.setdefault(rid, []).append((digest, data, first_seen))
        contested = [rid for rid, rows in versions.items() if len(rows) > 1]
        if not contested:
            continue
        marks = ",".join("?" * len(contested))
        current = {rid: (digest, data) for rid, digest, data in conn.execute(
            f"SELECT id, content_hash, data FROM records WHERE id IN ({marks})", contested)}
        copies: dict[tuple[str, str], tuple[int, set[str]]] = {}
        for rid, digest, n, kinds in conn.execute(
                f"SELECT record_id, content_hash, count(*), group_concat(kind) FROM provenance "
                f"WHERE record_id IN ({marks}) GROUP BY record_id, content_hash", contested):
            copies[(rid, digest)] = (n, set((kinds or "").split(",")))
        for rid in contested:
            current_hash, current_data = current[rid]
            candidates = []
            for digest, data, first_seen in versions[rid]:
                text = current_data if digest == current_hash else data
                if text is None:
                    continue
                n, kinds = copies.get((rid, digest), (0, set()))
                candidates.append(Candidate(digest, json.loads(text), n, kinds, first_seen))
            if len(candidates) < 2:
                continue
            winner, rule, reason = choose(candidates, newest=current_hash)
            if winner.content_hash != current_hash:
                _swap(archive, rid, current_hash, current_data, winner)
            conn.execute("INSERT OR REPLACE INTO record_choices VALUES (?, ?, ?, ?, ?, ?)",
                         (rid, winner.content_hash, rule, reason, len(candidates), now()))
            decided[rid] = rule
    return decided


def _swap(archive: Any, record_id: str, old_hash: str, old_data: str, winner: Candidate) -> None:
    conn = archive.conn
    data = dict(winner.data)
    stored = conn.execute("SELECT data FROM records WHERE id = ?", (record_id,)).fetchone()
    if stored is not None:  # derived fields (clusters) belong to the record, not to a version
        data["cluster"] = json.loads(stored[0]).get("cluster") or data.get("cluster")
    conn.execute("UPDATE versions SET data = ? WHERE record_id = ? AND content_hash = ?",
                 (old_data, record_id, old_hash))
    conn.execute("UPDATE versions SET data = NULL WHERE record_id = ? AND content_hash = ?",
                 (record_id, winner.content_hash))
    conn.execute("UPDATE records SET data = ?, content_hash = ?, title = ?, taken_at = ?, center = ?, media_type = ?, "
                 "source = ?, seq = ?, updated_at = ? WHERE id = ?",
                 (json.dumps(data, ensure_ascii=False, separators=(",", ":")), winner.content_hash,
                  data.get("title"), data.get("taken_at"), data.get("center"), data.get("media_type"),
                  data.get("source") or "unknown", archive._next_seq(), now(), record_id))
