"""Defined terms of contracts: a short name given to an entity carries the entity's label.

Contracts name each party once in full and define a short name for it:
``Ashford Hospitality Servicing LLC, a Delaware limited liability company (the "Ashford")``
or ``SILICON VALLEY BANK ("Bank")``. From then on the document says "Ashford" and "Bank",
and annotators label those mentions as the party. A model reading a window sees "Ashford"
without the definition, often hundreds of windows away, and misses it; the definition is
in the document, so a rule can read it.

:class:`DefinedTermAliases` finds each definition, binds it to the nearest entity before
it whose words contain the term's words (a role such as "Borrower" or "Company" is not a
name of the party and is never bound), and labels every other mention of the term that no
entity covers yet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nerkit.documents import Entity

# ("Bank"), (the "Company"), (hereinafter "Ashford"), (hereinafter referred to as the
# "Lender"), with straight or curly quotes and the spaces of tokenised text.
DEFINITION_RE = re.compile(
    r"\(\s*(?:hereinafter\s+(?:referred\s+to\s+as\s+|called\s+)?)?(?:the\s+)?"
    r"[\"“]\s*(?P<term>[^\"”\n()]{1,60}?)\s*[\"”]",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"\w+")
# Capitalised at the start of a sentence or in a heading ("The Bank shall", "BY ASHFORD"),
# never part of a name the term sits in.
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "any",
        "as",
        "at",
        "between",
        "by",
        "each",
        "for",
        "from",
        "if",
        "in",
        "of",
        "on",
        "or",
        "said",
        "such",
        "that",
        "the",
        "this",
        "to",
        "whereas",
        "with",
    ]
)


def words(text: str) -> tuple[str, ...]:
    return tuple(w.casefold() for w in _WORD_RE.findall(text))


def contains_run(outer: Sequence[str], inner: Sequence[str]) -> bool:
    """True when ``inner`` occurs in ``outer`` as consecutive words."""
    n = len(inner)
    return n > 0 and any(tuple(outer[i : i + n]) == tuple(inner) for i in range(len(outer) - n + 1))


@dataclass(frozen=True)
class Definition:
    term: str
    start: int  # of the term inside the quotes
    end: int
    entity: Entity  # the entity the term names


class DefinedTermAliases:
    """Label the mentions of a defined term as the entity it was defined for.

    A definition binds to the nearest entity of ``labels`` (``None``: every label) that
    ends at most ``max_gap_chars`` characters before its opening parenthesis, after the
    previous definition, and whose words contain the term's words. A term must start
    with a capital letter: "the loan" is not a name. Mentions match the term as written
    or in capitals ("Bank", "BANK") on word boundaries; a mention that overlaps an
    entity keeps that entity, and one that runs on into a word written the same way is
    part of another name ("Ashford Hospitality Finance") and is left alone. An added
    mention takes the defining entity's score.
    """

    def __init__(self, labels: Sequence[str] | None = None, max_gap_chars: int = 120) -> None:
        if max_gap_chars < 0:
            raise ValueError(f"max_gap_chars must be >= 0, not {max_gap_chars}")
        self.labels = frozenset(labels) if labels is not None else None
        self.max_gap_chars = max_gap_chars

    def definitions(self, text: str, entities: Sequence[Entity]) -> list[Definition]:
        ordered = sorted(entities, key=lambda e: (e.end, e.start))
        found: list[Definition] = []
        previous_end = 0
        for match in DEFINITION_RE.finditer(text):
            term = match.group("term")
            entity = self._named(term, ordered, previous_end, match.start())
            previous_end = match.end()
            if entity is not None:
                found.append(Definition(term, match.start("term"), match.end("term"), entity))
        return found

    def _named(
        self, term: str, ordered: Sequence[Entity], after: int, before: int
    ) -> Entity | None:
        if not term[:1].isupper():
            return None
        term_words = words(term)
        for entity in reversed(ordered):
            if entity.end > before:
                continue
            if entity.start < after or before - entity.end > self.max_gap_chars:
                return None
            if self._applies(entity) and contains_run(words(entity.text), term_words):
                return entity
        return None

    def _applies(self, entity: Entity) -> bool:
        return self.labels is None or entity.label in self.labels

    def __call__(self, text: str, entities: list[Entity]) -> list[Entity]:
        taken = sorted((e.start, e.end) for e in entities)
        added: list[Entity] = []
        for definition in self.definitions(text, entities):
            source = definition.entity
            for start, end in mentions(text, definition.term):
                if not overlaps(taken, start, end) and not inside_longer_name(text, start, end):
                    added.append(Entity(source.label, start, end, text[start:end], source.score))
                    taken.append((start, end))
        return sorted([*entities, *added], key=lambda e: (e.start, e.end))

    def __repr__(self) -> str:
        labels = sorted(self.labels) if self.labels is not None else None
        return f"DefinedTermAliases(labels={labels}, max_gap_chars={self.max_gap_chars})"


def mentions(text: str, term: str) -> list[tuple[int, int]]:
    """Where ``term`` occurs as written or in capitals, on word boundaries."""
    forms = sorted({term, term.upper()})
    pattern = r"(?<!\w)(?:" + "|".join(re.escape(f) for f in forms) + r")(?!\w)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def inside_longer_name(text: str, start: int, end: int) -> bool:
    """True when the mention runs on into a neighbouring word written the same way
    ("ASHFORD HOSPITALITY", "Ashford Hospitality Finance"): it is part of another name."""
    style = case_style(text[start:end])
    before = re.search(r"(\w+) $", text[max(0, start - 40) : start])
    after = re.match(r" (\w+)", text[end : end + 40])
    return any(
        m is not None
        and case_style(m.group(1)) == style
        and m.group(1).casefold() not in FUNCTION_WORDS
        for m in (before, after)
    )


def case_style(word: str) -> str:
    if word.isupper():
        return "upper"
    return "title" if word[:1].isupper() else "lower"


def overlaps(taken: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in taken)
