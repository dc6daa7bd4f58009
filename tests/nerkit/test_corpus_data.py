"""The corpus's data files: complete, checked as they are read, shipped with the package."""

from __future__ import annotations

import fnmatch
import random
import tomllib
from collections.abc import Callable
from importlib import resources

import pytest

from nerkit.corpus.builder import DocumentBuilder, Piece
from nerkit.corpus.clauses import (
    CONTRACT_TYPES,
    read_article,
    read_contract,
    shared_clauses,
)
from nerkit.corpus.datafiles import CorpusDataError, DataNode, parse_data
from nerkit.corpus.deal import ENTITY_SLOTS, PLACEHOLDERS
from nerkit.corpus.disclosures import listings, read_listing
from nerkit.corpus.forms import Lines, forms, read_form, read_signature
from nerkit.corpus.generator import KINDS, make_deal
from nerkit.corpus.jurisdictions import jurisdiction_table, read_jurisdiction
from nerkit.corpus.parties import People, names
from nerkit.corpus.schedule_words import all_schedule_words
from nerkit.corpus.schedules import attachments, resolve_attachments, schedule_writers
from nerkit.corpus.template import render_row, template_problems
from nerkit.corpus.writer import ContractWriter
from nerkit.documents import document_problems
from tests.conftest import REPO_ROOT


def test_every_data_file_reads_and_passes_its_checks() -> None:
    for contract_type in CONTRACT_TYPES:
        attachments(contract_type)  # reads the clause files and every schedule's file
    assert forms() and listings() and all_schedule_words()
    assert jurisdiction_table().by_key and names().known_banks


def test_the_data_files_ship_with_the_package() -> None:
    """A non-editable install has only what pyproject.toml's package data names."""
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["nerkit"]
    files = [entry.name for entry in resources.files("nerkit.corpus").joinpath("data").iterdir()]
    assert "clauses_shared.yaml" in files
    for name in files:
        assert any(fnmatch.fnmatch(f"corpus/data/{name}", pattern) for pattern in patterns), name


def test_contract_kinds_and_entity_slots_match_the_data() -> None:
    assert tuple(KINDS) == CONTRACT_TYPES
    assert ENTITY_SLOTS <= PLACEHOLDERS


def test_every_schedule_is_attached_by_some_contract_type() -> None:
    attached = set()
    for contract_type in CONTRACT_TYPES:
        found = attachments(contract_type)
        attached |= {*(write for write, _ in found.schedules), *found.fillers}
    assert attached == set(schedule_writers().values())


@pytest.mark.parametrize("contract_type", CONTRACT_TYPES)
def test_every_schedule_and_filler_writes_valid_spans(contract_type: str) -> None:
    people = People()
    people.reseed(3)
    rng = random.Random(3)
    deal = make_deal(KINDS[contract_type], rng, people)
    deal.parties.setdefault("C", deal.parties["A"])
    found = attachments(contract_type)
    for write in [*(write for write, _ in found.schedules), *found.fillers]:
        builder = DocumentBuilder()
        write(ContractWriter(deal, builder, "article"), 1_500)
        doc = builder.build(contract_type, {})
        assert doc.spans and not document_problems(doc)


# -- templates ------------------------------------------------------------------------


def known(name: str) -> bool:
    return name in {"A", "A_NAME", "MONEY"}


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("The {BORROWER} pays.", "unknown placeholder {BORROWER}"),
        ("under the laws of the [[State of New York", "[[ opens and is never closed"),
        ("the courts of England]] only", "]] at character 21 closes nothing"),
        ("the {A} <<shall|will pay", "<< opens and is never closed"),
        ("<<a|<<b>>>>", "<< at character 4 opens inside another <<...>>"),
        ("held by [[CITY:Paris]]", "names the label CITY"),
        ("a fee of {MONEY", "a brace that is not part of a {NAME} placeholder"),
        ("[[ORG:{A_NAME}]]", "a placeholder inside a mark would be written as it stands"),
        ("<<[[Ontario|Quebec]]>>", "[[ opens and is never closed"),
    ],
)
def test_template_problems_say_what_is_wrong(template: str, problem: str) -> None:
    assert any(problem in found for found in template_problems(template, known))


def test_a_sound_template_has_no_problems() -> None:
    template = "The {A} <<shall|will>> pay {MONEY} under the laws of the [[State of New York]]."
    assert template_problems(template, known) == []
    assert template_problems("[[ORG:<<Atlas|Summit>> Bank]] for {A_NAME}", known) == []


def test_a_row_draws_from_left_to_right() -> None:
    """Placeholders, lists and numbers draw in the order they are written."""
    rng = random.Random(5)

    def fill(name: str) -> list[Piece]:
        return [f"{name}={rng.random():.6f}"]

    kinds = ("lease", "loan", "licence")
    pieces = render_row("{ORG} {{kinds}} {{1..99}} {MONEY}", fill, rng, {"kinds": kinds})
    again = random.Random(5)
    expected = f"ORG={again.random():.6f} {again.choice(kinds)} {again.randint(1, 99)}"
    expected += f" MONEY={again.random():.6f}"
    assert "".join(str(piece) for piece in pieces) == expected


# -- errors name the file, the place and what is wrong --------------------------------


def error_of(read: Callable[[DataNode], object], text: str) -> str:
    with pytest.raises(CorpusDataError) as caught:
        read(parse_data(text, "nerkit/corpus/data/test.yaml"))
    return str(caught.value)


