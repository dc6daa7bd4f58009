"""Scoring on hand-made predictions, checked against figures computed by hand."""

from __future__ import annotations

import pytest

from nerkit.documents import Document, Span
from nerkit.metrics import (
    exact_span_scores,
    score_documents,
    spans_to_word_tags,
    word_offsets,
)

TEXT = "Acme Holdings Inc. lent $5,000 to John Smith on May 1, 2020 in Delaware."
ACME = Span(0, 18, "ORG")
MONEY = Span(24, 30, "MONEY")
JOHN = Span(34, 44, "PERSON")
DATE = Span(48, 59, "DATE")
DELAWARE = Span(63, 71, "JURISDICTION")


@pytest.fixture()
def doc() -> Document:
    d = Document("d1", TEXT, [ACME, MONEY, JOHN, DATE, DELAWARE])
    assert d.span_texts() == [
        "Acme Holdings Inc.",
        "$5,000",
        "John Smith",
        "May 1, 2020",
        "Delaware",
    ]
    return d


def test_word_tags_are_iob2_over_overlapping_words(doc: Document) -> None:
    words = word_offsets(doc.text)
    tags = spans_to_word_tags(words, [JOHN])
    tagged = [
        (doc.text[a:b], t) for (a, b), t in zip(words.tolist(), tags, strict=True) if t != "O"
    ]
    assert tagged == [("John", "B-PERSON"), ("Smith", "I-PERSON")]


def test_perfect_prediction_scores_one(doc: Document) -> None:
    scores = score_documents([doc], [doc.spans])
    assert scores["seqeval"]["micro"]["f1"] == pytest.approx(1.0)
    assert scores["exact"]["micro"]["f1"] == pytest.approx(1.0)


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    precision, recall = tp / n_pred, tp / n_gold
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return precision, recall, f1


def test_hand_computed_figures(doc: Document) -> None:
    # ACME right; JOHN cut short (wrong); DATE labelled MONEY (wrong); MONEY and DELAWARE
    # missed: 1 right of 3 predicted, 5 gold, in both views.
    predicted = [ACME, Span(34, 38, "PERSON"), Span(48, 59, "MONEY")]
    scores = score_documents([doc], [predicted])
    precision, recall, f1 = _prf(tp=1, n_pred=3, n_gold=5)
    for view in ("seqeval", "exact"):
        micro = scores[view]["micro"]
        assert micro["precision"] == pytest.approx(precision), view
        assert micro["recall"] == pytest.approx(recall), view
        assert micro["f1"] == pytest.approx(f1), view
    assert scores["predicted_entities"] == 3
    per_type = scores["seqeval"]["per_type"]
    assert per_type["ORG"]["f1"] == pytest.approx(1.0)
    assert per_type["PERSON"]["f1"] == pytest.approx(0.0)
    assert per_type["JURISDICTION"]["recall"] == pytest.approx(0.0)
    # Macro: mean over the five gold types of per-type F1 (only ORG is 1.0).
    assert scores["seqeval"]["macro"]["f1"] == pytest.approx(1 / 5)


def test_a_spurious_overlapping_entity_costs_the_word_view_its_match(doc: Document) -> None:
    # The same three plus a spurious ORG "Acme" inside the gold ORG: all four are scored.
    predicted = [ACME, Span(34, 38, "PERSON"), Span(48, 59, "MONEY"), Span(0, 4, "ORG")]
    scores = score_documents([doc], [predicted])
    assert scores["predicted_entities"] == 4
    # Exact spans: ACME still matches; 1 right of 4 predicted.
    precision, recall, f1 = _prf(tp=1, n_pred=4, n_gold=5)
    exact = scores["exact"]["micro"]
    assert (exact["precision"], exact["recall"]) == (
        pytest.approx(precision),
        pytest.approx(recall),
    )
    assert exact["f1"] == pytest.approx(f1)
    # Words: the shorter "Acme" sorts first and tags the first word, so the gold ORG is
    # read as two ORG entities ("Acme", "Holdings Inc.") and neither matches: nothing right.
    words = word_offsets(doc.text)
    tags = spans_to_word_tags(words, predicted)
    assert tags[:4] == ["B-ORG", "B-ORG", "I-ORG", "I-ORG"]
    micro = scores["seqeval"]["micro"]
    assert micro["precision"] == micro["recall"] == micro["f1"] == 0.0
    assert scores["seqeval"]["per_type"]["ORG"]["f1"] == 0.0


def test_exact_spans_need_identical_offsets() -> None:
    gold = [[Span(0, 4, "ORG"), Span(10, 14, "DATE")]]
    pred = [[Span(0, 4, "ORG"), Span(10, 13, "DATE"), Span(20, 22, "ORG")]]
    scores = exact_span_scores(gold, pred)
    assert scores["micro"]["precision"] == pytest.approx(1 / 3)
    assert scores["micro"]["recall"] == pytest.approx(1 / 2)
    assert scores["per_type"]["ORG"]["precision"] == pytest.approx(1 / 2)
    assert scores["per_type"]["DATE"]["f1"] == pytest.approx(0.0)
