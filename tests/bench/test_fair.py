"""bench.fair: the pipeline's output is scored as ``evaluate`` scores it."""

from __future__ import annotations

import argparse
import contextlib

from bench.fair import run_pipeline
from nerkit.documents import Document, Span
from nerkit.evaluation import spans_from_pipeline
from nerkit.metrics import exact_f1


def test_the_pipeline_reading_drops_empty_spans_as_evaluate_does(
    tiny_model, tokenizer, monkeypatch
):
    doc = Document("d", "Acme Corp pays Jane Doe.", [Span(0, 9, "ORG"), Span(15, 23, "PERSON")])
    found = [
        {"start": 0, "end": 9, "entity_group": "ORG", "score": 0.9},
        {"start": 14, "end": 14, "entity_group": "ORG", "score": 0.5},  # empty: dropped
        {"start": 15, "end": 23, "entity_group": "PERSON", "score": 0.9},
    ]

    @contextlib.contextmanager
    def fake_pipeline(*_args, **_kwargs):
        yield lambda text, batch_size=1: found

    monkeypatch.setattr("nerkit.evaluation.token_classification_pipeline", fake_pipeline)
    mut = argparse.Namespace(model=tiny_model, tokenizer=tokenizer)
    args = argparse.Namespace(device="cpu", window=64, overlap=16, repeats=1)
    reading = run_pipeline(mut, [doc], args, "fp32", batch_size=1)
    assert spans_from_pipeline(found) == doc.spans
    assert reading.f1 == exact_f1([doc], [spans_from_pipeline(found)]) == 1.0
