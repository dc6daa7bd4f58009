"""Which columns of a CoNLL file hold the token and the tag, and what separates them.

A look at the first SNIFFED_LINES token lines (enough for any real layout; later lines
whose tag is malformed are named by the reader) decides:

- **separator**: tabs when every token line has one (then a token may be a space, as in
  character-level data), else runs of spaces and tabs;
- **tag column**: a column whose every value is a tag (``O`` or ``<B|I|E|S>-<label>``).
  When the last column is one, it is the tag (the CoNLL convention: CoNLL-2003's chunk
  column is tag-shaped too); otherwise the only such column; several, or none, is an
  error asking for ``tag_column=``;
- **token column**: the first other column that is not a per-sentence index
  (``1, 2, 3...`` as in CoNLL-U and the Universal NER release).

Comment lines (``# sent_id = ...``, ``# text = ...``) and ``-DOCSTART-`` lines are left
out of the decision. Columns are counted from 0; negative numbers count from the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from nerkit.documents import DataError, Problem

DOCSTART = "-DOCSTART-"
# Columns that conventionally pad a -DOCSTART- line; anything else on it is the document id.
DOCSTART_FILLERS = frozenset({"-X-", "O", "-", "_"})
# What separates columns and lines in a space-separated file.
SEPARATORS = frozenset(" \t\n\r")
SEPARATOR_CHOICES = ("auto", "tab", "space")
# Token lines looked at to choose the layout: a full first pass doubled the reading time.
SNIFFED_LINES = 100_000
COLUMNS = re.compile(r"[ \t]+")
_TAG = re.compile(r"O|[BIES]-\S+")


def is_tag(value: str) -> bool:
    return _TAG.fullmatch(value) is not None


@dataclass(frozen=True)
class Layout:
    """How to split a line, how many columns it has, and which hold token and tag."""

    tabs: bool
    columns: int
    token: int
    tag: int
    reason: str = ""
    first_line: int = 0  # the first token line of this width, for messages

    @property
    def fields(self) -> tuple[int, int]:
        """``(token column, tag column)``."""
        return self.token, self.tag

    def split(self, line: str) -> list[str]:
        """The fields of a non-blank line (the token kept whole when it is only spaces)."""
        if not self.tabs:
            if "\t" not in line and "  " not in line:  # the usual line: one space apart
                return line.strip(" ").split(" ")
            return COLUMNS.split(line.strip(" \t"))
        fields = line.split("\t")
        return [
            f if (i == self.token and f and f.isspace()) else f.strip(" ")
            for i, f in enumerate(fields)
        ]

    def describe(self) -> str:
        separator = "tab" if self.tabs else "space"
        return (
            f"{self.columns} {separator}-separated column(s); token in column {self.token}, "
            f"tag in column {self.tag}{self.reason}"
        )


def lines_of(path: Path) -> Iterator[tuple[int, str]]:
    """``(number, line)`` from 1, without line ends, streamed (UTF-8, BOM dropped)."""
    with path.open(encoding="utf-8-sig", newline=None) as handle:
        for number, line in enumerate(handle, start=1):
            yield number, line.rstrip("\n")


def is_blank(line: str) -> bool:
    return not line.strip()


def is_docstart(fields: list[str]) -> bool:
    return bool(fields) and (fields[0] == DOCSTART or (len(fields) > 1 and fields[1] == DOCSTART))


@dataclass
class _ColumnStats:
    """What the first pass learnt about each column of the lines of the usual width."""

    columns: int = 0
    first_line: int = 0
    # column -> (first value that is not a tag, its line)
    not_tag: dict[int, tuple[str, int]] = field(default_factory=dict)
    tags: dict[int, int] = field(default_factory=dict)  # column -> values that are tags
    rows: int = 0
    not_index: set[int] = field(default_factory=set)
    previous_index: dict[int, int] = field(default_factory=dict)

    def add(self, fields: list[str], number: int, new_sentence: bool) -> None:
        if len(fields) < 2:
            return  # one column: reported by the reader, with its line
        if not self.columns:
            self.columns, self.first_line = len(fields), number
        if len(fields) != self.columns:
            return  # reported by the reader, with its line
        self.rows += 1
        for i, value in enumerate(fields):
            if is_tag(value):
                self.tags[i] = self.tags.get(i, 0) + 1
            elif i not in self.not_tag:
                self.not_tag[i] = (value, number)
            if i not in self.not_index:
                self._index(i, value, new_sentence)

    def _index(self, i: int, value: str, new_sentence: bool) -> None:
        expected = None if new_sentence else self.previous_index.get(i, -1) + 1
        number = int(value) if value.isascii() and value.isdigit() else -1
        # An index counts 0 or 1, 2, 3... from the start of each sentence.
        if number < 0 or (number > 1 if expected is None else number != expected):
            self.not_index.add(i)
        else:
            self.previous_index[i] = number


def sniff_layout(
    path: Path,
    token_column: int | None = None,
    tag_column: int | None = None,
    separator: str = "auto",
) -> Layout:
    """The file's layout (see the module docstring); DataError when it cannot be told."""
    if separator not in SEPARATOR_CHOICES:
        raise ValueError(
            f"separator must be one of {', '.join(SEPARATOR_CHOICES)}, not {separator!r}"
        )
    tabs = separator == "tab" or (separator == "auto" and _every_token_line_has_a_tab(path))
    stats = _ColumnStats()
    probe = Layout(tabs, 0, 0, 0)
    new_sentence = True
    for number, line in lines_of(path):
        if is_blank(line):
            new_sentence = True
            continue
        fields = probe.split(line)
        if is_docstart(fields) or line.startswith("#"):
            new_sentence = True
            continue
        stats.add(fields, number, new_sentence)
        new_sentence = False
        if stats.rows >= SNIFFED_LINES:
            break
    return _choose(path, stats, tabs, token_column, tag_column)


