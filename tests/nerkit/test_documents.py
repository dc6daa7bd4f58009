"""The shared document form: validation, problem reporting, fingerprints."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nerkit.documents import (
    DataError,
    Document,
    Entity,
    ProblemCollector,
    Span,
    data_fingerprint,
    document_problems,
    label_set,
    validate_documents,
)

TEXT = "Acme Corp hired Jane Doe on 1 May 2020."


def test_a_valid_document_has_no_problems():
    doc = Document("d1", TEXT, [Span(0, 9, "ORG"), Span(16, 24, "PERSON")])
    assert document_problems(doc, ["ORG", "PERSON"]) == []
    assert doc.span_texts() == ["Acme Corp", "Jane Doe"]
    assert doc.labels == {"ORG", "PERSON"}


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([Span(0, 99, "ORG")], "outside the text"),
        ([Span(-1, 3, "ORG")], "outside the text"),
        ([Span(5, 5, "ORG")], "start must be before end"),
        ([Span(0, 9, "ORG"), Span(5, 12, "ORG")], "overlap"),
        ([Span(0, 9, "")], "empty label"),
        ([Span(0, 9, "COMPANY")], "unknown label"),
    ],
)
def test_document_problems(spans, expected):
    problems = document_problems(Document("d1", TEXT, spans), ["ORG", "PERSON"])
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize("text", ["", "   \n"])
def test_empty_text_is_a_problem(text):
    assert document_problems(Document("d1", text)) == ["empty text"]


def test_nothing_is_fixed_by_validation():
    spans = [Span(5, 12, "ORG"), Span(0, 9, "ORG")]
    doc = Document("d1", TEXT, list(spans))
    document_problems(doc)
    assert doc.spans == spans


def test_validate_documents_reports_every_problem_with_where():
    docs = [
        (Document("a", TEXT, [Span(0, 99, "ORG")]), "line 3"),
        (Document("b", TEXT), "line 9"),
        (Document("c", "", []), "line 12"),
    ]
    with pytest.raises(DataError) as caught:
        validate_documents(docs, "data/train.jsonl")
    message = str(caught.value)
    assert len(caught.value.problems) == 2
    assert "data/train.jsonl, line 3 (document 'a')" in message
    assert "data/train.jsonl, line 12 (document 'c'): empty text" in message


def test_problem_collector_stops_at_its_limit():
    collector = ProblemCollector(limit=3)
    for i in range(10):
        collector.add("f.conll", f"line {i}", None, "bad")
    with pytest.raises(DataError) as caught:
        collector.raise_if_any()
    assert caught.value.truncated and len(caught.value.problems) == 3
    assert "stopped after 3 problems" in str(caught.value)


def test_fingerprint_tracks_content_not_span_order():
    a = Document("d", TEXT, [Span(0, 9, "ORG"), Span(16, 24, "PERSON")])
    b = Document("d", TEXT, [Span(16, 24, "PERSON"), Span(0, 9, "ORG")])
    c = Document("d", TEXT, [Span(0, 9, "ORG")])
    assert data_fingerprint([a]) == data_fingerprint([b]) != data_fingerprint([c])


def test_label_set_and_entity():
    docs = [Document("a", TEXT, [Span(0, 9, "ORG")]), Document("b", TEXT, [Span(16, 24, "P")])]
    assert label_set(docs) == ["ORG", "P"]
    entity = Entity("ORG", 0, 9, "Acme Corp", 0.5, {"model": "m"})
    assert entity.as_span() == Span(0, 9, "ORG")
    assert entity.to_dict()["model"] == "m"


ODD = ["😀", "👨\u200d👩\u200d👧", "e\u0301", "שלום", "مرحبا", "\u200b", "\u200e", "\x00", " "]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(ODD), st.text(max_size=4)), min_size=1), st.data())
def test_span_text_is_the_slice_it_names(pieces, data):
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    doc = Document("d", text, [Span(start, end, "X")])
    assert doc.span_texts() == [text[start:end]]
    problems = document_problems(doc)
    assert ("start must be before end" in " ".join(problems)) == (start == end)
