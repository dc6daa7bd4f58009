"""Build a document's text piece by piece, recording entity offsets as the text grows.

Offsets are never found by searching the finished text: an entity's span is the
exact range its own piece occupies, so repeated strings cannot be mislabelled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nerkit.documents import Document, Span


@dataclass(frozen=True)
class Ent:
    """A piece of text that is one entity of type ``label``."""

    text: str
    label: str

    def __post_init__(self) -> None:
        if not self.text or self.text != self.text.strip():
            raise ValueError(f"entity text must be non-empty and trimmed: {self.text!r}")


Piece = str | Ent


class DocumentBuilder:
    """Appends plain text and entities; keeps an exact whitespace-token count."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._spans: list[Span] = []
        self._last_char = "\n"
        self.tokens = 0
        self._tokens_at_last_entity = 0
        self._space_since_entity = True

    @property
    def tokens_since_entity(self) -> int:
        return self.tokens - self._tokens_at_last_entity

    def add(self, pieces: Iterable[Piece]) -> None:
        for piece in pieces:
            if isinstance(piece, Ent):
                self.entity(piece)
            else:
                self.text(piece)

    def text(self, text: str) -> None:
        # A sentence-final period after a name that already ends in one ("Acme Inc.")
        # would print twice; contracts write it once.
        if text.startswith(".") and self._ends_with_entity_period():
            text = text[1:]
        self._append(text)

    def entity(self, ent: Ent) -> None:
        self._check_separated_from_previous_span()
        start = self._length
        self._append(ent.text)
        self._spans.append(Span(start, self._length, ent.label))
        self._tokens_at_last_entity = self.tokens
        self._space_since_entity = False

    def paragraph_break(self) -> None:
        """End the current paragraph with exactly one blank line."""
        if not self._parts:
            return
        tail = "".join(self._parts[-3:])
        if tail.endswith("\n\n"):
            return
        self._append("\n" if tail.endswith("\n") else "\n\n")

    def build(self, doc_id: str, meta: dict[str, object]) -> Document:
        text = "".join(self._parts).rstrip() + "\n"
        return Document(id=doc_id, text=text, spans=list(self._spans), meta=dict(meta))

    def _append(self, text: str) -> None:
        if not text:
            return
        self.tokens += _new_tokens(self._last_char, text)
        self._parts.append(text)
        self._length += len(text)
        self._last_char = text[-1]
        if not self._space_since_entity and any(ch.isspace() for ch in text):
            self._space_since_entity = True

    def _ends_with_entity_period(self) -> bool:
        return bool(self._spans) and self._spans[-1].end == self._length and self._last_char == "."

    def _check_separated_from_previous_span(self) -> None:
        # Two entities glued into one whitespace token would give that token two labels.
        if not self._space_since_entity:
            raise ValueError("two entities must be separated by whitespace")


def _new_tokens(last_char: str, text: str) -> int:
    """Whitespace tokens that appending ``text`` adds, given the current last character."""
    count = len(text.split())
    if count and not last_char.isspace() and not text[0].isspace():
        count -= 1  # the first word continues the word already being written
    return count