def _every_token_line_has_a_tab(path: Path) -> bool:
    seen = 0
    for _, line in lines_of(path):
        if is_blank(line) or line.startswith(("#", DOCSTART)):
            continue
        if "\t" not in line:
            return False
        seen += 1
        if seen >= SNIFFED_LINES:
            break
    return seen > 0


def _choose(
    path: Path,
    stats: _ColumnStats,
    tabs: bool,
    token_column: int | None,
    tag_column: int | None,
) -> Layout:
    width = stats.columns
    if width < 2:
        # One column (or none): the reader reports each such line; keep the old layout.
        return Layout(tabs, max(width, 2), 0, -1 + max(width, 2))
    tag, tag_reason = _tag_column(path, stats, tag_column)
    token, token_reason = _token_column(path, stats, token_column, tag)
    reason = f" ({tag_reason}; {token_reason})"
    return Layout(tabs, width, token, tag, reason, stats.first_line)


def _normalise(path: Path, name: str, value: int, width: int) -> int:
    index = value + width if value < 0 else value
    if not 0 <= index < width:
        raise _layout_error(
            path, f"{name}={value} but the lines have {width} columns (0 to {width - 1})"
        )
    return index


def _tag_column(path: Path, stats: _ColumnStats, asked: int | None) -> tuple[int, str]:
    width = stats.columns
    if asked is not None:
        return _normalise(path, "tag_column", asked, width), "tag_column set"
    tagged = [i for i in range(width) if i not in stats.not_tag]
    if width - 1 in tagged:
        return width - 1, "the last column holds only tags"
    if len(tagged) == 1:
        return tagged[0], f"column {tagged[0]} is the only one holding only tags"
    if tagged:
        found = ", ".join(map(str, tagged))
        raise _layout_error(
            path, f"columns {found} all hold only tags; pass tag_column= to pick one"
        )
    # No column is all tags: take the one that mostly is, and let the reader name each
    # line whose tag is malformed.
    most = max(range(width), key=lambda i: (stats.tags.get(i, 0), i))
    if stats.tags.get(most, 0) * 2 > stats.rows:
        value, line = stats.not_tag[most]
        return most, f"column {most} holds mostly tags (not {value!r} on line {line})"
    seen = "; ".join(
        f"column {i} has {value!r} (line {line})"
        for i, (value, line) in sorted(stats.not_tag.items())
    )
    raise _layout_error(
        path,
        f"no column holds tags (O, B-X, I-X, E-X, S-X): {seen}; fix those lines or "
        "pass tag_column= (and scheme=) if the tags are spelt otherwise",
    )


def _token_column(path: Path, stats: _ColumnStats, asked: int | None, tag: int) -> tuple[int, str]:
    width = stats.columns
    if asked is not None:
        return _normalise(path, "token_column", asked, width), "token_column set"
    for i in range(width):
        if i != tag and i in stats.not_index:
            skipped = [j for j in range(i) if j != tag]
            why = (
                f"column{'s' if len(skipped) > 1 else ''} {', '.join(map(str, skipped))} "
                "count tokens"
                if skipped
                else "the first column that is not the tag"
            )
            return i, f"token: {why}"
    other = next(i for i in range(width) if i != tag)
    return other, "token: the first column that is not the tag"


def _layout_error(path: Path, message: str) -> DataError:
    return DataError([Problem(str(path), "columns", None, message)])
