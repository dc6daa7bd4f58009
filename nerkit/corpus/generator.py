"""Generate the built-in labelled contract corpus.

Each document is written from a seed derived from the corpus seed and its index, so
``generate_corpus(n, seed)`` always yields the same documents (for a given Faker
version) and a longer corpus extends a shorter one. Contract types cycle
loan, services, nda, lease, supply.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import unicodedata
from dataclasses import dataclass

from nerkit.corpus.builder import DocumentBuilder
from nerkit.corpus.clauses import (
    CONTRACT_TYPES,
    Article,
    ContractClauses,
    contract_clauses,
    shared_clauses,
)
from nerkit.corpus.dates import TABLE_STYLES, numeric_style_for
from nerkit.corpus.deal import Deal, house_date_styles, house_money_styles
from nerkit.corpus.jurisdictions import Jurisdiction, jurisdiction_table
from nerkit.corpus.money import CURRENCIES, round_amount
from nerkit.corpus.parties import Party, People, names
from nerkit.corpus.schedules import attachments
from nerkit.corpus.writer import HEADING_STYLES, ContractWriter, estimated_tokens
from nerkit.documents import Document

# The share of a contract's target length its articles' core text may take up.
ARTICLE_SHARE = 0.45

MIN_TOKENS = 1_000
MAX_TOKENS = 20_000


@dataclass(frozen=True)
class ContractKind:
    """What distinguishes one contract type: its clauses, length, money and term."""

    name: str
    median_tokens: int
    scale: tuple[float, float]  # headline amount range, in US dollars
    term_years: tuple[int, int]
    third_party: float  # chance of a guarantor or agent as a third party

    @property
    def clauses(self) -> ContractClauses:
        return contract_clauses(self.name)


KINDS = {
    k.name: k
    for k in (
        ContractKind("loan", 7_000, (1e6, 5e8), (3, 7), 0.5),
        ContractKind("services", 4_300, (2e5, 3e7), (2, 5), 0.0),
        ContractKind("nda", 2_000, (5e6, 2e9), (2, 3), 0.0),
        ContractKind("lease", 4_300, (5e4, 5e6), (3, 15), 0.35),
        ContractKind("supply", 4_200, (5e5, 1e8), (3, 7), 0.0),
    )
}

# Target lengths are log-normal around each type's median.
LENGTH_SPREAD = 0.45
# Dollar value of one unit of each currency, roughly, to keep amounts plausible.
_UNITS_PER_DOLLAR = {"USD": 1.0, "EUR": 0.9, "GBP": 0.8, "CHF": 0.9, "JPY": 150.0, "CAD": 1.35}
_FIRST_DATE, _LAST_DATE = dt.date(2016, 1, 1), dt.date(2025, 12, 31)


def generate_corpus(n_docs: int = 60, seed: int = 13) -> list[Document]:
    """``n_docs`` labelled contracts; the same seed always gives the same corpus."""
    people = People()
    return [generate_document(index, seed, people) for index in range(n_docs)]


def generate_document(index: int, seed: int = 13, people: People | None = None) -> Document:
    """The ``index``-th document of the corpus generated with ``seed``."""
    people = people or People()
    kind = KINDS[CONTRACT_TYPES[index % len(CONTRACT_TYPES)]]
    doc_seed = seed * 1_000_003 + index
    target = sample_target_tokens(random.Random(doc_seed), kind)
    doc_id = f"{kind.name}-{index // len(CONTRACT_TYPES) + 1:04d}"
    meta = {"contract_type": kind.name, "seed": seed, "index": index}
    doc = write_contract(kind, doc_seed, people, target, doc_id, meta)
    # A document that lands outside the bounds is rewritten to a corrected target.
    for _ in range(3):
        tokens = len(doc.text.split())
        if MIN_TOKENS <= tokens <= MAX_TOKENS:
            break
        factor = (MAX_TOKENS * 0.9 if tokens > MAX_TOKENS else MIN_TOKENS * 1.2) / tokens
        target = int(target * factor)
        doc = write_contract(kind, doc_seed, people, target, doc_id, meta)
    return doc


def sample_target_tokens(rng: random.Random, kind: ContractKind) -> int:
    """A length to aim for: log-normal around the type's median, kept inside the bounds."""
    value = kind.median_tokens * math.exp(rng.gauss(0.0, LENGTH_SPREAD))
    return int(min(MAX_TOKENS * 0.92, max(MIN_TOKENS * 1.1, value)))


