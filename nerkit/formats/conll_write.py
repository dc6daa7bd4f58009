"""Writing CoNLL: ``token tag`` lines, ``-DOCSTART- <id>`` between documents.

Documents read from CoNLL keep their tokens (``meta["token_offsets"]``) and are written
with the same ones; other documents are tokenised into words and punctuation (grapheme
clusters are never split). Spans that do not fall on those token boundaries, or cross a
line break (a sentence break in CoNLL), are refused: writing them would move them.
Columns are separated by a tab when some token holds a space (character-level data),
so the reader, which then splits on tabs only, reads the same tokens back.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import regex

from nerkit.documents import Document, ProblemCollector, Span
from nerkit.formats import check_before_writing, prepare_output
from nerkit.formats.conll_layout import DOCSTART, DOCSTART_FILLERS, SEPARATORS
from nerkit.schemes import Scheme, check_scheme, spans_to_tags

# Words (runs of grapheme clusters that start with a word character) or one other
# non-space grapheme cluster: keeps combining marks and emoji sequences whole.
_TOKEN = regex.compile(r"(?:(?=\w)\X)+|(?![\w\s])\X")
# A kept token may hold spaces (written tab-separated), never a tab or a line break.
_LINE_SEPARATORS = frozenset("\t\n\r")


def write_conll(docs: Sequence[Document], path: str | Path, scheme: str = "IOB2") -> None:
    """Write ``token tag`` lines; raises DataError (writing nothing) if any span cannot be."""
    path = Path(path)
    chosen = check_scheme(scheme)
    collector = check_before_writing(docs, path)
    tagged: list[tuple[str, list[list[tuple[str, str]]]]] = []
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
        tagged.append((doc.id, tagged_sentences(doc, chosen, str(path), where, collector)))
    collector.raise_if_any()
    spaced = any(" " in token for _, sentences in tagged for s in sentences for token, _ in s)
    separator = "\t" if spaced else " "
    blocks: list[str] = []
    for doc_id, sentences in tagged:
        lines = [f"{DOCSTART}{separator}{doc_id}", ""]
        for sentence in sentences:
            lines.extend(f"{token}{separator}{tag}" for token, tag in sentence)
            lines.append("")
        blocks.append("\n".join(lines))
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
        if any(c in _LINE_SEPARATORS for c in token) or not _reads_back(token):
            return False
        position = end
    tail = text[position:]
    return not tail or tail.isspace()


def _reads_back(token: str) -> bool:
    """Whether a tab-separated reader gets the token back (it trims spaces off the ends)."""
    return token.isspace() or token == token.strip(" ")


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
