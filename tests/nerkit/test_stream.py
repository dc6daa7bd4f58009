"""The streaming engine: same entities as the pooled path, order, errors, bounds, shutdown."""

from __future__ import annotations

import copy
import random
import threading

import numpy as np
import pytest
import torch

import nerkit.stream as stream
from nerkit.chunks import MAX_CHUNK_DOCS, iter_chunks
from nerkit.decoding import stitch_windows, window_weights
from nerkit.predictor import Predictor
from nerkit.windows import WindowConfig, document_encoder, tokenize_documents

VOCABULARY = (
    "agreement party shall payment notice Zorblax Holdings Limited Quentin Farnsworth "
    "Delaware March 2021 USD 1,250,000.00 indemnify ( ) ; — § Inc. LLC GmbH İstanbul Straße"
)
WORDS = VOCABULARY.split()


def random_text(rng: random.Random, n_words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n_words))


def mixed_texts(n: int, seed: int = 11) -> list[str]:
    """Long, short, one-token and empty documents mixed."""
    rng = random.Random(seed)
    texts = []
    for i in range(n):
        kind = i % 5
        n_words = {0: rng.randint(200, 900), 1: 1, 2: 0, 3: rng.randint(2, 40)}.get(kind, 120)
        texts.append(random_text(rng, n_words))
    return texts


def entity_tuples(entities):
    return [(e.label, e.start, e.end, e.text, e.score) for e in entities]


def pooled_entities(predictor, texts):
    """The reference: every window of every document in one pool, decoded together."""
    readings = predictor.predict_token_probs(texts)
    return [entity_tuples(found) for found in predictor.decode_many(texts, readings)]


@pytest.fixture(scope="module")
def predictor(tiny_model, tokenizer, contract_tags):
    return Predictor(
        tiny_model, tokenizer, contract_tags, WindowConfig(64, 16), device="cpu", workers=2
    )


@pytest.fixture()
def small_chunks(monkeypatch):
    """Chunks of a few documents, so a test stream crosses many chunk boundaries."""
    monkeypatch.setattr(stream, "CHUNK_CHARS", 1500)


def host_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("nerkit-host")]


def test_stream_gives_the_entities_of_the_pooled_path_in_input_order(predictor, small_chunks):
    texts = mixed_texts(40)
    results = list(predictor.predict_stream((f"doc-{i}", t) for i, t in enumerate(texts)))
    assert [r.id for r in results] == [f"doc-{i}" for i in range(len(texts))]
    assert [r.text for r in results] == texts
    assert all(r.ok for r in results)
    got = [entity_tuples(r.prediction.entities) for r in results]
    assert got == pooled_entities(predictor, texts)
    assert sum(map(len, got)) > 20, "the random model should find entities to compare"
    empty = results[2].prediction
    assert empty.entities == [] and empty.tokens == 0 and empty.windows == 0
    assert results[1].prediction.tokens >= 1


@pytest.mark.parametrize("workers", [1, 3])
def test_worker_count_and_chunking_do_not_change_entities(
    tiny_model, tokenizer, contract_tags, small_chunks, workers
):
    texts = mixed_texts(25, seed=4)
    pooled = Predictor(tiny_model, tokenizer, contract_tags, WindowConfig(64, 16), device="cpu")
    expected = pooled_entities(pooled, texts)
    parallel = Predictor(
        tiny_model,
        tokenizer,
        contract_tags,
        WindowConfig(64, 16),
        device="cpu",
        workers=workers,
        max_docs_in_flight=3,
    )
    got = [entity_tuples(r.prediction.entities) for r in parallel.predict_stream(enumerate(texts))]
    assert got == expected


