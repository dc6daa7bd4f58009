"""The clause library: definitions, articles and recitals written for this project.

The text lives in data files: ``data/clauses_shared.yaml`` holds what every contract
type shares, ``data/clauses_<type>.yaml`` each type's own (titles, party roles,
recitals, definitions, its articles in the order they are written and the schedules
it attaches). Templates use the placeholders of :class:`nerkit.corpus.deal.Deal` and
the marks of :mod:`nerkit.corpus.template`. ``{A}`` is the party that pays or receives
(Borrower, Client, Tenant, Buyer, the disclosing party of an NDA); ``{B}`` is the one
that lends, serves, lets or supplies. Defined terms ("the Borrower", "Business Day")
are plain text, never entities. Every file is checked as it is read
(:mod:`nerkit.corpus.datafiles`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Collection
from dataclasses import dataclass

from nerkit.corpus.datafiles import DataNode, Placeholders, data_file
from nerkit.corpus.deal import is_placeholder

CONTRACT_TYPES = ("loan", "services", "nda", "lease", "supply")

CLAUSE_PLACEHOLDERS = Placeholders(is_placeholder, "nerkit.corpus.deal.Deal fills")
# A party's definition is written for party A and read with B_ for A_ for party B.
PARTY_A_PLACEHOLDERS = Placeholders(
    lambda name: name.startswith("A_") and is_placeholder(name), "of party A: A_NAME, A_INC..."
)


@dataclass(frozen=True)
class Section:
    """A numbered subsection: a Title Case heading and alternative paragraph templates."""

    heading: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """An ALL-CAPS numbered article: subsections, or an intro and lettered items.

    The first ``core`` sections are always written; the rest, and the lettered items,
    are taken as the contract's length allows. An article ``only_with_third_party``
    (a guarantee) is written only where the contract has a third party.
    """

    key: str
    titles: tuple[str, ...]
    sections: tuple[Section, ...] = ()
    intro: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    core: int = 1
    only_with_third_party: bool = False


@dataclass(frozen=True)
class SharedClauses:
    """What every contract type writes: shared definitions and articles, and the set
    phrases of the definitions, recitals, notices and signature pages."""

    articles: dict[str, Article]  # by key
    definitions: tuple[Definition, ...]
    interpretation: Section
    arbitration: Section
    jury_waiver: Section
    recital_headings: tuple[str, ...]
    recital_closings: tuple[str, ...]
    definitions_titles: tuple[str, ...]
    definitions_intros: tuple[str, ...]
    party_definitions: tuple[str, ...]  # written for party A; party B's swap A_ for B_
    notices_titles: tuple[str, ...]
    notice_form: str
    notice_copy: str  # introduces the address of a party's lawyers
    notice_receipt: str
    witness_clauses: tuple[str, ...]


@dataclass(frozen=True)
class ContractClauses:
    """One contract type's own text, and the schedules it attaches by name."""

    file: str
    titles: tuple[str, ...]
    roles: tuple[tuple[str, str], ...]  # (party A's defined term, party B's)
    third_roles: tuple[str, ...]
    recitals: tuple[str, ...]
    definitions: tuple[Definition, ...]
    articles: tuple[Article, ...]
    essential: tuple[str, ...]  # article keys written whatever the length
    shared: tuple[str, ...]  # keys of the shared articles this type writes
    schedules: dict[str, float]  # schedule name -> its share of the tokens left
    fillers: tuple[str, ...]  # attached in order while a long contract is short


@dataclass(frozen=True)
class Definition:
    """A defined term and alternative templates of its meaning ("means ...")."""

    term: str
    variants: tuple[str, ...]


@functools.cache
def shared_clauses() -> SharedClauses:
    return read_shared(data_file("clauses_shared.yaml"))


@functools.cache
def contract_clauses(contract_type: str) -> ContractClauses:
    return read_contract(data_file(f"clauses_{contract_type}.yaml"), shared_clauses())


@functools.cache
def all_articles() -> dict[str, Article]:
    """Every article of the library by key, shared and type-specific alike."""
    found = dict(shared_clauses().articles)
    for contract_type in CONTRACT_TYPES:
        clauses = contract_clauses(contract_type)
        for article in clauses.articles:
            if article.key in found:
                raise ValueError(f"{clauses.file}: article key {article.key!r} is used twice")
            found[article.key] = article
    return found


# -- reading the data files -----------------------------------------------------------


