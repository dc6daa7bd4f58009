"""Schedules computed in Python: repayment and rent tables, statements of work, rate cards,
price lists, rosters, legal descriptions and rules. Each writer takes a token budget and
sizes its table or list to it, so long contracts get long schedules, as real ones do.
Their words come from ``data/schedules.yaml`` (:mod:`nerkit.corpus.schedule_words`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from nerkit.corpus.builder import Piece
from nerkit.corpus.dates import add_months, quarter_end_after
from nerkit.corpus.layout import heading, numbered_paragraphs, rows_for, table_money
from nerkit.corpus.money import exact_amount
from nerkit.corpus.schedule_words import schedule_words
from nerkit.corpus.writer import ContractWriter

# -- loan -----------------------------------------------------------------------------


def repayment_schedule(writer: ContractWriter, budget: int) -> None:
    words = schedule_words("repayment_schedule")
    words.heading(writer)
    writer.paragraph(words.template("terms"))
    deal, rng = writer.deal, writer.rng
    first = quarter_end_after(add_months(deal.effective, rng.choice((3, 6, 12))))
    quarters = max(1, (deal.end.year - first.year) * 4 + (deal.end.month - first.month) // 3)
    count = rows_for(budget, 4, quarters)
    step = max(1, quarters // count) * 3
    instalment = round(deal.scale * rng.choice((0.0125, 0.025, 0.05)), 2)
    rows: list[Sequence[Piece]] = [[words.word("header")]]
    date = first
    for _ in range(count):
        if date >= deal.end:
            break
        rows.append([*deal.table_date(date), "    ", *table_money(writer, instalment)])
        date = quarter_end_after(add_months(date, step))
    rows.append([*deal.table_date(deal.end), "    ", words.word("balance")])
    writer.lines(rows)


def subsidiaries(writer: ContractWriter, budget: int) -> None:
    words = schedule_words("subsidiaries")
    words.heading(writer)
    rows: list[Sequence[Piece]] = [[words.word("header")]]
    for _ in range(rows_for(budget, 2, 15)):
        # The share is drawn before the name it is written after.
        share = writer.rng.choice(words.word_list("shares"))
        rows.append([*writer.deal.fill("ORG"), "    ", *writer.deal.fill("JUR"), f"    {share}"])
    writer.lines(rows)


# -- services and NDAs ----------------------------------------------------------------


def statement_of_work(writer: ContractWriter, budget: int, number: int = 1) -> None:
    words = schedule_words("statement_of_work")
    label = "SCHEDULE 1" if number == 1 else f"EXHIBIT {chr(ord('A') + number - 2)}"
    heading(writer, label, f"STATEMENT OF WORK NO. {number}")
    deal, rng = writer.deal, writer.rng
    start = add_months(deal.effective, rng.choice((0, 1, 2)) + (number - 1) * 6)
    writer.lines(
        [
            ["Start Date: ", *deal.table_date(start)],
            ["End Date: ", *deal.table_date(add_months(start, rng.choice((6, 9, 12, 18))))],
            deal.render("{A} Project Manager: {PERSON}"),
            deal.render("{B} Project Manager: {PERSON}"),
            deal.render("Fixed Fee: {MONEY}"),
        ]
    )
    writer.paragraph(words.template("scope"))
    writer.plain(words.word("milestones"))
    deliverables = words.word_list("deliverables")
    rows: list[Sequence[Piece]] = []
    due = start
    for i, deliverable in enumerate(
        deliverables[: rows_for(budget - 120, 3, len(deliverables), 18)], start=1
    ):
        due = add_months(due, rng.choice((1, 1, 2)))
        rows.append(
            [f"M{i}  {deliverable} — due ", *deal.table_date(due), " — ", *deal.fill("MONEY_S")]
        )
    writer.lines(rows)


def second_statement_of_work(writer: ContractWriter, budget: int) -> None:
    statement_of_work(writer, budget, number=2)


def service_levels(writer: ContractWriter, budget: int) -> None:
    words = schedule_words("service_levels")
    words.heading(writer)
    writer.paragraph(words.template("terms"))
    levels = words.word_list("levels")
    count = rows_for(budget - 60, 3, len(levels))
    writer.lines([[f"SL-{i:02d}  {row}"] for i, row in enumerate(levels[:count], start=1)])
    writer.paragraph(words.template("measurement"))


def rate_card(writer: ContractWriter, budget: int) -> None:
    words = schedule_words("rate_card")
    words.heading(writer)
    writer.paragraph(words.template("terms"))
    low = 600.0 if writer.deal.currency.code != "JPY" else 90000.0
    roles = words.word_list("roles")
    roles = roles[: rows_for(budget - 60, 3, len(roles), 10)]
    # Roles run from most to least senior, and so do their rates.
    rates = sorted(
        (exact_amount(writer.rng, low, low * 4, cents=False) for _ in roles), reverse=True
    )
    writer.lines(
        [
            [f"{role}    ", *table_money(writer, round(rate, -1)), " per day"]
            for role, rate in zip(roles, rates, strict=True)
        ]
    )


def key_personnel(writer: ContractWriter, budget: int) -> None:
    words = schedule_words("key_personnel")
    words.heading(writer)
    roles = writer.rng.sample(words.word_list("roles"), k=rows_for(budget, 3, 8, 8))
    writer.lines([[*writer.deal.fill("PERSON"), f", {role}"] for role in roles])


def authorised_recipients(writer: ContractWriter, budget: int) -> None:
    words = schedule_words("authorised_recipients")
    words.heading(writer)
    writer.paragraph(words.template("intro"))
    rows: list[Sequence[Piece]] = []
    titles = words.word_list("titles")
    for _ in range(rows_for(budget, 3, 10, 9)):
        # The employer is drawn first, the person and the title next, as written.
        employer = writer.rng.choice(("B_NAME", "B_NAME", "ADVISER", "LAW_FIRM"))
        person = writer.deal.fill("PERSON")
        rows.append([*person, f", {writer.rng.choice(titles)}, ", *writer.deal.fill(employer)])
    writer.lines(rows)


# -- leases ---------------------------------------------------------------------------


def base_rent_schedule(writer: ContractWriter, budget: int) -> None:
    words = schedule_words("base_rent_schedule")
    words.heading(writer)
    deal = writer.deal
    years = max(1, min(rows_for(budget - 40, 1, 15, 16), deal.end.year - deal.effective.year))
    rent = deal.scale
    rows: list[Sequence[Piece]] = [[words.word("header")]]
    start = deal.effective
    for year in range(1, years + 1):
        end = add_months(start, 12) - dt.timedelta(days=1)
        period = [*deal.table_date(start), " to ", *deal.table_date(end)]
        annual, monthly = (
            table_money(writer, round(rent, 2)),
            table_money(writer, round(rent / 12, 2)),
        )
        rows.append([f"{year}    ", *period, "    ", *annual, "    ", *monthly])
        start, rent = end + dt.timedelta(days=1), rent * 1.03
    writer.lines(rows)


def bearing(rng: random.Random) -> str:
    """A surveyor's bearing: North 12°34'56" East."""
    degrees, minutes, seconds = rng.randint(0, 89), rng.randint(0, 59), rng.randint(0, 59)
    angle = f"{degrees}°{minutes:02d}'{seconds:02d}\""
    return f"{rng.choice(('North', 'South'))} {angle} {rng.choice(('East', 'West'))}"


