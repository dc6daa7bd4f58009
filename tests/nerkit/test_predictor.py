"""The engine end to end: windows, batches, stitching, decoding, precisions."""

from __future__ import annotations

import copy
import random
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerkit.decoding import TagScheme, decode_entities
from nerkit.devices import cpu_supports_bf16, onednn_linear_available, use_onednn_linear
from nerkit.documents import Span
from nerkit.predictor import Predictor, padded_length, plan_batches
from nerkit.windows import (
    WindowConfig,
    special_tokens,
    token_tags,
    tokenize_document,
    window_ranges,
)

VOCABULARY = (
    "agreement party hereby shall payment notice term clause schedule lender borrower "
    "Zorblax Holdings Limited Quentin Farnsworth Delaware March 2021 USD 1,250,000.00 "
    "indemnify warrant covenant ( ) ; : - — § Inc. LLC GmbH"
)
WORDS = VOCABULARY.split()


def random_text(rng: random.Random, n_words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n_words))


def entity_tuples(prediction):
    return [(e.label, e.start, e.end, e.text) for e in prediction.entities]


@pytest.fixture(scope="module")
def predictor(tiny_model, tokenizer, contract_tags):
    return Predictor(tiny_model, tokenizer, contract_tags, WindowConfig(64, 16), device="cpu")


# --- windowed versus unwindowed -------------------------------------------------------


def test_a_document_in_one_window_reads_as_without_windows(tiny_model, tokenizer, contract_tags):
    text = random_text(random.Random(1), 60)
    predictor = Predictor(tiny_model, tokenizer, contract_tags, WindowConfig(256, 32), device="cpu")
    (windowed,) = predictor.predict([text])
    assert windowed.windows == 1

    # Unwindowed: the model on the whole tokenised text, decoded directly.
    enc = tokenizer(text, return_tensors="pt")
    with torch.inference_mode():
        probs = tiny_model(**enc).logits.float().softmax(-1)[0, 1:-1].numpy()
    tok = tokenize_document(tokenizer, text)
    direct = decode_entities(
        text, probs, tok.word_ids, tok.offsets, TagScheme.from_tags(contract_tags)
    )
    assert windowed.entities, "the random model should find something to compare"
    assert entity_tuples(windowed) == [(e.label, e.start, e.end, e.text) for e in direct]
    assert [e.score for e in windowed.entities] == pytest.approx(
        [e.score for e in direct], rel=1e-5
    )


# --- entities across window edges -----------------------------------------------------

PASSAGE = (
    "the parties namely zorblax holdings limited and quentin farnsworth agree that from "
    "march fourteenth twenty twenty one the laws of delaware govern payments of nine "
    "million dollars here"
)
PASSAGE_ENTITIES = [
    ("zorblax holdings limited", "ORG"),
    ("quentin farnsworth", "PERSON"),
    ("march fourteenth twenty twenty one", "DATE"),
    ("delaware", "JURISDICTION"),
    ("nine million dollars", "MONEY"),
]
EDGE_BLIND = 3  # the fake model reads this many tokens at each window edge as O


class GoldLookupModel(torch.nn.Module):
    """Logits from each token id's gold tag, blind near window edges like a real model.

    Tokens within ``EDGE_BLIND`` of either edge of a window are read as O, so only a
    stitching that trusts the window seeing a token from further inside gets them right.
    """

    def __init__(self, id_to_tag: dict[int, int], n_tags: int, vocab_size: int) -> None:
        super().__init__()
        table = torch.zeros(vocab_size, dtype=torch.long)
        for token_id, tag in id_to_tag.items():
            table[token_id] = tag
        self.table: torch.Tensor
        self.register_buffer("table", table)
        self.anchor = torch.nn.Parameter(torch.zeros(1))  # gives the model a device and dtype
        self.n_tags = n_tags
        self.config = SimpleNamespace(num_labels=n_tags, max_position_embeddings=512)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        tags = self.table[input_ids]
        content_length = attention_mask.sum(dim=1, keepdim=True) - 2
        position = torch.arange(input_ids.shape[1], device=input_ids.device)[None, :] - 1
        blind = (position < EDGE_BLIND) | (position >= content_length - EDGE_BLIND)
        tags = torch.where(blind, torch.zeros_like(tags), tags)
        logits = torch.nn.functional.one_hot(tags, self.n_tags).float() * 8 + self.anchor
        return SimpleNamespace(logits=logits)