def write_contract(
    kind: ContractKind,
    doc_seed: int,
    people: People,
    target: int,
    doc_id: str,
    meta: dict[str, object],
) -> Document:
    """One contract of about ``target`` tokens, in the order contracts are read."""
    rng = random.Random(doc_seed)
    people.reseed(doc_seed)
    deal = make_deal(kind, rng, people)
    builder = DocumentBuilder()
    writer = ContractWriter(deal, builder, rng.choice(HEADING_STYLES))
    clauses = kind.clauses
    title = rng.choice(clauses.titles)
    articles = choose_articles(contract_articles(kind, deal), kind, target, rng)

    writer.title_page(title)
    if target > 2_500:
        writer.table_of_contents(contents(writer, articles))
    writer.preamble(title)
    writer.recitals(clauses.recitals, rng.randint(2, 4))

    plan = BudgetPlan(builder, target)
    definitions = [*shared_clauses().definitions, *clauses.definitions]
    minimum = 3 if target < 2_000 else 6
    writer.definitions(definitions, plan.next(weight=2.0, units_left=len(articles) + 4), minimum)
    for i, article in enumerate(articles[:-2]):
        budget = plan.next(weight=1.0, units_left=len(articles) - i + 3)
        writer.article(article, budget)
    writer.notices()
    governing, misc = articles[-2], articles[-1]
    writer.governing_law(governing, arbitration=deal.arbitration)
    writer.article(misc, plan.next(weight=1.0, units_left=4))
    writer.signatures()
    write_schedules(kind, writer, plan)
    return builder.build(doc_id, meta)


def contents(writer: ContractWriter, articles: list[Article]) -> list[str]:
    """Article headings in body order; notices sit just before the last two."""
    titles = [writer.title_for(a.key, a.titles) for a in articles]
    definitions = writer.title_for("definitions", shared_clauses().definitions_titles)
    notices = writer.title_for("notices", shared_clauses().notices_titles)
    return [definitions, *titles[:-2], notices, *titles[-2:]]


class BudgetPlan:
    """Shares the tokens still wanted among the parts still to write."""

    TAIL_TOKENS = 350  # notices and signature blocks, written without a budget

    def __init__(self, builder: DocumentBuilder, target: int) -> None:
        self.builder = builder
        self.target = target

    @property
    def remaining(self) -> int:
        return self.target - self.builder.tokens

    def next(self, weight: float, units_left: float) -> int:
        share = (self.remaining - self.TAIL_TOKENS) * weight / max(units_left, 1.0)
        return max(0, int(share))


def write_schedules(kind: ContractKind, writer: ContractWriter, plan: BudgetPlan) -> None:
    """The type's schedules share what is left; forms follow while the target is unmet."""
    attached = attachments(kind.name)
    total_weight = sum(weight for _, weight in attached.schedules)
    available = max(0, plan.remaining)
    for write, weight in attached.schedules:
        write(writer, int(available * weight / total_weight))
    for filler in attached.fillers:
        if plan.remaining < 400:
            break
        filler(writer, plan.remaining)


def choose_articles(
    articles: list[Article], kind: ContractKind, target: int, rng: random.Random
) -> list[Article]:
    """Essential articles always; optional ones while their core text fits the target.

    Short contracts leave out whole articles rather than cutting every article to a stub.
    """
    essential = set(kind.clauses.essential) | {"governing_law", "miscellaneous"}
    room = target * ARTICLE_SHARE - sum(core_tokens(a) for a in articles if a.key in essential)
    optional = [a for a in articles if a.key not in essential]
    rng.shuffle(optional)
    chosen = set(essential)
    for article in optional:
        cost = core_tokens(article)
        if cost <= room:
            chosen.add(article.key)
            room -= cost
    return [a for a in articles if a.key in chosen]


def core_tokens(article: Article) -> int:
    """Roughly how long an article is when only its core is written."""
    sections = sum(estimated_tokens(s.variants[0]) for s in article.sections[: article.core])
    items = sum(estimated_tokens(i) for i in article.items[:3])
    return sections + items + (estimated_tokens(article.intro[0]) if article.intro else 0)


def contract_articles(kind: ContractKind, deal: Deal) -> list[Article]:
    """The contract's articles in order, ending with governing law and miscellaneous."""
    articles = [
        article
        for article in kind.clauses.articles
        if "C" in deal.parties or not article.only_with_third_party
    ]
    shared = shared_clauses().articles
    articles += [shared[key] for key in kind.clauses.shared]
    return [*articles, shared["governing_law"], shared["miscellaneous"]]


# -- the deal -------------------------------------------------------------------------