def legal_description(writer: ContractWriter, budget: int) -> None:
    words = schedule_words("legal_description")
    words.heading(writer)
    writer.paragraph(words.template("intro"))
    courses: list[Piece] = [words.word("beginning")]
    for i in range(rows_for(budget - 120, 4, 30, 16)):
        distance = writer.rng.uniform(20, 400)
        courses.append(f" thence {bearing(writer.rng)} a distance of {distance:.2f} feet")
        if i % 4 == 3:
            neighbour = writer.deal.fill(writer.rng.choice(("ORG", "PERSON")))
            courses += [f" {words.word('boundary')} ", *neighbour]
        courses.append(" to a point;")
    courses.append(f" {words.word('closing')}")
    writer.pieces_paragraph(courses)
    writer.paragraph(words.template("deed"))


def rules_and_regulations(writer: ContractWriter, budget: int) -> None:
    words = schedule_words("rules_and_regulations")
    words.heading(writer)
    plain = list(words.template_list("rules"))
    writer.rng.shuffle(plain)
    chosen = plain[: rows_for(budget, 6, len(plain), 30)]
    # One rule that names someone or something after every few plain ones.
    for i, rule in enumerate(words.template_list("rules_naming")):
        chosen.insert(min(len(chosen), i * 4 + 2), rule)
    numbered_paragraphs(writer, chosen)


