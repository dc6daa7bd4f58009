"""Mention replacement: offsets stay true, names are replaced consistently and in form."""

from __future__ import annotations

import itertools
import random

import pytest

from nerkit.augment import (
    MentionReplacement,
    NameMaker,
    augment_documents,
    generated_company,
    in_form_of,
    legal_form,
    replace_mentions,
    replaced_count,
)
from nerkit.documents import Document, Span, document_problems
from tests.conftest import labelled_document

ORG = ("ORG",)


def labelled(text: str, marks: list[tuple[str, str]]) -> Document:
    return labelled_document("d1", text, *marks)


def names(*pool: str) -> NameMaker:
    it = itertools.cycle(pool)
    return lambda rng: next(it)


CONTRACT = (
    "This Agreement is made between VRINGO, INC. and Union Bank. "
    "Vringo shall pay Union Bank; John Smith signs for Vringo, Inc. and the bank agrees."
)
MARKS = [
    ("VRINGO", "ORG"),
    ("Union Bank", "ORG"),
    ("Vringo", "ORG"),
    ("Union Bank", "ORG"),
    ("John Smith", "PER"),
    ("Vringo, Inc.", "ORG"),
]


def test_every_mention_of_a_name_gets_one_replacement_in_its_own_form() -> None:
    doc = labelled(CONTRACT, MARKS)
    out = replace_mentions(
        doc,
        MentionReplacement(ORG, 1.0, 13),
        random.Random(0),
        names("Acme Foods", "Blue Ridge"),
    )
    got = [(out.text[s.start : s.end], s.label) for s in out.spans]
    assert got == [
        ("ACME FOODS", "ORG"),  # upper case kept
        ("Blue Ridge", "ORG"),
        ("Acme Foods", "ORG"),  # "VRINGO" and "Vringo" are one company
        ("Blue Ridge", "ORG"),
        ("John Smith", "PER"),  # other labels untouched
        ("Acme Foods, Inc.", "ORG"),  # its own legal form kept
    ]
    assert "the bank agrees" in out.text  # unlabelled text is never touched
    assert document_problems(out) == []
    assert out.id == "d1#replaced" and out.meta["augmented_from"] == "d1"


def test_probability_zero_and_one() -> None:
    doc = labelled(CONTRACT, MARKS)
    same = augment_documents([doc], MentionReplacement(ORG, 0.0, 13))
    assert same[0] is doc
    every = augment_documents([doc], MentionReplacement(ORG, 1.0, 13), names("Acme", "Blue"))
    assert replaced_count([doc], every) == 5  # all five ORG mentions, not the person


def test_replacement_is_seeded_and_a_share_of_names() -> None:
    docs = [labelled(CONTRACT, MARKS)] * 40
    settings = MentionReplacement(ORG, 0.5, 3)
    first = augment_documents(docs, settings, names("Acme", "Blue"))
    again = augment_documents(docs, settings, names("Acme", "Blue"))
    assert [d.text for d in first] == [d.text for d in again]
    share = replaced_count(docs, first) / (5 * len(docs))
    assert 0.3 < share < 0.7


def test_lower_case_mentions_are_left_alone() -> None:
    doc = labelled("Pay the bank now.", [("bank", "ORG")])
    out = replace_mentions(doc, MentionReplacement(ORG, 1.0, 13), random.Random(0), names("X"))
    assert out.text == doc.text


def test_overlapping_spans_leave_the_document_as_it_is() -> None:
    doc = Document("d", "Union Bank of California", [Span(0, 10, "ORG"), Span(6, 24, "ORG")])
    out = replace_mentions(doc, MentionReplacement(ORG, 1.0, 13), random.Random(0), names("X"))
    assert out is doc


@pytest.mark.parametrize(
    ("mention", "form"),
    [("Acme Holdings, Inc.", ", Inc."), ("ASHFORD SERVICING LLC", " LLC"), ("Vringo", "")],
)
def test_legal_form(mention: str, form: str) -> None:
    assert legal_form(mention) == form
    assert in_form_of(mention, "New Name").endswith(form.upper() if mention.isupper() else form)


def test_generated_company_is_a_name_without_legal_form() -> None:
    rng = random.Random(5)
    made = [generated_company(rng) for _ in range(20)]
    assert len(set(made)) > 15
    assert all(m and m[0].isupper() and legal_form(m) == "" for m in made)


def test_probability_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        MentionReplacement(ORG, 1.5, 13)