def repeated_passage(copies: int, tail_words: int) -> tuple[str, list[Span]]:
    head = "preamble words before it all "
    text = head + " ".join([PASSAGE] * copies) + " closing" * tail_words
    spans = []
    for c in range(copies):
        base = len(head) + c * (len(PASSAGE) + 1)
        for entity, label in PASSAGE_ENTITIES:
            start = base + PASSAGE.index(entity)
            spans.append(Span(start, start + len(entity), label))
    return text, spans


def test_entities_across_window_edges_are_found_once_with_exact_offsets(tokenizer, contract_tags):
    tag2id = {t: i for i, t in enumerate(contract_tags)}
    cfg = WindowConfig(24, 8)
    usable = cfg.usable(special_tokens(tokenizer).count)
    copies = 12
    # The fake model is blind at document edges too, so the text starts and ends with at
    # least EDGE_BLIND words outside entities. Pick a tail so the last (end-aligned)
    # window does not start within EDGE_BLIND tokens of its neighbour: a token both
    # windows see only from their edges would be a fault of the fake model, not of the
    # stitching.
    for tail in range(EDGE_BLIND, EDGE_BLIND + 20):
        text, spans = repeated_passage(copies, tail)
        tok = tokenize_document(tokenizer, text)
        ranges = window_ranges(len(tok), usable, cfg.overlap)
        if np.diff(ranges[:, 0]).min() > EDGE_BLIND:
            break
    gold = token_tags(tok, spans, tag2id, label_all_subtokens=True)
    id_to_tag: dict[int, int] = {}
    for token_id, tag in zip(tok.input_ids.tolist(), gold.tolist(), strict=True):
        assert id_to_tag.setdefault(token_id, tag) == tag, "the passage must be unambiguous"

    # Window edges really fall inside entities: the token just after a cut continues one.
    continues = np.isin(gold, [tag2id[t] for t in contract_tags if t.startswith("I-")])
    assert continues[ranges[1:, 0]].any(), "no window starts inside an entity"
    assert continues[ranges[:-1, 1]].any(), "no window ends inside an entity"

    model = GoldLookupModel(id_to_tag, len(contract_tags), tokenizer.vocab_size)
    predictor = Predictor(model, tokenizer, contract_tags, cfg, device="cpu", batch_tokens=256)
    (prediction,) = predictor.predict([text])
    assert prediction.windows == len(ranges) > copies
    found = [e.as_span() for e in prediction.entities]
    assert found == sorted(spans)
    assert len(found) == copies * len(PASSAGE_ENTITIES)
    assert all(text[e.start : e.end] == e.text for e in prediction.entities)


# --- batching ---------------------------------------------------------------------------


@pytest.mark.parametrize("owned", [False, True], ids=["shared-model", "owned-packed-linears"])
def test_a_document_reads_the_same_alone_and_among_64_others(
    tiny_model, tokenizer, contract_tags, owned
):
    model = copy.deepcopy(tiny_model) if owned else tiny_model
    predictor = Predictor(
        model, tokenizer, contract_tags, WindowConfig(128, 24), device="cpu", owns_model=owned
    )
    if owned and onednn_linear_available():
        assert type(predictor.model.classifier) is not torch.nn.Linear  # packed for oneDNN
    rng = random.Random(7)
    target = random_text(rng, 400)
    others = [random_text(rng, rng.randint(3, 500)) for _ in range(64)]
    alone = predictor.predict([target])[0]
    batch = others[:30] + [target] + others[30:]
    among = predictor.predict(batch)[30]
    assert alone.windows > 3 and alone.entities
    assert entity_tuples(among) == entity_tuples(alone)
    assert [e.score for e in among.entities] == [e.score for e in alone.entities]


def test_results_come_back_in_input_order(predictor):
    rng = random.Random(3)
    texts = [random_text(rng, n) for n in (300, 2, 90, 0, 150)]
    together = predictor.predict(texts)
    separately = [predictor.predict([t])[0] for t in texts]
    assert [entity_tuples(p) for p in together] == [entity_tuples(p) for p in separately]
    assert [p.tokens for p in together] == [p.tokens for p in separately]
    assert together[3].entities == [] and together[3].windows == 0


def test_small_token_budget_gives_the_same_entities(tiny_model, tokenizer, contract_tags):
    rng = random.Random(5)
    texts = [random_text(rng, n) for n in (200, 40, 120)]
    cfg = WindowConfig(64, 16)
    big = Predictor(tiny_model, tokenizer, contract_tags, cfg, device="cpu", batch_tokens=8192)
    small = Predictor(tiny_model, tokenizer, contract_tags, cfg, device="cpu", batch_tokens=1)
    assert [entity_tuples(p) for p in big.predict(texts)] == [
        entity_tuples(p) for p in small.predict(texts)
    ]


