"""Disclosure schedules: long tables of insurers, contracts, properties, proceedings and
parts, each row naming parties, dates and amounts."""

from __future__ import annotations

from collections.abc import Sequence

from nerkit.corpus.builder import Ent, Piece
from nerkit.corpus.layout import disclosure_rows, heading, rows_for, table_money
from nerkit.corpus.money import exact_amount
from nerkit.corpus.writer import ContractWriter

_INSURERS = (
    "Insurance Company",
    "Assurance Limited",
    "Mutual Insurance Company",
    "Specialty Insurance Co.",
    "Versicherung AG",
    "Assurances SA",
)


_POLICIES = (
    "Commercial general liability",
    "Property (all risks)",
    "Business interruption",
    "Directors and officers liability",
    "Cyber liability",
    "Environmental impairment liability",
    "Marine cargo",
    "Product liability and recall",
    "Crime and fidelity",
    "Employers' liability",
)


_CONTRACT_KINDS = (
    "Master supply agreement",
    "Distribution agreement",
    "Licence agreement",
    "Joint venture agreement",
    "Lease",
    "Services agreement",
    "Shareholders' agreement",
    "Intercompany loan agreement",
    "Offtake agreement",
    "Framework purchase agreement",
)


_MARKS = (
    "NORTHWIND",
    "CLEARPATH",
    "VERITAS ONE",
    "BLUEHARBOR",
    "TERRAFORM",
    "LUMENPOINT",
    "QUANTIS",
    "SILVERLINE",
)


def insurer(w: ContractWriter) -> Ent:
    word = w.rng.choice(("Summit", "Atlas", "Meridian", "Keystone", "Beacon", "Granite"))
    return Ent(f"{word} {w.rng.choice(_INSURERS)}", "ORG")


def insurance_schedule(w: ContractWriter, budget: int) -> None:
    def row() -> list[Piece]:
        return [
            insurer(w),
            f" — {w.rng.choice(_POLICIES)} — Policy No. {w.rng.randint(100000, 999999)} — limit ",
            *w.deal.fill("MONEY"),
            " — expires ",
            *w.deal.fill("FUTURE_DATE"),
        ]

    disclosure_rows(
        w,
        "SCHEDULE 6",
        "INSURANCE",
        "Insurance policies maintained by the {A} and its Subsidiaries on the Effective Date:",
        budget,
        24,
        row,
    )


def material_contracts(w: ContractWriter, budget: int) -> None:
    def row() -> list[Piece]:
        return [
            f"{w.rng.choice(_CONTRACT_KINDS)} dated ",
            *w.deal.fill("PAST_DATE"),
            f" between the {w.deal.parties['A'].role} and ",
            *w.deal.fill("ORG"),
        ]

    disclosure_rows(
        w,
        "SCHEDULE 7",
        "MATERIAL CONTRACTS",
        "Each contract to which the {A} is a party whose termination could reasonably be expected"
        " to have a Material Adverse Effect:",
        budget,
        16,
        row,
    )


def real_property(w: ContractWriter, budget: int) -> None:
    def row() -> list[Piece]:
        address = ", ".join(w.deal.people.address(w.deal.any_home()))
        if w.rng.random() < 0.5:
            return [f"{address} — owned in fee simple"]
        return [
            f"{address} — leased from ",
            *w.deal.fill("ORG"),
            " until ",
            *w.deal.fill("FUTURE_DATE"),
        ]

    disclosure_rows(
        w,
        "SCHEDULE 8",
        "REAL PROPERTY",
        "Real property owned or leased by the {A} and its Subsidiaries:",
        budget,
        22,
        row,
    )


def litigation(w: ContractWriter, budget: int) -> None:
    def row() -> list[Piece]:
        return [
            *w.deal.fill("ORG"),
            " v. ",
            *w.deal.fill("A_NAME"),
            f", Case No. {w.rng.randint(18, 25)}-cv-{w.rng.randint(1000, 9999)}, filed ",
            *w.deal.fill("PAST_DATE"),
            "; amount claimed ",
            *w.deal.fill("MONEY_S"),
        ]

    disclosure_rows(
        w,
        "SCHEDULE 9",
        "LITIGATION",
        "Pending or threatened proceedings against the {A} or any of its Subsidiaries:",
        budget,
        20,
        row,
    )


