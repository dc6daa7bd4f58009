"""The evaluator: the truncated baseline misses exactly what lies beyond its window."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from nerkit.documents import Document, Span
from nerkit.evaluation import evaluate_predictors, first_window_end_chars
from nerkit.predictor import Predictor
from nerkit.windows import WindowConfig, token_tags, tokenize_document

PASSAGE = "On March 2021 Zorblax Holdings paid USD 500 to Quentin Farnsworth in Delaware ."
ENTITIES = [
    ("March 2021", "DATE"),
    ("Zorblax Holdings", "ORG"),
    ("USD 500", "MONEY"),
    ("Quentin Farnsworth", "PERSON"),
    ("Delaware", "JURISDICTION"),
]


class GoldLookupModel(torch.nn.Module):
    """Logits straight from each token id's gold tag: a perfect reader of this passage."""

    def __init__(self, id_to_tag: dict[int, int], n_tags: int, vocab_size: int) -> None:
        super().__init__()
        table = torch.zeros(vocab_size, dtype=torch.long)
        for token_id, tag in id_to_tag.items():
            table[token_id] = tag
        self.register_buffer("table", table)
        self.anchor = torch.nn.Parameter(torch.zeros(1))
        self.n_tags = n_tags
        self.config = SimpleNamespace(num_labels=n_tags, max_position_embeddings=512)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        logits = torch.nn.functional.one_hot(self.table[input_ids], self.n_tags).float() * 8
        return SimpleNamespace(logits=logits + self.anchor)


def passage_document(copies: int) -> Document:
    text = " ".join([PASSAGE] * copies)
    spans = []
    for c in range(copies):
        base = c * (len(PASSAGE) + 1)
        for surface, label in ENTITIES:
            start = base + PASSAGE.index(surface)
            spans.append(Span(start, start + len(surface), label))
    return Document("passages", text, spans)


@pytest.fixture()
def reader(tokenizer, contract_tags):
    doc = passage_document(copies=20)
    tag2id = {t: i for i, t in enumerate(contract_tags)}
    tok = tokenize_document(tokenizer, doc.text)
    gold = token_tags(tok, doc.spans, tag2id, label_all_subtokens=True)
    id_to_tag = dict(zip(tok.input_ids.tolist(), gold.tolist(), strict=True))
    model = GoldLookupModel(id_to_tag, len(contract_tags), tokenizer.vocab_size)
    return doc, model


def test_truncated_baseline_misses_exactly_the_entities_beyond_its_window(
    reader, tokenizer, contract_tags
):
    doc, model = reader
    common = {"device": "cpu", "batch_tokens": 512}
    # A truncation length whose cut falls between entities, so that "seen" and "unseen"
    # are exactly the entities the reading covers and those it does not.
    for length in range(48, 96):
        (stop,) = first_window_end_chars(tokenizer, [doc], length)
        if not [s for s in doc.spans if s.start < stop < s.end]:
            break
    seen = [s for s in doc.spans if s.end <= stop]
    unseen = [s for s in doc.spans if s.end > stop]
    assert 0 < len(seen) < len(doc.spans)

    windowed = Predictor(model, tokenizer, contract_tags, WindowConfig(48, 8), **common)
    truncated = Predictor(
        model, tokenizer, contract_tags, WindowConfig(length, 0), max_windows=1, **common
    )
    report = evaluate_predictors([doc], windowed, truncated=truncated)

    assert report["windowed"]["exact"]["micro"]["f1"] == pytest.approx(1.0)
    assert report["windowed"]["seqeval"]["micro"]["f1"] == pytest.approx(1.0)
    truncated_scores = report["truncated"]
    assert truncated_scores["unseen_gold_entities"] == len(unseen)
    assert truncated_scores["exact"]["micro"]["precision"] == pytest.approx(1.0)
    assert truncated_scores["exact"]["micro"]["recall"] == pytest.approx(len(seen) / len(doc.spans))
    assert truncated_scores["predicted_entities"] == len(seen)
    # Edge analysis covers every gold entity once.
    edges = report["edges"]
    assert edges["near_edge"]["gold"] + edges["elsewhere"]["gold"] == len(doc.spans)
    assert edges["near_edge"]["recall"] == pytest.approx(1.0)
    assert report["confusion"]["matrix"]


def test_an_empty_split_is_refused(reader, tokenizer, contract_tags):
    _, model = reader
    windowed = Predictor(model, tokenizer, contract_tags, WindowConfig(48, 8), device="cpu")
    with pytest.raises(ValueError, match="no documents"):
        evaluate_predictors([], windowed)