def test_batches_pack_windows_of_one_padded_length_under_the_budget():
    lengths = np.asarray([256, 40, 256, 250, 33, 256, 17])
    plan = plan_batches(lengths, batch_tokens=512, multiple=16, cap=256)
    seen = np.concatenate([members for _, members in plan])
    assert sorted(seen.tolist()) == list(range(len(lengths)))
    for size, members in plan:
        assert len(members) * size <= 512 or len(members) == 1
        assert all(padded_length(int(n), 16, 256) == size for n in lengths[members])
    assert [size for size, _ in plan] == sorted((size for size, _ in plan), reverse=True)
    assert padded_length(250, 16, 250) == 250  # never past the window length


def test_max_windows_one_reads_only_the_start(tiny_model, tokenizer, contract_tags):
    text = random_text(random.Random(11), 600)
    cfg = WindowConfig(64, 0)
    truncated = Predictor(
        tiny_model, tokenizer, contract_tags, cfg, device="cpu", max_windows=1
    ).predict([text])[0]
    full = Predictor(tiny_model, tokenizer, contract_tags, cfg, device="cpu").predict([text])[0]
    tok = tokenize_document(tokenizer, text)
    stop = int(tok.offsets[61, 1])  # end of the last of 62 usable tokens
    assert truncated.windows == 1 and truncated.tokens == 62
    assert full.windows > 1 and full.tokens == len(tok)
    assert truncated.entities and all(e.end <= stop for e in truncated.entities)
    assert any(e.start > stop for e in full.entities)


def test_a_single_string_is_refused(predictor):
    with pytest.raises(TypeError, match="sequence of texts"):
        predictor.predict("one text")


def test_token_probabilities_are_exposed(predictor):
    (reading,) = predictor.predict_token_probs(["Zorblax Holdings pays Quentin."])
    assert reading.probs.shape == (len(reading.tokenized), len(predictor.tags))
    np.testing.assert_allclose(reading.probs.sum(axis=1), 1.0, rtol=1e-5)


# --- odd text ---------------------------------------------------------------------------

ODD_PIECES = [
    "Zorblax",
    "Holdings",
    "😀",
    "👩‍👩‍👧",
    "e\u0301t\u0301e\u0301",
    "שלום",
    "مرحبا",
    "\u202eevil\u202c",
    "zero\u200bwidth",
    "nul\x00byte",
    "\ufeffbom",
    "İstanbul",
    "Straße",
    "ﬁnance",
    "日本語の契約",
    "\t\n",
    "  ",
    "1,250,000.00",
    "U.S.A.",
]


def assert_offsets_hold(text, prediction):
    for e in prediction.entities:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start : e.end] == e.text


@pytest.mark.parametrize("piece", ODD_PIECES)
def test_offsets_hold_for_odd_text(predictor, piece):
    text = f"{piece} Zorblax {piece}{piece} paid {piece} on March 3 {piece}"
    assert_offsets_hold(text, predictor.predict([text])[0])


@given(
    pieces=st.lists(
        st.one_of(st.sampled_from(ODD_PIECES), st.text(min_size=1, max_size=12)), max_size=40
    )
)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_offsets_hold_for_any_text(predictor, pieces):
    text = " ".join(pieces)
    assert_offsets_hold(text, predictor.predict([text])[0])


# --- devices and precisions ----------------------------------------------------------


def test_the_token_budget_defaults_by_device(tiny_model, tokenizer, contract_tags):
    from nerkit.predictor import CPU_BATCH_TOKENS, GPU_BATCH_TOKENS, default_batch_tokens

    assert Predictor(tiny_model, tokenizer, contract_tags, device="cpu").batch_tokens == 2048
    chosen = Predictor(tiny_model, tokenizer, contract_tags, device="cpu", batch_tokens=96)
    assert chosen.batch_tokens == 96
    assert default_batch_tokens(torch.device("cpu")) == CPU_BATCH_TOKENS
    assert default_batch_tokens(torch.device("cuda", 0)) == GPU_BATCH_TOKENS > CPU_BATCH_TOKENS


