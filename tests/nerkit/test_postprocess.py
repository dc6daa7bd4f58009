"""Post-processing rules, the chain built from config, and the offsets invariant."""

from __future__ import annotations

from pathlib import Path

import pytest

from nerkit.documents import Document, Entity
from nerkit.postprocess import (
    Chain,
    ExtendOrgLegalSuffix,
    MergeAdjacent,
    ScoreThreshold,
    build_chain,
    check_offsets,
    fit_to_labels,
)
from tests.conftest import labelled_document

REPO_ROOT = Path(__file__).resolve().parents[2]


def entity(
    text: str, fragment: str, label: str = "ORG", score: float = 0.9, after: int = 0
) -> Entity:
    start = text.index(fragment, after)
    return Entity(label, start, start + len(fragment), fragment, score)


def texts(entities: list[Entity]) -> list[str]:
    return [e.text for e in entities]


def assert_offsets(text: str, entities: list[Entity]) -> None:
    assert all(text[e.start : e.end] == e.text for e in entities)


# ----------------------------------------------------------------------------- ScoreThreshold


def test_score_threshold_per_label() -> None:
    text = "Acme paid Jane on Monday"
    entities = [
        entity(text, "Acme", "ORG", 0.4),
        entity(text, "Jane", "PERSON", 0.4),
        entity(text, "Monday", "DATE", 0.05),
    ]
    kept = ScoreThreshold(thresholds={"ORG": 0.5}, default=0.1)(text, entities)
    assert texts(kept) == ["Jane"]


# ----------------------------------------------------------------------------- MergeAdjacent

BANK = "Lender: JPMorgan Chase Bank, N.A. and Acme"


def test_merge_adjacent_across_punctuation() -> None:
    parts = [entity(BANK, "JPMorgan Chase Bank", score=0.9), entity(BANK, "N.A.", score=0.5)]
    merged = MergeAdjacent()(BANK, parts)
    assert texts(merged) == ["JPMorgan Chase Bank, N.A."]
    assert merged[0].score == 0.5  # min by default
    assert_offsets(BANK, merged)


def test_merge_adjacent_mean_score() -> None:
    parts = [entity(BANK, "JPMorgan Chase Bank", score=0.9), entity(BANK, "N.A.", score=0.5)]
    assert MergeAdjacent(score="mean")(BANK, parts)[0].score == pytest.approx(0.7)


def test_merge_adjacent_leaves_words_gaps_labels_alone() -> None:
    text = "Acme and Beta, then Gamma   Delta; 2024 Acme"
    entities = [
        entity(text, "Acme"),
        entity(text, "Beta"),  # " and " has letters
        entity(text, "Gamma"),
        entity(text, "Delta"),  # three spaces > max_gap_chars
        entity(text, "2024", "DATE"),
        entity(text, "Acme", after=35),  # different label before it
    ]
    assert len(MergeAdjacent()(text, entities)) == len(entities)


def test_merge_adjacent_does_not_merge_across_a_blank_line() -> None:
    text = "Wells Fargo Bank, N.A.\n\nSELLERS-HUGHES, LLC\nACME"
    entities = [
        entity(text, "Wells Fargo Bank, N.A."),
        entity(text, "SELLERS-HUGHES, LLC"),
        entity(text, "ACME"),
    ]
    merged = MergeAdjacent(max_gap_chars=3)(text, entities)
    # The blank line ends the first party; a single line break still joins.
    assert texts(merged) == ["Wells Fargo Bank, N.A.", "SELLERS-HUGHES, LLC\nACME"]


def test_merge_adjacent_only_listed_labels() -> None:
    text = "Jane Doe, Acme, Beta"
    entities = [
        entity(text, "Jane", "PERSON"),
        entity(text, "Doe", "PERSON"),
        entity(text, "Acme"),
        entity(text, "Beta"),
    ]
    merged = MergeAdjacent(labels=["PERSON"])(text, entities)
    assert texts(merged) == ["Jane Doe", "Acme", "Beta"]


def test_merge_adjacent_chains_several_parts() -> None:
    text = "Goldman Sachs & Co. LLC"
    parts = [entity(text, "Goldman Sachs"), entity(text, "Co."), entity(text, "LLC")]
    # "Goldman Sachs" -> "Co." is a 3-character gap (" & ")
    assert texts(MergeAdjacent(max_gap_chars=3)(text, parts)) == [text]


# ----------------------------------------------------------------------------- ExtendOrgLegalSuffix


