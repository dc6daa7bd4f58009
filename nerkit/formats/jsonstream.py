"""JSON values read one at a time from a file's text, with the line each one starts on.

``json.loads`` on a 100 MB export builds every task at once (several times the file in
Python objects); reading the elements of the top-level array, or the values of a JSON
Lines file, one by one keeps only the text and the documents made so far.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nerkit.documents import DataError, Problem

_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"


class _Lines:
    """Line numbers of increasing positions in one text, counted incrementally."""

    def __init__(self, text: str) -> None:
        self.text, self.position, self.line = text, 0, 1

    def at(self, position: int) -> int:
        self.line += self.text.count("\n", self.position, position)
        self.position = position
        return self.line


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in _SPACE:
        position += 1
    return position


def _error(path: Path, line: int, message: str) -> DataError:
    return DataError([Problem(str(path), f"line {line}", None, message)])


def iter_values(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    """``(line, value)`` for each element of a top-level array, else each top-level value.

    One object is one value; several objects one after another (JSON Lines) are several.
    """
    lines = _Lines(text)
    position = _skip_space(text, 0)
    in_array = text.startswith("[", position)
    if in_array:
        position = _skip_space(text, position + 1)
        if text.startswith("]", position):
            return
    while position < len(text):
        line = lines.at(position)
        try:
            value, position = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise _error(path, error.lineno, f"not valid JSON: {error.msg}") from None
        yield line, value
        position = _skip_space(text, position)
        if in_array:
            position = _after_element(path, text, position, lines)
            if position < 0:
                return


def _after_element(path: Path, text: str, position: int, lines: _Lines) -> int:
    """The position of the next element, or -1 after the closing bracket."""
    if text.startswith("]", position):
        rest = _skip_space(text, position + 1)
        if rest < len(text):
            raise _error(path, lines.at(rest), "not valid JSON: Extra data after the array")
        return -1
    if not text.startswith(",", position):
        found = repr(text[position : position + 1]) if position < len(text) else "the end"
        raise _error(
            path, lines.at(position), f"not valid JSON: expected ',' or ']', found {found}"
        )
    return _skip_space(text, position + 1)


def first_values(text: str, limit: int) -> tuple[str, list[Any], bool]:
    """For sniffing a file's head: ``(shape, up to limit values, complete)``.

    ``shape`` is ``"array"``, ``"lines"`` (values one after another) or ``"single"``;
    ``complete`` is False when a value was cut off by the end of ``text``.
    """
    position = _skip_space(text, 0)
    shape = "array" if text.startswith("[", position) else "single"
    if shape == "array":
        position = _skip_space(text, position + 1)
        if text.startswith("]", position):
            return shape, [], True
    values: list[Any] = []
    while position < len(text) and len(values) < limit:
        try:
            value, position = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError:
            return shape, values, False
        values.append(value)
        position = _skip_space(text, position)
        if shape == "array":
            if not text.startswith(",", position):
                break
            position = _skip_space(text, position + 1)
        elif position < len(text):
            shape = "lines"
    return shape, values, True