def read_shared(node: DataNode) -> SharedClauses:
    fields = node.fields([field.name for field in dataclasses.fields(SharedClauses)])
    articles = [read_article(element) for element in fields["articles"].elements()]
    keys = [article.key for article in articles]
    if "governing_law" not in keys or "miscellaneous" not in keys:
        fields["articles"].fail("governing_law and miscellaneous end every contract: add them")
    if len(articles[keys.index("governing_law")].sections) < 2:
        fields["articles"].fail("governing_law needs the law and the courts as its first sections")
    return SharedClauses(
        articles={article.key: article for article in articles},
        definitions=read_definitions(fields["definitions"]),
        interpretation=read_section(fields["interpretation"]),
        arbitration=read_section(fields["arbitration"]),
        jury_waiver=read_section(fields["jury_waiver"]),
        recital_headings=fields["recital_headings"].texts(),
        recital_closings=fields["recital_closings"].texts(),
        definitions_titles=fields["definitions_titles"].texts(),
        definitions_intros=fields["definitions_intros"].texts(),
        party_definitions=fields["party_definitions"].templates(PARTY_A_PLACEHOLDERS),
        notices_titles=fields["notices_titles"].texts(),
        notice_form=fields["notice_form"].template(CLAUSE_PLACEHOLDERS),
        notice_copy=fields["notice_copy"].text(),
        notice_receipt=fields["notice_receipt"].template(CLAUSE_PLACEHOLDERS),
        witness_clauses=fields["witness_clauses"].texts(),
    )


def read_contract(node: DataNode, shared: SharedClauses) -> ContractClauses:
    fields = node.fields(
        ("titles", "roles", "third_roles", "recitals", "definitions", "articles"),
        ("essential", "shared", "schedules", "fillers"),
    )
    articles = tuple(read_article(element) for element in fields["articles"].elements())
    empty = DataNode(node.file, "", [])
    shared_keys = _article_keys(fields.get("shared", empty), shared.articles)
    own_keys = {article.key: article for article in articles}
    schedules = fields.get("schedules", DataNode(node.file, "", {}))
    return ContractClauses(
        file=node.file,
        titles=fields["titles"].texts(),
        roles=tuple(_role_pair(element) for element in fields["roles"].elements()),
        third_roles=fields["third_roles"].texts(),
        recitals=fields["recitals"].templates(CLAUSE_PLACEHOLDERS),
        definitions=read_definitions(fields["definitions"]),
        articles=articles,
        essential=_article_keys(fields.get("essential", empty), {*own_keys, *shared_keys}),
        shared=shared_keys,
        schedules={name: weight.number() for name, weight in schedules.entries()},
        fillers=fields.get("fillers", empty).texts(),
    )


def read_article(node: DataNode) -> Article:
    fields = node.fields(
        ("key", "titles"), ("sections", "intro", "items", "core", "only_with_third_party")
    )
    sections = fields.get("sections")
    intro = fields.get("intro")
    items = fields.get("items")
    article = Article(
        key=fields["key"].text(),
        titles=fields["titles"].texts(),
        sections=tuple(read_section(s) for s in sections.elements()) if sections else (),
        intro=intro.templates(CLAUSE_PLACEHOLDERS) if intro else (),
        items=items.templates(CLAUSE_PLACEHOLDERS) if items else (),
        core=fields["core"].integer() if "core" in fields else 1,
        only_with_third_party="only_with_third_party" in fields
        and fields["only_with_third_party"].flag(),
    )
    if not article.sections and not article.items:
        node.fail("an article needs sections or items")
    if article.items and not article.intro:
        node.fail("an article with items needs an intro that leads into them")
    return article


def read_section(node: DataNode) -> Section:
    fields = node.fields(("heading", "variants"))
    return Section(
        heading=fields["heading"].template(CLAUSE_PLACEHOLDERS),
        variants=_variants(fields["variants"]),
    )


def read_definitions(node: DataNode) -> tuple[Definition, ...]:
    return tuple(_definition(element) for element in node.elements())


def _definition(node: DataNode) -> Definition:
    fields = node.fields(("term", "variants"))
    return Definition(term=fields["term"].text(), variants=_variants(fields["variants"]))


def _variants(node: DataNode) -> tuple[str, ...]:
    variants = node.templates(CLAUSE_PLACEHOLDERS)
    if not variants:
        node.fail("at least one variant is needed")
    return variants


def _role_pair(node: DataNode) -> tuple[str, str]:
    pair = node.texts()
    if len(pair) != 2:
        node.fail("a pair of roles is [party A's, party B's]")
    return pair[0], pair[1]


def _article_keys(node: DataNode, known: Collection[str]) -> tuple[str, ...]:
    keys = node.texts()
    for element, key in zip(node.elements(), keys, strict=True):
        if key not in known:
            element.fail(f"no article has the key {key!r}")
    return keys