def test_a_document_reads_the_same_alone_and_in_a_parallel_stream(
    tiny_model, tokenizer, contract_tags, small_chunks
):
    """fp32 batch invariance on the parallel path, with oneDNN-packed linears."""
    model = copy.deepcopy(tiny_model)
    predictor = Predictor(
        model,
        tokenizer,
        contract_tags,
        WindowConfig(128, 24),
        device="cpu",
        owns_model=True,
        workers=2,
    )
    rng = random.Random(7)
    target = random_text(rng, 400)
    others = [random_text(rng, rng.randint(3, 500)) for _ in range(30)]
    alone = predictor.predict([target])[0]
    among = list(predictor.predict_stream(enumerate(others[:15] + [target] + others[15:])))[15]
    assert alone.windows > 3 and alone.entities
    assert entity_tuples(among.prediction.entities) == entity_tuples(alone.entities)


def test_a_text_the_tokenizer_rejects_fails_alone(predictor, monkeypatch, small_chunks):
    texts = mixed_texts(12)
    poison = "POISON " + texts[0]
    real = stream.tokenize_documents

    def fragile(tokenizer, batch):
        if any(t.startswith("POISON") for t in batch):
            raise RuntimeError("tokenizer exploded")
        return real(tokenizer, batch)

    monkeypatch.setattr(stream, "tokenize_documents", fragile)
    items = [(i, t) for i, t in enumerate(texts)]
    items[5] = (5, poison)
    items[8] = (8, None)  # not a string at all
    results = list(predictor.predict_stream(items))
    assert [r.id for r in results] == list(range(12))
    assert "tokenizer exploded" in str(results[5].error)
    assert isinstance(results[8].error, TypeError) and "NoneType" in str(results[8].error)
    good = [i for i in range(12) if i not in (5, 8)]
    assert all(results[i].ok for i in good)
    expected = pooled_entities(predictor, [texts[i] for i in good])
    assert [entity_tuples(results[i].prediction.entities) for i in good] == expected


def test_predict_raises_the_error_of_a_failing_document(predictor):
    with pytest.raises(TypeError, match="must be a string"):
        predictor.predict(["fine text", 42])


class FailsOnLongBatches(torch.nn.Module):
    """Wraps a model; a batch of long windows fails as an out-of-memory error would."""

    def __init__(self, model, limit):
        super().__init__()
        self.model, self.limit, self.config = model, limit, model.config

    def forward(self, input_ids, **kwargs):
        if input_ids.shape[1] > self.limit:
            raise RuntimeError("CUDA out of memory (simulated)")
        return self.model(input_ids=input_ids, **kwargs)


def test_a_failed_batch_fails_its_chunk_and_the_stream_goes_on(
    tiny_model, tokenizer, contract_tags, small_chunks
):
    model = FailsOnLongBatches(tiny_model, limit=40)
    predictor = Predictor(model, tokenizer, contract_tags, WindowConfig(64, 16), device="cpu")
    short = ["Zorblax paid", "Quentin Farnsworth", "March 2021"]
    long_text = random_text(random.Random(2), 300)
    results = list(predictor.predict_stream(enumerate([*short, long_text, *short])))
    assert len(results) == 7
    failed = [r.id for r in results if not r.ok]
    assert 3 in failed and "out of memory" in str(results[3].error)
    assert any(r.ok for r in results), "chunks without long windows still read"


def test_documents_held_stay_within_the_bound(tiny_model, tokenizer, contract_tags, small_chunks):
    predictor = Predictor(
        tiny_model,
        tokenizer,
        contract_tags,
        WindowConfig(64, 16),
        device="cpu",
        workers=2,
        max_docs_in_flight=4,
    )
    pulled = 0
    worst = 0
    texts = mixed_texts(60)

    def source():
        nonlocal pulled
        for i, t in enumerate(texts):
            pulled += 1
            yield i, t

    for yielded, _result in enumerate(predictor.predict_stream(source()), start=1):
        worst = max(worst, pulled - yielded)
    # The bound, plus the chunk being filled and those the workers hold ahead.
    assert worst <= 4 + MAX_CHUNK_DOCS
    chunk_docs = max(len(c.ids) for c in iter_chunks(enumerate(texts), 1500))
    assert worst <= 4 + (predictor.workers + 2) * chunk_docs
    assert pulled == 60