ARTICLE = """
key: fees
titles: [FEES]
sections:
  - heading: Commitment Fee
    variants:
      - The {A} shall pay {MONEY} on the last day of each quarter.
"""


def test_an_unknown_placeholder_names_the_file_the_place_and_who_fills_placeholders() -> None:
    message = error_of(read_article, ARTICLE.replace("{MONEY}", "{FEE}"))
    assert message.startswith(
        "nerkit/corpus/data/test.yaml: sections[Commitment Fee].variants[0]: "
        "unknown placeholder {FEE}"
    )
    assert message.endswith("the placeholders here are those nerkit.corpus.deal.Deal fills")


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        (ARTICLE.replace("variants:", "varaints:"), "sections[Commitment Fee]", "unknown key"),
        (ARTICLE.replace("titles: [FEES]\n", ""), "(top level)", "missing titles"),
        (ARTICLE.replace("[FEES]", "[yes]"), "titles[0]", "found bool True; quote it"),
        (ARTICLE.replace("{MONEY}", "[[a fee"), "variants[0]", "[[ opens and is never closed"),
        (ARTICLE.replace("sections:", "core: two\nsections:"), "core", "a whole number"),
        ("key: fees\ntitles: [FEES]\nitems: [one]", "(top level)", "needs an intro"),
        ("key: [unclosed", "not valid YAML", ""),
    ],
)
def test_malformed_articles_are_refused_with_the_place(text: str, where: str, problem: str) -> None:
    message = error_of(read_article, text)
    assert message.startswith("nerkit/corpus/data/test.yaml: ")
    assert where in message and problem in message


CONTRACT = """
titles: [TERM LOAN AGREEMENT]
roles: [[Borrower, Lender]]
third_roles: [Guarantor]
recitals: ['The {A} wishes to borrow.']
definitions: []
articles:
  - {key: facility, titles: [THE FACILITY], sections: [{heading: Loan, variants: [Lent.]}]}
essential: [facility, interest]
"""


def test_a_contract_type_may_only_call_articles_it_has_essential() -> None:
    message = error_of(lambda node: read_contract(node, shared_clauses()), CONTRACT)
    assert "essential[1]: no article has the key 'interest'" in message


def test_an_unknown_schedule_names_the_contract_types_file() -> None:
    text = CONTRACT.replace(", interest]", "]\nschedules: {repayment_table: 1}")
    clauses = read_contract(parse_data(text, "nerkit/corpus/data/test.yaml"), shared_clauses())
    with pytest.raises(CorpusDataError, match=r"test\.yaml: schedules: no schedule is called"):
        resolve_attachments(clauses)


SIGNATURE = ("By: ____", "Name: [●]")


def test_a_form_may_only_reuse_articles_of_the_library() -> None:
    form = "label: EXHIBIT A\ntitle: FORM\nbody:\n  - sections: {from: [warranty]}\n"
    message = error_of(lambda node: read_form(node, SIGNATURE), form)
    assert "no article of the clause library has the key 'warranty'" in message


def test_a_signature_block_writes_the_shared_lines_under_its_signer() -> None:
    form = "label: EXHIBIT A\ntitle: FORM\nbody:\n  - signature: '{A_NAME}'\n"
    read = read_form(parse_data(form, "nerkit/corpus/data/test.yaml"), SIGNATURE)
    assert read.body == (Lines(("{A_NAME}", *SIGNATURE)),)


@pytest.mark.parametrize(
    ("block", "where", "problem"),
    [
        (
            "signature: ['{A_NAME}', 'By: ____']",
            "body[0].signature: a signature block names its signer alone",
            "(signature: '{A_NAME}'); the lines under it are the file's top-level signature",
        ),
        (
            "lines: ['{A_NAME}', 'By: ____', 'Name: [●]']",
            "body[0].lines: these lines are the shared signature block",
            "write signature: '{A_NAME}' instead",
        ),
        ("signature: '{SIGNER}'", "body[0].signature: unknown placeholder {SIGNER}", ""),
    ],
)
def test_a_malformed_signature_block_names_the_place_and_the_fix(
    block: str, where: str, problem: str
) -> None:
    form = f"label: EXHIBIT A\ntitle: FORM\nbody:\n  - {block}\n"
    message = error_of(lambda node: read_form(node, SIGNATURE), form)
    assert message.startswith(f"nerkit/corpus/data/test.yaml: {where}")
    assert problem in message


def test_the_forms_file_gives_the_signature_lines() -> None:
    message = error_of(read_signature, "[]")
    assert message.startswith("nerkit/corpus/data/test.yaml: (top level): give the lines")


def test_a_row_may_only_draw_from_named_lists() -> None:
    listing = "label: S\ntitle: T\nrows: {fewest: 1, most: 2, tokens_each: 9, reserve: 0}\n"
    listing += "row: '{ORG} — {{kinds}}'\n"
    message = error_of(lambda node: read_listing("leases", node, {"policies": ()}), listing)
    assert "row: {{kinds}} names no list (lists: policies)" in message


def test_a_jurisdiction_needs_a_known_tradition() -> None:
    text = """
law: '[[Ruritania]]'
incorporation: ['a company of [[Ruritania]] numbered {REGNO}']
courts: ['the courts of [[Ruritania]]']
tradition: ruritanian
currency: EUR
locale: de_AT
country: Ruritania
"""
    message = error_of(lambda node: read_jurisdiction("ruritania", node), text)
    assert "tradition: 'ruritanian' is not one of us, uk, continental" in message
