"""Rules that tidy predicted entities, chained in the order configured.

A rule is any callable ``(text, entities) -> entities``. The built-in ones:

- :class:`ScoreThreshold` drops entities scored below a per-label threshold;
- :class:`MergeAdjacent` joins same-label entities split only by punctuation/whitespace;
- :class:`ExtendOrgLegalSuffix` grows an ORG over a trailing legal form (", Inc.");
- :class:`nerkit.aliases.DefinedTermAliases` labels the mentions of a contract's defined
  short name ('... LLC (the "Ashford")') as the entity it names.

:func:`build_chain` turns a list of rules (callables, ``{_target_: ...}`` mappings as in
conf/postprocess/default.yaml, or dotted import paths) into one callable. Every rule keeps
``text[start:end] == entity.text``; the chain checks it after each rule.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import importlib
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cleanco.clean import get_unique_terms, normalize_terms, strip_tail

from nerkit.documents import Coverage, Document, Entity

Rule = Callable[[str, list[Entity]], list[Entity]]


def check_offsets(text: str, entities: Iterable[Entity], rule: object = None) -> None:
    """Raise when an entity's text is not ``text[start:end]``, naming the rule at fault."""
    for entity in entities:
        if not (0 <= entity.start < entity.end <= len(text)) or (
            text[entity.start : entity.end] != entity.text
        ):
            by = f" after rule {rule!r}" if rule is not None else ""
            raise ValueError(
                f"{entity.label} entity [{entity.start}, {entity.end}) {entity.text!r} does not"
                f" match the text{by}"
            )


class ScoreThreshold:
    """Drop entities scored below their label's threshold (``default`` for other labels)."""

    def __init__(self, thresholds: Mapping[str, float] | None = None, default: float = 0.0) -> None:
        self.thresholds = {label: float(v) for label, v in (thresholds or {}).items()}
        self.default = float(default)

    def __call__(self, text: str, entities: list[Entity]) -> list[Entity]:
        return [e for e in entities if e.score >= self.thresholds.get(e.label, self.default)]

    def __repr__(self) -> str:
        return f"ScoreThreshold(thresholds={self.thresholds}, default={self.default})"


# A blank line ends whatever stood before it: two parties listed one a paragraph are two.
PARAGRAPH_BREAK_RE = re.compile(r"\n[^\S\n]*\n")


def is_separator_only(gap: str) -> bool:
    """True for text made only of whitespace and punctuation (no letters or digits)."""
    return not any(ch.isalnum() for ch in gap)


class MergeAdjacent:
    """Merge neighbouring same-label entities split only by punctuation or whitespace.

    A model often restarts an entity at punctuation ("JPMorgan Chase Bank" + "N.A.").
    Entities whose gap is at most ``max_gap_chars`` characters, none of them a letter or
    digit and no blank line among them, become one. ``labels=None`` merges every label.

    The merged score is the ``min`` of the parts by default: a merged entity is no surer
    than its weakest part. ``score="mean"`` takes the plain mean of the parts' scores.
    The merged entity keeps the first part's ``extra``.
    """

    def __init__(
        self, labels: Sequence[str] | None = None, max_gap_chars: int = 2, score: str = "min"
    ) -> None:
        if score not in ("min", "mean"):
            raise ValueError(f"score must be 'min' or 'mean', not {score!r}")
        if max_gap_chars < 0:
            raise ValueError(f"max_gap_chars must be >= 0, not {max_gap_chars}")
        self.labels = frozenset(labels) if labels is not None else None
        self.max_gap_chars = max_gap_chars
        self.score = score

    def _joins(self, text: str, left: Entity, right: Entity) -> bool:
        if left.label != right.label or (self.labels is not None and left.label not in self.labels):
            return False
        gap = right.start - left.end
        between = text[left.end : right.start]
        return (
            0 <= gap <= self.max_gap_chars
            and is_separator_only(between)
            and not PARAGRAPH_BREAK_RE.search(between)
        )

    def _merged(self, text: str, parts: list[Entity]) -> Entity:
        if len(parts) == 1:
            return parts[0]
        scores = [p.score for p in parts]
        score = min(scores) if self.score == "min" else statistics.fmean(scores)
        start, end = parts[0].start, parts[-1].end
        return dataclasses.replace(parts[0], end=end, text=text[start:end], score=score)

    def __call__(self, text: str, entities: list[Entity]) -> list[Entity]:
        runs: list[list[Entity]] = []
        for entity in sorted(entities, key=lambda e: (e.start, e.end)):
            if runs and self._joins(text, runs[-1][-1], entity):
                runs[-1].append(entity)
            else:
                runs.append([entity])
        return [self._merged(text, run) for run in runs]

    def __repr__(self) -> str:
        labels = sorted(self.labels) if self.labels is not None else None
        return (
            f"MergeAdjacent(labels={labels}, max_gap_chars={self.max_gap_chars},"
            f" score={self.score!r})"
        )


