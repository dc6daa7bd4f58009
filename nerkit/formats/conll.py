"""CoNLL token-per-line files: a token and a tag per line, in whichever columns hold them.

``-DOCSTART-`` lines separate documents, blank lines separate sentences and comment
lines (``# sent_id = ...``) are skipped and counted. The columns and the separator are
found by :mod:`nerkit.formats.conll_layout` (or set with ``token_column=``,
``tag_column=``, ``separator=``). A document's text is rebuilt from its tokens: tokens
joined by one space within a sentence, sentences joined by ``"\\n"``; spans are
character offsets into that text, and the token offsets are kept in
``meta["token_offsets"]`` so the writer can write the same tokens back.

The file is streamed twice (layout, then tokens) and sentences are held compactly (one
string and a few integers per token), so reading time and memory grow linearly with the
file (``bench/formats_load.py``).
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

from nerkit.documents import DataError, Document, Problem, ProblemCollector, Span
from nerkit.formats import check_documents
from nerkit.formats.conll_layout import (
    DOCSTART,
    DOCSTART_FILLERS,
    SEPARATORS,
    Layout,
    is_blank,
    is_docstart,
    is_tag,
    lines_of,
    sniff_layout,
)
from nerkit.formats.conll_write import tagged_sentences, tokenize, write_conll
from nerkit.formats.report import LoadReport
from nerkit.schemes import Scheme, TagSequenceError, check_scheme, detect_scheme, tags_to_spans

logger = logging.getLogger("nerkit.formats")

__all__ = [
    "DOCSTART",
    "SEPARATORS",
    "TaggedSentence",
    "TokenOffsets",
    "build_document",
    "read_conll",
    "resolve_scheme",
    "scheme_note",
    "tagged_sentences",
    "tokenize",
    "write_conll",
]
OPTIONS = ("token_column", "tag_column", "separator")


@dataclass(slots=True)
class TaggedSentence:
    """One sentence held compactly: its tokens joined by spaces, their lengths and tags.

    ``locations[i]`` is where token ``i`` was read: a line number, or a name such as
    ``"row 3, token 1"``.
    """

    text: str
    lengths: Sequence[int]
    tags: list[str]
    locations: Sequence[int | str]

    @classmethod
    def of(
        cls, tokens: Sequence[str], tags: list[str], locations: Sequence[int | str]
    ) -> TaggedSentence:
        return cls(" ".join(tokens), array("I", map(len, tokens)), tags, locations)

    def location(self, index: int) -> str:
        where = self.locations[index]
        return f"line {where}" if isinstance(where, int) else where


class TokenOffsets(Sequence[tuple[int, int]]):
    """``(start, end)`` of every token, in one flat array: 8 bytes a token, not ~120."""

    __slots__ = ("_flat",)

    def __init__(self, flat: array) -> None:
        self._flat = flat

    def __len__(self) -> int:
        return len(self._flat) // 2

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, int]]: ...
    def __getitem__(self, index: int | slice) -> tuple[int, int] | list[tuple[int, int]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._flat[2 * index], self._flat[2 * index + 1]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        flat = iter(self._flat)
        return zip(flat, flat, strict=True)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(tuple(a) == tuple(b) for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TokenOffsets({list(self)!r})"


@dataclass
class _RawDocument:
    id: str
    location: str
    sentences: list[TaggedSentence] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Reading


def read_conll(
    path: str | Path,
    scheme: str = "auto",
    labels: Iterable[str] | None = None,
    report: LoadReport | None = None,
    token_column: int | None = None,
    tag_column: int | None = None,
    separator: str = "auto",
) -> list[Document]:
    """Documents from a CoNLL file; every problem in the file is reported in one DataError."""
    path = Path(path)
    source = str(path)
    report = report if report is not None else LoadReport(source, "conll")
    _require_text(path)
    layout = sniff_layout(path, token_column, tag_column, separator)
    report.setting("columns", layout.describe())
    collector = ProblemCollector()
    raw_docs = _Parser(path, layout, collector, report).parse()
    chosen = resolve_scheme(scheme, (s for raw in raw_docs for s in raw.sentences), source)
    report.setting("scheme", f"{chosen}{' (detected)' if str(scheme).lower() == 'auto' else ''}")
    known = set(labels) if labels is not None else None
    note = scheme_note(scheme, chosen)
    located: list[tuple[Document, str]] = []
    raw_docs.reverse()  # popped from the end: each raw document is freed once built
    while raw_docs:
        raw = raw_docs.pop()
        doc = build_document(raw.id, raw.sentences, chosen, source, collector, known, note)
        located.append((doc, raw.location))
    check_documents(collector, source, located, None)
    collector.raise_if_any()
    return [doc for doc, _ in located]


def _require_text(path: Path) -> None:
    """An empty file (or only blank lines) is a DataError naming it."""
    if not path.exists():
        from nerkit.formats import existing_path

        existing_path(path)
    if all(is_blank(line) for _, line in lines_of(path)):
        raise DataError([Problem(str(path), "line 1", None, "the file is empty")])


class _Parser:
    """The second pass: lines to documents of compact sentences."""

    def __init__(
        self, path: Path, layout: Layout, collector: ProblemCollector, report: LoadReport
    ) -> None:
        self.path, self.layout, self.collector, self.report = path, layout, collector, report
        self.source = str(path)
        self.docs: list[_RawDocument] = []
        self.tokens: list[str] = []
        self.tags: list[str] = []
        self.lines = array("I")
        self.tag_strings: dict[str, str] = {}  # one string object per distinct tag

    def parse(self) -> list[_RawDocument]:
        # The common line (a token and its tag, the layout's width) is handled inline:
        # this loop runs once per token, and a call per line doubled the reading time.
        split, width, token, tag = self.layout.split, self.layout.columns, *self.layout.fields
        tokens, tags, lines, strings = self.tokens, self.tags, self.lines, self.tag_strings
        for number, line in lines_of(self.path):
            if not line.strip():
                self.close_sentence()
                tokens, tags, lines = self.tokens, self.tags, self.lines
                continue
            fields = split(line)
            if len(fields) == width and self.docs and line[0] not in "#-":
                value = fields[tag]
                tokens.append(fields[token])
                tags.append(strings.setdefault(value, value))
                lines.append(number)
            else:
                self.other_line(fields, line, number)
                tokens, tags, lines = self.tokens, self.tags, self.lines
        self.close_sentence()
        return self.docs

    def other_line(self, fields: list[str], line: str, number: int) -> None:
        if is_docstart(fields):
            self.close_sentence()
            doc_id = _docstart_id(fields) or f"{self.path.stem}-{len(self.docs) + 1}"
            self.docs.append(_RawDocument(doc_id, f"line {number}"))
        elif line.startswith("#") and not self.is_token_line(fields):
            self.report.skip("comment lines", f"line {number}")
        else:
            self.token_line(fields, line, number)

    def is_token_line(self, fields: list[str]) -> bool:
        """A line starting with ``#`` is a token ``#`` only if it has the layout's shape."""
        return len(fields) == self.layout.columns and is_tag(fields[self.layout.tag])

    def current(self, number: int) -> _RawDocument:
        if not self.docs:  # tokens before any -DOCSTART- form the first document
            self.docs.append(_RawDocument(f"{self.path.stem}-1", f"line {number}"))
        return self.docs[-1]

    def token_line(self, fields: list[str], line: str, number: int) -> None:
        doc = self.current(number)
        layout = self.layout
        if len(fields) < 2:
            self.problem(number, doc.id, f"expected a token and a tag, found one column: {line!r}")
            return
        if len(fields) != layout.columns:
            # Which field is the tag is unknown on such a line: report it, read nothing.
            self.problem(number, doc.id, self.width_message(len(fields)))
            return
        tag = fields[layout.tag]
        self.tokens.append(fields[layout.token])
        self.tags.append(self.tag_strings.setdefault(tag, tag))
        self.lines.append(number)

    def width_message(self, width: int) -> str:
        expected, where = self.layout.columns, self.layout.first_line
        hint = ""
        if width > self.layout.columns and not self.layout.tabs:
            hint = " (a token with a space in it? separate the columns with tabs)"
        return f"{width} columns where line {where} has {expected}{hint}"

    def problem(self, number: int, doc_id: str, message: str) -> None:
        self.collector.add(self.source, f"line {number}", doc_id, message)

    def close_sentence(self) -> None:
        if self.tokens and self.docs:
            sentence = TaggedSentence.of(self.tokens, self.tags, self.lines)
            self.docs[-1].sentences.append(sentence)
        self.tokens, self.tags, self.lines = [], [], array("I")


