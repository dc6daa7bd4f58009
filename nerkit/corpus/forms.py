"""Forms of ancillary documents attached as exhibits: notes, guaranties, certificates,
work letters, codes of conduct. Long contracts carry several, as real ones do."""

from __future__ import annotations

from collections.abc import Sequence

from nerkit.corpus.builder import Piece
from nerkit.corpus.clauses import Section, all_articles
from nerkit.corpus.layout import (
    as_guarantor,
    form_signature,
    heading,
    numbered_sections,
    shared_sections,
)
from nerkit.corpus.writer import ContractWriter


def borrowing_request(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT A", "FORM OF BORROWING REQUEST")
    w.lines(
        [
            ["To: ", *w.deal.fill("B_NAME")],
            ["Attention: ", *w.deal.fill("B_CONTACT")],
            ["Date: [●]"],
        ]
    )
    w.paragraph(
        "We refer to the agreement dated {EFFECTIVE_DATE} between {A_NAME}, as {A}, and"
        " {B_NAME}, as {B} (the Agreement). Terms defined in the Agreement have the same"
        " meaning in this Borrowing Request."
    )
    w.paragraph(
        "We wish to borrow a Loan on the following terms: Proposed borrowing date: [●] (or,"
        " if that is not a Business Day, the next Business Day); Amount: [●] or, if less,"
        " the available Commitment; Interest Period: [●] months."
    )
    w.paragraph(
        "We confirm that each condition specified in the Agreement is satisfied on the date"
        " of this Borrowing Request, and that no Default is continuing or would result from"
        " the proposed Loan. The proceeds of this Loan should be credited to account number"
        " [●] with {BANK}."
    )
    form_signature(w, "A")


def compliance_certificate(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT B", "FORM OF COMPLIANCE CERTIFICATE")
    w.paragraph(
        "The undersigned, the duly elected chief financial officer of {A_NAME} (the {A}),"
        " hereby certifies to {B_NAME} (the {B}), on behalf of the {A} and not individually,"
        " with reference to the agreement dated {EFFECTIVE_DATE}, that:"
    )
    for number, template in enumerate(
        (
            "The financial statements attached hereto for the period ended [●] fairly present"
            " the financial condition of the {A} and its Subsidiaries.",
            "As at the last day of that period, the Leverage Ratio was [●]:1.00 (maximum"
            " permitted 3.50:1.00) and the Interest Coverage Ratio was [●]:1.00.",
            "Unrestricted cash held with {BANK} was [●], against a minimum requirement of {MONEY}.",
            "No Default is continuing, and no Subsidiary with total assets in excess of"
            " {MONEY_S} has been formed or acquired during that period.",
        ),
        start=1,
    ):
        w.builder.text(f"{number}. ")
        w.paragraph(template)
    w.lines(
        [
            ["By: ______________________________"],
            ["Name: ", *w.deal.fill("A_SIGNATORY")],
            ["Title: Chief Financial Officer"],
        ]
    )


def promissory_note(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT C", "FORM OF PROMISSORY NOTE")
    deal = w.deal
    w.lines(
        [
            deal.money(deal.scale, style="caps_words"),
            [*deal.fill("CITY"), ", ", *deal.fill("EFFECTIVE_DATE")],
        ]
    )
    w.pieces_paragraph(
        [
            "FOR VALUE RECEIVED, the undersigned, ",
            *deal.fill("A_CAPS"),
            ", ",
            *deal.fill("A_INC"),
            " (the Maker), hereby unconditionally promises to pay to the order of ",
            *deal.fill("B_NAME"),
            " (the Payee), at its office at ",
            *deal.fill("B_ADDR"),
            ", the principal sum of ",
            *deal.money(deal.scale, style="words_figures"),
            " or, if less, the aggregate unpaid principal amount of all Loans made by the"
            " Payee to the Maker, on ",
            *deal.fill("END_DATE"),
            ".",
        ]
    )
    w.paragraph(
        "The Maker further promises to pay interest on the unpaid principal amount hereof from"
        " the date hereof until paid in full at the rates and at the times provided in the"
        " agreement dated {EFFECTIVE_DATE} between the Maker and the Payee. This Note is"
        " governed by the laws of {GOV_LAW}."
    )
    w.paragraph(
        "The Maker waives presentment, demand, protest and notice of any kind. No delay or"
        " omission on the part of the holder in exercising any right hereunder shall operate"
        " as a waiver of such right or of any other right under this Note."
    )
    form_signature(w, "A")


def form_of_guaranty(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT D", "FORM OF GUARANTY")
    w.paragraph(
        "THIS GUARANTY is made as of {EFFECTIVE_DATE} by {HOLDCO} (the Guarantor) in favour"
        " of {B_NAME} (the {B}), in respect of the obligations of {A_NAME} (the {A}) under the"
        " agreement dated {EFFECTIVE_DATE} (the Agreement)."
    )
    sections = [s for s in all_articles()["guarantee"].sections] + list(
        shared_sections(("governing_law", "miscellaneous"))
    )
    numbered_sections(w, [as_guarantor(s) for s in sections], budget - 150)
    w.lines(
        [["[GUARANTOR]"], ["By: ______________________________"], ["Name: [●]"], ["Title: [●]"]]
    )


def data_processing_addendum(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE 6", "DATA PROCESSING ADDENDUM")
    w.lines(
        [
            ["Controller: ", *w.deal.fill("A_NAME")],
            ["Processor: ", *w.deal.fill("B_NAME")],
            ["Data protection officer: ", *w.deal.fill("PERSON")],
        ]
    )
    numbered_sections(w, all_articles()["data_protection"].sections, budget - 60)


def destruction_certificate(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT A", "FORM OF CERTIFICATE OF RETURN OR DESTRUCTION")
    w.paragraph(
        "To: {A_NAME}. We refer to the agreement between us dated {EFFECTIVE_DATE}. We certify"
        " that all Evaluation Material received by us or our Representatives has been"
        " returned or destroyed in accordance with that agreement, save for copies we are"
        " permitted to retain, which remain subject to its terms."
    )
    form_signature(w, "B")


def estoppel_certificate(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT C", "FORM OF TENANT ESTOPPEL CERTIFICATE")
    w.paragraph(
        "The undersigned, {A_NAME} (the {A}), hereby certifies to {B_NAME} (the {B}) and to"
        " {BANK}, as lender, that: (a) the {A} is the tenant under the lease dated"
        " {EFFECTIVE_DATE} (the Lease); (b) the Lease is in full force and effect and has not"
        " been modified; (c) the current monthly Base Rent is [●] and has been paid through"
        " [●]; (d) the Security Deposit held by the {B} is [●]; and (e) to the knowledge of"
        " the {A}, the {B} is not in default under the Lease."
    )
    form_signature(w, "A")


def lease_guaranty(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT D", "GUARANTY OF LEASE")
    w.paragraph(
        "FOR VALUE RECEIVED, and to induce {B_NAME} to enter into the Lease with {A_NAME},"
        " {HOLDCO} (the Guarantor) unconditionally guarantees to the {B} the full and"
        " punctual payment of all rent and the performance of all obligations of the {A}"
        " under the Lease, up to an aggregate amount of {MONEY}."
    )
    numbered_sections(
        w,
        [as_guarantor(s) for s in all_articles()["guarantee"].sections[1:]]
        + shared_sections(("governing_law",)),
        budget - 120,
    )
    w.lines(
        [["[GUARANTOR]"], ["By: ______________________________"], ["Name: [●]"], ["Title: [●]"]]
    )


def quality_agreement(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT A", "QUALITY AGREEMENT")
    w.lines(
        [
            ["Supplier quality contact: ", *w.deal.fill("PERSON")],
            ["Buyer quality contact: ", *w.deal.fill("PERSON")],
            ["Effective: ", *w.deal.fill("EFFECTIVE_DATE")],
        ]
    )

    sections = list(all_articles()["quality"].sections) + [
        Section(item.split(".")[0], (item.split(". ", 1)[1],))
        for item in all_articles()["product_warranty"].items
    ]
    numbered_sections(w, sections, budget - 60)


def assignment_and_assumption(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT E", "FORM OF ASSIGNMENT AND ASSUMPTION")
    w.paragraph(
        "This Assignment and Assumption is dated as of the Effective Date set forth below and"
        " is entered into by and between {B_NAME} (the Assignor) and [●] (the Assignee)."
        " Capitalised terms used but not defined herein have the meanings given to them in"
        " the agreement dated {EFFECTIVE_DATE} between {A_NAME}, as {A}, and the Assignor"
        " (as amended, the Credit Agreement), receipt of a copy of which is hereby"
        " acknowledged by the Assignee."
    )
    for number, template in enumerate(
        (
            "Assignment. For an agreed consideration, the Assignor hereby irrevocably sells"
            " and assigns to the Assignee, and the Assignee hereby irrevocably purchases and"
            " assumes from the Assignor, as of the Effective Date, all of the Assignor's"
            " rights and obligations under the Credit Agreement in the amount specified"
            " below, together with all related claims and causes of action.",
            "Representations of the Assignor. The Assignor represents that it is the legal"
            " and beneficial owner of the interest being assigned, that such interest is free"
            " and clear of any lien, and that it has full power and authority to execute this"
            " Assignment and Assumption; the Assignor makes no representation as to the"
            " financial condition of the {A} or {HOLDCO}.",
            "Representations of the Assignee. The Assignee represents that it meets all the"
            " requirements to be an assignee under the Credit Agreement, that it has received"
            " copies of the most recent financial statements delivered under the Credit"
            " Agreement, and that it has independently made its own credit analysis and"
            " decision to enter into this Assignment and Assumption.",
            "Payments. From and after the Effective Date, all payments in respect of the"
            " assigned interest shall be made to the Assignee, to its account with {BANK},"
            " whether such amounts accrued before or after the Effective Date.",
            "Governing Law. This Assignment and Assumption shall be governed by the laws of"
            " {GOV_LAW}.",
        ),
        start=1,
    ):
        w.builder.text(f"{number}. ")
        w.paragraph(template)
    w.lines(
        [
            ["Effective Date: [●], 20[●]"],
            [
                "Assigned Commitment: [●] (of an aggregate Commitment of ",
                *w.deal.fill("VALUE"),
                ")",
            ],
        ]
    )
    form_signature(w, "B")


def legal_opinion(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT F", "FORM OF LEGAL OPINION")
    w.lines([["To: ", *w.deal.fill("B_NAME")], ["Re: ", *w.deal.fill("A_NAME")]])
    paragraphs = (
        "We have acted as counsel to {A_NAME} (the Company) in connection with the agreement"
        " dated {EFFECTIVE_DATE} (the Agreement) between the Company and {B_NAME}. This"
        " opinion is delivered to you at the request of the Company under the Agreement.",
        "In rendering this opinion we have examined originals or copies of the Agreement,"
        " the constitutional documents of the Company, the resolutions of its board of"
        " directors adopted on {PAST_DATE}, and such other documents, certificates and"
        " records as we have considered necessary.",
        "Based on the foregoing and subject to the assumptions and qualifications below, we"
        " are of the opinion that: (a) the Company is {A_INC}, validly existing and in good"
        " standing; (b) the Company has the corporate power to execute, deliver and perform"
        " the Agreement; (c) the Agreement has been duly authorised, executed and delivered"
        " by the Company; and (d) the execution and performance of the Agreement do not"
        " violate any law of {HOME_LAW} applicable to the Company.",
        "This opinion is limited to the laws of {HOME_LAW} in force on the date hereof. It is"
        " given solely for your benefit and may not be relied upon by any other person"
        " without our prior written consent, save that it may be disclosed to the"
        " {REGULATOR} and to any permitted assignee.",
    )
    for template in paragraphs[: max(2, len(paragraphs) if budget > 300 else 2)]:
        w.paragraph(template)
    w.pieces_paragraph(["Yours faithfully,\n", *w.deal.fill("LAW_FIRM")])


def form_of_security_agreement(w: ContractWriter, budget: int) -> None:

    heading(w, "EXHIBIT G", "FORM OF PLEDGE AND SECURITY AGREEMENT")
    w.paragraph(
        "THIS PLEDGE AND SECURITY AGREEMENT is entered into as of {EFFECTIVE_DATE} by {A_NAME}"
        " (the Grantor) in favour of {B_NAME} (the Secured Party)."
    )
    sections = list(all_articles()["security"].sections) + shared_sections(("governing_law",))
    numbered_sections(w, sections, budget - 120)
    form_signature(w, "A")


def security_requirements(w: ContractWriter, budget: int) -> None:
    heading(w, "SCHEDULE 7", "INFORMATION SECURITY REQUIREMENTS")
    controls = (
        "Access to systems processing data of the {A} shall be granted on a least-privilege"
        " basis and reviewed at least quarterly.",
        "Multi-factor authentication shall be enforced for all remote access and for all"
        " privileged accounts.",
        "Data of the {A} shall be encrypted in transit using TLS 1.2 or higher and at rest"
        " using AES-256 or an equivalent algorithm.",
        "Security patches rated critical shall be applied within fourteen (14) days of"
        " release, and all others within sixty (60) days.",
        "An independent penetration test of the systems used to provide the Services shall"
        " be carried out annually by {ORG}, and the summary results shared with the {A}.",
        "Security logs shall be retained for at least twelve (12) months and monitored by a"
        " security operations centre on a continuous basis.",
        "All personnel with access to data of the {A} shall complete security awareness"
        " training on joining and annually thereafter.",
        "Backups shall be taken daily, stored in a geographically separate location, and"
        " restoration tested at least twice a year.",
        "Security incidents shall be reported to the {A}'s security officer, {PERSON}, within"
        " twenty-four (24) hours of detection.",
        "The {B} shall maintain its SOC 2 Type II report, most recently issued on"
        " {PAST_DATE}, and deliver each new report to the {A} on issue.",
        "Removable media shall be disabled on all endpoints used to provide the Services.",
        "Vendors and subcontractors with access to data of the {A} shall be assessed before"
        " engagement and at least annually.",
    )
    for number, template in enumerate(controls, start=1):
        w.builder.text(f"{number}. ")
        w.paragraph(template)


def governance_schedule(w: ContractWriter, budget: int) -> None:

    heading(w, "SCHEDULE 8", "GOVERNANCE")
    rows: list[Sequence[Piece]] = [["Forum    Frequency    Chair"]]
    for forum, frequency in (
        ("Operational review", "Weekly"),
        ("Service review board", "Monthly"),
        ("Steering committee", "Quarterly"),
        ("Executive review", "Annually"),
        ("Change advisory board", "As required"),
    ):
        rows.append([f"{forum}    {frequency}    ", *w.deal.fill("PERSON")])
    w.lines(rows)
    numbered_sections(w, all_articles()["governance"].sections, budget - 100)


def exit_plan(w: ContractWriter, budget: int) -> None:

    heading(w, "SCHEDULE 9", "EXIT MANAGEMENT")
    w.paragraph(
        "This Schedule supplements the exit provisions of the Agreement. The exit manager for"
        " the {B} is {PERSON}, and the first version of the exit plan shall be delivered by"
        " {FUTURE_DATE}."
    )
    numbered_sections(w, all_articles()["exit_management"].sections, budget - 60)


def work_letter(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT E", "WORK LETTER")
    paragraphs = (
        "Landlord's Work. The {B} shall, at its cost, complete the base building work"
        " described in this Work Letter, including the delivery of the Premises with"
        " code-compliant restrooms, a working fire and life safety system, and HVAC"
        " distribution capable of serving an open-plan office layout.",
        "Tenant Improvement Allowance. The {B} shall provide an allowance of up to {MONEY}"
        " for the design and construction of the initial improvements to the Premises,"
        " payable against invoices from the {A}'s contractors, with lien waivers, no more"
        " often than monthly.",
        "Plans. The {A} shall engage an architect reasonably approved by the {B}, such as"
        " {ORG}, to prepare construction drawings, which shall be delivered to the {B} by"
        " {FUTURE_DATE} for approval within ten (10) business days.",
        "Contractors. The tenant improvements shall be constructed by a general contractor"
        " selected by the {A} from a list of at least three contractors approved by the {B},"
        " each carrying insurance of not less than {MONEY_S} per occurrence.",
        "Supervision Fee. The {A} shall pay the {B} a construction supervision fee equal to"
        " two percent (2%) of the total cost of the tenant improvements.",
        "Delay. If the Premises are not delivered with the Landlord's Work substantially"
        " complete by {FUTURE_DATE}, other than by reason of tenant delay, the {A} shall"
        " receive one day of free Base Rent for each day of delay.",
        "Representatives. The {B} designates {PERSON} and the {A} designates {PERSON} as"
        " their respective representatives for all matters relating to this Work Letter.",
    )
    for number, template in enumerate(paragraphs, start=1):
        w.builder.text(f"{number}. ")
        w.paragraph(template)


def commencement_memorandum(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT F", "FORM OF COMMENCEMENT DATE MEMORANDUM")
    w.paragraph(
        "This memorandum is made between {B_NAME} (the {B}) and {A_NAME} (the {A}) under the"
        " lease dated {EFFECTIVE_DATE}. The parties confirm that the Commencement Date is [●],"
        " the Expiration Date is {END_DATE}, and that the Base Rent for the first Lease Year"
        " is as set out in Schedule 1."
    )
    form_signature(w, "A")


def consignment_stock(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT B", "CONSIGNMENT STOCK TERMS")
    paragraphs = (
        "Consignment Stock. The {B} shall maintain at the {A}'s warehouse, operated on its"
        " behalf by {ORG}, a consignment stock of the Products equal to at least two weeks"
        " of forecast demand.",
        "Title. Title to consignment stock remains with the {B} until the Products are"
        " withdrawn from stock by the {A}, at which point title passes and the price becomes"
        " payable.",
        "Withdrawals. The {A} shall report withdrawals weekly, and the {B} shall invoice"
        " withdrawals monthly in arrears.",
        "Stock Counts. The parties shall carry out a joint physical stock count at least"
        " twice a year, the first on or before {FUTURE_DATE}. Discrepancies shall be"
        " borne by the {A} except to the extent caused by the {B}.",
        "Insurance. The {A} shall insure the consignment stock against loss or damage for its"
        " replacement value, up to a limit of {MONEY}.",
        "Ageing Stock. Products held in consignment for more than six (6) months may be"
        " invoiced to the {A} at the {B}'s option.",
    )
    for number, template in enumerate(paragraphs, start=1):
        w.builder.text(f"{number}. ")
        w.paragraph(template)


def supplier_code(w: ContractWriter, budget: int) -> None:
    heading(w, "EXHIBIT C", "SUPPLIER CODE OF CONDUCT")
    w.paragraph(
        "The {B} shall comply, and ensure that its sub-suppliers comply, with the following"
        " principles, as adopted by the board of the {A} on {PAST_DATE}:"
    )
    principles = (
        "Employment is freely chosen; there is no forced, bonded or involuntary prison"
        " labour, and workers are free to leave their employment on reasonable notice.",
        "No child labour is used, and young workers are not employed at night or in"
        " hazardous conditions.",
        "Working hours comply with national laws and do not exceed sixty hours per week,"
        " including overtime.",
        "Wages and benefits meet, at a minimum, national legal standards.",
        "Workers have the right to join or form trade unions of their own choosing and to"
        " bargain collectively.",
        "A safe and hygienic working environment is provided, and adequate steps are taken"
        " to prevent accidents and injury to health.",
        "No discrimination in hiring, compensation, access to training, promotion,"
        " termination or retirement is practised.",
        "Environmental permits are obtained and maintained, and emissions, waste and water"
        " use are monitored and reduced.",
        "Concerns may be reported in confidence to the ethics hotline operated by {ORG}, or"
        " directly to the {A}'s chief compliance officer, {PERSON}.",
    )
    for number, template in enumerate(principles, start=1):
        w.builder.text(f"{number}. ")
        w.paragraph(template)