@pytest.mark.skipif(not onednn_linear_available(), reason="this torch build has no oneDNN")
def test_packed_linears_compute_what_the_model_computes(tiny_model, tokenizer, contract_tags):
    packed = copy.deepcopy(tiny_model).eval()
    n_linear = sum(type(m) is torch.nn.Linear for m in tiny_model.modules())
    assert use_onednn_linear(packed) == n_linear > 0
    assert not any(type(m) is torch.nn.Linear for m in packed.modules())
    ids = torch.randint(5, tokenizer.vocab_size, (3, 40))
    with torch.inference_mode():
        expected = tiny_model.eval()(input_ids=ids).logits
        torch.testing.assert_close(packed(input_ids=ids).logits, expected, rtol=1e-4, atol=1e-4)
    # The caller's model keeps its Linears unless the predictor owns it.
    Predictor(tiny_model, tokenizer, contract_tags, device="cpu")
    assert type(tiny_model.classifier) is torch.nn.Linear


def test_int8_runs_on_cpu(tiny_model, tokenizer, contract_tags):
    predictor = Predictor(tiny_model, tokenizer, contract_tags, device="cpu", precision="int8")
    text = random_text(random.Random(2), 50)
    assert_offsets_hold(text, predictor.predict([text])[0])
    assert type(predictor.model.classifier) is not torch.nn.Linear
    # Per output channel: one scale per matrix cost a trained model a point of F1.
    assert predictor.model.classifier.weight().qscheme() == torch.per_channel_affine
    assert type(tiny_model.classifier) is torch.nn.Linear, "the caller's model is untouched"


@pytest.mark.skipif(not cpu_supports_bf16(), reason="this CPU has no native bf16")
def test_bf16_runs_on_cpu(tiny_model, tokenizer, contract_tags):
    predictor = Predictor(tiny_model, tokenizer, contract_tags, device="cpu", precision="bf16")
    text = random_text(random.Random(2), 50)
    assert_offsets_hold(text, predictor.predict([text])[0])
    assert next(predictor.model.parameters()).dtype == torch.bfloat16
    assert next(tiny_model.parameters()).dtype == torch.float32, "the caller's model is untouched"


def test_fp16_on_cpu_is_refused(tiny_model, tokenizer, contract_tags):
    with pytest.raises(ValueError, match="fp16 runs on CUDA only"):
        Predictor(tiny_model, tokenizer, contract_tags, device="cpu", precision="fp16")


def test_unknown_precision_and_device_are_refused(tiny_model, tokenizer, contract_tags):
    with pytest.raises(ValueError, match="precision 'fp8'"):
        Predictor(tiny_model, tokenizer, contract_tags, device="cpu", precision="fp8")
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        Predictor(tiny_model, tokenizer, contract_tags, device="tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            Predictor(tiny_model, tokenizer, contract_tags, device="cuda:0")


def test_window_longer_than_the_model_is_refused(tiny_model, tokenizer, contract_tags):
    with pytest.raises(ValueError, match="max_length=1024"):
        Predictor(tiny_model, tokenizer, contract_tags, WindowConfig(1024, 32), device="cpu")


def test_tags_must_match_the_model(tiny_model, tokenizer):
    with pytest.raises(ValueError, match="predicts 11 classes but 3 tags"):
        Predictor(tiny_model, tokenizer, ["O", "B-X", "I-X"], device="cpu")


def test_compile_refuses_int8(tiny_model, tokenizer, contract_tags):
    with pytest.raises(ValueError, match="int8 dynamic quantisation does not compile"):
        Predictor(
            tiny_model, tokenizer, contract_tags, device="cpu", precision="int8", compile=True
        )


@pytest.mark.slow
def test_compiled_model_reads_like_the_eager_one(tiny_model, tokenizer, contract_tags):
    cfg = WindowConfig(128, 24)
    rng = random.Random(7)
    target = random_text(rng, 300)
    others = [random_text(rng, rng.randint(3, 400)) for _ in range(8)]
    eager = Predictor(tiny_model, tokenizer, contract_tags, cfg, device="cpu")
    # Owned, as from a bundle: fp32 on CPU would pack the Linears, which compile cannot trace.
    compiled = Predictor(
        copy.deepcopy(tiny_model),
        tokenizer,
        contract_tags,
        cfg,
        device="cpu",
        compile=True,
        owns_model=True,
    )
    alone = compiled.predict([target])[0]
    among = compiled.predict([*others, target])[-1]
    assert entity_tuples(alone) == entity_tuples(eager.predict([target])[0])
    assert entity_tuples(among) == entity_tuples(alone)
