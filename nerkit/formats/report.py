"""What a reader did with a file besides returning documents: the ``check`` summary.

Readers skip some records on purpose (unlabelled Label Studio tasks, CoNLL comment
lines) and repair others whose meaning is not in doubt (a ``value.text`` that differs
from the text only in whitespace). Each such decision is counted here with its reason
and the first few places it happened, so nothing is skipped or repaired silently:
``python -m nerkit.formats check`` prints the report and ``python -m train`` logs it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from nerkit.documents import DataError, Document

# How many places are kept per reason: enough to find the records, little enough to read.
EXAMPLES_KEPT = 3


@dataclass
class Tally:
    """How often one thing was skipped or repaired, and where it happened first."""

    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, where: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES_KEPT:
            self.examples.append(where)


@dataclass
class LoadReport:
    """Filled by a reader when passed as ``load_documents(..., report=LoadReport())``."""

    source: str = ""
    format: str = ""
    # How the file was read: "tag scheme", "columns", "text field"... -> what and why.
    settings: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, Tally] = field(default_factory=dict)
    repaired: dict[str, Tally] = field(default_factory=dict)

    def skip(self, reason: str, location: str, doc_id: str | None = None) -> None:
        self.skipped.setdefault(reason, Tally()).add(_place(location, doc_id))

    def repair(self, reason: str, location: str, doc_id: str | None = None) -> None:
        self.repaired.setdefault(reason, Tally()).add(_place(location, doc_id))

    def setting(self, name: str, value: str) -> None:
        self.settings[name] = value


def _place(location: str, doc_id: str | None) -> str:
    return f"{location} (document {doc_id!r})" if doc_id is not None else location


def summary_lines(
    report: LoadReport, docs: Iterable[Document] | None, error: DataError | None = None
) -> list[str]:
    """The ``check`` summary: format, counts, entities per type, skips, repairs, problems."""
    lines = [f"file      {report.source}", f"format    {report.format or 'unknown'}"]
    lines += [f"{name:<9} {value}" for name, value in report.settings.items()]
    if "scheme" not in report.settings and report.format not in ("conll", "hf"):
        lines.append("scheme    none: spans are character offsets, not tags")
    if docs is not None:
        lines += _document_lines(list(docs))
    lines += _tally_lines("skipped", report.skipped)
    lines += _tally_lines("repaired", report.repaired)
    if error is not None:
        more = " (first ones only)" if error.truncated else ""
        lines.append(f"errors: {len(error.problems)}{more}; nothing was loaded")
        lines += [f"  {problem}" for problem in error.problems]
    else:
        lines.append("errors: none (no overlapping spans, none outside its text)")
    return lines


def _document_lines(docs: list[Document]) -> list[str]:
    by_type = Counter(span.label for doc in docs for span in doc.spans)
    total = sum(by_type.values())
    tokenised = any("token_offsets" in doc.meta for doc in docs)
    unit = "" if tokenised else " (words between whitespace)"
    lines = [
        f"documents {len(docs):,}",
        f"tokens    {sum(_token_count(doc) for doc in docs):,}{unit}",
        f"entities  {total:,}",
    ]
    for label, count in sorted(by_type.items()):
        lines.append(f"  {label:<20} {count:>9,} ({count / total:.1%})")
    return lines


def _token_count(doc: Document) -> int:
    """Tokens as read (CoNLL, datasets) or whitespace-separated words (span formats)."""
    kept = doc.meta.get("token_offsets")
    return len(kept) if kept is not None else len(doc.text.split())


def _tally_lines(kind: str, tallies: dict[str, Tally]) -> list[str]:
    if not tallies:
        return [f"{kind}: nothing"]
    lines = [f"{kind}:"]
    for reason, tally in tallies.items():
        lines.append(f"  {tally.count:,} {reason}: first at {'; '.join(tally.examples)}")
    return lines


def log_report(logger: logging.Logger, report: LoadReport, docs: Iterable[Document] | None) -> None:
    """The summary at INFO, and every skip or repair again at WARNING so none goes unseen."""
    logger.info("data check:\n  %s", "\n  ".join(summary_lines(report, docs)))
    for kind, tallies in (("skipped", report.skipped), ("repaired", report.repaired)):
        for reason, tally in tallies.items():
            logger.warning("%s: %s %d %s", report.source, kind, tally.count, reason)
