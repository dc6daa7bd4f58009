"""Heads (linear, CRF), token shapes, and the CRF's decoding over stitched windows."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

import numpy as np
import pytest
import torch

from nerkit.decoding import TagScheme, decode_entities, stitch_windows, viterbi_bio
from nerkit.heads import CRFHead, crf_log_partition, scored_positions
from nerkit.shapes import SHAPE_NONE, describe, token_shapes

TAGS = ["O", "B-ORG", "I-ORG", "B-PER", "I-PER"]
SCHEME = TagScheme.from_tags(TAGS)
FREE = replace(
    SCHEME,
    allowed=np.ones_like(SCHEME.allowed),
    allowed_start=np.ones_like(SCHEME.allowed_start),
)


def brute_force_path(lp: np.ndarray, transitions: np.ndarray, scheme: TagScheme) -> tuple:
    best, best_path = -np.inf, None
    for path in itertools.product(range(lp.shape[1]), repeat=len(lp)):
        if not scheme.valid(path):
            continue
        score = lp[np.arange(len(lp)), path].sum()
        score += sum(transitions[a, b] for a, b in itertools.pairwise(path))
        if score > best:
            best, best_path = score, path
    return best_path


@pytest.mark.parametrize("scheme", [SCHEME, FREE], ids=["bio", "unconstrained"])
@pytest.mark.parametrize("seed", range(12))
def test_viterbi_with_learned_transitions_is_the_brute_force_best_path(scheme, seed):
    rng = np.random.default_rng(seed)
    length = int(rng.integers(1, 6))
    lp = rng.normal(size=(length, len(TAGS))) * 2
    transitions = rng.normal(size=(len(TAGS), len(TAGS))) * 2
    path = viterbi_bio(lp, scheme, transitions)
    assert tuple(path.tolist()) == brute_force_path(lp, transitions, scheme)


def test_learned_transitions_change_the_path():
    lp = np.log(np.asarray([[0.1, 0.5, 0.05, 0.3, 0.05], [0.4, 0.05, 0.3, 0.05, 0.2]]))
    assert viterbi_bio(lp, SCHEME).tolist() == [1, 0]
    rewards = np.zeros((5, 5))
    rewards[1, 2] = 2.0  # B-ORG -> I-ORG made likely
    assert viterbi_bio(lp, SCHEME, rewards).tolist() == [1, 2]


def test_crf_partition_is_the_sum_over_all_paths_of_the_scored_tokens():
    torch.manual_seed(0)
    emissions = torch.randn(2, 6, len(TAGS))
    labels = torch.tensor(
        [[-100, 1, -100, 2, 0, -100], [-100, 3, 4, -100, -100, -100]], dtype=torch.long
    )
    transitions = torch.randn(len(TAGS), len(TAGS))
    scores, tags, mask = scored_positions(emissions, labels)
    assert tags[0].tolist() == [1, 2, 0] and mask.tolist() == [[1, 1, 1], [1, 1, 0]]
    log_z = crf_log_partition(scores, mask, transitions)
    for row in range(2):
        kept = scores[row][mask[row]]
        totals = [
            kept[np.arange(len(kept)), list(p)].sum()
            + sum(transitions[a, b] for a, b in itertools.pairwise(p))
            for p in itertools.product(range(len(TAGS)), repeat=len(kept))
        ]
        assert log_z[row].item() == pytest.approx(torch.logsumexp(torch.stack(totals), 0).item())


def test_crf_loss_falls_as_the_gold_path_gets_likelier():
    head = CRFHead(4, TAGS)
    labels = torch.tensor([[-100, 1, 2, 0, -100]])
    emissions = torch.zeros(1, 5, len(TAGS))
    before = head.loss(emissions, labels).item()
    emissions[0, 1, 1] = emissions[0, 2, 2] = emissions[0, 3, 0] = 3.0
    assert head.loss(emissions, labels).item() < before
    assert before == pytest.approx(np.log(len(TAGS)))  # uniform: log T per scored token
    assert head.loss(emissions, torch.full((1, 5), -100)).item() == 0.0


def test_crf_decoding_of_stitched_windows_equals_the_unwindowed_emissions():
    """Windows without overlap: stitching the per-window softmax, then one Viterbi with the
    learned transitions, gives the path of the raw emissions decoded in one piece."""
    rng = np.random.default_rng(3)
    n = 97
    emissions = rng.normal(size=(n, len(TAGS))) * 3
    transitions = rng.normal(size=(len(TAGS), len(TAGS))) * 2
    text = " ".join(f"w{i:02d}" for i in range(n))
    offsets = np.asarray([[4 * i, 4 * i + 3] for i in range(n)])
    word_ids = np.arange(n)

    def softmax(x: np.ndarray) -> np.ndarray:
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    ranges = np.asarray([[s, min(s + 10, n)] for s in range(0, n, 10)])
    stitched = stitch_windows(n, ranges, [softmax(emissions[a:b]) for a, b in ranges])
    windowed = decode_entities(text, stitched, word_ids, offsets, SCHEME, "first", transitions)
    whole = decode_entities(
        text, softmax(emissions), word_ids, offsets, SCHEME, "first", transitions
    )
    assert [e.as_span() for e in windowed] == [e.as_span() for e in whole] and len(whole) > 5
    assert [e.score for e in windowed] == pytest.approx([e.score for e in whole])
    raw_path = viterbi_bio(emissions, SCHEME, transitions)
    labels = [SCHEME.labels[t] for t in raw_path[SCHEME.is_begin[raw_path]]]
    assert [e.label for e in whole] == labels
    # Without the transitions the reading differs: they are what the CRF learnt.
    assert decode_entities(text, stitched, word_ids, offsets, SCHEME) != windowed


# --- token shapes -----------------------------------------------------------------------


def shapes_of(tokenizer, text: str) -> list[str]:
    from nerkit.windows import tokenize_document

    tok = tokenize_document(tokenizer, text)
    return [describe(s) for s in tok.shapes.tolist()]


def test_shapes_keep_case_the_tokenizer_lowercases(tokenizer):
    from nerkit.windows import tokenize_document

    text = "BANK Corp. paid J. Smith 12,500 on 3Q"
    tok = tokenize_document(tokenizer, text)
    pieces = tokenizer.convert_ids_to_tokens(tok.input_ids.tolist())
    assert pieces[:2] == ["bank", "corp"] and pieces[-1] == "##q"  # case is gone here
    upper, title, lower, one = "upper", "title", "lower", "one-upper"
    word, digits, punct = (
        "/no-digits/no-punct",
        "no-letters/only-digits/no-punct",
        ("no-letters/no-digits/only-punct"),
    )
    assert shapes_of(tokenizer, text) == [
        upper + word,
        title + word,
        punct,
        lower + word,
        one + word,
        punct,
        title + word,
        digits,
        punct,
        digits,
        lower + word,
        digits,
        one + word,
    ]


def test_shapes_of_odd_unicode_and_pieces_spanning_several_characters(tokenizer):
    """Accents the tokenizer strips, a ligature cut in three pieces, an emoji (outside the
    16-bit plane), a title-case digraph, an Arabic-Indic digit; and an empty piece."""
    from nerkit.windows import tokenize_document

    text = "ÉMILE Société ﬁnance 😀 ǅemal ٣"
    tok = tokenize_document(tokenizer, text)
    pieces = tokenizer.convert_ids_to_tokens(tok.input_ids.tolist())
    assert pieces[:3] == ["emile", "societe", "ﬁ"] and pieces[-1] == "[UNK]"
    assert shapes_of(tokenizer, text) == [
        "upper/no-digits/no-punct",
        "title/no-digits/no-punct",
        "lower/no-digits/no-punct",
        "lower/no-digits/no-punct",
        "lower/no-digits/no-punct",
        "no-letters/no-digits/only-punct",
        "lower/no-digits/no-punct",  # ǅ is title case, not upper: the word reads as lower
        "no-letters/only-digits/no-punct",
    ]
    empty = token_shapes(text, np.asarray([[5, 5], [0, 1]]))
    assert describe(int(empty[0])) == "none" and describe(int(empty[1])).startswith("one-upper")
    assert token_shapes(text, np.zeros((0, 2), dtype=np.int64)).shape == (0,)


def test_shapes_are_the_same_in_training_and_inference(tokenizer):
    """The windows train reads and the batches the engine reads carry the same shapes."""
    from nerkit.batching import batch_inputs
    from nerkit.documents import Document, Span
    from nerkit.windows import (
        WindowConfig,
        document_windows,
        special_tokens,
        tokenize_document,
        training_windows,
    )

    text = "This Agreement between ACME Holdings, Inc. and Jane DOE of Paris. " * 12
    doc = Document("d", text, [Span(23, 41, "ORG")])
    window = WindowConfig(48, 8)
    rows = training_windows(tokenizer, doc, {t: i for i, t in enumerate(TAGS)}, window, shapes=True)
    special = special_tokens(tokenizer)
    tok = tokenize_document(tokenizer, text)
    ranges = document_windows(len(tok), window, special.count)
    assert len(rows) == len(ranges) > 3
    for row, (start, end) in zip(rows, ranges.tolist(), strict=True):
        served = batch_inputs(
            [tok.input_ids[start:end]], special, len(row["input_ids"]), [tok.shapes[start:end]]
        )
        assert served["shape_ids"][0].tolist() == row["shape_ids"]
        assert served["input_ids"][0].tolist() == row["input_ids"]
    assert rows[0]["shape_ids"][0] == SHAPE_NONE and len(set(rows[0]["shape_ids"])) > 3


# --- bundles and the engine -------------------------------------------------------------

HEADS = [
    ("nerkit.heads.LinearHead", False),
    ("nerkit.heads.LinearHead", True),
    ("nerkit.heads.CRFHead", False),
    ("nerkit.heads.CRFHead", True),
]
TEXT = "This Loan Agreement is made on 3 March 2024 between ACME Holdings, Inc. and Jane Doe. "


@pytest.mark.parametrize(("head", "shapes"), HEADS)
def test_bundle_round_trip_of_each_head(tmp_path, tokenizer, contract_tags, head, shapes):
    from nerkit.bundle import BundleMeta, load_bundle, read_bundle_meta, save_bundle
    from nerkit.models import tiny_tagger
    from nerkit.predictor import Predictor
    from nerkit.windows import WindowConfig

    model = tiny_tagger(contract_tags, tokenizer.vocab_size, head, shapes).eval()
    meta = BundleMeta(
        tags=list(contract_tags),
        max_length=64,
        overlap=16,
        head={"_target_": head},
        shape_features=shapes,
    )
    save_bundle(tmp_path / "b", model, tokenizer, meta)
    files = {p.name for p in (tmp_path / "b").iterdir()}
    assert {"encoder", "head.safetensors", "nerkit.json"} <= files
    assert not any(p.suffix in {".pkl", ".bin", ".pt"} for p in (tmp_path / "b").rglob("*"))
    assert read_bundle_meta(tmp_path / "b").head == {"_target_": head}
    loaded, _, _ = load_bundle(tmp_path / "b")
    for name, value in model.state_dict().items():
        assert torch.equal(value, loaded.state_dict()[name]), name
    texts = [TEXT * 6, "Jane Doe signs."]
    engine = Predictor(model, tokenizer, contract_tags, WindowConfig(64, 16), device="cpu")
    expected = [p.entities for p in engine.predict(texts)]
    served = Predictor.from_bundle(tmp_path / "b", device="cpu").predict(texts)
    # (from_bundle packs the Linears for oneDNN: the same entities, scores to rounding)
    assert [[e.as_span() for e in p.entities] for p in served] == [
        [e.as_span() for e in doc] for doc in expected
    ]
    assert [e.score for p in served for e in p.entities] == pytest.approx(
        [e.score for doc in expected for e in doc], abs=1e-4
    )
    assert sum(len(e) for e in expected) > 0
    if head.endswith("CRFHead"):
        assert served[0].entities and engine.transitions is not None


def test_shape_features_change_what_the_model_reads(tokenizer, contract_tags):
    from nerkit.predictor import Predictor
    from nerkit.windows import WindowConfig

    model = tiny_tagger_eval(tokenizer, contract_tags)
    engine = Predictor(model, tokenizer, contract_tags, WindowConfig(64, 16), device="cpu")
    lower, upper = engine.predict_token_probs(["acme holdings", "ACME HOLDINGS"])
    assert lower.tokenized.input_ids.tolist() == upper.tokenized.input_ids.tolist()
    assert not np.allclose(lower.probs, upper.probs)


def tiny_tagger_eval(tokenizer, tags):
    from nerkit.models import tiny_tagger

    return tiny_tagger(tags, tokenizer.vocab_size).eval()


def small_encoder():
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=50,
        hidden_size=8,
        num_hidden_layers=1,
        num_attention_heads=1,
        intermediate_size=8,
    )
    return BertModel(config)


def test_a_head_must_be_a_torch_module(tokenizer, contract_tags):
    from nerkit.bundle import BundleMeta
    from nerkit.heads import TokenTagger

    encoder = small_encoder()
    with pytest.raises(ValueError, match=r"not a torch\.nn\.Module"):
        TokenTagger(encoder, {"_target_": "os.system"}, list(contract_tags))
    with pytest.raises(ValueError, match="cannot be imported"):
        TokenTagger(encoder, {"_target_": "nerkit.heads.NoSuchHead"}, list(contract_tags))
    with pytest.raises(ValueError, match="needs a head"):
        BundleMeta(tags=list(contract_tags), shape_features=True)
    assert json.dumps(BundleMeta(tags=list(contract_tags)).to_dict()["head"]) == "null"


def test_a_nested_target_in_a_bundles_head_spec_is_never_called(tmp_path, capsys):
    from nerkit.heads import TokenTagger

    encoder = small_encoder()
    spec = {
        "_target_": "nerkit.heads.LinearHead",
        "dropout": {"_target_": "builtins.print", "_args_": ["CALLED"]},
    }
    with pytest.raises(ValueError, match=r"settings \['dropout'\] hold a _target_"):
        TokenTagger(encoder, spec, TAGS)
    assert "CALLED" not in capsys.readouterr().out


def test_shapes_read_the_first_letter_of_a_piece_not_its_first_character():
    text = "see (Acme) and the World"
    # A SentencePiece tokenizer gives "▁World" the space before it; "(Acme" as one piece.
    offsets = np.asarray([[4, 9], [18, 24], [0, 3]])
    shapes = [describe(s) for s in token_shapes(text, offsets).tolist()]
    assert shapes[0] == "title/no-digits/some-punct"
    assert shapes[1] == "title/no-digits/no-punct"
    assert shapes[2] == "lower/no-digits/no-punct"
    assert token_shapes("", np.asarray([[0, 0]])).tolist() == [SHAPE_NONE]


def test_learned_transitions_keep_their_precision_in_a_bf16_bundle(
    tmp_path, tokenizer, contract_tags
):
    from nerkit.bundle import BundleMeta, load_bundle, save_bundle
    from nerkit.heads import transition_scores
    from nerkit.models import tiny_tagger

    model = tiny_tagger(contract_tags, tokenizer.vocab_size).eval()
    meta = BundleMeta(
        tags=list(contract_tags),
        max_length=64,
        overlap=16,
        head={"_target_": "nerkit.heads.CRFHead"},
        shape_features=True,
    )
    save_bundle(tmp_path / "b", model, tokenizer, meta)
    # As Predictor.from_bundle(precision="bf16") loads it (on any CPU: no bf16 maths here).
    loaded, _, _ = load_bundle(tmp_path / "b", dtype=torch.bfloat16)
    assert next(loaded.encoder.parameters()).dtype == torch.bfloat16
    expected = model.head.transitions.detach().double().numpy()
    np.testing.assert_array_equal(transition_scores(loaded), expected)
