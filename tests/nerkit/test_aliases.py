"""Defined terms: a contract's short name for a party carries the party's label."""

from __future__ import annotations

import pytest

from nerkit.aliases import DefinedTermAliases, contains_run, words
from nerkit.documents import Entity
from nerkit.postprocess import build_chain, fit_to_labels
from tests.conftest import labelled_document

RULE = {"_target_": "nerkit.aliases.DefinedTermAliases", "labels": None, "max_gap_chars": 120}

AGREEMENT = (
    "This Agreement is made between Ashford Hospitality Servicing LLC, a Delaware limited "
    'liability company (the "Ashford"), and Jane Doe (the "Borrower").\n'
    "WHEREAS, Ashford and the Borrower agree; the Borrower pays ASHFORD monthly.\n"
    "Ashford Hospitality Finance LP signs for ASHFORD HOSPITALITY SERVICING LLC, and ashford "
    "trees grow in Ashfordshire."
)


def entity(text: str, fragment: str, label: str = "ORG", score: float = 0.8) -> Entity:
    start = text.index(fragment)
    return Entity(label, start, start + len(fragment), fragment, score)


def added(text: str, entities: list[Entity], rule: DefinedTermAliases | None = None) -> list:
    out = (rule or DefinedTermAliases())(text, list(entities))
    before = {(e.start, e.end) for e in entities}
    return [(e.label, e.text, e.start, e.score) for e in out if (e.start, e.end) not in before]


def test_later_mentions_of_a_defined_name_take_the_entity_label_and_score() -> None:
    party = entity(AGREEMENT, "Ashford Hospitality Servicing LLC")
    person = entity(AGREEMENT, "Jane Doe", "PER")
    new = added(AGREEMENT, [party, person])
    quoted = AGREEMENT.index('"Ashford"') + 1
    whereas = AGREEMENT.index("Ashford and")
    capitals = AGREEMENT.index("ASHFORD monthly")
    assert new == [
        ("ORG", "Ashford", quoted, 0.8),
        ("ORG", "Ashford", whereas, 0.8),
        ("ORG", "ASHFORD", capitals, 0.8),
    ]


def test_a_role_is_never_bound_to_the_party_it_follows() -> None:
    person = entity(AGREEMENT, "Jane Doe", "PER")
    assert added(AGREEMENT, [person]) == []


def test_mentions_inside_longer_names_or_other_words_are_left_alone() -> None:
    party = entity(AGREEMENT, "Ashford Hospitality Servicing LLC")
    texts = {t for _, t, start, _ in added(AGREEMENT, [party]) if start > AGREEMENT.index("LP")}
    # "ASHFORD HOSPITALITY ...", "Ashford Hospitality Finance", lower-case "ashford" and
    # "Ashfordshire" are other words or parts of other names.
    assert texts == set()


def test_a_mention_already_read_as_an_entity_keeps_that_entity() -> None:
    party = entity(AGREEMENT, "Ashford Hospitality Servicing LLC")
    other = entity(AGREEMENT, "Ashford and the Borrower", "MISC")
    out = DefinedTermAliases()(AGREEMENT, [party, other])
    assert other in out
    assert all(not (e.label == "ORG" and e.start == other.start) for e in out)


def test_an_entity_too_far_before_the_definition_is_not_bound() -> None:
    party = entity(AGREEMENT, "Ashford Hospitality Servicing LLC")
    assert added(AGREEMENT, [party], DefinedTermAliases(max_gap_chars=10)) == []
    assert added(AGREEMENT, [party], DefinedTermAliases(max_gap_chars=60)) != []


def test_a_definition_binds_only_entities_after_the_previous_definition() -> None:
    text = 'Acme Bank ("Lender") and ("Bank") then Bank pays.'
    assert added(text, [entity(text, "Acme Bank")]) == []


def test_only_the_configured_labels_are_propagated() -> None:
    party = entity(AGREEMENT, "Ashford Hospitality Servicing LLC")
    assert added(AGREEMENT, [party], DefinedTermAliases(labels=["PER"])) == []
    assert len(added(AGREEMENT, [party], DefinedTermAliases(labels=["ORG"]))) == 3


@pytest.mark.parametrize(
    "definition",
    [
        "(“Bank”)",
        '( " Bank ")',
        '(hereinafter referred to as the "Bank")',
        '(hereinafter "Bank")',
    ],
)
def test_definitions_are_read_in_the_forms_contracts_write_them(definition: str) -> None:
    text = f"Silicon Valley Bank, a California bank {definition}. The Bank lends."
    new = added(text, [entity(text, "Silicon Valley Bank")])
    assert ("ORG", "Bank", text.rindex("Bank lends"), 0.8) in new


