"""Mention replacement: training documents whose names are swapped for generated ones.

A handful of labelled contracts name only a handful of companies, so a model learns those
names rather than what a company name looks like. In the SEC loan agreements, the four
training documents hold 93 ORG mentions of about 30 distinct names. Replacing a share of
the distinct names by generated ones (the same replacement for every mention of a name in
a document, as a real contract repeats its parties) shows the model many more names in the
same contexts: the signal left to learn is the context and the shape of a name.

Each replacement keeps the form of the mention it replaces, so the labelling convention of
the data stays as it was: an ALL-CAPS mention gets an ALL-CAPS name, and the mention's
own legal form ("LLC" in "Ashford Hospitality Servicing LLC") is kept, so that where a
corpus leaves ", Inc." outside the entity, generated names do not bring one in. Mentions
that do not start with a capital letter ("the bank") are left alone.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cleanco import basename

from nerkit.documents import Document, Span

if TYPE_CHECKING:
    from nerkit.corpus.parties import People

NameMaker = Callable[[random.Random], str]


@dataclass(frozen=True)
class MentionReplacement:
    """Which labels to replace and how often (each distinct name in a document is replaced
    with this probability; 0 turns the augmentation off). No values here: train reads
    them from ``trainer.augment`` (conf/trainer/default.yaml) and the run's seed."""

    labels: tuple[str, ...]
    probability: float
    seed: int

    def __post_init__(self) -> None:
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(
                f"mention replacement probability must be in [0, 1], not {self.probability}"
            )

    @property
    def enabled(self) -> bool:
        return self.probability > 0.0 and bool(self.labels)


def generated_company(rng: random.Random) -> str:
    """A company name from the built-in corpus's generator, without its legal form."""
    from nerkit.corpus.parties import LOCALES

    people = _people()
    people.reseed(rng.randrange(2**31))
    name = people.company(rng.choice(LOCALES), rng)
    while (base := basename(name)) and base != name:  # "Co., Ltd." is two legal forms
        name = base
    return name


@functools.cache
def _people() -> People:
    """One set of Faker instances per process (building them takes about a second)."""
    from nerkit.corpus.parties import People

    return People()


def legal_form(mention: str) -> str:
    """The trailing legal form of ``mention`` as written there (" LLC", ", Inc"), or ""."""
    base = basename(mention)
    if base and mention.startswith(base) and len(base) < len(mention):
        return mention[len(base) :]
    return ""


def in_form_of(mention: str, name: str) -> str:
    """``name`` written in the form of ``mention``: its case and its own legal form."""
    name += legal_form(mention)
    return name.upper() if mention.isupper() else name


def is_replaceable(mention: str) -> bool:
    return bool(mention) and mention[0].isupper()


def replace_mentions(
    doc: Document,
    settings: MentionReplacement,
    rng: random.Random,
    make_name: NameMaker = generated_company,
) -> Document:
    """``doc`` with a share of its names of ``settings.labels`` replaced, spans moved to
    match. A name is replaced everywhere it is labelled in the document, or nowhere."""
    chosen: dict[tuple[str, str], str | None] = {}
    pieces: list[str] = []
    spans: list[Span] = []
    cursor = written = 0
    for span in _in_order(doc.spans):
        if span.start < cursor:  # overlapping spans: leave the document as it is
            return doc
        mention = doc.text[span.start : span.end]
        new = _chosen_name(chosen, span.label, mention, settings, rng, make_name)
        gap = doc.text[cursor : span.start]
        pieces += [gap, new]
        start = written + len(gap)
        spans.append(Span(start, start + len(new), span.label))
        written = start + len(new)
        cursor = span.end
    pieces.append(doc.text[cursor:])
    meta = {**doc.meta, "augmented_from": doc.id}
    return Document(f"{doc.id}#replaced", "".join(pieces), spans, meta)


def _chosen_name(
    chosen: dict[tuple[str, str], str | None],
    label: str,
    mention: str,
    settings: MentionReplacement,
    rng: random.Random,
    make_name: NameMaker,
) -> str:
    # Keyed by the name without case or legal form, so that "VRINGO", "Vringo" and
    # "Vringo, Inc" become one generated company, each written in its own form.
    key = (label, (basename(mention) or mention).casefold())
    if key not in chosen:
        replace = (
            label in settings.labels
            and is_replaceable(mention)
            and rng.random() < settings.probability
        )
        chosen[key] = make_name(rng) if replace else None
    name = chosen[key]
    return mention if name is None or not is_replaceable(mention) else in_form_of(mention, name)


def augment_documents(
    docs: Iterable[Document],
    settings: MentionReplacement,
    make_name: NameMaker = generated_company,
) -> list[Document]:
    """The training documents with mentions replaced (same order; seeded, so the same
    settings give the same documents)."""
    if not settings.enabled:
        return list(docs)
    rng = random.Random(settings.seed)
    return [replace_mentions(doc, settings, rng, make_name) for doc in docs]


def replaced_count(before: Sequence[Document], after: Sequence[Document]) -> int:
    """How many labelled mentions differ between the documents and their augmented copies."""
    return sum(
        a.text[s.start : s.end] != b.text[t.start : t.end]
        for b, a in zip(before, after, strict=True)
        for t, s in zip(_in_order(b.spans), _in_order(a.spans), strict=True)
    )


def _in_order(spans: Iterable[Span]) -> list[Span]:
    return sorted(spans, key=lambda s: (s.start, s.end))
