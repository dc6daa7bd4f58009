"""Windows: configuration checks, window ranges, tokenisation and training labels."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers.processors import TemplateProcessing

from nerkit.documents import Document, Span
from nerkit.windows import (
    IGNORE_INDEX,
    WindowConfig,
    span_index_per_token,
    special_tokens,
    token_tags,
    tokenize_document,
    training_windows,
    window_ranges,
)


@pytest.fixture(scope="module")
def tag2id(contract_tags):
    return {t: i for i, t in enumerate(contract_tags)}


@pytest.mark.parametrize(
    ("cfg", "limit", "words"),
    [
        (WindowConfig(1024, 32), 512, ["max_length=1024", "512", "window.max_length"]),
        (WindowConfig(256, -1), 512, ["overlap=-1", "window.overlap"]),
        (WindowConfig(256, 254), 512, ["overlap=254", "254", "window.overlap"]),
        (WindowConfig(256, 300), 512, ["overlap=300", "max_length=256"]),
        (WindowConfig(2, 0), 512, ["max_length=2", "special tokens"]),
    ],
)
def test_invalid_window_configs_are_refused_with_the_values(cfg, limit, words):
    with pytest.raises(ValueError) as err:
        cfg.validate(limit, n_special=2)
    for word in words:
        assert word in str(err.value)


def test_valid_window_config_passes():
    assert WindowConfig(512, 64).validate(512, n_special=2) == WindowConfig(512, 64)
    assert WindowConfig(256, 253).validate(512, n_special=2).usable(2) == 254


@given(
    n=st.integers(0, 3000),
    usable=st.integers(1, 300),
    overlap_fraction=st.floats(0, 0.99),
)
@settings(max_examples=200, deadline=None)
def test_window_ranges_cover_every_token_with_the_overlap(n, usable, overlap_fraction):
    overlap = min(int(usable * overlap_fraction), usable - 1)
    ranges = window_ranges(n, usable, overlap)
    if n == 0:
        assert ranges.shape == (0, 2)
        return
    starts, ends = ranges[:, 0], ranges[:, 1]
    assert starts[0] == 0 and ends[-1] == n
    assert np.all(ends - starts == min(usable, n))
    # Neighbours share at least `overlap` tokens, so no token is left out.
    assert np.all(ends[:-1] - starts[1:] >= overlap)
    assert np.all(np.diff(starts) > 0)


def test_window_ranges_step_by_usable_minus_overlap_and_align_the_last():
    ranges = window_ranges(100, 30, 10)
    assert ranges.tolist() == [[0, 30], [20, 50], [40, 70], [60, 90], [70, 100]]


def test_special_tokens_come_from_the_tokenizer(tokenizer):
    special = special_tokens(tokenizer)
    assert special.prefix == (tokenizer.cls_token_id,)
    assert special.suffix == (tokenizer.sep_token_id,)
    assert special.count == tokenizer.num_special_tokens_to_add(pair=False)
    assert special.uses_token_type_ids


def test_tokenize_document_keeps_offsets_and_words(tokenizer):
    text = "Zorblax Holdings signed, in Delaware."
    tok = tokenize_document(tokenizer, text)
    assert len(tok.input_ids) == len(tok.offsets) == len(tok.word_ids)
    pieces = [text[a:b].lower() for a, b in tok.offsets.tolist()]
    tokens = tokenizer.convert_ids_to_tokens(tok.input_ids.tolist())
    assert [t.removeprefix("##") for t in tokens] == pieces
    # Sub-tokens of "Zorblax" share one word index; words count up from 0.
    zorblax = tok.offsets[:, 1] <= len("Zorblax")
    assert zorblax.sum() > 1 and len(set(tok.word_ids[zorblax].tolist())) == 1
    assert tok.word_ids[0] == 0 and np.all(np.diff(tok.word_ids) >= 0)


def test_long_documents_are_never_truncated(tokenizer):
    tok = tokenize_document(tokenizer, "word " * 2000)
    assert len(tok) == 2000


@given(
    bounds=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=6),
    gaps=st.lists(st.integers(0, 2), min_size=30, max_size=30),
)
@settings(max_examples=100, deadline=None)
def test_span_index_per_token_matches_a_plain_overlap_check(bounds, gaps):
    # Tokens of length 1-3 separated by gaps of 0-2 characters.
    starts, pos = [], 0
    for i, gap in enumerate(gaps):
        pos += gap
        starts.append((pos, pos + 1 + i % 3))
        pos += 1 + i % 3
    offsets = np.asarray(starts, dtype=np.int64)
    spans: list[Span] = []
    for start, length in sorted(bounds):
        if not spans or start >= spans[-1].end:
            spans.append(Span(start, start + length, "ORG"))
    found = span_index_per_token(offsets, spans)
    for t, (a, b) in enumerate(offsets.tolist()):
        hits = [k for k, s in enumerate(spans) if a < s.end and b > s.start]
        assert found[t] == (hits[-1] if hits else -1)


def _window_labels(tokenizer, tag2id, doc, all_subtokens):
    (window,) = training_windows(tokenizer, doc, tag2id, WindowConfig(64, 8), all_subtokens)
    tokens = tokenizer.convert_ids_to_tokens(window["input_ids"])
    id2tag = {i: t for t, i in tag2id.items()}
    return list(zip(tokens, [id2tag.get(i, i) for i in window["labels"]], strict=True))


def test_training_labels_first_subtoken_only(tokenizer, tag2id):
    doc = Document(
        "d", "Zorblax Holdings pays Quentin.", [Span(0, 16, "ORG"), Span(22, 29, "PERSON")]
    )
    pairs = _window_labels(tokenizer, tag2id, doc, all_subtokens=False)
    assert pairs[0] == ("[CLS]", IGNORE_INDEX) and pairs[-1] == ("[SEP]", IGNORE_INDEX)
    labelled = [(t, lab) for t, lab in pairs[1:-1]]
    assert labelled[0][1] == "B-ORG"
    # Continuation sub-tokens of a word are ignored; the next word continues the entity.
    first_word_rest = [lab for t, lab in labelled[1:] if t.startswith("##")][:1]
    assert first_word_rest == [IGNORE_INDEX]
    assert ("holdings", "I-ORG") in labelled
    assert ("pays", "O") in labelled
    person = [lab for t, lab in labelled if lab not in (IGNORE_INDEX, "O") and "PERSON" in lab]
    assert person == ["B-PERSON"]
    assert labelled[-1] == (".", "O")


def test_training_labels_all_subtokens(tokenizer, tag2id):
    doc = Document(
        "d", "Zorblax Holdings pays Quentin.", [Span(0, 16, "ORG"), Span(22, 29, "PERSON")]
    )
    pairs = _window_labels(tokenizer, tag2id, doc, all_subtokens=True)[1:-1]
    labels = [lab for _, lab in pairs]
    assert IGNORE_INDEX not in labels
    assert labels[0] == "B-ORG"
    org = labels[: labels.index("O")]
    assert org[1:] == ["I-ORG"] * (len(org) - 1)
    person = [lab for lab in labels if "PERSON" in lab]
    assert person[0] == "B-PERSON" and set(person[1:]) <= {"I-PERSON"}


def test_a_span_ending_inside_a_token_labels_that_token(tokenizer, tag2id):
    # The span stops in the middle of "holdings": the token overlaps it, so it is labelled.
    doc = Document("d", "Zorblax Holdings pays.", [Span(0, 11, "ORG")])
    pairs = _window_labels(tokenizer, tag2id, doc, all_subtokens=False)
    assert ("holdings", "I-ORG") in pairs


def test_training_windows_overlap_and_carry_aligned_labels(tokenizer, tag2id):
    text = " ".join(f"Zorblax{i} Holdings paid Quentin Farnsworth." for i in range(30))
    spans = []
    for i in range(30):
        base = text.index(f"Zorblax{i} ")
        spans.append(Span(base, base + len(f"Zorblax{i} Holdings"), "ORG"))
        p = text.index("Quentin", base)
        spans.append(Span(p, p + len("Quentin Farnsworth"), "PERSON"))
    doc = Document("d", text, spans)
    cfg = WindowConfig(48, 12)
    windows = training_windows(tokenizer, doc, tag2id, cfg)
    tok = tokenize_document(tokenizer, text)
    tags = token_tags(tok, spans, tag2id)
    ranges = window_ranges(len(tok), cfg.usable(2), cfg.overlap)
    assert len(windows) == len(ranges) > 3
    for window, (a, b) in zip(windows, ranges.tolist(), strict=True):
        assert len(window["input_ids"]) == len(window["labels"]) <= cfg.max_length
        assert window["input_ids"][1:-1] == tok.input_ids[a:b].tolist()
        assert window["labels"][1:-1] == tags[a:b].tolist()
        assert set(window) == {"input_ids", "attention_mask", "labels", "token_type_ids"}


def test_unknown_labels_are_reported(tokenizer, tag2id):
    doc = Document("d", "Paris is nice.", [Span(0, 5, "CITY")])
    with pytest.raises(ValueError, match="CITY"):
        training_windows(tokenizer, doc, tag2id, WindowConfig(64, 8))


def test_special_tokens_follow_the_tokenizer_template(tokenizer, tag2id):
    # An XLNet-style template puts every special token after the text; nothing is assumed.
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    suffixed = copy.deepcopy(tokenizer)
    suffixed.backend_tokenizer.post_processor = TemplateProcessing(
        single="$A [SEP] [CLS]",
        pair="$A [SEP] $B [SEP] [CLS]",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    special = special_tokens(suffixed)
    assert special.prefix == () and special.suffix == (sep, cls)
    doc = Document("d", "Zorblax Holdings pays.", [Span(0, 16, "ORG")])
    (window,) = training_windows(suffixed, doc, tag2id, WindowConfig(64, 8))
    content = tokenize_document(tokenizer, doc.text).input_ids.tolist()
    assert window["input_ids"] == [*content, sep, cls]
    assert window["labels"][0] == tag2id["B-ORG"]
    assert window["labels"][-2:] == [IGNORE_INDEX, IGNORE_INDEX]
