"""Defined terms of contracts: a short name given to an entity carries the entity's label.

Contracts name each party once in full and define a short name for it:
``Ashford Hospitality Servicing LLC, a Delaware limited liability company (the "Ashford")``
or ``SILICON VALLEY BANK ("Bank")``. From then on the document says "Ashford" and "Bank",
and annotators label those mentions as the party. A model reading a window sees "Ashford"
without the definition, often hundreds of windows away, and misses it; the definition is
in the document, so a rule can read it.

:class:`DefinedTermAliases` finds each definition, binds it to the nearest entity before
it whose words contain the term's words (a role that is not one of the party's words, such
as "Borrower" for Acme Corp, is never bound; a generic word of the name, "Company" for Ford
Motor Company, is, unless listed in ``ignore_terms``), and labels the mentions of the term
from its definition on (the quoted term included) that no entity covers yet.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nerkit.documents import Coverage, Entity

# ("Bank"), (the "Company"), (hereinafter "Ashford"), (hereinafter referred to as the
# "Lender"), in straight or curly double quotes, with the spaces of tokenised text.
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
    entity: Entity  # the entity the term names


class DefinedTermAliases:
    """Label the mentions of a defined term as the entity it was defined for.

    A definition binds to the nearest entity of ``labels`` (``None``: every label) that
    ends at most ``max_gap_chars`` characters before its opening parenthesis, after the
    previous definition, and whose words contain the term's words. A term must start
    with a capital letter ("the loan" is not a name) and not be one of ``ignore_terms``
    (case-insensitive; e.g. ``[Company, Corporation]`` where those are left unlabelled).
    Mentions match the term as written or in capitals ("Bank", "BANK") on word
    boundaries, from the definition on; each names the entity of the latest definition
    before it. A mention that overlaps an entity keeps that entity, and one that runs on
    into a word written the same way is part of another name ("Ashford Hospitality
    Finance") and is left alone. An added mention takes the defining entity's score.
    """

    def __init__(
        self,
        labels: Sequence[str] | None = ("ORG",),
        max_gap_chars: int = 120,
        ignore_terms: Sequence[str] = (),
    ) -> None:
        if max_gap_chars < 0:
            raise ValueError(f"max_gap_chars must be >= 0, not {max_gap_chars}")
        self.labels = frozenset(labels) if labels is not None else None
        self.max_gap_chars = max_gap_chars
        self.ignore_terms = frozenset(term.casefold() for term in ignore_terms)

    def definitions(self, text: str, entities: Sequence[Entity]) -> list[Definition]:
        ordered = sorted(entities, key=lambda e: (e.end, e.start))
        ends = [e.end for e in ordered]
        found: list[Definition] = []
        previous_end = 0
        for match in DEFINITION_RE.finditer(text):
            term = match.group("term")
            stop = bisect.bisect_right(ends, match.start())
            entity = self._named(term, ordered, stop, previous_end, match.start())
            previous_end = match.end()
            if entity is not None:
                found.append(Definition(term, match.start("term"), entity))
        return found

    def _named(
        self, term: str, ordered: Sequence[Entity], stop: int, after: int, before: int
    ) -> Entity | None:
        """The nearest entity of ``ordered[:stop]`` (by end, all ending by ``before``) the
        term names; the walk stops at the gap limit, so it reads only a few entities."""
        if not term[:1].isupper() or term.casefold() in self.ignore_terms:
            return None
        term_words = words(term)
        for entity in (ordered[i] for i in range(stop - 1, -1, -1)):
            if entity.start < after or before - entity.end > self.max_gap_chars:
                return None
            if self._applies(entity) and contains_run(words(entity.text), term_words):
                return entity
        return None

    def _applies(self, entity: Entity) -> bool:
        return self.labels is None or entity.label in self.labels

    def __call__(self, text: str, entities: list[Entity]) -> list[Entity]:
        by_form: dict[str, DefinedForm] = {}
        for definition in self.definitions(text, entities):
            for form in {definition.term, definition.term.upper()}:
                by_form.setdefault(form, DefinedForm()).add(definition)
        if not by_form:
            return entities
        covered = Coverage(entities)
        added = []
        for (start, end), defined in mentions(text, by_form):
            source = defined.named_at(start)
            if source is None or covered.overlaps(start, end):
                continue
            if not inside_longer_name(text, start, end):
                added.append(Entity(source.label, start, end, text[start:end], source.score))
        return sorted([*entities, *added], key=lambda e: (e.start, e.end))

    def __repr__(self) -> str:
        labels = sorted(self.labels) if self.labels is not None else None
        return (
            f"DefinedTermAliases(labels={labels}, max_gap_chars={self.max_gap_chars},"
            f" ignore_terms={sorted(self.ignore_terms)})"
        )


class DefinedForm:
    """The definitions of one written form of a term, in the order of the text: a mention
    names the entity of the latest definition at or before it (a term defined again in a
    later exhibit names the later party from there on; a mention before any definition
    names nothing)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.entities: list[Entity] = []

    def add(self, definition: Definition) -> None:
        self.starts.append(definition.start)
        self.entities.append(definition.entity)

    def named_at(self, position: int) -> Entity | None:
        i = bisect.bisect_right(self.starts, position)
        return self.entities[i - 1] if i else None


def mentions(
    text: str, by_form: Mapping[str, DefinedForm]
) -> list[tuple[tuple[int, int], DefinedForm]]:
    """Every occurrence of a form on word boundaries, with its definitions, in one pass
    over the text (the longest form first where two start at the same place)."""
    forms = sorted(by_form, key=len, reverse=True)
    pattern = r"(?<!\w)(?:" + "|".join(re.escape(f) for f in forms) + r")(?!\w)"
    return [((m.start(), m.end()), by_form[m.group()]) for m in re.finditer(pattern, text)]


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