# Forms cleanco does not list but contracts use after bank names.
EXTRA_SUFFIXES = ("n.a.", "national association")
# A legal form after a name is capitalised ("Acme AS"); lower-case words after a name are
# ordinary English ("Acme as agent", "Acme at"), except for these.
LOWERCASE_SUFFIXES = frozenset({"plc", "p.l.c"})
_GAP_RE = re.compile(r"\s*,\s*|\s+")
_TOKEN_RE = re.compile(r"\S+")
_MAX_GAP_CHARS = 3


@functools.cache
def _suffix_terms() -> tuple[frozenset[str], frozenset[tuple[str, ...]], int]:
    """(written forms, normalised word tuples, longest in words) of known legal forms."""
    written = {t.casefold() for t in (*get_unique_terms(), *EXTRA_SUFFIXES)}
    normalised = {tuple(t.split()) for t in normalize_terms(written)}
    return frozenset(written), frozenset(normalised), max(len(parts) for parts in normalised)


def _normalised_words(raw: str) -> tuple[str, ...]:
    return tuple(next(iter(normalize_terms([raw]))).split())


def _suffix_length(candidate: str) -> int | None:
    """Characters of ``candidate`` that form a legal suffix, or None if it is not one.

    A trailing dot is kept only when it belongs to the form ("Inc.", "N.A."), not when
    it ends the sentence ("Acme LLC.").
    """
    written, normalised, _ = _suffix_terms()
    trimmed = strip_tail(candidate)
    if _normalised_words(trimmed) not in normalised:
        return None
    if trimmed.endswith(".") and trimmed.casefold() not in written:
        # Tokenised text writes "INC ." for "INC.": the space goes with the dot.
        trimmed = trimmed[:-1].rstrip()
    if trimmed.casefold() == trimmed and trimmed.rstrip(".") not in LOWERCASE_SUFFIXES:
        return None
    return len(trimmed)


class ExtendOrgLegalSuffix:
    """Grow an entity over a legal form that follows it: "Acme Holdings" + ", Inc.".

    Legal forms are cleanco's list (plus "N.A."); the form must follow within a comma
    and/or whitespace, and the entity never grows into the next entity.
    """

    def __init__(self, labels: Sequence[str] = ("ORG",)) -> None:
        self.labels = frozenset(labels)

    def _suffix_end(self, text: str, end: int, limit: int) -> int | None:
        gap = _GAP_RE.match(text, end)
        if gap is None or gap.end() - end > _MAX_GAP_CHARS:
            return None
        longest = _suffix_terms()[2]
        tokens = list(itertools.islice(_TOKEN_RE.finditer(text, gap.end(), limit), longest))
        for count in range(min(longest, len(tokens)), 0, -1):
            start = tokens[0].start()
            length = _suffix_length(text[start : tokens[count - 1].end()])
            if length is not None:
                return start + length
        return None

    def _extended(self, text: str, entity: Entity, limit: int) -> Entity:
        end = entity.end
        while (new_end := self._suffix_end(text, end, limit)) is not None and new_end > end:
            end = new_end  # names stack forms: "Goldman Sachs & Co. LLC"
        if end == entity.end:
            return entity
        return dataclasses.replace(entity, end=end, text=text[entity.start : end])

    def __call__(self, text: str, entities: list[Entity]) -> list[Entity]:
        ordered = sorted(entities, key=lambda e: (e.start, e.end))
        starts = [e.start for e in ordered]
        out = []
        for entity in ordered:
            if entity.label not in self.labels:
                out.append(entity)
                continue
            # The next entity to start at or after this one's end: growth stops there.
            following = bisect.bisect_left(starts, entity.end)
            limit = starts[following] if following < len(starts) else len(text)
            out.append(self._extended(text, entity, limit))
        return out

    def __repr__(self) -> str:
        return f"ExtendOrgLegalSuffix(labels={sorted(self.labels)})"


class Chain:
    """Rules applied in order; offsets are checked after each one."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)

    def __call__(self, text: str, entities: list[Entity]) -> list[Entity]:
        check_offsets(text, entities)
        for rule in self.rules:
            entities = list(rule(text, entities))
            check_offsets(text, entities, rule)
        return sorted(entities, key=lambda e: (e.start, e.end))

    def __repr__(self) -> str:
        return f"Chain({self.rules!r})"


def import_object(path: str) -> Any:
    """'package.module.name' -> the object (a user's own rule)."""
    module_name, _, attribute = path.replace(":", ".").rpartition(".")
    if not module_name:
        raise ValueError(f"rule {path!r}: expected 'package.module.name'")
    try:
        return getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"rule {path!r} cannot be imported: {exc}") from exc


