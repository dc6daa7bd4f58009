"""Tag schemes: detection, strict reading, writing, and conversion between them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nerkit.schemes import (
    SCHEMES,
    TagSequenceError,
    check_scheme,
    convert_tags,
    detect_scheme,
    spans_to_tags,
    split_tag,
    tag_problems,
    tags_to_spans,
)

IOB1 = ["I-ORG", "I-ORG", "B-ORG", "O", "I-PER", "I-LOC"]
IOB2 = ["B-ORG", "I-ORG", "B-ORG", "O", "B-PER", "B-LOC"]
BIOES = ["B-ORG", "E-ORG", "S-ORG", "O", "S-PER", "S-LOC"]
SPANS = [(0, 2, "ORG"), (2, 3, "ORG"), (4, 5, "PER"), (5, 6, "LOC")]


@pytest.mark.parametrize(
    ("tags", "scheme"),
    [(IOB1, "IOB1"), (IOB2, "IOB2"), (BIOES, "BIOES"), (["O", "O"], "IOB2")],
)
def test_detect_scheme(tags, scheme):
    assert detect_scheme([["O"], tags]) == scheme


def test_detect_scheme_takes_iob2_with_mistakes_for_iob2():
    # B- after O never happens in IOB1, so the I- opening an entity is the mistake.
    tags = [["B-PER", "I-PER", "O"], ["O", "I-ORG"]]
    assert detect_scheme(tags) == "IOB2"
    assert tag_problems(tags[1], detect_scheme(tags))[0][0] == 1


def test_detect_scheme_rejects_malformed_tags():
    with pytest.raises(ValueError, match="'PER'"):
        detect_scheme([["O", "PER"]])


@pytest.mark.parametrize(("tags", "scheme"), [(IOB1, "IOB1"), (IOB2, "IOB2"), (BIOES, "BIOES")])
def test_tags_to_spans(tags, scheme):
    assert tags_to_spans(tags, scheme) == SPANS


@pytest.mark.parametrize(("tags", "scheme"), [(IOB1, "IOB1"), (IOB2, "IOB2"), (BIOES, "BIOES")])
def test_spans_to_tags(tags, scheme):
    assert spans_to_tags(6, SPANS, scheme) == tags


def test_iob2_reading_is_strict_and_names_the_position():
    with pytest.raises(TagSequenceError) as caught:
        tags_to_spans(["O", "I-PER", "O", "B-ORG", "I-LOC"], "IOB2")
    assert [i for i, _ in caught.value.problems] == [1, 4]
    assert "after 'O'" in caught.value.problems[0][1]


def test_bioes_inside_after_outside_is_an_error():
    problems = tag_problems(["O", "I-PER", "E-PER"], "BIOES")
    assert problems and problems[0][0] == 1
    assert "I-PER" in problems[0][1] and "after 'O'" in problems[0][1]


@pytest.mark.parametrize(
    ("tags", "position"),
    [
        (["B-PER", "O"], 1),  # not closed
        (["B-PER", "I-PER"], 1),  # sentence ends inside the entity
        (["E-PER"], 0),  # closes nothing
        (["B-PER", "E-ORG"], 1),  # closes another type
    ],
)
def test_bioes_broken_entities(tags, position):
    assert position in [i for i, _ in tag_problems(tags, "BIOES")]


def test_prefixes_a_scheme_does_not_have():
    assert tag_problems(["S-PER"], "IOB2")[0][0] == 0
    assert tag_problems(["B-PER", "E-PER"], "IOB1")[0][0] == 1


def test_iob1_b_after_outside_still_opens_an_entity():
    assert tags_to_spans(["O", "B-PER", "I-PER"], "IOB1") == [(1, 3, "PER")]


def test_unknown_scheme_is_a_clear_error():
    with pytest.raises(ValueError, match=r"unknown tag scheme 'BILUO'.*IOB1, IOB2, BIOES"):
        tags_to_spans(["O"], "BILUO")
    with pytest.raises(ValueError, match="unknown tag scheme"):
        spans_to_tags(1, [], "XYZ")


def test_scheme_aliases():
    assert check_scheme("bio") == "IOB2"
    assert check_scheme("iobes") == "BIOES"


@pytest.mark.parametrize("tag", ["PER", "B-", "X-PER", "BI-PER", ""])
def test_split_tag_rejects_malformed(tag):
    with pytest.raises(ValueError):
        split_tag(tag)


def test_split_tag_keeps_dashes_in_labels():
    assert split_tag("B-ORG-SUB") == ("B", "ORG-SUB")


@pytest.mark.parametrize("spans", [[(0, 3, "A")], [(1, 1, "A")], [(0, 2, "A"), (1, 2, "B")]])
def test_spans_to_tags_rejects_what_it_cannot_write(spans):
    with pytest.raises(ValueError):
        spans_to_tags(2, spans)


def test_convert_tags():
    assert convert_tags(IOB1, "IOB1") == IOB2
    assert convert_tags(IOB2, "IOB2", "BIOES") == BIOES


@st.composite
def token_spans(draw) -> tuple[int, list[tuple[int, int, str]]]:
    n = draw(st.integers(0, 30))
    cuts = sorted(draw(st.sets(st.integers(0, n), max_size=12)))
    labels = st.sampled_from(["A", "B", "C-D"])
    pairs = zip(cuts[0::2], cuts[1::2], strict=False)
    return n, [(s, e, draw(labels)) for s, e in pairs]


@settings(max_examples=150, deadline=None)
@given(token_spans(), st.sampled_from(SCHEMES))
def test_every_scheme_round_trips(case, scheme):
    n, spans = case
    tags = spans_to_tags(n, spans, scheme)
    assert len(tags) == n
    assert tags_to_spans(tags, scheme) == spans
    # Whatever detection picks must read the same entities back.
    assert tags_to_spans(tags, detect_scheme([tags])) == spans
