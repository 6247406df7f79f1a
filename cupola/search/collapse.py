"""Cluster collapse: one hit per duplicate cluster, in rank order, saying how many it stands for.

``collapse(ranked, clusters)`` takes hits in rank order and each record's cluster (the dict stored
in ``record.cluster``, or just its id); it keeps the first-ranked hit of every cluster and attaches
the ids of the other members that matched, so a page never shows two copies or two frames of one
stack. Records without a cluster pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Collapsed:
    id: str
    score: float
    cluster: dict[str, Any] | None = None  # {"id", "kind", "size", ...} as stored on the record
    matched: list[str] = field(default_factory=list)  # every member that matched, this hit first

    @property
    def size(self) -> int:
        """How many records this hit stands for (the whole cluster, not only the matched members)."""
        if self.cluster and isinstance(self.cluster.get("size"), int):
            return self.cluster["size"]
        return max(1, len(self.matched))


def _cluster_of(value: Mapping[str, Any] | str | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {"id": value}
    if not value.get("id") or value.get("size", 2) < 2:
        return None
    return dict(value)


def collapse(ranked: list[tuple[str, float]], clusters: Mapping[str, Mapping[str, Any] | str | None],
             *, limit: int | None = None) -> list[Collapsed]:
    """Keep the first hit of each cluster. ``limit`` stops once that many hits are kept (members of
    kept clusters seen before stopping are still attached)."""
    out: list[Collapsed] = []
    by_cluster: dict[str, Collapsed] = {}
    for record_id, score in ranked:
        cluster = _cluster_of(clusters.get(record_id))
        if cluster is None:
            if limit is not None and len(out) >= limit:
                break
            out.append(Collapsed(record_id, score))
            continue
        kept = by_cluster.get(cluster["id"])
        if kept is not None:
            kept.matched.append(record_id)
            continue
        if limit is not None and len(out) >= limit:
            break
        kept = Collapsed(record_id, score, cluster, [record_id])
        by_cluster[cluster["id"]] = kept
        out.append(kept)
    return out


def duplicate_share(ranked_ids: list[str], group_of: Mapping[str, str], k: int = 10) -> float:
    """Share of the top-k hits that repeat a group already shown higher up (0 = no repeats)."""
    top = ranked_ids[:k]
    if not top:
        return 0.0
    shown: set[str] = set()
    repeats = 0
    for record_id in top:
        group = group_of.get(record_id)
        if group is None:
            continue
        if group in shown:
            repeats += 1
        shown.add(group)
    return repeats / len(top)