def make_deal(kind: ContractKind, rng: random.Random, people: People) -> Deal:
    role_a, role_b = rng.choice(kind.clauses.roles)
    home_a = weighted_home(rng)
    home_b = home_a if rng.random() < 0.45 else weighted_home(rng)
    parties = {
        "A": make_party(kind, "A", role_a, home_a, rng, people),
        "B": make_party(kind, "B", role_b, home_b, rng, people),
    }
    if rng.random() < kind.third_party:
        role_c = rng.choice(kind.clauses.third_roles)
        parties["C"] = make_party(kind, "C", role_c, home_a, rng, people)
    governing = governing_law(kind, home_a, home_b, rng)
    currency_home = governing if rng.random() < 0.8 else home_a
    currency = CURRENCIES[currency_home.currency]
    effective = _FIRST_DATE + dt.timedelta(days=rng.randint(0, (_LAST_DATE - _FIRST_DATE).days))
    years = rng.randint(*kind.term_years)
    end = effective.replace(year=effective.year + years, day=min(effective.day, 28))
    low, high = kind.scale
    dollars = math.exp(rng.uniform(math.log(low), math.log(high)))
    units = _UNITS_PER_DOLLAR[currency.code]
    scale = round_amount(rng, dollars * units * 0.95, dollars * units * 1.05)
    tradition = governing.tradition
    parent = parties["C"].name if "C" in parties else people.holding(home_a.locale, rng)
    return Deal(
        contract_type=kind.name,
        rng=rng,
        people=people,
        parties=parties,
        governing=governing,
        forum=rng.choice(governing.courts),
        arbitration=home_a.key != home_b.key and rng.random() < 0.25,
        currency=currency,
        tradition=tradition,
        effective=effective,
        end=end,
        scale=scale,
        parent=parent,
        auditor=rng.choice(names().auditors),
        quote=rng.choice((('"', '"'), ("“", "”"))),
        money_styles=house_money_styles(tradition, rng),
        date_styles=house_date_styles(tradition, rng),
        table_date_style=rng.choice(
            (numeric_style_for(tradition), "iso", rng.choice(TABLE_STYLES))
        ),
        table_money_style=rng.choice(("symbol", "code")),
    )


def weighted_home(rng: random.Random) -> Jurisdiction:
    table = jurisdiction_table()
    keys = list(table.home_weights)
    weights = [table.home_weights[k] for k in keys]
    return table.by_key[rng.choices(keys, weights=weights)[0]]


def governing_law(
    kind: ContractKind, home_a: Jurisdiction, home_b: Jurisdiction, rng: random.Random
) -> Jurisdiction:
    if kind.name == "lease":
        return home_b  # a lease follows the law of the land it lets
    draw = rng.random()
    if draw < 0.15:
        table = jurisdiction_table()
        return table.by_key[rng.choice(table.neutral_laws)]
    if kind.name == "loan":
        return home_b if draw < 0.75 else home_a
    return home_a if draw < 0.6 else home_b


def make_party(
    kind: ContractKind,
    key: str,
    role: str,
    home: Jurisdiction,
    rng: random.Random,
    people: People,
) -> Party:
    locale = home.locale
    if kind.name == "loan" and key == "B":
        name = people.bank(locale, rng)
    elif key == "C":
        name = people.holding(locale, rng)
    else:
        name = people.company(locale, rng)
    contact = people.person(locale, rng, names().contact_titles)
    return Party(
        role=role,
        name=name,
        home=home,
        incorporation=incorporation(name, home, rng, people),
        address=people.address(home),
        signatory=people.person(locale, rng, names().job_titles),
        contact=contact,
        email=email_address(contact.name, name),
    )


def incorporation(name: str, home: Jurisdiction, rng: random.Random, people: People) -> str:
    """How the contract describes the party's legal form, register numbers filled in once."""
    if "N.A." in name or "National Association" in name:
        return "a national banking association"
    digits = f"{rng.randint(100000000, 999999999)}"
    return (
        rng.choice(forms_for_suffix(name, home.incorporation))
        .replace("{REGNO}", f"{rng.randint(1000000, 99999999):08d}")
        .replace("{SIREN}", f"{digits[:3]} {digits[3:6]} {digits[6:]}")
        .replace("{CITY}", people.city(home.locale))
    )


# Which descriptions of legal form fit a name's suffix ("Acme LLC" is no corporation).
_FORM_WORDS = (
    (("LLC", "L.L.C.", "GmbH", "mbH", "S.à r.l.", "SARL", "S.A.R.L."), ("limited liability",)),
    (("L.P.", "LP", "KG", "LLP"), ("partnership",)),
    (("AG", "SE", "KGaA"), ("stock corporation", "company limited by shares")),
    (("SA", "S.A.", "SAS", "S.A.S."), ("société", "company limited by shares")),
    (("Inc.", "Corp.", "Corporation", "Co.", "ULC", "K.K."), ("corporation", "kabushiki")),
    (("Limited", "Ltd", "Ltd.", "plc", "PLC"), ("company incorporated", "limited company")),
)


def forms_for_suffix(name: str, forms: tuple[str, ...]) -> tuple[str, ...]:
    for suffixes, words in _FORM_WORDS:
        if name.endswith(suffixes):
            fitting = tuple(f for f in forms if any(w in f for w in words))
            return fitting or forms
    return forms


def email_address(person: str, organisation: str) -> str:
    def ascii_word(text: str) -> str:
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z]", "", folded.lower())

    first, *_, last = person.split()
    words = [ascii_word(w) for w in organisation.split()]
    domain = next((w for w in words if len(w) > 2), "example")
    return f"{ascii_word(first)[:1]}{ascii_word(last)}@{domain}.com"
