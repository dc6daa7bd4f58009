"""bench.documents: the built-in corpus' test split as conf/data/builtin.yaml gives it."""

from __future__ import annotations

from bench.documents import LABELS, corpus_test_documents, synthetic_contracts
from nerkit.data import load_data
from nerkit.documents import document_problems
from nerkit.settings import shipped_config


def test_the_corpus_test_split_is_the_one_the_shipped_config_holds_out():
    builtin = shipped_config("data/builtin.yaml")
    held_out = load_data(builtin)["test"]
    docs = corpus_test_documents(3, seed=builtin["corpus_seed"])
    assert [(d.id, d.text, d.spans) for d in docs] == [
        (d.id, d.text, d.spans) for d in held_out[:3]
    ]


def test_synthetic_contracts_carry_valid_spans_of_the_corpus_labels():
    docs = synthetic_contracts(2, seed=1, words_per_doc=200)
    assert len(docs) == 2 and all(d.spans and not document_problems(d) for d in docs)
    assert {s.label for d in docs for s in d.spans} == set(LABELS)
