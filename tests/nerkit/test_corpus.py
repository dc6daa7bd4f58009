"""The built-in contract corpus: deterministic, long, varied and correctly labelled."""

from __future__ import annotations

import bisect
import itertools
import random
import re
import statistics
from collections.abc import Callable

import pytest

from nerkit.corpus import (
    CONTRACT_TYPES,
    ENTITY_TYPES,
    corpus_statistics,
    format_statistics,
    generate_corpus,
)
from nerkit.corpus.__main__ import main
from nerkit.corpus.builder import DocumentBuilder, Ent
from nerkit.corpus.clauses import all_articles, contract_clauses, shared_clauses
from nerkit.corpus.generator import KINDS, make_deal
from nerkit.corpus.money import number_to_words
from nerkit.corpus.parties import People
from nerkit.documents import Document, document_problems
from tests.nerkit.test_corpus_checksum import corpus_sha256

# generate_corpus() with its defaults: 60 documents, seed 13.
DEFAULT_CORPUS_SHA256 = "97536dc9d333d4ef3caa8d71644b32052852d66d2732e1f6f9e049397a550144"

TYPE_CLAUSES = [contract_clauses(contract_type) for contract_type in CONTRACT_TYPES]

DATE_FORMS = {
    "January 5, 2024": re.compile(r"^[A-Z][a-z]+ \d{1,2}, \d{4}$"),
    "5 January 2024": re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}$"),
    "5th day of January, 2024": re.compile(r"^\d{1,2}(st|nd|rd|th) day of [A-Z][a-z]+, \d{4}$"),
    "2024-01-05": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "01/05/2024": re.compile(r"^\d{2}/\d{2}/\d{4}$"),
    "05.01.2024": re.compile(r"^\d{2}\.\d{2}\.\d{4}$"),
    "Jan. 5, 2024": re.compile(r"^[A-Z][a-z]{2,3}\. \d{1,2}, \d{4}$"),
    "January 5th, 2024": re.compile(r"^[A-Z][a-z]+ \d{1,2}(st|nd|rd|th), \d{4}$"),
    "5th January 2024": re.compile(r"^\d{1,2}(st|nd|rd|th) [A-Z][a-z]+ \d{4}$"),
}


@pytest.fixture(scope="module")
def corpus() -> list[Document]:
    return generate_corpus()


def token_index(doc: Document) -> tuple[Callable[[int], int], int]:
    """Maps a character offset to the index of the whitespace token it falls in."""
    starts = [m.start() for m in re.finditer(r"\S+", doc.text)]
    return lambda offset: bisect.bisect_right(starts, offset) - 1, len(starts)


def texts_of(corpus: list[Document], label: str) -> list[str]:
    return [d.text[s.start : s.end] for d in corpus for s in d.spans if s.label == label]


def same_documents(a: list[Document], b: list[Document]) -> bool:
    return [(d.id, d.text, d.spans, d.meta) for d in a] == [
        (d.id, d.text, d.spans, d.meta) for d in b
    ]


def test_same_seed_gives_identical_documents(corpus: list[Document]) -> None:
    assert same_documents(generate_corpus(n_docs=10, seed=13), corpus[:10])


def test_default_corpus_is_unchanged_byte_for_byte(corpus: list[Document]) -> None:
    """The corpus the README's figures describe (60 documents, seed 13), as it was
    generated before the clause library moved into data files."""
    assert corpus_sha256(corpus) == DEFAULT_CORPUS_SHA256


def test_different_seed_gives_different_documents(corpus: list[Document]) -> None:
    other = generate_corpus(n_docs=5, seed=14)
    assert all(a.text != b.text for a, b in zip(other, corpus[:5], strict=True))


def test_ids_and_meta_name_the_contract_type(corpus: list[Document]) -> None:
    assert len({d.id for d in corpus}) == len(corpus)
    for doc in corpus:
        kind = doc.meta["contract_type"]
        assert re.fullmatch(rf"{kind}-\d{{4}}", doc.id)
        assert doc.meta["seed"] == 13