def test_a_term_in_lower_case_is_not_a_name() -> None:
    text = 'Acme Loan Corp ("loan") grants the loan.'
    assert added(text, [entity(text, "Acme Loan Corp")]) == []


def test_the_chain_keeps_offsets_true_with_the_rule() -> None:
    party = entity(AGREEMENT, "Ashford Hospitality Servicing LLC")
    out = build_chain([RULE])(AGREEMENT, [party])
    assert all(AGREEMENT[e.start : e.end] == e.text for e in out)
    assert [e.start for e in out] == sorted(e.start for e in out)


def test_the_term_must_be_consecutive_words_of_the_entity() -> None:
    assert contains_run(words("Shanghai Solutions Software Co"), words("Shanghai Solutions"))
    assert not contains_run(words("Shanghai Solutions Software Co"), words("Shanghai Software"))
    assert not contains_run(words("Acme"), ())


def test_fitting_drops_the_rule_where_defined_names_are_left_unlabelled() -> None:
    # A corpus whose annotators label the party but never its defined short name.
    docs = [
        labelled_document(
            f"d{i}",
            f'Acme{i} Holdings Inc ("Acme{i}") sells. Acme{i} pays.',
            (f"Acme{i} Holdings Inc", "ORG"),
        )
        for i in range(5)
    ]
    fitted, conflicts = fit_to_labels([RULE], docs)
    assert fitted == []
    assert [(c.rule, c.label, c.changed) for c in conflicts] == [("DefinedTermAliases", "ORG", 10)]
    assert "added 'Acme0'" in str(conflicts[0])


def test_fitting_keeps_the_rule_where_defined_names_are_labelled() -> None:
    docs = [
        labelled_document(
            f"d{i}",
            f'Acme{i} Holdings Inc ("Acme{i}") sells. Acme{i} pays.',
            (f"Acme{i} Holdings Inc", "ORG"),
            (f"Acme{i}", "ORG"),
            (f"Acme{i}", "ORG"),
        )
        for i in range(5)
    ]
    assert fit_to_labels([RULE], docs) == ([RULE], [])


def test_coverage_answers_as_a_scan_of_every_span_would() -> None:
    import random

    from nerkit.documents import Coverage

    rng = random.Random(5)
    for _ in range(50):
        spans = [(s, s + rng.randint(1, 12)) for s in (rng.randint(0, 80) for _ in range(8))]
        covered = Coverage([Entity("ORG", s, e, "x" * (e - s), 1.0) for s, e in spans])
        for start in range(0, 95):
            end = start + rng.randint(1, 6)
            assert covered.overlaps(start, end) == any(s < end and start < e for s, e in spans)


def test_a_longer_defined_name_wins_over_a_shorter_one_at_the_same_place() -> None:
    text = (
        'Shanghai Solutions Software Co ("Shanghai Solutions") and Shanghai Bank ("Shanghai").'
        "\nShanghai Solutions pays Shanghai."
    )
    parties = [entity(text, "Shanghai Solutions Software Co"), entity(text, "Shanghai Bank")]
    new = {(t, start) for _, t, start, _ in added(text, parties)}
    assert ("Shanghai Solutions", text.rindex("Shanghai Solutions")) in new
    assert ("Shanghai", text.rindex("Shanghai.")) in new
    assert all(t != "Shanghai" or start != text.rindex("Shanghai Solutions") for t, start in new)


def test_mentions_before_the_definition_name_nothing() -> None:
    text = 'ACME signs first. Acme Holdings LLC ("Acme") then Acme pays.'
    new = added(text, [entity(text, "Acme Holdings LLC")])
    assert [(t, start) for _, t, start, _ in new] == [
        ("Acme", text.index('"Acme"') + 1),
        ("Acme", text.rindex("Acme")),
    ]


def test_a_term_defined_again_names_the_later_party_from_there_on() -> None:
    text = (
        'First Bank NA ("Bank") lends; the Bank agrees.\n'
        'EXHIBIT B. Second Bank Corp ("Bank") guarantees; the Bank pays.'
    )
    first, second = entity(text, "First Bank NA", score=0.6), entity(text, "Second Bank Corp")
    new = added(text, [first, second])
    by_start = {start: score for _, t, start, score in new}
    assert by_start[text.index("Bank agrees")] == 0.6
    assert by_start[text.index("Bank pays")] == 0.8


def test_ignored_terms_and_the_default_labels() -> None:
    text = 'Ford Motor Company ("Company") builds; the Company sells. Jane Roe ("Roe") signs.'
    parties = [entity(text, "Ford Motor Company"), entity(text, "Jane Roe", "PER")]
    assert {t for _, t, _, _ in added(text, parties)} == {"Company"}  # ORG only by default
    ignoring = DefinedTermAliases(ignore_terms=["company"], labels=None)
    assert {t for _, t, _, _ in added(text, parties, ignoring)} == {"Roe"}
