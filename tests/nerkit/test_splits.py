"""Splits are by whole document, deterministic, and stable when documents are added."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nerkit.documents import Document, Span
from nerkit.formats import write_documents
from nerkit.splits import SPLITS, load_splits, split_documents


def corpus(n: int, prefix: str = "doc") -> list[Document]:
    return [
        Document(f"{prefix}-{i}", f"Acme lends to Party {i}.", [Span(0, 4, "ORG")])
        for i in range(n)
    ]


def ids(splits: dict[str, list[Document]]) -> dict[str, list[str]]:
    return {name: [d.id for d in docs] for name, docs in splits.items()}


def test_same_seed_same_split_and_seed_matters():
    docs = corpus(200)
    assert ids(split_documents(docs, seed=1)) == ids(split_documents(list(docs), seed=1))
    assert ids(split_documents(docs, seed=1)) != ids(split_documents(docs, seed=2))


def test_order_of_the_input_does_not_matter():
    docs = corpus(100)
    forward = {k: set(v) for k, v in ids(split_documents(docs)).items()}
    backward = {k: set(v) for k, v in ids(split_documents(docs[::-1])).items()}
    assert forward == backward


def test_adding_a_document_moves_no_other():
    docs = corpus(300)
    before = ids(split_documents(docs))
    after = ids(split_documents([*docs, Document("new", "New text.")]))
    for name in SPLITS:
        assert [i for i in after[name] if i != "new"] == before[name]


def test_shares_are_roughly_the_ratios():
    sizes = {k: len(v) for k, v in split_documents(corpus(3000), dev=0.2, test=0.1).items()}
    assert abs(sizes["dev"] - 600) < 90 and abs(sizes["test"] - 300) < 70


@settings(max_examples=100, deadline=None)
@given(st.integers(3, 40), st.integers(0, 10_000), st.sampled_from([0.05, 0.1, 0.3]))
def test_whole_documents_and_no_empty_split(n, seed, ratio):
    docs = corpus(n)
    splits = split_documents(docs, seed=seed, dev=ratio, test=ratio)
    assert all(splits[name] for name in SPLITS)
    placed = [d for name in SPLITS for d in splits[name]]
    # Every document exactly once, as the same object: nothing is cut or copied.
    assert sorted(map(id, placed)) == sorted(map(id, docs))
    for name in SPLITS:
        assert splits[name] == [d for d in docs if d in splits[name]]  # original order


def test_a_zero_share_stays_empty():
    splits = split_documents(corpus(5), dev=0.0, test=0.2)
    assert splits["dev"] == [] and splits["test"] and splits["train"]


@pytest.mark.parametrize(("dev", "test"), [(-0.1, 0.1), (0.5, 0.5), (1.0, 0.0)])
def test_bad_ratios(dev, test):
    with pytest.raises(ValueError, match="leave some documents for training"):
        split_documents(corpus(5), dev=dev, test=test)


def test_load_splits_uses_given_files_and_splits_the_rest(tmp_path):
    write_documents(corpus(40, "tr"), tmp_path / "train.jsonl", "doccano")
    write_documents(corpus(4, "te"), tmp_path / "test.jsonl", "doccano")
    both = load_splits(tmp_path / "train.jsonl", test=tmp_path / "test.jsonl", seed=3)
    assert [d.id for d in both["test"]] == ["te-0", "te-1", "te-2", "te-3"]
    assert both["dev"] and all(d.id.startswith("tr-") for d in both["dev"] + both["train"])
    assert len(both["dev"]) + len(both["train"]) == 40

    alone = load_splits(tmp_path / "train.jsonl", seed=3)
    assert sum(len(v) for v in alone.values()) == 40 and all(alone.values())
    assert alone == load_splits(tmp_path / "train.jsonl", seed=3)