@pytest.mark.parametrize(
    ("text", "found", "expected"),
    [
        ("Acme Holdings, Inc. agrees", "Acme Holdings", "Acme Holdings, Inc."),
        ("with Widget LLC. Then", "Widget", "Widget LLC"),  # the sentence's full stop stays out
        (
            "Lender: JPMorgan Chase Bank, N.A. as agent",
            "JPMorgan Chase Bank",
            "JPMorgan Chase Bank, N.A.",
        ),
        ("Deutsche Bank AG, London", "Deutsche Bank", "Deutsche Bank AG"),
        ("Widgets GmbH hereby", "Widgets", "Widgets GmbH"),
        ("Société Anonyme S.A. and", "Société Anonyme", "Société Anonyme S.A."),
        ("Barclays Bank plc, as lender", "Barclays Bank", "Barclays Bank plc"),
        ("Acme Partners, L.P., a fund", "Acme Partners", "Acme Partners, L.P."),
        ("Goldman Sachs & Co. LLC shall", "Goldman Sachs", "Goldman Sachs & Co. LLC"),
        ("Acme Ltd. (the Borrower)", "Acme", "Acme Ltd."),
        ("Acme as agent", "Acme", "Acme"),  # "as" is a Norwegian form, but lower case here
        ("Acme Holdings, a Delaware corporation", "Acme Holdings", "Acme Holdings"),
        ("Acme Holdings", "Acme Holdings", "Acme Holdings"),
        # Tokenised filings (CoNLL) space the dot off: no trailing space in the entity.
        ("EVERGREEN SOLAR , INC . 7 - December", "EVERGREEN SOLAR", "EVERGREEN SOLAR , INC"),
        ("Crocs , Inc . and", "Crocs", "Crocs , Inc"),
    ],
)
def test_extend_org_legal_suffix(text: str, found: str, expected: str) -> None:
    out = ExtendOrgLegalSuffix()(text, [entity(text, found)])
    assert texts(out) == [expected]
    assert_offsets(text, out)


def test_extend_stops_at_the_next_entity_and_other_labels() -> None:
    text = "Acme Inc. Jane Inc"
    entities = [entity(text, "Acme"), entity(text, "Inc.", "MISC"), entity(text, "Jane", "PERSON")]
    out = ExtendOrgLegalSuffix()(text, entities)
    assert texts(out) == ["Acme", "Inc.", "Jane"]


# ----------------------------------------------------------------------------- the chain

TEXT = "Acme Holdings, Inc. agrees to lend to JPMorgan Chase Bank, N.A. and Jane Doe."


def raw_entities() -> list[Entity]:
    return [
        entity(TEXT, "Acme Holdings", score=0.95),
        entity(TEXT, "JPMorgan Chase Bank", score=0.9),
        entity(TEXT, "N.A.", score=0.3),
        entity(TEXT, "Jane", "PERSON", 0.8),
        entity(TEXT, "Doe", "PERSON", 0.7),
    ]


def drop_persons(text: str, entities: list[Entity]) -> list[Entity]:
    """A user's own rule: a plain function, referenced by object, import path or _target_."""
    return [e for e in entities if e.label != "PERSON"]


def test_build_chain_from_target_dicts() -> None:
    chain = build_chain(
        [
            {"_target_": "nerkit.postprocess.ScoreThreshold", "thresholds": {"ORG": 0.5}},
            {"_target_": "nerkit.postprocess.MergeAdjacent", "labels": ["PERSON"]},
            {"_target_": "nerkit.postprocess.ExtendOrgLegalSuffix"},
        ]
    )
    assert isinstance(chain, Chain)
    out = chain(TEXT, raw_entities())
    # the weak "N.A." is dropped first, then the legal suffix brings it back into the ORG
    assert texts(out) == ["Acme Holdings, Inc.", "JPMorgan Chase Bank, N.A.", "Jane Doe"]
    assert_offsets(TEXT, out)


def test_build_chain_from_the_default_yaml_as_dictconfig() -> None:
    from omegaconf import OmegaConf

    cfg = OmegaConf.load(REPO_ROOT / "conf" / "postprocess" / "default.yaml")
    chain = build_chain(cfg.rules)
    assert [type(r).__name__ for r in chain.rules] == [
        "ScoreThreshold",
        "MergeAdjacent",
        "ExtendOrgLegalSuffix",
        "DefinedTermAliases",
    ]
    out = chain(TEXT, raw_entities())
    assert texts(out) == ["Acme Holdings, Inc.", "JPMorgan Chase Bank, N.A.", "Jane Doe"]
    assert out[1].score == 0.3  # merged with min


def test_user_rules_by_callable_path_and_partial_target() -> None:
    module = drop_persons.__module__
    by_callable = build_chain([drop_persons])
    by_path = build_chain([f"{module}.drop_persons"])
    by_target = build_chain([{"_target_": f"{module}.drop_persons", "_partial_": True}])
    for chain in (by_callable, by_path, by_target):
        assert {e.label for e in chain(TEXT, raw_entities())} == {"ORG"}


def test_build_chain_reports_bad_rules() -> None:
    with pytest.raises(TypeError, match="rule 1"):
        build_chain([drop_persons, 42])
    with pytest.raises(ValueError, match="cannot be imported"):
        build_chain(["nerkit.postprocess.NoSuchRule"])


def test_empty_chain_is_identity_sorted() -> None:
    entities = list(reversed(raw_entities()))
    assert texts(build_chain(None)(TEXT, entities)) == texts(raw_entities())


