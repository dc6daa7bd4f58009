"""Post-processing rules for gate tests: a model's quality set by the chain it records.

The tiny test models are random, so their raw entities are noise. A bundle whose recorded
chain is ``Found(pins)`` answers exactly the pinned fragments wherever they occur; the
registry gate scores versions through that chain (the one output path), so tests control
how good each version really is.
"""

from __future__ import annotations

import re

from nerkit.documents import Document, Entity, Span

TEMPLATE = (
    "This Agreement is made on {date} between {org} and {person} for {money} under the "
    "laws of the {place}. "
)
VALUES = [
    ("1 May 2024", "Acme Holdings, Inc.", "Jane Doe", "USD 5,000,000", "State of New York"),
    ("3 June 2023", "Globex LLC", "John Roe", "EUR 750,000", "State of Delaware"),
    ("9 July 2022", "Initech Corp.", "Mary Major", "GBP 12,500", "England and Wales"),
    ("12 March 2021", "Umbrella Ltd", "Richard Miles", "USD 40,000", "State of Texas"),
    ("28 August 2020", "Hooli Inc.", "Ann Smith", "CHF 90,000", "Province of Ontario"),
    ("5 January 2019", "Vandelay Industries", "Art Vandelay", "USD 1,000", "State of Ohio"),
]
LABELS = ("DATE", "ORG", "PERSON", "MONEY", "JURISDICTION")


def gate_documents(copies: int = 3) -> list[Document]:
    """Six contracts, each its own names ``copies`` times, labelled."""
    docs = []
    for i, values in enumerate(VALUES):
        sentence = TEMPLATE.format(
            date=values[0], org=values[1], person=values[2], money=values[3], place=values[4]
        )
        text = sentence * (copies + i % 2)
        spans = [
            Span(m.start(), m.end(), label)
            for label, value in zip(LABELS, values, strict=True)
            for m in re.finditer(re.escape(value), text)
        ]
        docs.append(Document(f"gate-{i}", text, sorted(spans)))
    return docs


def pins(labels: tuple[str, ...] = LABELS, docs: range = range(len(VALUES))) -> list[list[str]]:
    """``[label, fragment]`` pairs: the gold entities of ``labels`` in documents ``docs``."""
    return [[label, VALUES[i][LABELS.index(label)]] for i in docs for label in labels]


def chain(found: list[list[str]]) -> list[dict]:
    """A recorded chain (as in nerkit.json) answering exactly ``found``."""
    return [{"_target_": "tests.registry.rules.Found", "pins": found}]


class Found:
    """Replace the engine's entities by every occurrence of each pinned fragment."""

    def __init__(self, pins: list[list[str]]) -> None:
        self.pins = [(str(label), str(fragment)) for label, fragment in pins]

    def __call__(self, text: str, entities: list[Entity]) -> list[Entity]:
        out = []
        for label, fragment in self.pins:
            for match in re.finditer(re.escape(fragment), text):
                out.append(Entity(label, match.start(), match.end(), fragment, 0.9))
        return out
