"""CoNLL token-per-line files: ``token tag`` or ``token pos chunk tag`` (the tag is last).

``-DOCSTART-`` lines separate documents and blank lines separate sentences. A document's
text is rebuilt from its tokens: tokens joined by one space within a sentence, sentences
joined by ``"\\n"``; spans are character offsets into that text, and the token offsets are
kept in ``meta["token_offsets"]`` so the writer can write the same tokens back.

The writer tokenises other documents into words and punctuation (grapheme clusters are
never split) and refuses spans that do not fall on those token boundaries.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import regex

from nerkit.documents import Document, ProblemCollector, Span
from nerkit.formats import check_before_writing, check_documents, prepare_output, read_text
from nerkit.schemes import (
    Scheme,
    TagSequenceError,
    check_scheme,
    detect_scheme,
    spans_to_tags,
    split_tag,
    tags_to_spans,
)

logger = logging.getLogger("nerkit.formats")

DOCSTART = "-DOCSTART-"
# Columns that conventionally pad a -DOCSTART- line; anything else on it is the document id.
DOCSTART_FILLERS = frozenset({"-X-", "O", "-", "_"})
# What separates columns and lines in the file; a token must not contain any of them.
SEPARATORS = frozenset(" \t\n\r")
_COLUMNS = re.compile(r"[ \t]+")
# Words (runs of grapheme clusters that start with a word character) or one other
# non-space grapheme cluster: keeps combining marks and emoji sequences whole.
_TOKEN = regex.compile(r"(?:(?=\w)\X)+|(?![\w\s])\X")


@dataclass(frozen=True)
class TaggedToken:
    """One token of a labelled sentence and where it was read (``"line 12"``, ``"row 3"``)."""

    text: str
    tag: str
    location: str


@dataclass
class _RawDocument:
    id: str
    location: str
    sentences: list[list[TaggedToken]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Reading


def read_conll(
    path: str | Path, scheme: str = "auto", labels: Iterable[str] | None = None
) -> list[Document]:
    """Documents from a CoNLL file; every problem in the file is reported in one DataError."""
    path = Path(path)
    source = str(path)
    collector = ProblemCollector()
    raw_docs = _parse_lines(read_text(path), path.stem, source, collector)
    all_sentences = [s for raw in raw_docs for s in raw.sentences]
    chosen = resolve_scheme(scheme, all_sentences, source)
    known = set(labels) if labels is not None else None
    note = scheme_note(scheme, chosen)
    docs = [
        build_document(raw.id, raw.sentences, chosen, source, collector, known, note)
        for raw in raw_docs
    ]
    check_documents(collector, source, zip(docs, (r.location for r in raw_docs), strict=True), None)
    collector.raise_if_any()
    return docs


def _parse_lines(
    text: str, stem: str, source: str, collector: ProblemCollector
) -> list[_RawDocument]:
    docs: list[_RawDocument] = []
    current: _RawDocument | None = None
    sentence: list[TaggedToken] = []
    columns: tuple[int, int] | None = None  # (count, line) of the first token line

    def close_sentence() -> None:
        nonlocal sentence
        if sentence and current is not None:
            current.sentences.append(sentence)
        sentence = []

    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip(" \t")
        if not stripped:
            close_sentence()
            continue
        fields = _COLUMNS.split(stripped)
        if fields[0] == DOCSTART:
            close_sentence()
            current = _RawDocument(
                _docstart_id(fields[1:]) or f"{stem}-{len(docs) + 1}", f"line {number}"
            )
            docs.append(current)
            continue
        if current is None:  # tokens before any -DOCSTART- form the first document
            current = _RawDocument(f"{stem}-1", f"line {number}")
            docs.append(current)
        if len(fields) < 2:
            collector.add(
                source,
                f"line {number}",
                current.id,
                f"expected a token and a tag, found one column: {stripped!r}",
            )
            continue
        if columns is None:
            columns = (len(fields), number)
        elif len(fields) != columns[0]:
            collector.add(
                source,
                f"line {number}",
                current.id,
                f"{len(fields)} columns where line {columns[1]} has {columns[0]} "
                "(a token with a space in it?)",
            )
        sentence.append(TaggedToken(fields[0], fields[-1], f"line {number}"))
    close_sentence()
    return docs


def _docstart_id(fields: Sequence[str]) -> str:
    return " ".join(f for f in fields if f not in DOCSTART_FILLERS)


def resolve_scheme(scheme: str, sentences: Sequence[Sequence[TaggedToken]], source: str) -> Scheme:
    """The scheme named, or the one the tags use when ``scheme == "auto"``."""
    if str(scheme).lower() != "auto":
        return check_scheme(scheme)
    # Malformed tags are reported, with their lines, when the sentences are converted.
    detected = detect_scheme([[t.tag for t in s if _well_formed(t.tag)] for s in sentences])
    logger.info("%s: tag scheme detected as %s", source, detected)
    return detected


def scheme_note(asked: str, chosen: Scheme) -> str:
    """What tag errors add, so a wrongly detected scheme is easy to spot."""
    if str(asked).lower() != "auto":
        return ""
    return f" ({chosen} detected from the tags; pass scheme= to read them as another)"


def _well_formed(tag: str) -> bool:
    try:
        split_tag(tag)
    except ValueError:
        return False
    return True


def build_document(
    doc_id: str,
    sentences: Sequence[Sequence[TaggedToken]],
    scheme: Scheme,
    source: str,
    collector: ProblemCollector,
    labels: set[str] | None = None,
    note: str = "",
) -> Document:
    """A Document from tagged sentences; tag problems go to ``collector`` with their location."""
    pieces: list[str] = []
    offsets: list[tuple[int, int]] = []
    spans: list[Span] = []
    position = 0
    for number, sentence in enumerate(sentences):
        if number:
            pieces.append("\n")
            position += 1
        first = len(offsets)
        for i, token in enumerate(sentence):
            if i:
                pieces.append(" ")
                position += 1
            pieces.append(token.text)
            offsets.append((position, position + len(token.text)))
            position += len(token.text)
        found = _sentence_spans(sentence, scheme, source, doc_id, collector, note)
        for start, end, label in found:
            if labels is not None and label not in labels:
                collector.add(
                    source,
                    sentence[start].location,
                    doc_id,
                    f"unknown label {label!r} (known: {', '.join(sorted(labels))})",
                )
            spans.append(Span(offsets[first + start][0], offsets[first + end - 1][1], label))
    return Document(doc_id, "".join(pieces), spans, {"token_offsets": offsets})


def _sentence_spans(
    sentence: Sequence[TaggedToken],
    scheme: Scheme,
    source: str,
    doc_id: str,
    collector: ProblemCollector,
    note: str,
) -> list[tuple[int, int, str]]:
    try:
        return tags_to_spans([t.tag for t in sentence], scheme)
    except TagSequenceError as error:
        for index, message in error.problems:
            collector.add(source, sentence[index].location, doc_id, message + note)
        return []


# ---------------------------------------------------------------------------------------
# Writing


def write_conll(docs: Sequence[Document], path: str | Path, scheme: str = "IOB2") -> None:
    """Write ``token tag`` lines; raises DataError (writing nothing) if any span cannot be."""
    path = Path(path)
    chosen = check_scheme(scheme)
    collector = check_before_writing(docs, path)
    blocks: list[str] = []
    for number, doc in enumerate(docs, start=1):
        where = f"document {number}"
        if not _carries_id(doc.id):
            collector.add(
                str(path),
                where,
                doc.id,
                "a CoNLL -DOCSTART- line cannot carry this id (empty, has spaces, "
                f"or is one of {', '.join(sorted(DOCSTART_FILLERS))})",
            )
        sentences = tagged_sentences(doc, chosen, str(path), where, collector)
        lines = [f"{DOCSTART} {doc.id}", ""]
        for sentence in sentences:
            lines.extend(f"{token} {tag}" for token, tag in sentence)
            lines.append("")
        blocks.append("\n".join(lines))
    collector.raise_if_any()
    prepare_output(path)
    path.write_text("\n".join(blocks), encoding="utf-8", newline="\n")


def _carries_id(doc_id: str) -> bool:
    return (
        bool(doc_id)
        and not any(c in SEPARATORS for c in doc_id)
        and (doc_id not in DOCSTART_FILLERS)
    )


def tokenize(text: str) -> list[tuple[int, int]]:
    """Word and punctuation tokens of ``text`` as exact ``(start, end)`` offsets."""
    return [m.span() for m in _TOKEN.finditer(text)]


def document_tokens(doc: Document) -> list[tuple[int, int]]:
    """The tokens to write: the ones the document was read with, else :func:`tokenize`."""
    kept = doc.meta.get("token_offsets")
    if kept is not None and _tokens_fit(doc.text, kept):
        return [(int(s), int(e)) for s, e in kept]
    return tokenize(doc.text)


def _tokens_fit(text: str, offsets: Sequence[Sequence[int]]) -> bool:
    """Whether stored offsets still tile ``text``: non-empty tokens apart, whitespace between."""
    position = 0
    for pair in offsets:
        if len(pair) != 2:
            return False
        start, end = pair
        gap = text[position:start]
        token = text[start:end]
        if start < position or end <= start or end > len(text) or (gap and not gap.isspace()):
            return False
        if any(c in SEPARATORS for c in token):
            return False
        position = end
    tail = text[position:]
    return not tail or tail.isspace()


def tagged_sentences(
    doc: Document,
    scheme: Scheme,
    source: str,
    where: str,
    collector: ProblemCollector,
) -> list[list[tuple[str, str]]]:
    """``(token, tag)`` sentences for writing; a line break in the text ends a sentence.

    Spans that do not start and end on token boundaries, or that cross a line break,
    are added to ``collector`` (they would change if written).
    """
    tokens = document_tokens(doc)
    starts = {start: i for i, (start, _) in enumerate(tokens)}
    ends = {end: i + 1 for i, (_, end) in enumerate(tokens)}
    breaks = _sentence_breaks(doc.text, tokens)
    token_spans: list[tuple[int, int, str]] = []
    for span in doc.spans:
        first, last = starts.get(span.start), ends.get(span.end)
        problem = _alignment_problem(doc, span, first, last, breaks)
        if problem:
            collector.add(source, where, doc.id, problem)
        elif first is not None and last is not None:
            token_spans.append((first, last, span.label))
    for i, (start, end) in enumerate(tokens):
        if doc.text[start:end] == DOCSTART:
            collector.add(source, where, doc.id, f"token {i} is {DOCSTART}, which ends a document")
    try:
        return _split_sentences(doc.text, tokens, token_spans, breaks, scheme)
    except ValueError as error:  # overlapping spans; the document check names them too
        collector.add(source, where, doc.id, str(error))
        return []


def _sentence_breaks(text: str, tokens: Sequence[tuple[int, int]]) -> list[int]:
    """Indices of the tokens that open a new sentence (a line break lies before them)."""
    return [i for i in range(1, len(tokens)) if "\n" in text[tokens[i - 1][1] : tokens[i][0]]]


def _alignment_problem(
    doc: Document, span: Span, first: int | None, last: int | None, breaks: Sequence[int]
) -> str | None:
    described = (
        f"span [{span.start}, {span.end}) {span.label!r} {doc.text[span.start : span.end]!r}"
    )
    if first is None or last is None:
        side = "start" if first is None else "end"
        return (
            f"{described} does not {side} on a token boundary (tokens are words and "
            "punctuation); CoNLL cannot hold it without moving it"
        )
    if any(first < b < last for b in breaks):
        return f"{described} crosses a line break, which CoNLL writes as a sentence break"
    return None


def _split_sentences(
    text: str,
    tokens: Sequence[tuple[int, int]],
    token_spans: Sequence[tuple[int, int, str]],
    breaks: Sequence[int],
    scheme: Scheme,
) -> list[list[tuple[str, str]]]:
    bounds = [0, *breaks, len(tokens)]
    sentences: list[list[tuple[str, str]]] = []
    for start, end in itertools.pairwise(bounds):
        inside = [
            (s - start, e - start, label) for s, e, label in token_spans if start <= s and e <= end
        ]
        tags = spans_to_tags(end - start, inside, scheme)
        sentences.append(
            [(text[a:b], tag) for (a, b), tag in zip(tokens[start:end], tags, strict=True)]
        )
    return [s for s in sentences if s]
