"""A small template language for clause text.

- ``{NAME}`` is filled by the document's context (:class:`nerkit.corpus.deal.Deal`):
  a defined term, a party's name, a fresh date or amount, and so on.
- ``[[State of New York]]`` is a JURISDICTION span written literally;
  ``[[ORG:International Chamber of Commerce]]`` names the label explicitly.
- ``<<shall|will>>`` picks one alternative at random (no nesting), so one template
  reads differently from document to document. All of a template's alternatives are
  picked before its placeholders are filled.

Rows of listing schedules (:mod:`nerkit.corpus.disclosures`) add two marks and draw
strictly from left to right, alternatives and placeholders interleaved:

- ``{{policies}}`` is one entry of the named list, at random (``{{kinds|lower}}`` in
  lower case);
- ``{{100000..999999}}`` is a whole number in that range, at random.

:func:`template_problems` and :func:`row_problems` say what is wrong with a template
before it is ever rendered; the data files are checked with them as they are read.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Collection, Mapping

from nerkit.corpus.builder import Ent, Piece

ENTITY_TYPES = ("ORG", "PERSON", "DATE", "MONEY", "JURISDICTION")

_CHOICE = re.compile(r"<<([^<>]*)>>")
_TOKEN = re.compile(r"(\{[A-Z][A-Z0-9_]*\}|\[\[[^\]]+\]\])")
_PLACEHOLDER = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_ROW_DRAW = re.compile(r"\{\{([a-z_]+)(\|lower)?\}\}|\{\{(\d+)\.\.(\d+)\}\}")
_ROW_TOKEN = re.compile(r"(\{\{[^{}]*\}\}|\{[A-Z][A-Z0-9_]*\}|\[\[|\]\])")

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


def render_row(
    template: str,
    resolve: Resolver,
    rng: random.Random,
    lists: Mapping[str, tuple[str, ...]],
) -> list[Piece]:
    """Pieces for one row, every random draw made in the order the row is read."""
    pieces: list[Piece] = []
    mark: list[str] | None = None  # the text of an open [[...]] mark
    for token in _ROW_TOKEN.split(template):
        if token == "[[":
            mark = []
        elif token == "]]" and mark is not None:
            pieces.append(literal_entity("".join(mark)))
            mark = None
        elif token.startswith("{") and not token.startswith("{{"):
            pieces.extend(resolve(token[1:-1]))
        elif token:
            text = _row_draw(token, rng, lists) if token.startswith("{{") else token
            (mark if mark is not None else pieces).append(text)
    return pieces


def _row_draw(token: str, rng: random.Random, lists: Mapping[str, tuple[str, ...]]) -> str:
    match = _ROW_DRAW.fullmatch(token)
    if match is None:
        raise ValueError(f"not a row mark: {token}")
    name, lower, low, high = match.groups()
    if name is None:
        return str(rng.randint(int(low), int(high)))
    entry = rng.choice(lists[name])
    return entry.lower() if lower else entry


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


# -- checking templates before they are rendered ----------------------------------------


def template_problems(template: str, is_placeholder: Callable[[str], bool]) -> list[str]:
    """What is wrong with ``template``: unknown placeholders, unbalanced marks, bad labels.

    Each alternative of a ``<<...>>`` choice is checked on its own, and so is the
    template with every choice taken out, so a mark may not open in one alternative
    and close outside it.
    """
    problems = _pair_problems(template, "<<", ">>")
    if problems:
        return problems
    skeleton = _CHOICE.sub("x", template)
    parts = [skeleton, *(a for m in _CHOICE.finditer(template) for a in m.group(1).split("|"))]
    for part in parts:
        problems += [p for p in _plain_problems(part, is_placeholder) if p not in problems]
    return problems


def row_problems(
    template: str, is_placeholder: Callable[[str], bool], lists: Collection[str]
) -> list[str]:
    """:func:`template_problems` for a row, whose ``{{list}}`` names must be in ``lists``."""
    problems = []
    for match in re.finditer(r"\{\{([^{}]*)\}\}", template):
        draw = _ROW_DRAW.fullmatch(match.group(0))
        if draw is None:
            problems.append(f"{match.group(0)} is neither {{{{list}}}} nor {{{{low..high}}}}")
        elif draw.group(1) is not None and draw.group(1) not in lists:
            problems.append(f"{match.group(0)} names no list (lists: {', '.join(sorted(lists))})")
    if "<<" in template:
        problems.append("a row draws with {{list}}, not <<...|...>>")
    return problems + template_problems(re.sub(r"\{\{[^{}]*\}\}", "x", template), is_placeholder)


def text_problems(text: str) -> list[str]:
    """What is wrong with text written as it stands: any mark it holds would print as is."""
    marks = [m for m in ("{", "}", "[[", "]]", "<<", ">>") if m in text]
    return [f"text written as it stands holds {' and '.join(marks)}"] if marks else []


def _plain_problems(template: str, is_placeholder: Callable[[str], bool]) -> list[str]:
    problems = _pair_problems(template, "[[", "]]")
    for match in re.finditer(r"\[\[([^\]]*)\]\]", template):
        problems += _mark_problems(match.group(1))
    unfilled = _PLACEHOLDER.sub("", template)
    if "{" in unfilled or "}" in unfilled:
        problems.append("a brace that is not part of a {NAME} placeholder")
    for name in _PLACEHOLDER.findall(template):
        if not is_placeholder(name):
            problems.append(f"unknown placeholder {{{name}}}")
    return problems


def _mark_problems(inside: str) -> list[str]:
    label, sep, text = inside.partition(":")
    if not (sep and label.isupper() and label.isalpha()):
        label, text = "JURISDICTION", inside
    if label not in ENTITY_TYPES:
        return [f"[[{inside}]] names the label {label}, not one of {', '.join(ENTITY_TYPES)}"]
    if not text or text != text.strip():
        return [f"[[{inside}]]: an entity's text must be non-empty and trimmed"]
    if "{" in text:
        return [f"[[{inside}]]: a placeholder inside a mark would be written as it stands"]
    return []


def _pair_problems(template: str, opening: str, closing: str) -> list[str]:
    depth = 0
    for match in re.finditer(re.escape(opening) + "|" + re.escape(closing), template):
        depth += 1 if match.group(0) == opening else -1
        if depth not in (0, 1):
            where = f"at character {match.start()}"
            if depth > 1:
                return [f"{opening} {where} opens inside another {opening}...{closing}"]
            return [f"{closing} {where} closes nothing"]
    return [f"{opening} opens and is never closed"] if depth else []
