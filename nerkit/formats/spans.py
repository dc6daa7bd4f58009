"""Span rules shared by the span formats (Label Studio, doccano, spaCy-style).

- ``overlaps``: what to do with spans that overlap within a document. ``error`` (the
  default) reports them; ``longest`` keeps the longest of each overlapping group
  (ties: the one listed first); ``first`` keeps the one listed first. Each dropped span
  is counted in the load report, so a nested export can train on its outer (or first)
  layer without anything going unseen.
- :func:`same_but_whitespace`: Label Studio sometimes stores a span's ``value.text``
  with its whitespace changed (``'Amnesia . Haze'`` for ``'Amnesia. Haze'``) while the
  offsets are right; such a difference is repaired (the offsets win) and counted.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from nerkit.documents import Document, Span
from nerkit.formats.report import LoadReport

OVERLAP_POLICIES = ("error", "longest", "first")


def check_overlaps_policy(policy: str) -> str:
    if policy not in OVERLAP_POLICIES:
        raise ValueError(f"overlaps must be one of {', '.join(OVERLAP_POLICIES)}, not {policy!r}")
    return policy


def resolve_overlaps(spans: Sequence[Span], policy: str) -> tuple[list[Span], list[Span]]:
    """``(kept, dropped)``: kept spans in their original order, none overlapping another.

    With ``policy == "error"`` nothing is dropped (the document check reports overlaps).
    """
    if check_overlaps_policy(policy) == "error" or len(spans) < 2:
        return list(spans), []
    order = list(range(len(spans)))
    if policy == "longest":
        order = sorted(order, key=lambda i: (-(spans[i].end - spans[i].start), i))
    starts: list[int] = []  # kept intervals, sorted by start, never overlapping
    ends: list[int] = []
    keep = [False] * len(spans)
    for i in order:
        span = spans[i]
        if span.start >= span.end:  # not a range: kept, so the document check names it
            keep[i] = True
            continue
        at = bisect.bisect_left(starts, span.start)
        clashes_before = at > 0 and ends[at - 1] > span.start
        clashes_after = at < len(starts) and starts[at] < span.end
        if clashes_before or clashes_after:
            continue
        starts.insert(at, span.start)
        ends.insert(at, span.end)
        keep[i] = True
    kept = [s for s, k in zip(spans, keep, strict=True) if k]
    dropped = [s for s, k in zip(spans, keep, strict=True) if not k]
    return kept, dropped


def same_but_whitespace(a: str, b: str) -> bool:
    """Equal once all whitespace is removed (and not equal as they are)."""
    return a != b and "".join(a.split()) == "".join(b.split())


def apply_overlaps(
    located: Sequence[tuple[Document, str]], policy: str, report: LoadReport
) -> None:
    """Resolve overlaps in place by ``policy``, counting each dropped span in ``report``."""
    if check_overlaps_policy(policy) == "error":
        return
    for doc, location in located:
        doc.spans, dropped = resolve_overlaps(doc.spans, policy)
        for span in dropped:
            report.repair(
                f"overlapping spans dropped (overlaps={policy})",
                f"{location}, span [{span.start}, {span.end}) {span.label!r}",
                doc.id,
            )