def intellectual_property(w: ContractWriter, budget: int) -> None:
    def row() -> list[Piece]:
        return [
            f"Trade mark {w.rng.choice(_MARKS)},"
            f" Registration No. {w.rng.randint(1000000, 9999999)}, registered ",
            *w.deal.fill("PAST_DATE"),
            " in ",
            *w.deal.fill("JUR"),
        ]

    disclosure_rows(
        w,
        "SCHEDULE 10",
        "INTELLECTUAL PROPERTY",
        "Registered Intellectual Property Rights owned by the {A}:",
        budget,
        14,
        row,
    )


def third_party_contracts(w: ContractWriter, budget: int) -> None:
    def row() -> list[Piece]:
        return [
            *w.deal.fill("ORG"),
            f" — {w.rng.choice(_CONTRACT_KINDS).lower()} dated ",
            *w.deal.fill("PAST_DATE"),
            " — annual value ",
            *w.deal.fill("MONEY_S"),
        ]

    disclosure_rows(
        w,
        "SCHEDULE 10",
        "THIRD-PARTY CONTRACTS",
        "Contracts between the {A} and third parties that the {B} will manage on the {A}'s behalf:",
        budget,
        18,
        row,
    )


_FIXTURES = (
    "Raised access floor throughout the office areas",
    "Suspended acoustic ceiling with recessed LED lighting",
    "Two passenger lifts serving all floors",
    "Kitchen fit-out with sink, dishwasher and refrigerator",
    "Carpet tiles in open-plan areas",
    "Glazed meeting room partitions",
    "Fire alarm and sprinkler systems",
    "Building management system sensors",
    "Wall-mounted air conditioning units",
    "Shower and changing facilities on the ground floor",
    "Secure cycle storage for twenty bicycles",
    "Reception desk and lobby furniture",
)


def landlord_fixtures(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE 2", "LANDLORD'S FIXTURES AND FITTINGS")
    w.paragraph(
        "The following items are the property of the {B} and shall remain in the Premises at the"
        " end of the term, as recorded in the inventory of {PAST_DATE}:"
    )
    items = _FIXTURES[: rows_for(budget - 40, 4, len(_FIXTURES), 9)]
    w.lines([[f"{i}. {item}"] for i, item in enumerate(items, start=1)])


def permitted_encumbrances(w: ContractWriter, budget: int) -> None:
    def row() -> list[Piece]:
        kind = w.rng.choice(
            (
                "Easement for utilities",
                "Declaration of covenants",
                "Right of way",
                "Reciprocal access agreement",
            )
        )
        return [
            f"{kind} in favour of ",
            *w.deal.fill("ORG"),
            ", recorded ",
            *w.deal.fill("PAST_DATE"),
        ]

    disclosure_rows(
        w,
        "EXHIBIT G",
        "PERMITTED ENCUMBRANCES",
        "The Premises are let subject to the following matters of record:",
        budget,
        14,
        row,
    )


_MATERIALS = (
    "Aluminium",
    "Steel",
    "Polymer",
    "Copper",
    "Ceramic",
    "Composite",
    "Titanium",
    "Glass",
)


_ITEMS = (
    "bracket",
    "housing",
    "gasket",
    "connector",
    "valve body",
    "shaft",
    "panel",
    "fitting",
    "spacer",
    "cover",
)


def extended_price_list(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE E", "PRICE LIST FOR SPARE PARTS AND ACCESSORIES")
    low = 1.0 if w.deal.currency.code != "JPY" else 150.0
    rows: list[Sequence[Piece]] = []
    for _ in range(rows_for(budget - 30, 5, 40, 10)):
        name = f"{w.rng.choice(_MATERIALS)} {w.rng.choice(_ITEMS)}, size {w.rng.randint(1, 12)}"
        price = exact_amount(w.rng, low, low * 80, cents=w.deal.currency.has_cents)
        rows.append([f"SP-{w.rng.randint(10000, 99999)}    {name}    ", *table_money(w, price)])
    w.lines(rows)
