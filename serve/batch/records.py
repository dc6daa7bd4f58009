"""A bulk job's records: a document to read, or why an input record cannot be read.

Every input format (:mod:`serve.batch.inputs`) turns what it finds into one of these, with
the same checks (:func:`check_record`): a text that is a non-empty string within
``max_chars``, an id that is a non-empty string or an integer. A reason names where the
record is (file, line, row, id) and never quotes its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class BatchError(ValueError):
    """The job cannot start: a bad setting, input, output or model (said with where/why)."""


@dataclass(frozen=True)
class Record:
    """One document to read. ``position`` orders records across the whole input."""

    id: str
    text: str
    file: str
    line: int | None
    position: int
    row: int | None = None


@dataclass(frozen=True)
class BadRecord:
    """An input record that cannot be read; the reason never quotes the text."""

    file: str
    line: int | None
    id: str | None
    reason: str
    position: int
    row: int | None = None

    def to_json(self) -> dict[str, Any]:
        found = {"file": self.file, "line": self.line, "id": self.id, "reason": self.reason}
        return found | ({"row": self.row} if self.row is not None else {})

    def where(self) -> str:
        line = f" line {self.line}" if self.line is not None else ""
        row = f" row {self.row}" if self.row is not None else ""
        doc = f" (id {self.id!r})" if self.id is not None else ""
        return f"{self.file}{line}{row}{doc}"


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type (for messages)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    names: dict[type, str] = {dict: "object", list: "array", str: "string"}
    return names.get(type(value), type(value).__name__)


def check_record(
    doc_id: str,
    text: Any,
    file: str,
    line: int | None,
    position: int,
    max_chars: int,
    row: int | None = None,
) -> Record | BadRecord:
    """A record when ``text`` is a readable document, else why it is not."""

    def bad(reason: str) -> BadRecord:
        return BadRecord(file, line, doc_id, reason, position, row)

    if text is None:
        return bad("'text' is missing")
    if not isinstance(text, str):
        return bad(f"'text' is a JSON {json_type(text)}, not a string")
    if not text.strip():
        return bad("'text' is empty (or only whitespace): there is nothing to read")
    if len(text) > max_chars:
        return bad(f"text has {len(text)} characters, above max_chars={max_chars}")
    for name, value in (("id", doc_id), ("text", text)):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            return bad(f"{name!r} holds a lone surrogate at character {err.start}")
    return Record(doc_id, text, file, line, position, row)


def id_of(raw_id: Any, default_id: str) -> str | None:
    """The record's id as a string (a non-empty string or an integer), the default when
    there is none, None when it cannot be one."""
    if raw_id is None:
        return default_id
    if isinstance(raw_id, str):
        return raw_id if raw_id.strip() else None
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        return str(raw_id)
    return None


def bad_id_reason(raw_id: Any) -> str:
    if isinstance(raw_id, str):
        return "'id' is empty"
    return f"'id' must be a non-empty string or an integer, not a JSON {json_type(raw_id)}"
