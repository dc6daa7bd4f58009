"""Several served models, one answer: their entities merged where they overlap."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from nerkit.documents import Entity


def merge_entities(groups: Sequence[tuple[int, list[Entity]]], policy: str) -> list[Entity]:
    """Union of several models' entities; on overlaps one wins.

    ``groups`` is ``(priority, entities)`` per model, in configured order. ``priority``:
    the lower priority wins, then the higher score; ``score``: the higher score wins, then
    the lower priority. Ties go to the model configured first.
    """
    candidates = [
        (priority, index, entity)
        for index, (priority, entities) in enumerate(groups)
        for entity in entities
    ]
    if policy == "score":
        candidates.sort(key=lambda c: (-c[2].score, c[0], c[1], c[2].start))
    else:
        candidates.sort(key=lambda c: (c[0], -c[2].score, c[1], c[2].start))
    starts: list[int] = []
    kept: list[Entity] = []  # disjoint, sorted by start
    for _, _, entity in candidates:
        at = bisect.bisect_left(starts, entity.start)
        if at > 0 and kept[at - 1].end > entity.start:
            continue
        if at < len(kept) and kept[at].start < entity.end:
            continue
        starts.insert(at, entity.start)
        kept.insert(at, entity)
    return kept