def test_chain_checks_offsets_after_each_rule() -> None:
    def breaks_offsets(text: str, entities: list[Entity]) -> list[Entity]:
        return [Entity(e.label, e.start, e.end + 1, e.text, e.score) for e in entities]

    with pytest.raises(ValueError, match="after rule"):
        build_chain([breaks_offsets])(TEXT, raw_entities())


def test_check_offsets_rejects_out_of_range() -> None:
    with pytest.raises(ValueError):
        check_offsets("abc", [Entity("ORG", 2, 5, "c", 1.0)])


# ------------------------------------------------------------- fitting the chain to the labels

SUFFIX_RULE = {"_target_": "nerkit.postprocess.ExtendOrgLegalSuffix", "labels": ["ORG"]}
MERGE_RULE = {"_target_": "nerkit.postprocess.MergeAdjacent", "labels": None, "max_gap_chars": 2}


def gold_doc(doc_id: str, text: str, marks: list[tuple[str, str]]) -> Document:
    return labelled_document(doc_id, text, *marks)


def suffix_outside(n: int) -> list[Document]:
    """Documents labelled the SEC way: ", Inc" left outside the ORG."""
    return [
        gold_doc(
            f"d{i}",
            f"Acme{i} Holdings, Inc and Jane Doe, of Boston, Massachusetts.",
            [
                (f"Acme{i} Holdings", "ORG"),
                ("Jane Doe", "PER"),
                ("Boston", "LOC"),
                ("Massachusetts", "LOC"),
            ],
        )
        for i in range(n)
    ]


def test_a_rule_that_rewrites_gold_entities_is_taken_off_their_label() -> None:
    fitted, conflicts = fit_to_labels([SUFFIX_RULE, MERGE_RULE], suffix_outside(10))
    # The suffix rule has no label left and is dropped; the merge keeps ORG and PER.
    assert fitted == [{**MERGE_RULE, "labels": ["ORG", "PER"]}]
    found = {(c.rule, c.label, c.changed, c.total) for c in conflicts}
    assert found == {("ExtendOrgLegalSuffix", "ORG", 10, 10), ("MergeAdjacent", "LOC", 20, 20)}
    assert "'Acme0 Holdings'" in str(next(c for c in conflicts if c.label == "ORG"))


def test_a_rule_that_agrees_with_the_labels_is_kept_as_written() -> None:
    inside = [
        gold_doc(f"d{i}", f"Acme{i} Holdings, Inc. signs.", [(f"Acme{i} Holdings, Inc.", "ORG")])
        for i in range(10)
    ]
    assert fit_to_labels([SUFFIX_RULE, MERGE_RULE], inside) == ([SUFFIX_RULE, MERGE_RULE], [])


def test_a_few_disagreements_are_tolerated() -> None:
    docs = suffix_outside(1) + [
        gold_doc(f"e{i}", f"Beta{i} Foods, Inc. signs.", [(f"Beta{i} Foods, Inc.", "ORG")])
        for i in range(30)
    ]
    fitted, conflicts = fit_to_labels([SUFFIX_RULE], docs)
    assert fitted == [SUFFIX_RULE] and conflicts == []


def test_rules_given_as_callables_are_not_fitted() -> None:
    rule = ExtendOrgLegalSuffix()
    assert fit_to_labels([rule], suffix_outside(5)) == ([rule], [])


def test_the_default_chain_fits_the_built_in_corpus_as_written() -> None:
    from omegaconf import OmegaConf

    from nerkit.corpus import generate_corpus

    rules = OmegaConf.to_container(
        OmegaConf.load(REPO_ROOT / "conf" / "postprocess" / "default.yaml").rules
    )
    assert fit_to_labels(rules, generate_corpus(60, 13)) == (rules, [])


def test_the_sec_agreements_leave_the_legal_suffix_outside(sec_fin: Path) -> None:
    from omegaconf import OmegaConf

    from nerkit.formats import load_documents

    rules = OmegaConf.to_container(
        OmegaConf.load(REPO_ROOT / "conf" / "postprocess" / "default.yaml").rules
    )
    docs = load_documents(sec_fin / "train.conll", format="conll", scheme="IOB1")
    fitted, conflicts = fit_to_labels(rules, docs)
    assert {(c.rule, c.label) for c in conflicts} == {
        ("ExtendOrgLegalSuffix", "ORG"),
        ("MergeAdjacent", "LOC"),
    }
    assert [r["_target_"].rsplit(".", 1)[1] for r in fitted] == [
        "ScoreThreshold",
        "MergeAdjacent",
        "DefinedTermAliases",
    ]


def test_a_line_of_only_unicode_spaces_is_a_blank_line_too() -> None:
    text = "Acme Bank\n\xa0\nBeta LLC"
    entities = [entity(text, "Acme Bank"), entity(text, "Beta LLC")]
    assert texts(MergeAdjacent(max_gap_chars=3)(text, entities)) == ["Acme Bank", "Beta LLC"]