def test_workers_stop_when_the_consumer_stops_early_or_fails(predictor, small_chunks):
    texts = mixed_texts(40)
    results = predictor.predict_stream(enumerate(texts))
    next(results)
    results.close()  # what a `break` out of the loop does
    assert host_threads() == []

    with pytest.raises(KeyError):
        for result in predictor.predict_stream(enumerate(texts)):
            if result.id == 7:
                raise KeyError("the consumer failed")
    assert host_threads() == []

    list(predictor.predict_stream(enumerate(texts)))
    assert host_threads() == []


def test_progress_bar_shows_documents(predictor, capsys):
    list(predictor.predict_stream([(1, "Zorblax paid"), (2, "March 2021")], progress=True))
    assert "Reading documents" in capsys.readouterr().err


def test_bad_settings_are_refused(tiny_model, tokenizer, contract_tags):
    predictor = Predictor(tiny_model, tokenizer, contract_tags, device="cpu", max_docs_in_flight=0)
    with pytest.raises(ValueError, match="max_docs_in_flight=0"):
        list(predictor.predict_stream([(1, "x")]))


def test_auto_precision_is_fp32_on_cpu(tiny_model, tokenizer, contract_tags):
    predictor = Predictor(tiny_model, tokenizer, contract_tags, device="cpu", precision="auto")
    assert predictor.precision == "fp32"


def test_default_workers_by_device():
    assert stream.default_workers(torch.device("cpu")) == 1
    assert stream.default_workers(torch.device("cuda")) >= 1
    assert stream.chunk_chars(65536, torch.device("cuda")) > stream.chunk_chars(
        65536, torch.device("cpu")
    )


# --- the pieces the stream relies on ----------------------------------------------------


def test_the_backend_encoder_tokenises_as_the_tokenizer_call(tokenizer):
    texts = mixed_texts(10) + ["İstanbul Straße ﬁnance 日本語の契約", "\ufeffbom\t\n  U.S.A.", ""]
    ours = tokenize_documents(tokenizer, texts)
    theirs = tokenizer(
        texts, add_special_tokens=False, return_offsets_mapping=True, truncation=False
    )
    for tok, ids, offsets in zip(ours, theirs["input_ids"], theirs["offset_mapping"], strict=True):
        assert tok.input_ids.tolist() == list(ids)
        assert tok.offsets.reshape(-1, 2).tolist() == [list(o) for o in offsets]
    # The tokenizer's own truncation setting is left alone and never applied to ours.
    assert document_encoder(tokenizer) is document_encoder(tokenizer)
    assert document_encoder(tokenizer).truncation is None


def scatter_add_stitch(n_tokens, ranges, window_probs):
    """The stitching as first written (np.add.at), kept here as the reference."""
    starts, ends = ranges[:, 0], ranges[:, 1]
    lengths = ends - starts
    position = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    token = np.repeat(starts, lengths) + position
    weights = np.concatenate(
        [
            window_weights(int(n), bool(a > 0), bool(b < n_tokens))
            for a, b, n in zip(starts, ends, lengths, strict=True)
        ]
    )
    probs = np.concatenate(window_probs).astype(np.float64)
    summed = np.zeros((n_tokens, probs.shape[1]))
    np.add.at(summed, token, probs * weights[:, None])
    total = np.bincount(token, weights=weights, minlength=n_tokens)
    covered = total > 0
    summed[covered] /= total[covered, None]
    summed[~covered] = 0.0
    summed[~covered, 0] = 1.0
    return summed


@pytest.mark.parametrize("n_tokens,usable,overlap", [(1000, 62, 16), (130, 62, 40), (61, 62, 0)])
def test_slice_stitching_equals_the_scatter_add_bit_for_bit(n_tokens, usable, overlap):
    from nerkit.windows import window_ranges

    rng = np.random.default_rng(n_tokens)
    ranges = window_ranges(n_tokens, usable, overlap)
    probs = [rng.dirichlet(np.ones(5), size=e - s).astype(np.float32) for s, e in ranges]
    ours = stitch_windows(n_tokens, ranges, probs)
    assert np.array_equal(ours, scatter_add_stitch(n_tokens, ranges, probs))
