"""bench.quality: recipes from the command line, sentences as bootstrap units."""

from __future__ import annotations

import pytest

from bench.quality import only_spans, parse_recipe, sentences
from nerkit.documents import Document, Span
from nerkit.scoring import paired_bootstrap


def test_a_recipe_is_a_name_and_its_overrides():
    assert parse_recipe("crf=model/head=crf trainer.epochs=40") == (
        "crf",
        ["model/head=crf", "trainer.epochs=40"],
    )
    assert parse_recipe("default=") == ("default", [])
    with pytest.raises(SystemExit, match="NAME=OVERRIDES"):
        parse_recipe("no-equals-sign")


def test_documents_are_cut_into_sentences_with_their_spans_shifted():
    text = "Acme Corp lends.\nJane Doe signs for Acme.\n"
    doc = Document("d", text, [Span(0, 9, "ORG"), Span(17, 25, "PER"), Span(36, 40, "ORG")])
    predicted = [[Span(0, 4, "ORG"), Span(17, 25, "PER")]]
    units, unit_spans = sentences([doc], predicted)
    assert [u.text for u in units] == ["Acme Corp lends.", "Jane Doe signs for Acme.", ""]
    for unit in units:
        assert all(unit.text[s.start : s.end] for s in unit.spans)
    assert [[unit.text[s.start : s.end] for s in unit.spans] for unit in units[:2]] == [
        ["Acme Corp"],
        ["Jane Doe", "Acme"],
    ]
    assert unit_spans[1] == [Span(0, 8, "PER")]
    assert only_spans(unit_spans, "ORG") == [[Span(0, 4, "ORG")], [], []]
    same = paired_bootstrap(units, unit_spans, unit_spans, resamples=50)
    assert same.delta == same.low == same.high == 0.0
    gold = [list(u.spans) for u in units]
    better = paired_bootstrap(units, unit_spans, gold, resamples=50)
    assert better.delta > 0
