"""Schedules and exhibits: repayment and rent tables, price lists, rosters, legal
descriptions, and the registry of what each contract type attaches. Each writer takes a
token budget and sizes its tables and lists to it, so long contracts get long schedules,
as real ones do.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from nerkit.corpus import disclosures, forms
from nerkit.corpus.builder import Piece
from nerkit.corpus.dates import add_months, quarter_end_after
from nerkit.corpus.layout import ScheduleWriter, heading, rows_for, table_money
from nerkit.corpus.money import exact_amount
from nerkit.corpus.writer import ContractWriter


def lender_and_commitment(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE 1", w.rng.choice(("THE LENDER AND COMMITMENT", "COMMITMENTS")))
    w.lines(
        [
            ["Lender: ", *w.deal.fill("B_NAME")],
            ["Commitment: ", *w.deal.fill("VALUE")],
            ["Lending Office: ", *w.deal.fill("B_ADDR")],
            ["Account Bank: ", *w.deal.fill("BANK")],
        ]
    )
    w.plain("Pricing Grid")
    rows: list[Sequence[Piece]] = []
    for level, (ratio, margin) in enumerate(
        (
            ("> 3.00:1.00", 3.25),
            ("> 2.50:1.00", 2.75),
            ("> 2.00:1.00", 2.25),
            ("≤ 2.00:1.00", 1.75),
        ),
        start=1,
    ):
        rows.append([f"Level {level}    Leverage Ratio {ratio}    Applicable Margin {margin:.2f}%"])
    w.lines(rows)


def repayment_schedule(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE 2", "REPAYMENT SCHEDULE")
    w.paragraph(
        "The {A} shall repay the Loans on each Repayment Date set out below in the amount set"
        " out opposite that date, with the balance of all Loans then outstanding payable on"
        " the Maturity Date."
    )
    deal = w.deal
    first = quarter_end_after(add_months(deal.effective, w.rng.choice((3, 6, 12))))
    quarters = max(1, (deal.end.year - first.year) * 4 + (deal.end.month - first.month) // 3)
    count = rows_for(budget, 4, quarters)
    step = max(1, quarters // count) * 3
    instalment = round(deal.scale * w.rng.choice((0.0125, 0.025, 0.05)), 2)
    rows: list[Sequence[Piece]] = [["Repayment Date    Repayment Instalment"]]
    date = first
    for _ in range(count):
        if date >= deal.end:
            break
        rows.append([*deal.table_date(date), "    ", *table_money(w, instalment)])
        date = quarter_end_after(add_months(date, step))
    rows.append([*deal.table_date(deal.end), "    ", "all Loans then outstanding"])
    w.lines(rows)


def existing_indebtedness(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE 3", "EXISTING INDEBTEDNESS")
    kinds = ("term loan", "revolving facility", "capital lease", "senior notes", "letter of credit")
    rows: list[Sequence[Piece]] = []
    for i in range(rows_for(budget, 2, 12, per_row=22)):
        rows.append(
            [
                f"{i + 1}. ",
                *w.deal.fill("ORG"),
                f" — {w.rng.choice(kinds)} dated ",
                *w.deal.fill("PAST_DATE"),
                " — outstanding principal ",
                *w.deal.fill("MONEY_S"),
                " — maturing ",
                *w.deal.fill("FUTURE_DATE"),
            ]
        )
    w.lines(rows)


def subsidiaries(w: ContractWriter, budget: int) -> None:
    heading(w, w.rng.choice(("SCHEDULE 4", "SCHEDULE 5")), "SUBSIDIARIES")
    rows: list[Sequence[Piece]] = [["Name    Jurisdiction of Organisation    Ownership"]]
    for _ in range(rows_for(budget, 2, 15)):
        share = w.rng.choice(("100%", "100%", "100%", "80%", "51%"))
        rows.append([*w.deal.fill("ORG"), "    ", *w.deal.fill("JUR"), f"    {share}"])
    w.lines(rows)


_DELIVERABLES = (
    "Discovery and requirements report",
    "Solution design document",
    "Build of the integration layer",
    "Data migration and reconciliation",
    "System integration testing",
    "User acceptance testing",
    "Go-live and cut-over",
    "Hypercare completion",
    "Knowledge transfer to the Client team",
    "Final project report",
    "Security assessment",
    "Training of end users",
)


_ROLES = (
    "Engagement Partner",
    "Programme Director",
    "Project Manager",
    "Solution Architect",
    "Senior Consultant",
    "Consultant",
    "Business Analyst",
    "Data Engineer",
    "Test Manager",
    "Service Desk Analyst",
    "Security Specialist",
    "Trainer",
)


_SERVICE_LEVELS = (
    "Availability of the production environment    Target 99.9%    Service Credit 5%",
    "Priority 1 incidents responded to within 15 minutes    Target 98%    Service Credit 3%",
    "Priority 1 incidents resolved within 4 hours    Target 95%    Service Credit 5%",
    "Priority 2 incidents resolved within 1 Business Day    Target 95%    Service Credit 2%",
    "Service requests fulfilled within 3 Business Days    Target 90%    Service Credit 1%",
    "Calls answered within 60 seconds    Target 85%    Service Credit 1%",
    "Monthly reports delivered on time    Target 100%    Service Credit 1%",
    "Backups completed successfully    Target 99.5%    Service Credit 2%",
    "Security patches applied within 14 days    Target 97%    Service Credit 3%",
    "Customer satisfaction score of 4 or more    Target 80%    Service Credit 1%",
)


def statement_of_work(w: ContractWriter, budget: int, number: int = 1) -> None:
    label = "SCHEDULE 1" if number == 1 else f"EXHIBIT {chr(ord('A') + number - 2)}"
    heading(w, label, f"STATEMENT OF WORK NO. {number}")
    deal = w.deal
    start = add_months(deal.effective, w.rng.choice((0, 1, 2)) + (number - 1) * 6)
    w.lines(
        [
            ["Start Date: ", *deal.table_date(start)],
            ["End Date: ", *deal.table_date(add_months(start, w.rng.choice((6, 9, 12, 18))))],
            [f"{deal.parties['A'].role} Project Manager: ", *deal.fill("PERSON")],
            [f"{deal.parties['B'].role} Project Manager: ", *deal.fill("PERSON")],
            ["Fixed Fee: ", *deal.fill("MONEY")],
        ]
    )
    w.paragraph(
        "Scope. The {B} shall design, build, test and deploy the solution described in this"
        " Statement of Work, and shall provide the associated project management, quality"
        " assurance and knowledge transfer services, in accordance with the Agreement."
    )
    w.plain("Milestones and Payments")
    rows: list[Sequence[Piece]] = []
    due = start
    for i, deliverable in enumerate(
        _DELIVERABLES[: rows_for(budget - 120, 3, len(_DELIVERABLES), 18)], start=1
    ):
        due = add_months(due, w.rng.choice((1, 1, 2)))
        rows.append(
            [f"M{i}  {deliverable} — due ", *deal.table_date(due), " — ", *deal.fill("MONEY_S")]
        )
    w.lines(rows)


def service_levels(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE 2", "SERVICE LEVELS AND SERVICE CREDITS")
    w.paragraph(
        "The Service Levels below apply from {FUTURE_DATE}. Service Credits are expressed as a"
        " percentage of the monthly Charges, and the Service Credits payable in any month shall"
        " not exceed {MONEY_S} in aggregate."
    )
    count = rows_for(budget - 60, 3, len(_SERVICE_LEVELS))
    w.lines([[f"SL-{i:02d}  {row}"] for i, row in enumerate(_SERVICE_LEVELS[:count], start=1)])
    w.paragraph(
        "Measurement. Service Levels are measured over each calendar month by the monitoring"
        " tools operated by {ORG} on behalf of the {B}, and reported to {A_CONTACT}."
    )


def rate_card(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE 3", w.rng.choice(("CHARGES AND RATE CARD", "FEES")))
    w.paragraph(
        "Time-and-materials work shall be charged at the daily rates below, which are fixed"
        " until {FUTURE_DATE}. A day is eight (8) working hours; part days are charged pro rata."
    )
    rows: list[Sequence[Piece]] = []
    low = 600.0 if w.deal.currency.code != "JPY" else 90000.0
    roles = _ROLES[: rows_for(budget - 60, 3, len(_ROLES), 10)]
    # Roles run from most to least senior, and so do their rates.
    rates = sorted((exact_amount(w.rng, low, low * 4, cents=False) for _ in roles), reverse=True)
    for role, rate in zip(roles, rates, strict=True):
        rows.append([f"{role}    ", *table_money(w, round(rate, -1)), " per day"])
    w.lines(rows)


def key_personnel(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE 4", "KEY PERSONNEL")
    rows: list[Sequence[Piece]] = []
    for role in w.rng.sample(_ROLES, k=rows_for(budget, 3, 8, 8)):
        rows.append([*w.deal.fill("PERSON"), f", {role}"])
    w.lines(rows)


def subcontractors(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE 5", "APPROVED SUBCONTRACTORS")
    scopes = (
        "hosting",
        "service desk",
        "data centre operations",
        "testing",
        "translation",
        "field engineering",
    )
    rows: list[Sequence[Piece]] = []
    for _ in range(rows_for(budget, 2, 8, 12)):
        rows.append([*w.deal.fill("ORG"), " (", *w.deal.fill("JUR"), f") — {w.rng.choice(scopes)}"])
    w.lines(rows)


def authorised_recipients(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE 1", "AUTHORISED RECIPIENTS")
    w.paragraph(
        "The following individuals of the {B} and its Representatives may access the Data Room:"
    )
    rows: list[Sequence[Piece]] = []
    titles = ("Managing Director", "Vice President", "Associate", "Partner", "Counsel", "Analyst")
    for _ in range(rows_for(budget, 3, 10, 9)):
        employer = w.rng.choice(("B_NAME", "B_NAME", "ADVISER", "LAW_FIRM"))
        rows.append([*w.deal.fill("PERSON"), f", {w.rng.choice(titles)}, ", *w.deal.fill(employer)])
    w.lines(rows)


def base_rent_schedule(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE 1", "BASE RENT")
    deal = w.deal
    years = max(1, min(rows_for(budget - 40, 1, 15, 16), deal.end.year - deal.effective.year))
    rent = deal.scale
    rows: list[Sequence[Piece]] = [
        ["Lease Year    Period    Annual Base Rent    Monthly Instalment"]
    ]
    start = deal.effective
    for year in range(1, years + 1):
        end = add_months(start, 12) - dt.timedelta(days=1)
        rows.append(
            [
                f"{year}    ",
                *deal.table_date(start),
                " to ",
                *deal.table_date(end),
                "    ",
                *table_money(w, round(rent, 2)),
                "    ",
                *table_money(w, round(rent / 12, 2)),
            ]
        )
        start, rent = end + dt.timedelta(days=1), rent * 1.03
    w.lines(rows)


_DIRECTIONS = ("North", "South")


_EAST_WEST = ("East", "West")


def bearing(rng: random.Random) -> str:
    """A surveyor's bearing: North 12°34'56" East."""
    degrees, minutes, seconds = rng.randint(0, 89), rng.randint(0, 59), rng.randint(0, 59)
    angle = f"{degrees}°{minutes:02d}'{seconds:02d}\""
    return f"{rng.choice(_DIRECTIONS)} {angle} {rng.choice(_EAST_WEST)}"