def landlord_fixtures(writer: ContractWriter, budget: int) -> None:
    words = schedule_words("landlord_fixtures")
    words.heading(writer)
    writer.paragraph(words.template("intro"))
    fixtures = words.word_list("fixtures")
    items = fixtures[: rows_for(budget - 40, 4, len(fixtures), 9)]
    writer.lines([[f"{i}. {item}"] for i, item in enumerate(items, start=1)])


# -- supply ---------------------------------------------------------------------------


def part_number(rng: random.Random) -> str:
    letters = "ABCDEFGHKLMNPRSTX"
    return f"{rng.choice(letters)}{rng.choice(letters)}-{rng.randint(1000, 9999)}"


def products_and_prices(writer: ContractWriter, budget: int) -> None:
    words = schedule_words("products_and_prices")
    words.heading(writer)
    writer.paragraph(words.template("terms"))
    deal, rng = writer.deal, writer.rng
    rows: list[Sequence[Piece]] = [[words.word("header")]]
    low = 2.0 if deal.currency.code != "JPY" else 300.0
    products = words.word_list("products")
    for product in rng.sample(products, k=rows_for(budget - 40, 3, len(products), 14)):
        part = part_number(rng)
        price = exact_amount(rng, low, low * 200, cents=deal.currency.has_cents)
        money = table_money(writer, price)  # drawn before the minimum order written after it
        minimum = f"    {rng.choice((100, 250, 500, 1000, 5000))} units"
        rows.append([f"{part}    {product}    ", *money, minimum])
    writer.lines(rows)


def delivery_schedule(writer: ContractWriter, budget: int) -> None:
    schedule_words("delivery_schedule").heading(writer)
    rows: list[Sequence[Piece]] = []
    date = add_months(writer.deal.effective, 1)
    for _ in range(rows_for(budget, 3, 24, 12)):
        units = f"    {writer.rng.randint(1, 40) * 250} units    Delivery Point: "
        rows.append([*writer.deal.table_date(date), units, *writer.deal.fill("CITY")])
        date = add_months(date, 1)
    writer.lines(rows)


def quality_requirements(writer: ContractWriter, budget: int) -> None:
    words = schedule_words("quality_requirements")
    words.heading(writer)
    writer.paragraph(words.template("terms"))
    requirements = words.template_list("requirements")
    items = list(requirements[: rows_for(budget - 80, 3, len(requirements), 30)])
    items.insert(len(items) // 2, words.template("testing"))
    numbered_paragraphs(writer, items)


def approved_facilities(writer: ContractWriter, budget: int) -> None:
    schedule_words("approved_facilities").heading(writer)
    rows: list[Sequence[Piece]] = []
    for _ in range(rows_for(budget, 2, 6, 25)):
        home = writer.deal.any_home()
        address = ", ".join(writer.deal.people.address(home))
        rows.append([*writer.deal.fill("ORG"), f", {address}"])
    writer.lines(rows)


def extended_price_list(writer: ContractWriter, budget: int) -> None:
    words = schedule_words("extended_price_list")
    words.heading(writer)
    deal, rng = writer.deal, writer.rng
    low = 1.0 if deal.currency.code != "JPY" else 150.0
    materials, items = words.word_list("materials"), words.word_list("items")
    rows: list[Sequence[Piece]] = []
    for _ in range(rows_for(budget - 30, 5, 40, 10)):
        name = f"{rng.choice(materials)} {rng.choice(items)}, size {rng.randint(1, 12)}"
        price = exact_amount(rng, low, low * 80, cents=deal.currency.has_cents)
        rows.append([f"SP-{rng.randint(10000, 99999)}    {name}    ", *table_money(writer, price)])
    writer.lines(rows)


# Every table above, by the name the contract types' data files attach it by.
TABLES = {
    writer.__name__: writer
    for writer in (
        repayment_schedule,
        subsidiaries,
        statement_of_work,
        second_statement_of_work,
        service_levels,
        rate_card,
        key_personnel,
        authorised_recipients,
        base_rent_schedule,
        legal_description,
        rules_and_regulations,
        landlord_fixtures,
        products_and_prices,
        delivery_schedule,
        quality_requirements,
        approved_facilities,
        extended_price_list,
    )
}
