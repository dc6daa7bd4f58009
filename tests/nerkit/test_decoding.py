"""Stitching, word grouping and the constrained IOB2 decoder."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nerkit.decoding import (
    EDGE_WEIGHT_FLOOR,
    TagScheme,
    decode_entities,
    path_to_word_spans,
    stitch_windows,
    viterbi_bio,
    viterbi_bio_many,
    window_weights,
    word_probabilities,
)

TAGS = ["O", "B-ORG", "I-ORG", "B-DATE", "I-DATE"]
SCHEME = TagScheme.from_tags(TAGS)


def one_hot(tag_ids, n_tags=len(TAGS), p=0.9):
    probs = np.full((len(tag_ids), n_tags), (1 - p) / (n_tags - 1))
    probs[np.arange(len(tag_ids)), tag_ids] = p
    return probs


def test_weights_favour_the_centre_over_inner_edges():
    w = window_weights(100)
    assert w.argmax() in (49, 50) and w.max() == pytest.approx(0.99)
    assert np.all(np.diff(w[:50]) >= 0) and np.all(np.diff(w[50:]) <= 0)
    np.testing.assert_allclose(w, w[::-1])
    assert w[0] == pytest.approx(max(0.5 / 50, EDGE_WEIGHT_FLOOR))
    assert window_weights(99).max() == 1.0


def test_document_edges_are_not_penalised():
    first = window_weights(100, inner_left=False, inner_right=True)
    assert first[0] == 1.0 and first[-1] < 0.05
    last = window_weights(100, inner_left=True, inner_right=False)
    assert last[-1] == 1.0 and last[0] < 0.05
    assert np.all(window_weights(10, inner_left=False, inner_right=False) == 1.0)


def test_weight_floor_keeps_edges_positive():
    w = window_weights(1000, floor=EDGE_WEIGHT_FLOOR)
    assert w.min() == EDGE_WEIGHT_FLOOR


def test_a_single_window_is_read_as_is():
    probs = np.random.default_rng(0).dirichlet(np.ones(5), size=7)
    stitched = stitch_windows(7, np.asarray([[0, 7]]), [probs])
    np.testing.assert_allclose(stitched, probs)


def test_overlap_trusts_the_window_that_sees_the_token_from_further_inside():
    # Window A reads tokens 0-9 as ORG, window B reads tokens 6-15 as DATE.
    ranges = np.asarray([[0, 10], [6, 16]])
    a, b = one_hot([1] * 10), one_hot([3] * 10)
    stitched = stitch_windows(16, ranges, [a, b])
    best = stitched.argmax(axis=1)
    # Token 6 is near A's right edge... and also B's left edge; A sees it from further in.
    assert best[:8].tolist() == [1] * 8
    assert best[8:].tolist() == [3] * 8
    np.testing.assert_allclose(stitched.sum(axis=1), 1.0)


def test_tokens_no_window_reads_are_outside():
    stitched = stitch_windows(6, np.asarray([[0, 3]]), [one_hot([1, 2, 2])])
    assert stitched[3:].argmax(axis=1).tolist() == [0, 0, 0]
    assert np.all(stitched[3:, 0] == 1.0)


def test_stitching_needs_one_array_per_window():
    with pytest.raises(ValueError, match="2 window ranges but 1"):
        stitch_windows(4, np.asarray([[0, 2], [2, 4]]), [one_hot([0, 0])])


def test_word_aggregations():
    probs = np.asarray(
        [
            [0.1, 0.8, 0.1, 0.0, 0.0],  # word 0, first sub-token
            [0.6, 0.1, 0.3, 0.0, 0.0],  # word 0
            [0.05, 0.0, 0.0, 0.95, 0.0],  # word 0, most confident
            [0.7, 0.1, 0.1, 0.1, 0.0],  # word 1
        ]
    )
    words = np.asarray([0, 0, 0, 1])
    offsets = np.asarray([[0, 2], [2, 4], [4, 5], [6, 9]])
    first = word_probabilities(probs, words, offsets, "first")
    np.testing.assert_allclose(first.probs, probs[[0, 3]])
    assert first.start.tolist() == [0, 6] and first.end.tolist() == [5, 9]
    average = word_probabilities(probs, words, offsets, "average")
    np.testing.assert_allclose(average.probs[0], probs[:3].mean(axis=0))
    best = word_probabilities(probs, words, offsets, "max")
    np.testing.assert_allclose(best.probs, probs[[2, 3]])
    with pytest.raises(ValueError, match="aggregation 'simple'"):
        word_probabilities(probs, words, offsets, "simple")


@pytest.mark.parametrize(
    ("tags", "message"),
    [(["B-ORG", "O"], "start with 'O'"), (["O", "E-ORG"], "not IOB2"), (["O", "B-"], "not IOB2")],
)
def test_tag_scheme_refuses_non_iob2(tags, message):
    with pytest.raises(ValueError, match=message):
        TagScheme.from_tags(tags)


def test_transitions():
    allowed = {
        (a, b)
        for a, b in itertools.product(TAGS, TAGS)
        if SCHEME.allowed[TAGS.index(a), TAGS.index(b)]
    }
    assert ("O", "I-ORG") not in allowed
    assert ("B-ORG", "I-DATE") not in allowed
    assert ("I-ORG", "I-DATE") not in allowed
    assert {("B-ORG", "I-ORG"), ("I-ORG", "I-ORG"), ("I-ORG", "B-ORG"), ("O", "B-DATE")} <= allowed
    assert not SCHEME.allowed_start[TAGS.index("I-ORG")]


def test_viterbi_repairs_an_orphan_inside_tag():
    # Greedy would read O, I-ORG, I-ORG: invalid. The best valid path starts the entity.
    probs = np.asarray(
        [
            [0.55, 0.40, 0.05, 0.0, 0.0],
            [0.10, 0.20, 0.70, 0.0, 0.0],
            [0.10, 0.10, 0.80, 0.0, 0.0],
        ]
    )
    path = viterbi_bio(np.log(probs + 1e-12), SCHEME)
    assert [TAGS[i] for i in path] == ["B-ORG", "I-ORG", "I-ORG"]


def _path_score(log_probs, path):
    return sum(log_probs[i, t] for i, t in enumerate(path))


tag_sets = st.sampled_from(
    [TAGS, ["O", "B-X", "I-X"], ["O", "B-A", "I-A", "B-B", "I-B", "B-C", "I-C"], ["O"]]
)


@given(data=st.data(), tags=tag_sets, n_words=st.integers(0, 40))
@settings(max_examples=200, deadline=None)
def test_decoder_never_emits_an_invalid_sequence(data, tags, n_words):
    scheme = TagScheme.from_tags(tags)
    raw = data.draw(
        arrays(
            np.float64, (n_words, len(tags)), elements=st.floats(1e-6, 1.0, allow_subnormal=False)
        )
    )
    probs = raw / raw.sum(axis=1, keepdims=True) if n_words else raw
    path = viterbi_bio(np.log(probs), scheme)
    assert len(path) == n_words
    assert scheme.valid(path)
    spans = path_to_word_spans(path, scheme)
    for first, last, tag in spans.tolist():
        assert tags[tag].startswith("B-")
        label = tags[tag][2:]
        assert all(tags[t] == f"I-{label}" for t in path[first + 1 : last + 1])


@given(data=st.data(), n_words=st.integers(1, 5))
@settings(max_examples=60, deadline=None)
def test_decoder_finds_the_best_valid_path(data, n_words):
    scheme = TagScheme.from_tags(["O", "B-A", "I-A", "B-B", "I-B"])
    raw = data.draw(arrays(np.float64, (n_words, 5), elements=st.floats(1e-4, 1.0)))
    log_probs = np.log(raw / raw.sum(axis=1, keepdims=True))
    best = max(
        _path_score(log_probs, p)
        for p in itertools.product(range(5), repeat=n_words)
        if scheme.valid(p)
    )
    assert _path_score(log_probs, viterbi_bio(log_probs, scheme)) == pytest.approx(best)


def test_decode_entities_gives_offsets_into_the_text_and_a_score():
    text = "Acme Corp signed on 3 May."
    # Tokens: acme, corp, signed, on, 3, may, .
    offsets = np.asarray([[0, 4], [5, 9], [10, 16], [17, 19], [20, 21], [22, 25], [25, 26]])
    words = np.arange(7)
    probs = one_hot([1, 2, 0, 0, 3, 4, 0], p=0.8)
    entities = decode_entities(text, probs, words, offsets, SCHEME)
    assert [(e.label, e.text, e.start, e.end) for e in entities] == [
        ("ORG", "Acme Corp", 0, 9),
        ("DATE", "3 May", 20, 25),
    ]
    assert all(e.score == pytest.approx(0.8) for e in entities)


def test_decode_entities_of_nothing():
    empty = np.zeros((0, 2), dtype=np.int64)
    assert decode_entities("", np.zeros((0, 5)), np.zeros(0, dtype=np.int64), empty, SCHEME) == []


@given(data=st.data(), lengths=st.lists(st.integers(0, 30), max_size=6))
@settings(max_examples=60, deadline=None)
def test_decoding_many_documents_at_once_matches_one_at_a_time(data, lengths):
    log_probs = []
    for n in lengths:
        raw = data.draw(arrays(np.float64, (n, len(TAGS)), elements=st.floats(1e-4, 1.0)))
        log_probs.append(np.log(raw / raw.sum(axis=1, keepdims=True)) if n else raw)
    together = viterbi_bio_many(log_probs, SCHEME)
    alone = [viterbi_bio(lp, SCHEME) for lp in log_probs]
    assert [p.tolist() for p in together] == [p.tolist() for p in alone]
    assert all(SCHEME.valid(p) for p in together)


def reference_viterbi(log_probs, scheme):
    """Textbook Viterbi over the whole sequence, no shortcuts."""
    n_words, n_tags = log_probs.shape
    transition = np.where(scheme.allowed, 0.0, -np.inf)
    score = np.where(scheme.allowed_start, log_probs[0], -np.inf)
    back = np.zeros((n_words, n_tags), dtype=np.int64)
    for w in range(1, n_words):
        candidates = score[:, None] + transition
        back[w] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + log_probs[w]
    path = [int(score.argmax())]
    for w in range(n_words - 1, 0, -1):
        path.append(int(back[w, path[-1]]))
    return path[::-1]


@pytest.mark.parametrize(
    "tags", [TAGS, ["O", "B-A", "I-A", "B-B", "I-B", "B-C", "I-C"], ["O", "I-X", "B-Y", "I-Y"]]
)
@pytest.mark.parametrize("inside_bias", [0.0, 1.0, 3.0])
def test_cutting_into_pieces_gives_the_textbook_path(tags, inside_bias):
    # Favouring I- tags makes long pieces and many broken greedy paths.
    scheme = TagScheme.from_tags(tags)
    rng = np.random.default_rng(len(tags) + int(inside_bias))
    for n_words in (1, 2, 17, 400):
        logits = rng.normal(size=(n_words, len(tags))) + inside_bias * scheme.is_inside
        log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        assert viterbi_bio(log_probs, scheme).tolist() == reference_viterbi(log_probs, scheme)
