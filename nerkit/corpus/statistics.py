"""Figures that describe a corpus: sizes, entity counts, contract types."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from nerkit.documents import Document


def corpus_statistics(docs: Sequence[Document]) -> dict[str, Any]:
    """Documents, whitespace tokens (total/min/median/max), entities by type, types."""
    lengths = [len(d.text.split()) for d in docs]
    by_label = Counter(s.label for d in docs for s in d.spans)
    by_type = Counter(str(d.meta.get("contract_type", "unknown")) for d in docs)
    return {
        "documents": len(docs),
        "tokens_total": sum(lengths),
        "tokens_min": min(lengths, default=0),
        "tokens_median": statistics.median(lengths) if lengths else 0,
        "tokens_max": max(lengths, default=0),
        "entities_total": sum(by_label.values()),
        "entities_by_type": dict(sorted(by_label.items())),
        "documents_by_contract_type": dict(sorted(by_type.items())),
    }


def format_statistics(stats: dict[str, Any]) -> str:
    """A plain-text table of :func:`corpus_statistics` output."""
    total_entities = stats["entities_total"] or 1
    rows: list[tuple[str, str]] = [
        ("documents", f"{stats['documents']:,}"),
        ("tokens total", f"{stats['tokens_total']:,}"),
        ("tokens min", f"{stats['tokens_min']:,}"),
        ("tokens median", f"{stats['tokens_median']:,.0f}"),
        ("tokens max", f"{stats['tokens_max']:,}"),
        ("entities total", f"{stats['entities_total']:,}"),
    ]
    rows += [
        (f"  {label}", f"{count:,} ({100 * count / total_entities:.1f}%)")
        for label, count in stats["entities_by_type"].items()
    ]
    rows.append(("documents by contract type", ""))
    rows += [
        (f"  {name}", f"{count:,}") for name, count in stats["documents_by_contract_type"].items()
    ]
    width = max(len(name) for name, _ in rows)
    value_width = max(len(value) for _, value in rows)
    rule = "-" * (width + value_width + 3)
    lines = [
        rule,
        *(f"{name:<{width}}   {value:>{value_width}}".rstrip() for name, value in rows),
        rule,
    ]
    return "\n".join(lines)
