"""The one in-memory form of a labelled (or unlabelled) document.

A document is its text plus character-offset spans ``[start, end)`` into that text.
Every reader in :mod:`nerkit.formats` produces these, every writer consumes them, and
the engine reports entities with the same offsets.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_REPORTED_PROBLEMS = 50


@dataclass(frozen=True, order=True)
class Span:
    """A labelled character range ``text[start:end]``."""

    start: int
    end: int
    label: str


@dataclass
class Document:
    """A document: id, text, character-offset spans and free-form metadata."""

    id: str
    text: str
    spans: list[Span] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def span_texts(self) -> list[str]:
        return [self.text[s.start : s.end] for s in self.spans]

    @property
    def labels(self) -> set[str]:
        return {s.label for s in self.spans}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with where it is."""

    source: str  # file path (or dataset id)
    location: str  # "line 12", "record 3", "task 41"
    doc_id: str | None
    message: str

    def __str__(self) -> str:
        doc = f" (document {self.doc_id!r})" if self.doc_id is not None else ""
        return f"{self.source}, {self.location}{doc}: {self.message}"


class DataError(ValueError):
    """Raised when input data is invalid; carries every problem found (up to a limit)."""

    def __init__(self, problems: Sequence[Problem], truncated: bool = False) -> None:
        self.problems = list(problems)
        self.truncated = truncated
        lines = [str(p) for p in self.problems]
        if truncated:
            lines.append(f"... stopped after {len(self.problems)} problems; fix these first")
        head = f"{len(self.problems)} problem(s) in the input data:"
        super().__init__("\n  ".join([head, *lines]))


class ProblemCollector:
    """Gathers problems across a whole file so they are all reported at once."""

    def __init__(self, limit: int = MAX_REPORTED_PROBLEMS) -> None:
        self.limit = limit
        self.problems: list[Problem] = []
        self.truncated = False

    def add(self, source: str, location: str, doc_id: str | None, message: str) -> None:
        if len(self.problems) >= self.limit:
            self.truncated = True
            return
        self.problems.append(Problem(source, location, doc_id, message))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise DataError(self.problems, self.truncated)


def document_problems(doc: Document, labels: Iterable[str] | None = None) -> list[str]:
    """Everything wrong with one document, as messages (empty when it is valid).

    Nothing is fixed: spans are checked as given, in the order given.
    """
    problems: list[str] = []
    if not doc.text or not doc.text.strip():
        problems.append("empty text")
    known = set(labels) if labels is not None else None
    n = len(doc.text)
    for s in doc.spans:
        where = f"span [{s.start}, {s.end}) {s.label!r}"
        if not (isinstance(s.start, int) and isinstance(s.end, int)):
            problems.append(f"{where}: offsets must be integers")
            continue
        if s.start < 0 or s.end > n:
            problems.append(f"{where}: offsets outside the text (length {n})")
        if s.start >= s.end:
            problems.append(f"{where}: start must be before end")
        if not s.label:
            problems.append(f"{where}: empty label")
        elif known is not None and s.label not in known:
            problems.append(f"{where}: unknown label (known: {', '.join(sorted(known))})")
    ordered = sorted(doc.spans)
    for a, b in itertools.pairwise(ordered):
        if b.start < a.end:
            problems.append(
                f"spans [{a.start}, {a.end}) {a.label!r} and "
                f"[{b.start}, {b.end}) {b.label!r} overlap"
            )
    return problems


def validate_documents(
    docs: Iterable[tuple[Document, str]],
    source: str,
    labels: Iterable[str] | None = None,
    limit: int = MAX_REPORTED_PROBLEMS,
) -> None:
    """Validate ``(document, location)`` pairs from one source; raise one DataError for all."""
    known = list(labels) if labels is not None else None
    collector = ProblemCollector(limit)
    for doc, location in docs:
        for message in document_problems(doc, known):
            collector.add(source, location, doc.id, message)
    collector.raise_if_any()


def label_set(docs: Iterable[Document]) -> list[str]:
    """Sorted entity types used across documents."""
    found: set[str] = set()
    for d in docs:
        found |= d.labels
    return sorted(found)


@dataclass
class Entity:
    """A predicted entity: ``text == document_text[start:end]``, score in [0, 1].

    ``extra`` carries what later stages add (the producing model and version,
    knowledge-base links, normalised values) without changing the core fields.
    """

    label: str
    start: int
    end: int
    text: str
    score: float
    extra: dict[str, Any] = field(default_factory=dict)

    def as_span(self) -> Span:
        return Span(self.start, self.end, self.label)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": float(self.score),
        }
        out.update(self.extra)
        return out


def data_fingerprint(docs: Iterable[Document]) -> str:
    """SHA-256 over ids, texts and spans: equal fingerprints mean equal labelled data."""
    import hashlib

    h = hashlib.sha256()
    for d in docs:
        h.update(d.id.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
        h.update(d.text.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
        for s in sorted(d.spans):
            h.update(f"{s.start}:{s.end}:{s.label};".encode())
        h.update(b"\x01")
    return h.hexdigest()


class Coverage:
    """Whether a range overlaps any of a set of entities, in O(log n) a question."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        spans = sorted((e.start, e.end) for e in entities)
        self.starts = [start for start, _ in spans]
        # furthest[i]: the largest end among the first i + 1 spans by start.
        self.furthest = list(itertools.accumulate((end for _, end in spans), max))

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)  # spans starting before ``end``
        return i > 0 and self.furthest[i - 1] > start
