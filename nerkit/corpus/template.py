"""A small template language for clause text.

- ``{NAME}`` is filled by the document's context (:class:`nerkit.corpus.deal.Deal`):
  a defined term, a party's name, a fresh date or amount, and so on.
- ``[[State of New York]]`` is a JURISDICTION span written literally;
  ``[[ORG:International Chamber of Commerce]]`` names the label explicitly.
- ``<<shall|will>>`` picks one alternative at random (no nesting), so one template
  reads differently from document to document.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from nerkit.corpus.builder import Ent, Piece

_CHOICE = re.compile(r"<<([^<>]*)>>")
_TOKEN = re.compile(r"(\{[A-Z][A-Z0-9_]*\}|\[\[[^\]]+\]\])")

Resolver = Callable[[str], list[Piece]]


def choose_alternatives(template: str, rng: random.Random) -> str:
    return _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), template)


def render(template: str, resolve: Resolver, rng: random.Random) -> list[Piece]:
    """Pieces for one template: plain text, literal entities and filled placeholders."""
    pieces: list[Piece] = []
    for token in _TOKEN.split(choose_alternatives(template, rng)):
        if not token:
            continue
        if token.startswith("{") and token.endswith("}"):
            pieces.extend(resolve(token[1:-1]))
        elif token.startswith("[["):
            pieces.append(literal_entity(token[2:-2]))
        else:
            pieces.append(token)
    return pieces


def literal_entity(mark: str) -> Ent:
    label, sep, text = mark.partition(":")
    if sep and label.isupper() and label.isalpha():
        return Ent(text, label)
    return Ent(mark, "JURISDICTION")


def placeholders(template: str) -> set[str]:
    return {t[1:-1] for t in _TOKEN.findall(template) if t.startswith("{")}


def mentions_entity(template: str, writes_entity: Callable[[str], bool]) -> bool:
    """Whether rendering the template writes at least one entity (alternatives aside)."""
    if "[[" in template:
        return True
    return any(writes_entity(slot) for slot in placeholders(template))