def test_document_lengths_span_short_to_very_long(corpus: list[Document]) -> None:
    lengths = [len(d.text.split()) for d in corpus]
    assert min(lengths) >= 1_000
    assert max(lengths) <= 20_000
    assert 3_000 <= statistics.median(lengths) <= 5_500
    assert max(lengths) >= 10_000  # not a corpus of preambles


def test_entities_reach_every_decile_of_long_documents(corpus: list[Document]) -> None:
    for doc in corpus:
        token_of, n_tokens = token_index(doc)
        if n_tokens < 2_000:
            continue
        deciles = {token_of(s.start) * 10 // n_tokens for s in doc.spans}
        assert deciles == set(range(10)), doc.id


def test_all_entity_and_contract_types_present(corpus: list[Document]) -> None:
    assert {s.label for d in corpus for s in d.spans} == set(ENTITY_TYPES)
    assert {d.meta["contract_type"] for d in corpus} == set(CONTRACT_TYPES)
    for kind in CONTRACT_TYPES:
        labels = {s.label for d in corpus if d.meta["contract_type"] == kind for s in d.spans}
        assert labels == set(ENTITY_TYPES), kind


def test_every_span_is_valid_and_trimmed(corpus: list[Document]) -> None:
    for doc in corpus:
        assert document_problems(doc, ENTITY_TYPES) == [], doc.id
        for text in doc.span_texts():
            assert text and text == text.strip()
            assert not text.lower().startswith("the "), text


def test_no_two_spans_share_a_whitespace_token(corpus: list[Document]) -> None:
    for doc in corpus:
        token_of, _ = token_index(doc)
        spans = sorted(doc.spans)
        for a, b in itertools.pairwise(spans):
            assert token_of(a.end - 1) < token_of(b.start), (doc.id, a, b)


def test_dates_are_written_in_many_forms(corpus: list[Document]) -> None:
    dates = set(texts_of(corpus, "DATE"))
    forms = {name for name, pattern in DATE_FORMS.items() if any(pattern.match(t) for t in dates)}
    assert len(forms) >= 5, forms


def test_money_is_written_in_words_and_several_currencies(corpus: list[Document]) -> None:
    money = texts_of(corpus, "MONEY")
    in_words = [t for t in money if re.search(r"(Thousand|Million|Hundred|THOUSAND|MILLION)", t)]
    assert any(re.match(r"^[A-Z][a-z].* \(\S*\d[\d,.]*\)$", t) for t in in_words)
    assert any(re.match(r"^\S*\d[\d,.]* \([A-Z][a-z].*\)$", t) for t in in_words)
    currencies = {
        c
        for c in ("$", "€", "£", "CHF", "¥", "JPY", "CAD", "C$", "USD", "EUR", "GBP")
        if any(c in t for t in money)
    }
    assert len(currencies) >= 6, currencies


def test_defined_terms_are_not_inside_any_span(corpus: list[Document]) -> None:
    roles = {role for clauses in TYPE_CLAUSES for pair in clauses.roles for role in pair}
    terms = [f"the {role}" for role in roles] + ["the Agreement", "Business Day", "this Agreement"]
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    # "the Bank" in "the Bank of England" is part of a name, not the defined term.
    pattern = re.compile(rf"\b(?:{alternatives})\b(?![-\w]| of )")
    checked = 0
    for doc in corpus:
        for match in pattern.finditer(doc.text):
            checked += 1
            assert not any(s.start < match.end() and match.start() < s.end for s in doc.spans), (
                doc.id,
                match.group(),
            )
    assert checked > 1_000


def test_capitalised_organisation_names_are_labelled(corpus: list[Document]) -> None:
    orgs = texts_of(corpus, "ORG")
    caps = [t for t in orgs if t.isupper() and len(t) > 3]
    assert len(caps) >= 60
    assert any(re.search(r"(, INC\.| LLC| LTD\.?| LIMITED| PLC| GMBH| AG| SA)$", t) for t in caps)


def test_jurisdictions_follow_the_span_convention(corpus: list[Document]) -> None:
    found = set(texts_of(corpus, "JURISDICTION"))
    assert any(t.startswith(("State of ", "Commonwealth of ", "Province of ")) for t in found)
    assert "England and Wales" in found
    assert any(t in {"Delaware", "New York", "California", "Texas"} for t in found)


def test_every_clause_template_can_be_filled() -> None:
    """A typo in any placeholder of the library fails here, not in a rare document."""
    people = People()
    templates = library_templates()
    for kind in KINDS.values():
        rng = random.Random(1)
        people.reseed(1)
        deal = make_deal(kind, rng, people)
        deal.parties.setdefault("C", deal.parties["A"])
        for template in templates:
            builder = DocumentBuilder()
            builder.add(deal.render(template))


def library_templates() -> list[str]:
    """Every template of the clause library: articles, definitions, recitals, notices."""
    shared = shared_clauses()
    templates = [*shared.recital_closings, *shared.party_definitions]
    templates += [shared.notice_form, shared.notice_receipt]
    for article in all_articles().values():
        templates += [*article.intro, *article.items]
        for section in article.sections:
            templates += [section.heading, *section.variants]
    for section in (shared.interpretation, shared.arbitration, shared.jury_waiver):
        templates += section.variants
    for clauses in TYPE_CLAUSES:
        templates += clauses.recitals
    for definition in [*shared.definitions, *(d for c in TYPE_CLAUSES for d in c.definitions)]:
        templates += definition.variants
    return templates


def test_builder_records_exact_offsets_and_refuses_glued_entities() -> None:
    builder = DocumentBuilder()
    builder.add(["Lent by ", Ent("Acme Inc.", "ORG"), ". Signed ", Ent("Jane Doe", "PERSON")])
    doc = builder.build("x", {})
    assert doc.span_texts() == ["Acme Inc.", "Jane Doe"]
    assert "Acme Inc.. " not in doc.text  # one sentence-final period after "Inc."
    with pytest.raises(ValueError):
        builder.entity(Ent("Zurich", "JURISDICTION"))
    with pytest.raises(ValueError):
        Ent(" padded", "ORG")


def test_number_to_words() -> None:
    assert number_to_words(2_000_000) == "Two Million"
    assert number_to_words(75_000) == "Seventy-Five Thousand"
    assert number_to_words(1_250_000) == "One Million Two Hundred Fifty Thousand"


def test_statistics_describe_the_corpus(corpus: list[Document]) -> None:
    stats = corpus_statistics(corpus)
    assert stats["documents"] == len(corpus) == 60
    assert stats["tokens_min"] <= stats["tokens_median"] <= stats["tokens_max"]
    assert stats["tokens_total"] == sum(len(d.text.split()) for d in corpus)
    assert stats["entities_total"] == sum(stats["entities_by_type"].values())
    assert set(stats["entities_by_type"]) == set(ENTITY_TYPES)
    assert stats["documents_by_contract_type"] == {kind: 12 for kind in sorted(CONTRACT_TYPES)}
    table = format_statistics(stats)
    assert "tokens median" in table and "JURISDICTION" in table and "loan" in table


def test_command_line_prints_statistics_and_writes_files(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    from nerkit.formats import load_documents

    assert (
        main(["--n-docs", "5", "--seed", "3", "--out", str(tmp_path), "--format", "doccano"]) == 0
    )
    printed = capsys.readouterr().out
    assert "documents" in printed and "tokens median" in printed
    written = tmp_path / "corpus.doccano.jsonl"
    assert written.is_file()
    # The file holds the corpus the same seed generates: read back, it is the same documents.
    read_back = load_documents(written)
    expected = generate_corpus(n_docs=5, seed=3)
    assert [(d.id, d.text, sorted(d.spans)) for d in read_back] == [
        (d.id, d.text, sorted(d.spans)) for d in expected
    ]