def legal_description(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT A", "LEGAL DESCRIPTION OF THE LAND")
    w.paragraph(
        "ALL that certain plot, piece or parcel of land, with the buildings and improvements"
        " thereon erected, situate, lying and being in the City of {CITY}, more particularly"
        " bounded and described as follows:"
    )
    courses: list[Piece] = [
        "BEGINNING at a point on the northerly side of the public road, distant 150.00 feet from"
        " the corner formed by its intersection with the westerly side of Main Street;"
    ]
    for i in range(rows_for(budget - 120, 4, 30, 16)):
        distance = w.rng.uniform(20, 400)
        courses.append(f" thence {bearing(w.rng)} a distance of {distance:.2f} feet")
        if i % 4 == 3:
            courses += [
                " along the lands now or formerly of ",
                *w.deal.fill(w.rng.choice(("ORG", "PERSON"))),
            ]
        courses.append(" to a point;")
    courses.append(" thence to the point or place of BEGINNING.")
    w.pieces_paragraph(courses)
    w.paragraph(
        "BEING the same premises conveyed to {B_NAME} by deed from {ORG} dated {PAST_DATE} and"
        " recorded on {PAST_DATE} in the office of the county recorder."
    )


_RULES = (
    "Sidewalks, entrances, passages, corridors, elevators and stairways shall not be obstructed or"
    " used for any purpose other than ingress and egress.",
    "No sign, advertisement or notice shall be displayed on any part of the Premises or the"
    " Building without the prior written consent of the Landlord.",
    "No additional locks shall be placed on any door without the consent of the Landlord, and all"
    " keys shall be returned at the end of the term.",
    "Freight, furniture and bulky matter shall be moved in or out of the Building only through the"
    " service entrance and at times approved by the building manager.",
    "Tenants shall not use the Premises for lodging or sleeping, or for any immoral or illegal"
    " purpose.",
    "No animals, birds or bicycles shall be brought into the Building, other than assistance"
    " animals.",
    "Smoking is prohibited in all enclosed areas of the Building and within twenty-five feet of"
    " any entrance.",
    "Tenants shall not overload any floor and shall obtain approval before installing safes or"
    " other heavy equipment.",
    "The Landlord may close the Building outside business hours, subject to tenants' access by"
    " means of the card access system.",
    "Toilet rooms and other water apparatus shall not be used for any purpose other than that for"
    " which they were constructed.",
    "Tenants shall keep all window coverings closed when necessary to reduce heat gain from direct"
    " sunlight.",
    "No cooking shall be done in the Premises other than in approved pantry areas using equipment"
    " approved by the Landlord.",
    "Tenants shall cooperate with the Landlord's recycling and waste management programmes.",
    "Canvassing, soliciting and peddling in the Building are prohibited.",
)


_RULES_WITH_ENTITIES = (
    "After-hours heating, ventilation and air conditioning shall be provided on request at the"
    " rate of {MONEY_XS} per hour per zone.",
    "All requests for building services shall be directed to the property manager, {ORG},"
    " attention {PERSON}.",
    "Contractors performing work in the Premises shall carry liability insurance of not less than"
    " {MONEY} and be approved by {PERSON}, the chief engineer.",
    "These Rules and Regulations were last revised on {PAST_DATE} and may be amended by the"
    " Landlord on written notice.",
)


def rules_and_regulations(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT B", "RULES AND REGULATIONS")
    plain = list(_RULES)
    w.rng.shuffle(plain)
    chosen = plain[: rows_for(budget, 6, len(plain), 30)]
    # One rule that names someone or something after every few plain ones.
    for i, rule in enumerate(_RULES_WITH_ENTITIES):
        chosen.insert(min(len(chosen), i * 4 + 2), rule)
    for number, rule in enumerate(chosen, start=1):
        w.builder.text(f"{number}. ")
        w.paragraph(rule)


_PRODUCTS = (
    "Aluminium housing, anodised",
    "Printed circuit board assembly, rev. C",
    "Stainless steel fastener kit",
    "Injection-moulded polymer bezel",
    "Lithium-ion battery module, 48 V",
    "Hydraulic seal set",
    "Copper busbar, tin-plated",
    "Optical sensor unit",
    "Industrial enzyme concentrate, 25 kg drum",
    "Corrugated shipping carton, double wall",
    "Brushless DC motor, 250 W",
    "Pharmaceutical-grade excipient, 50 kg bag",
    "Glass fibre reinforced panel",
    "Wire harness assembly",
)


def part_number(rng: random.Random) -> str:
    letters = "ABCDEFGHKLMNPRSTX"
    return f"{rng.choice(letters)}{rng.choice(letters)}-{rng.randint(1000, 9999)}"


def products_and_prices(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE A", "PRODUCTS AND PRICES")
    w.paragraph("Prices are per unit, FCA the {B}'s facility, and are fixed until {FUTURE_DATE}.")
    rows: list[Sequence[Piece]] = [["Part No.    Description    Unit Price    Minimum Order"]]
    low = 2.0 if w.deal.currency.code != "JPY" else 300.0
    count = rows_for(budget - 40, 3, len(_PRODUCTS), 14)
    for product in w.rng.sample(_PRODUCTS, k=count):
        part = part_number(w.rng)
        price = exact_amount(w.rng, low, low * 200, cents=w.deal.currency.has_cents)
        rows.append(
            [
                f"{part}    {product}    ",
                *table_money(w, price),
                f"    {w.rng.choice((100, 250, 500, 1000, 5000))} units",
            ]
        )
    w.lines(rows)


def delivery_schedule(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE B", "INITIAL DELIVERY SCHEDULE")
    rows: list[Sequence[Piece]] = []
    date = add_months(w.deal.effective, 1)
    for _ in range(rows_for(budget, 3, 24, 12)):
        rows.append(
            [
                *w.deal.table_date(date),
                f"    {w.rng.randint(1, 40) * 250} units    Delivery Point: ",
                *w.deal.fill("CITY"),
            ]
        )
        date = add_months(date, 1)
    w.lines(rows)


_QUALITY_REQUIREMENTS = (
    "Each lot shall be accompanied by a certificate of conformance stating the lot number, date of"
    " manufacture and the results of outgoing inspection.",
    "Dimensional characteristics shall be inspected in accordance with an acceptable quality level"
    " of 0.65 under ISO 2859-1, general inspection level II.",
    "Materials shall comply with the restrictions on hazardous substances and shall be supported"
    " by full material declarations on request.",
    "The Supplier shall maintain traceability of each lot to its raw material batches for not less"
    " than ten (10) years.",
    "Non-conforming material shall be segregated, labelled and reported to the Buyer's quality"
    " department within one Business Day.",
    "First article inspection reports shall be submitted for approval before the first production"
    " shipment and after any approved change.",
    "Statistical process control shall be applied to all characteristics designated as critical on"
    " the drawings.",
    "Packaging shall protect the Products against damage, corrosion and contamination during"
    " transport and storage for at least twelve months.",
)


def quality_requirements(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE C", "SPECIFICATIONS AND QUALITY REQUIREMENTS")
    w.paragraph(
        "The Specifications are those contained in the drawings and technical data sheets"
        " issued by the {A} under revision dated {PAST_DATE}, as amended from time to time."
    )
    items = list(_QUALITY_REQUIREMENTS[: rows_for(budget - 80, 3, len(_QUALITY_REQUIREMENTS), 30)])
    items.insert(
        len(items) // 2,
        "Independent testing shall be carried out by {ORG}, an accredited laboratory, at intervals"
        " of not more than {MONTHS}.",
    )
    for number, item in enumerate(items, start=1):
        w.builder.text(f"{number}. ")
        w.paragraph(item)


def approved_facilities(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE D", "APPROVED MANUFACTURING FACILITIES")
    rows: list[Sequence[Piece]] = []
    for _ in range(rows_for(budget, 2, 6, 25)):
        home = w.deal.any_home()
        address = ", ".join(w.deal.people.address(home))
        rows.append([*w.deal.fill("ORG"), f", {address}"])
    w.lines(rows)


def second_statement_of_work(w: ContractWriter, budget: int) -> None:
    statement_of_work(w, budget, number=2)


# Every schedule and form a contract type may attach, by the name its data file uses.
WRITERS: dict[str, ScheduleWriter] = {
    writer.__name__: writer
    for writer in (
        lender_and_commitment,
        repayment_schedule,
        existing_indebtedness,
        subsidiaries,
        forms.borrowing_request,
        forms.compliance_certificate,
        forms.promissory_note,
        statement_of_work,
        service_levels,
        rate_card,
        key_personnel,
        subcontractors,
        authorised_recipients,
        forms.destruction_certificate,
        base_rent_schedule,
        legal_description,
        rules_and_regulations,
        forms.estoppel_certificate,
        products_and_prices,
        delivery_schedule,
        quality_requirements,
        approved_facilities,
        disclosures.insurance_schedule,
        disclosures.material_contracts,
        forms.form_of_guaranty,
        disclosures.real_property,
        disclosures.litigation,
        disclosures.intellectual_property,
        forms.assignment_and_assumption,
        forms.legal_opinion,
        forms.form_of_security_agreement,
        forms.data_processing_addendum,
        forms.security_requirements,
        second_statement_of_work,
        disclosures.third_party_contracts,
        forms.governance_schedule,
        forms.exit_plan,
        disclosures.landlord_fixtures,
        forms.work_letter,
        disclosures.permitted_encumbrances,
        forms.lease_guaranty,
        forms.commencement_memorandum,
        disclosures.extended_price_list,
        forms.quality_agreement,
        forms.consignment_stock,
        forms.supplier_code,
    )
}
