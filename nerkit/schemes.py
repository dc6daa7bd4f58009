"""Tag schemes: turn per-token tags into token spans and back.

Three schemes are understood:

- ``IOB1``: ``I-X`` opens an entity unless it continues one of type X; ``B-X`` is only
  needed between two adjacent entities of the same type.
- ``IOB2``: every entity opens with ``B-X`` and continues with ``I-X`` (what training uses).
- ``BIOES``: ``S-X`` is a one-token entity; longer ones are ``B-X (I-X)* E-X``.

Token spans are ``(start_token, end_token_exclusive, label)``. Reading is strict for IOB2
and BIOES: a tag that breaks the scheme is an error that names its position, because
guessing what an annotator meant would silently change the data. seqeval's strict mode
is not used here because it drops malformed chunks without saying where they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

Scheme = Literal["IOB1", "IOB2", "BIOES"]
SCHEMES: tuple[Scheme, ...] = ("IOB1", "IOB2", "BIOES")
TokenSpan = tuple[int, int, str]

# Other spellings people use for the same schemes.
_ALIASES: dict[str, Scheme] = {
    "IOB1": "IOB1",
    "IOB2": "IOB2",
    "BIO": "IOB2",
    "BIOES": "BIOES",
    "IOBES": "BIOES",
}
_PREFIXES: dict[Scheme, frozenset[str]] = {
    "IOB1": frozenset("BI"),
    "IOB2": frozenset("BI"),
    "BIOES": frozenset("BIES"),
}


class TagSequenceError(ValueError):
    """A tag sequence that breaks its scheme; ``problems`` holds ``(token_index, message)``."""

    def __init__(self, problems: Sequence[tuple[int, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"token {i}: {message}" for i, message in self.problems))


def check_scheme(name: str) -> Scheme:
    """The canonical name of a scheme (``"bio"`` -> ``"IOB2"``); unknown names are an error."""
    canonical = _ALIASES.get(str(name).strip().upper())
    if canonical is None:
        raise ValueError(
            f"unknown tag scheme {name!r}; use one of {', '.join(SCHEMES)} "
            "(or 'auto' where the scheme can be detected)"
        )
    return canonical


def split_tag(tag: str) -> tuple[str, str]:
    """``"B-ORG"`` -> ``("B", "ORG")``, ``"O"`` -> ``("O", "")``; malformed tags: ValueError."""
    if tag == "O":
        return "O", ""
    prefix, dash, label = tag.partition("-")
    if not dash or len(prefix) != 1 or prefix not in "BIES" or not label:
        raise ValueError(f"tag {tag!r} is neither 'O' nor <B|I|E|S>-<label>")
    return prefix, label


def detect_scheme(tag_sequences: Iterable[Sequence[str]]) -> Scheme:
    """Which scheme a corpus uses, from its tags (each sequence is one sentence).

    ``E-``/``S-`` anywhere means BIOES. An ``I-`` that opens an entity means IOB1, unless
    some ``B-`` also opens one after ``O`` or another type, which IOB1 never does: then
    the data is IOB2 with mistakes, and reading it as IOB2 reports them. Anything else
    (including all-``O`` data, where the schemes agree) is IOB2. Malformed tags raise
    ValueError.
    """
    inside_opens = begin_opens = False
    for tags in tag_sequences:
        previous = ("O", "")
        for tag in tags:
            prefix, label = split_tag(tag)
            if prefix in "ES":
                return "BIOES"
            opens = previous[0] == "O" or previous[1] != label
            inside_opens |= prefix == "I" and opens
            begin_opens |= prefix == "B" and opens
            previous = (prefix, label)
    return "IOB1" if inside_opens and not begin_opens else "IOB2"


def tag_problems(tags: Sequence[str], scheme: str) -> list[tuple[int, str]]:
    """Every place where ``tags`` breaks ``scheme``, as ``(token_index, message)``."""
    try:
        tags_to_spans(tags, scheme)
    except TagSequenceError as error:
        return error.problems
    return []


def tags_to_spans(tags: Sequence[str], scheme: str) -> list[TokenSpan]:
    """Token spans ``(start, end_exclusive, label)`` from one sentence's tags.

    Raises TagSequenceError listing every offending position (IOB2 and BIOES are strict;
    in IOB1 a ``B-`` always opens a new entity, which is unambiguous) and ValueError for
    an unknown scheme.
    """
    name = check_scheme(scheme)
    reader = _read_bioes if name == "BIOES" else _read_iob
    spans, problems = reader(tags, name)
    if problems:
        raise TagSequenceError(problems)
    return spans


def _parsed(tags: Sequence[str], scheme: Scheme) -> tuple[list[tuple[str, str]], list]:
    """Split every tag, reporting malformed tags and prefixes the scheme does not use."""
    parsed: list[tuple[str, str]] = []
    problems: list[tuple[int, str]] = []
    allowed = _PREFIXES[scheme]
    for i, tag in enumerate(tags):
        try:
            prefix, label = split_tag(tag)
        except ValueError as error:
            problems.append((i, str(error)))
            prefix, label = "O", ""
        if prefix != "O" and prefix not in allowed:
            problems.append((i, f"tag {tag!r}: {scheme} has no {prefix}- prefix"))
            prefix, label = "O", ""
        parsed.append((prefix, label))
    return parsed, problems


def _read_iob(tags: Sequence[str], scheme: Scheme) -> tuple[list[TokenSpan], list]:
    parsed, problems = _parsed(tags, scheme)
    spans: list[TokenSpan] = []
    start: int | None = None
    current = ""
    for i, (prefix, label) in enumerate(parsed):
        continues = prefix == "I" and start is not None and label == current
        if continues:
            continue
        if start is not None:
            spans.append((start, i, current))
            start = None
        if prefix == "O":
            continue
        if prefix == "I" and scheme == "IOB2":
            problems.append(
                (i, f"tag {tags[i]!r} after {_before(tags, i)}: in IOB2 an entity opens with B-")
            )
        start, current = i, label
    if start is not None:
        spans.append((start, len(parsed), current))
    return spans, problems


def _before(tags: Sequence[str], i: int) -> str:
    return "the start of the sentence" if i == 0 else repr(tags[i - 1])


def _read_bioes(tags: Sequence[str], scheme: Scheme) -> tuple[list[TokenSpan], list]:
    parsed, problems = _parsed(tags, scheme)
    spans: list[TokenSpan] = []
    start: int | None = None  # the open entity's first token, between B- and E-
    current = ""
    for i, (prefix, label) in enumerate(parsed):
        inside = prefix in "IE" and start is not None and label == current
        if start is not None and not inside:
            problems.append(
                (
                    i,
                    f"tag {tags[i]!r}: the {current} entity opened at token {start} "
                    f"is not closed with E-{current}",
                )
            )
            start = None
        if prefix in "IE" and not inside:
            problems.append(
                (
                    i,
                    f"tag {tags[i]!r} after {_before(tags, i)}: in BIOES an entity "
                    "opens with B- or S-",
                )
            )
        elif prefix == "E" and start is not None:
            spans.append((start, i + 1, current))
            start = None
        elif prefix == "S":
            spans.append((i, i + 1, label))
        elif prefix == "B":
            start, current = i, label
    if start is not None:
        problems.append(
            (
                len(parsed) - 1,
                f"the {current} entity opened at token {start} is not closed "
                f"with E-{current} before the sentence ends",
            )
        )
    return spans, problems


def spans_to_tags(n: int, spans: Iterable[TokenSpan], scheme: str = "IOB2") -> list[str]:
    """Tags for ``n`` tokens holding ``spans`` (token offsets, end exclusive).

    Spans must lie inside ``[0, n)``, be non-empty and not overlap; anything else is a
    ValueError, because writing it would silently lose an entity.
    """
    name = check_scheme(scheme)
    tags = ["O"] * n
    previous_end, previous_label = -1, ""
    for start, end, label in sorted(spans):
        if not (0 <= start < end <= n):
            raise ValueError(f"token span ({start}, {end}, {label!r}) is outside 0..{n} or empty")
        if start < previous_end:
            raise ValueError(f"token span ({start}, {end}, {label!r}) overlaps the one before it")
        _write_entity(
            tags,
            start,
            end,
            label,
            name,
            adjacent=previous_end == start and previous_label == label,
        )
        previous_end, previous_label = end, label
    return tags


def _write_entity(
    tags: list[str], start: int, end: int, label: str, scheme: Scheme, adjacent: bool
) -> None:
    if scheme == "BIOES" and end - start == 1:
        tags[start] = f"S-{label}"
        return
    for i in range(start, end):
        tags[i] = f"I-{label}"
    # IOB1 marks a start only where it would otherwise merge with the entity before it.
    if scheme != "IOB1" or adjacent:
        tags[start] = f"B-{label}"
    if scheme == "BIOES":
        tags[end - 1] = f"E-{label}"


def convert_tags(tags: Sequence[str], source: str, target: str = "IOB2") -> list[str]:
    """The same entities written in another scheme (``source`` is read strictly)."""
    return spans_to_tags(len(tags), tags_to_spans(tags, source), target)