def _docstart_id(fields: Sequence[str]) -> str:
    start = 1 if fields[0] == DOCSTART else 2
    return " ".join(f for f in fields[start:] if f not in DOCSTART_FILLERS)


def resolve_scheme(scheme: str, sentences: Iterable[TaggedSentence], source: str) -> Scheme:
    """The scheme named, or the one the tags use when ``scheme == "auto"``."""
    if str(scheme).lower() != "auto":
        return check_scheme(scheme)
    # Malformed tags are reported, with their lines, when the sentences are converted.
    detected = detect_scheme([[t for t in s.tags if is_tag(t)] for s in sentences])
    logger.info("%s: tag scheme detected as %s", source, detected)
    return detected


def scheme_note(asked: str, chosen: Scheme) -> str:
    """What tag errors add, so a wrongly detected scheme is easy to spot."""
    if str(asked).lower() != "auto":
        return ""
    return f" ({chosen} detected from the tags; pass scheme= to read them as another)"


def build_document(
    doc_id: str,
    sentences: Sequence[TaggedSentence],
    scheme: Scheme,
    source: str,
    collector: ProblemCollector,
    labels: set[str] | None = None,
    note: str = "",
) -> Document:
    """A Document from tagged sentences; tag problems go to ``collector`` with their location."""
    text = "\n".join(s.text for s in sentences)
    flat = array("I" if len(text) < 2**32 else "q")
    spans: list[Span] = []
    position = 0
    for sentence in sentences:
        first = len(flat) // 2
        for length in sentence.lengths:
            flat.append(position)
            flat.append(position + length)
            position += length + 1  # the space after it, or the line break after the last
        for start, end, label in _sentence_spans(sentence, scheme, source, doc_id, collector, note):
            if labels is not None and label not in labels:
                collector.add(
                    source,
                    sentence.location(start),
                    doc_id,
                    f"unknown label {label!r} (known: {', '.join(sorted(labels))})",
                )
            spans.append(Span(flat[2 * (first + start)], flat[2 * (first + end) - 1], label))
    return Document(doc_id, text, spans, {"token_offsets": TokenOffsets(flat)})


def _sentence_spans(
    sentence: TaggedSentence,
    scheme: Scheme,
    source: str,
    doc_id: str,
    collector: ProblemCollector,
    note: str,
) -> list[tuple[int, int, str]]:
    try:
        return tags_to_spans(sentence.tags, scheme)
    except TagSequenceError as error:
        for index, message in error.problems:
            collector.add(source, sentence.location(index), doc_id, message + note)
        return []