def build_rule(spec: Any, position: int = 0) -> Rule:
    """One rule from a callable, a ``{_target_: ...}`` mapping or an import path.

    Mappings go through ``hydra.utils.instantiate`` (imported here only, so nerkit does
    not need Hydra); a plain function as ``_target_`` needs ``_partial_: true``.
    An import path naming a class is called with no arguments.
    """
    if isinstance(spec, str):
        obj = import_object(spec)
        rule = obj() if isinstance(obj, type) else obj
    elif isinstance(spec, Mapping) and "_target_" in spec:
        from hydra.utils import instantiate

        rule = instantiate(spec, _convert_="all")
    elif callable(spec):
        rule = spec
    else:
        raise TypeError(
            f"post-processing rule {position}: expected a callable, a mapping with _target_"
            f" or an import path, got {spec!r}"
        )
    if not callable(rule):
        raise TypeError(
            f"post-processing rule {position} ({spec!r}) built {rule!r}, not a callable"
        )
    return rule


def build_chain(specs: Iterable[Any] | None) -> Chain:
    """One callable from the configured rules (``cfg.postprocess.rules``), in order."""
    return Chain([build_rule(spec, i) for i, spec in enumerate(specs or [])])


# --- fitting a chain to the labelling convention of the training data --------------------

# A rule is taken off a label when it would change more than this share of the label's
# gold entities in the training and dev documents, and at least CONFLICT_MIN of them. The
# built-in corpus, whose labels the default chain was written for, has 0.3% (ORG entities
# of a list merged across ", "); the SEC agreements 4% (", Inc" left outside the ORG). A
# small sample needs a few cases before one label convention is called another.
CONFLICT_SHARE = 0.02
CONFLICT_MIN = 3


@dataclass(frozen=True)
class Conflict:
    """Gold entities of one label that a rule would change in the training and dev
    documents."""

    rule: str
    label: str
    changed: int
    total: int
    example: str

    def __str__(self) -> str:
        return (
            f"{self.rule} would change {self.changed} of {self.total} gold {self.label} "
            f"entities of the training and dev documents (e.g. {self.example}): not applied "
            f"to {self.label}"
        )


def gold_entities(doc: Document) -> list[Entity]:
    return [
        Entity(s.label, s.start, s.end, doc.text[s.start : s.end], 1.0)
        for s in sorted(doc.spans, key=lambda s: (s.start, s.end))
    ]


def gold_conflicts(spec: Any, docs: Sequence[Document]) -> list[Conflict]:
    """The labels whose gold entities ``spec``'s rule changes beyond ``CONFLICT_SHARE``: a
    rule that rewrites the annotators' own entities, or adds one where they labelled
    nothing, contradicts how the data is labelled (a corpus that leaves ", Inc." outside
    an ORG, addresses labelled line by line, defined names left unlabelled)."""
    rule = build_rule(spec)
    name = type(rule).__name__
    changed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for doc in docs:
        gold = gold_entities(doc)
        output = rule(doc.text, list(gold))
        kept = {(e.start, e.end, e.label) for e in output}
        for entity in gold:
            total[entity.label] += 1
            if (entity.start, entity.end, entity.label) not in kept:
                changed[entity.label] += 1
                examples.setdefault(entity.label, repr(entity.text))
        for entity in added_outside_gold(output, gold):
            changed[entity.label] += 1
            examples.setdefault(entity.label, f"added {entity.text!r}")
    return [
        Conflict(name, label, n, total[label], examples[label])
        for label, n in sorted(changed.items())
        if n >= CONFLICT_MIN and n > CONFLICT_SHARE * total[label]
    ]


def added_outside_gold(output: Sequence[Entity], gold: Sequence[Entity]) -> list[Entity]:
    """Entities a rule added where the annotators labelled nothing at all."""
    labelled = Coverage(gold)
    return [e for e in output if not labelled.overlaps(e.start, e.end)]


def fit_to_labels(
    specs: Sequence[Any], docs: Sequence[Document]
) -> tuple[list[Any], list[Conflict]]:
    """The chain with each rule taken off the labels whose gold entities it would change
    in ``docs`` (see :func:`gold_conflicts`), and the conflicts found. A rule with a
    ``labels`` setting keeps its other labels (``labels: null`` becomes the training
    labels less the conflicting ones); a rule without one, or left with none, is dropped."""
    all_labels = sorted({s.label for doc in docs for s in doc.spans})
    fitted: list[Any] = []
    found: list[Conflict] = []
    for spec in specs:
        conflicts = gold_conflicts(spec, docs) if isinstance(spec, Mapping) else []
        found += conflicts
        if not conflicts:
            fitted.append(spec)
            continue
        if "labels" not in spec:
            continue
        dropped = {c.label for c in conflicts}
        labels = [label for label in spec["labels"] or all_labels if label not in dropped]
        if labels:
            fitted.append({**spec, "labels": labels})
    return fitted, found
