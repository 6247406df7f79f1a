"""Pick the gallery: the best photos per phase, spread over the phases, diverse inside each one.

- every phase with photos gets one before any gets a second (when the size allows; else the phases
  whose best photo scores highest);
- further places go where there is most to show (weight: square root of the phase's candidates);
- inside a phase, maximal marginal relevance: score minus a penalty for resembling a photo already
  picked (caption words), so five frames of one moment do not crowd out the rest;
- never two photos from one duplicate cluster, nor two with the same caption, in the whole gallery.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from typing import TypeVar

from cupola.galleries.relevance import similarity

T = TypeVar("T")
POOL = 200  # candidates per phase considered by the diversity step
DIVERSITY = 2.0


def cluster_key(record: object) -> str:
    cluster = getattr(record, "cluster", None)
    if cluster and cluster.get("size", 1) > 1 and cluster.get("id"):
        return f"cluster:{cluster['id']}"
    return f"record:{getattr(record, 'id', '')}"


def pick(groups: dict[Hashable, list[T]], budget: int, *, score: Callable[[T], float],
         words: Callable[[T], frozenset[str]], key: Callable[[T], str],
         caption: Callable[[T], str]) -> dict[Hashable, list[T]]:
    """Choose up to ``budget`` items over ``groups`` (phase -> candidates). Returns group -> picks."""
    pools = {g: sorted(items, key=score, reverse=True)[:POOL] for g, items in groups.items() if items}
    picked: dict[Hashable, list[T]] = {g: [] for g in pools}
    used_keys: set[str] = set()
    used_captions: set[str] = set()
    exhausted: set[Hashable] = set()

    def best(group: Hashable) -> T | None:
        chosen, chosen_value = None, -math.inf
        for item in pools[group]:
            if key(item) in used_keys or caption(item) in used_captions:
                continue
            overlap = max((similarity(words(item), words(p)) for p in picked[group]), default=0.0)
            value = score(item) - DIVERSITY * overlap
            if value > chosen_value:
                chosen, chosen_value = item, value
        return chosen

    def take(group: Hashable) -> bool:
        item = best(group)
        if item is None:
            exhausted.add(group)
            return False
        picked[group].append(item)
        used_keys.add(key(item))
        if caption(item):
            used_captions.add(caption(item))
        return True

    total = 0
    first_round = sorted(pools, key=lambda g: score(pools[g][0]), reverse=True)
    for group in first_round:
        if total >= budget:
            break
        total += take(group)
    while total < budget:
        open_groups = [g for g in pools if g not in exhausted]
        if not open_groups:
            break
        group = max(open_groups, key=lambda g: math.sqrt(len(pools[g])) / (len(picked[g]) + 1))
        total += take(group)
    return {g: items for g, items in picked.items() if items}
