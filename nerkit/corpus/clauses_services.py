"""Clauses of services agreements: {A} is the client, {B} the provider."""

from __future__ import annotations

from nerkit.corpus.clauses import Article, D, S

TITLES = (
    "MASTER SERVICES AGREEMENT",
    "PROFESSIONAL SERVICES AGREEMENT",
    "CONSULTING AGREEMENT",
    "IT OUTSOURCING SERVICES AGREEMENT",
    "MANAGED SERVICES AGREEMENT",
)
ROLES = (
    ("Client", "Service Provider"),
    ("Customer", "Supplier"),
    ("Company", "Consultant"),
    ("Client", "Contractor"),
)
THIRD_ROLES = ("Parent Company",)

RECITALS = (
    "The {B} is in the business of providing <<information technology|consulting|"
    "managed|engineering>> services and has represented that it has the skills, resources"
    " and experience necessary to provide the Services.",
    "The {A} wishes to engage the {B} to provide the Services on the terms set out in this"
    " Agreement, following a competitive tender process launched on {PAST_DATE}.",
    "The {A} and the {B} are parties to a letter agreement dated {PAST_DATE} under which"
    " the {B} performed certain transition planning services, which this Agreement"
    " supersedes.",
    "The {B} previously provided similar services to the {A} under an agreement with"
    " {ORG} that expired on {PAST_DATE}.",
)

DEFINITIONS = (
    D(
        "Deliverables",
        "means all documents, products and materials developed by the {B} or its personnel"
        " as part of or in relation to the Services in any form, including computer"
        " programs, data, reports and specifications.",
    ),
    D(
        "Services",
        "means the services to be provided by the {B} under this Agreement as described in"
        " each Statement of Work, together with any other services which the {B} provides"
        " or agrees to provide to the {A}.",
    ),
    D(
        "Statement of Work",
        "means each statement of work entered into under this Agreement in substantially"
        " the form set out in Schedule 1, the first of which is dated {EFFECTIVE_DATE}.",
    ),
    D(
        "Service Levels",
        "means the service levels set out in Schedule 2, as amended from time to time in"
        " accordance with the change control procedure.",
    ),
    D(
        "Charges",
        "means the charges payable by the {A} for the supply of the Services, as set out in"
        " Schedule 3, not to exceed {VALUE} in any contract year without a Change Order.",
    ),
    D(
        "Key Personnel",
        "means the individuals identified as such in Schedule 4, including {PERSON}, and"
        " any replacement approved by the {A} in writing.",
    ),
    D(
        "Change Order",
        "means a written document, signed by authorised representatives of both Parties,"
        " that amends the scope, Charges or timetable of a Statement of Work.",
    ),
    D(
        "Service Credit",
        "means the amount by which the Charges are reduced where a Service Level is not"
        " met, calculated in accordance with Schedule 2, capped at {MONEY_S} per month.",
    ),
    D(
        "Go-Live Date",
        "means {FUTURE_DATE} or such other date as the Parties may agree in writing.",
    ),
    D(
        "Subcontractor",
        "means any third party engaged by the {B} to perform any part of the Services,"
        " including {ORG}.",
    ),
)

SERVICES = Article(
    key="services",
    titles=("THE SERVICES", "SCOPE OF SERVICES", "PROVISION OF SERVICES"),
    sections=(
        S(
            "Provision of Services",
            "The {B} shall provide the Services to the {A} from the Effective Date in"
            " accordance with this Agreement and each Statement of Work, with the best care,"
            " skill and diligence in accordance with good industry practice.",
            "Commencing on {EFFECTIVE_DATE}, the {B} shall perform the Services described"
            " in each Statement of Work in a timely, professional and workmanlike manner.",
            "With effect from {EFFECTIVE_DATE}, the {B} shall provide the Services in accordance"
            " with this Agreement, each Statement of Work and good industry practice, and shall"
            " ensure that the Services meet the Service Levels from the Go-Live Date.",
        ),
        S(
            "Statements of Work",
            "The Parties may from time to time agree Statements of Work. Each Statement of"
            " Work shall describe the Services, the Deliverables, the milestones and the"
            " Charges, and shall be governed by this Agreement. In the event of conflict,"
            " this Agreement prevails unless the Statement of Work expressly states"
            " otherwise.",
            "Each Statement of Work shall be signed by both Parties and shall specify the"
            " Services, Deliverables, milestones and Charges. The first Statement of Work, dated"
            " {EFFECTIVE_DATE}, is attached as Schedule 1; further Statements of Work shall be"
            " signed for the {A} by {A_SIGNATORY} or a person authorised by the {A} in writing.",
        ),
        S(
            "Co-operation",
            "The {A} shall co-operate with the {B} in all matters relating to the Services,"
            " provide such access to its premises and data as the {B} reasonably requires,"
            " and appoint a manager for the Services, who shall initially be {PERSON}.",
        ),
        S(
            "Change Control",
            "Either Party may propose changes to the scope or execution of the Services. No"
            " change shall be effective unless it is agreed in a Change Order. The {B} shall"
            " not charge for assessing any change request which would increase the Charges"
            " by less than {MONEY_S}.",
        ),
        S(
            "Transition",
            "The {B} shall complete the transition of the Services from the incumbent"
            " supplier, {ORG}, by {FUTURE_DATE} in accordance with the transition plan"
            " agreed between the Parties.",
        ),
        S(
            "Subcontracting",
            "The {B} may not subcontract any of its obligations without the prior written"
            " consent of the {A}, except to the approved subcontractors listed in Schedule 5."
            " The {B} remains responsible for all acts and omissions of its Subcontractors as"
            " if they were its own.",
        ),
    ),
    core=3,
)

SERVICE_LEVELS = Article(
    key="service_levels",
    titles=("SERVICE LEVELS", "PERFORMANCE STANDARDS"),
    sections=(
        S(
            "Service Levels",
            "The {B} shall meet or exceed the Service Levels from the Go-Live Date. The {B}"
            " shall measure and report its performance against the Service Levels monthly,"
            " within {BDAYS} of the end of each month.",
        ),
        S(
            "Service Credits",
            "If the {B} fails to meet any Service Level, it shall credit the {A} with the"
            " applicable Service Credit. Service Credits are a price adjustment reflecting"
            " the reduced value of the Services and are not an estimate of the loss that may"
            " be suffered by the {A}. The aggregate Service Credits in any month shall not"
            " exceed {MONEY_S}.",
        ),
        S(
            "Critical Failure",
            "If the {B} fails to meet the same Service Level in three consecutive months, or"
            " in any five months in a rolling twelve-month period, the {A} may terminate"
            " this Agreement for material breach.",
            "A Critical Service Level Failure occurs if the {B} fails the same Service Level in"
            " any three months of a rolling six-month period. In that event the {A} may terminate"
            " this Agreement and recover its costs of procuring replacement services, capped at"
            " {MONEY}.",
        ),
        S(
            "Remediation Plan",
            "Where the {B} fails to meet a Service Level, it shall promptly investigate the"
            " root cause, deliver to the {A} within {BDAYS} a remediation plan, and"
            " implement that plan at its own cost.",
        ),
    ),
    core=2,
)

CHARGES = Article(
    key="charges",
    titles=("CHARGES AND PAYMENT", "FEES AND PAYMENT TERMS", "COMPENSATION"),
    sections=(
        S(
            "Charges",
            "In consideration of the provision of the Services, the {A} shall pay the"
            " Charges in accordance with Schedule 3. The Charges for the initial Statement"
            " of Work are a fixed fee of {MONEY}, payable in instalments on achievement of"
            " the milestones set out therein.",
            "The {A} shall pay the {B} a monthly service fee of {MONEY_S} and, for"
            " additional work authorised by a Change Order, time-and-materials charges at"
            " the rates in Schedule 3.",
        ),
        S(
            "Invoicing",
            "The {B} shall invoice the {A} monthly in arrears. Each invoice shall include"
            " the purchase order number, a breakdown of the Charges and such supporting"
            " information as the {A} may reasonably require, and shall be sent to the"
            " accounts payable department of the {A}, attention {A_CONTACT}.",
        ),
        S(
            "Payment",
            "The {A} shall pay each valid and undisputed invoice within {DAYS} of receipt,"
            " by bank transfer to the account of the {B} with {BANK}.",
        ),
        S(
            "Expenses",
            "The {A} shall reimburse the {B} for reasonable travel and subsistence expenses"
            " incurred in the performance of the Services, provided that such expenses are"
            " pre-approved in writing and do not exceed {MONEY_S} per quarter.",
        ),
        S(
            "Late Payment",
            "If the {A} fails to pay any undisputed amount by the due date, the {B} may"
            " charge interest on the overdue amount at the rate of {RATE} per annum above"
            " the base rate of {BANK} from time to time.",
        ),
        S(
            "Price Review",
            "The Charges shall remain fixed until {FUTURE_DATE}. Thereafter, the {B} may"
            " increase the Charges once in each contract year by no more than the"
            " percentage increase in the consumer price index published for {GOV_LAW} in the"
            " preceding twelve months.",
        ),
        S(
            "Disputed Invoices",
            "If the {A} disputes any invoice in good faith, it shall notify the {B} within"
            " {DAYS} of receipt, pay the undisputed portion, and the Parties shall seek to"
            " resolve the dispute through their respective relationship managers.",
        ),
    ),
    core=3,
)

PERSONNEL = Article(
    key="personnel",
    titles=("PERSONNEL", "STAFF AND KEY PERSONNEL"),
    sections=(
        S(
            "Key Personnel",
            "The {B} shall ensure that the Key Personnel are assigned to the performance of"
            " the Services for the duration of the relevant Statement of Work. The {B}'s"
            " engagement lead shall be {PERSON}, and its technical lead shall be {PERSON}.",
        ),
        S(
            "Replacement",
            "The {B} shall not remove or replace any Key Personnel without the prior written"
            " consent of the {A}, except in the case of death, illness, resignation or"
            " termination of employment, in which case the {B} shall promptly propose a"
            " replacement of equivalent skill and experience.",
            "The {B} shall not remove any Key Personnel, including {PERSON}, from the Services"
            " without the prior written consent of the {A}, and shall replace any Key Personnel"
            " who leave with individuals of equivalent skill approved by the {A}.",
        ),
        S(
            "Non-Solicitation",
            "During the Term and for {MONTHS} thereafter, neither Party shall solicit or"
            " entice away from the other Party any employee who has been engaged in the"
            " provision or receipt of the Services, other than by means of general"
            " advertisements not targeted at such employees.",
            "Neither Party shall, during the Term and for {MONTHS} afterwards, solicit any"
            " employee of the other Party engaged in the Services; if it does so and the employee"
            " is hired, it shall pay the other Party a fee of {MONEY_S}.",
        ),
        S(
            "Site Rules",
            "While on the premises of the {A}, the {B}'s personnel shall comply with the"
            " {A}'s health and safety, security and IT acceptable use policies as notified"
            " to the {B} from time to time.",
            "When on the {A}'s premises, the {B}'s personnel shall comply with the site rules of"
            " the {A}, including the security policy issued by {A_CONTACT}, {A_CONTACT_TITLE}, on"
            " {PAST_DATE}.",
        ),
    ),
    core=2,
)

INTELLECTUAL_PROPERTY = Article(
    key="intellectual_property",
    titles=("INTELLECTUAL PROPERTY", "OWNERSHIP OF DELIVERABLES"),
    sections=(
        S(
            "Ownership of Deliverables",
            "All Intellectual Property Rights in the Deliverables shall vest in the {A} upon"
            " creation, and the {B} hereby assigns to the {A}, with full title guarantee and"
            " free from all third-party rights, all such Intellectual Property Rights.",
            "The {B} assigns to the {A} all Intellectual Property Rights in the Deliverables with"
            " effect from their creation, and shall procure that its Subcontractors, including"
            " {ORG}, do the same.",
        ),
        S(
            "Background IP",
            "Each Party retains ownership of its Intellectual Property Rights existing before"
            " the Effective Date or developed independently of this Agreement. The {B}"
            " grants the {A} a non-exclusive, perpetual, royalty-free licence to use its"
            " background Intellectual Property Rights to the extent necessary to receive and"
            " use the Services and the Deliverables.",
            "Intellectual Property Rights owned by a Party before {EFFECTIVE_DATE} remain its"
            " property. The {B} grants to the {A} and its Affiliates, including {HOLDCO}, a"
            " perpetual, irrevocable, royalty-free licence to use its background Intellectual"
            " Property Rights incorporated in the Deliverables.",
        ),
        S(
            "Third-Party Software",
            "Where the Deliverables incorporate software licensed from a third party,"
            " including software licensed from {ORG}, the {B} shall procure for the {A} a"
            " licence on terms no less favourable than those notified to the {A} in writing"
            " before the relevant Statement of Work is signed.",
        ),
        S(
            "Moral Rights",
            "The {B} shall obtain waivers of all moral rights in the Deliverables to which"
            " any individual is now or may be at any future time entitled.",
            "The {B} shall procure that each author of the Deliverables, including its employees"
            " and the personnel of its Subcontractors such as {ORG}, irrevocably waives any moral"
            " rights in them.",
        ),
    ),
    core=2,
)

WARRANTIES = Article(
    key="service_warranties",
    titles=("WARRANTIES", "SERVICE WARRANTIES"),
    intro=("The {B} warrants and undertakes to the {A} that:",),
    items=(
        "Performance. The Services will be performed by appropriately qualified and trained"
        " personnel, with due care and diligence and to a standard that meets or exceeds"
        " good industry practice.",
        "Conformity. The Deliverables will conform in all material respects with their"
        " specifications for a period of {DAYS} from acceptance.",
        "Viruses. It will use the latest versions of anti-virus definitions available from"
        " an industry-accepted vendor to check for and delete malicious software from the"
        " Deliverables.",
        "Licences. It holds, and will maintain throughout the Term, all licences, consents"
        " and permissions required for the performance of the Services.",
        "Financial Standing. It has and will maintain sufficient financial resources to"
        " perform its obligations, and its parent company, {HOLDCO}, has provided a"
        " guarantee dated {EFFECTIVE_DATE} in respect of its obligations.",
        "Non-Infringement. The receipt and use of the Services and Deliverables by the {A}"
        " will not infringe the Intellectual Property Rights of any third party.",
        "Accreditation. It is and will remain certified to the ISO/IEC 27001 standard by an"
        " accredited certification body, currently {ORG}, until at least {FUTURE_DATE}.",
    ),
)

GOVERNANCE = Article(
    key="governance",
    titles=("GOVERNANCE", "CONTRACT MANAGEMENT AND GOVERNANCE"),
    sections=(
        S(
            "Relationship Managers",
            "Each Party shall appoint a relationship manager with authority to manage the"
            " day-to-day relationship under this Agreement. The initial relationship manager"
            " of the {A} is {A_CONTACT} and that of the {B} is {B_CONTACT}.",
        ),
        S(
            "Steering Committee",
            "The Parties shall establish a steering committee consisting of three senior"
            " representatives of each Party, which shall meet at least quarterly, the first"
            " meeting to take place no later than {FUTURE_DATE}, to review the performance of"
            " the Services, approve changes and resolve escalated issues.",
        ),
        S(
            "Reporting",
            "The {B} shall deliver to the {A} within {BDAYS} after the end of each month a"
            " performance report setting out its performance against the Service Levels, the"
            " status of each Statement of Work, risks and issues, and the Service Credits"
            " accrued in that month.",
        ),
        S(
            "Escalation",
            "Any dispute shall first be referred to the relationship managers, then to the"
            " steering committee and then to the chief executive officers of the Parties,"
            " currently {PERSON} for the {A} and {PERSON} for the {B}, before either Party"
            " commences proceedings, save where urgent injunctive relief is required.",
        ),
        S(
            "Continuous Improvement",
            "The {B} shall present to the {A} annually a plan for improving the quality,"
            " efficiency and cost-effectiveness of the Services, and shall share with the {A}"
            " fifty percent (50%) of any cost savings achieved as a result.",
        ),
    ),
    core=2,
)

EXIT_MANAGEMENT = Article(
    key="exit_management",
    titles=("EXIT MANAGEMENT", "TERMINATION ASSISTANCE"),
    sections=(
        S(
            "Exit Plan",
            "The {B} shall deliver a draft exit plan to the {A} within {DAYS} after the"
            " Effective Date, setting out how the Services will be transferred to the {A} or"
            " to a replacement supplier on expiry or termination, and shall update the exit"
            " plan at least annually.",
        ),
        S(
            "Termination Assistance",
            "For up to {MONTHS} after expiry or termination, the {B} shall continue to provide"
            " the Services and such assistance as the {A} reasonably requires to effect an"
            " orderly transfer, at the rates set out in Schedule 3.",
        ),
        S(
            "Transfer of Data and Assets",
            "On expiry or termination, the {B} shall deliver to the {A} all data of the {A} in"
            " a commonly used, machine-readable format, and shall transfer to the {A} or its"
            " nominee, at net book value, any assets used exclusively in providing the"
            " Services.",
        ),
        S(
            "Employees",
            "The Parties shall comply with any applicable legislation on the transfer of"
            " employees on a change of service provider, and the {B} shall indemnify the {A}"
            " against all Losses relating to the employment of any person by the {B} before"
            " the date of transfer.",
        ),
    ),
    core=2,
)

BUSINESS_CONTINUITY = Article(
    key="business_continuity",
    titles=("BUSINESS CONTINUITY AND DISASTER RECOVERY",),
    sections=(
        S(
            "Plan",
            "The {B} shall maintain a business continuity and disaster recovery plan for the"
            " Services that meets the requirements of ISO 22301, and shall provide a copy to"
            " the {A} on or before {FUTURE_DATE}.",
        ),
        S(
            "Testing",
            "The {B} shall test the business continuity and disaster recovery plan at least"
            " annually, invite the {A} to observe each test, and remedy any deficiencies"
            " identified within {DAYS}.",
        ),
        S(
            "Invocation",
            "If a disaster occurs, the {B} shall invoke the plan promptly and restore the"
            " affected Services within the recovery time objectives set out in Schedule 2.",
        ),
    ),
    core=1,
)

SERVICE_AUDIT = Article(
    key="service_audit",
    titles=("RECORDS AND AUDIT", "AUDIT RIGHTS"),
    sections=(
        S(
            "Records",
            "The {B} shall keep complete and accurate records relating to the Services and"
            " the Charges for the Term and {YEARS} thereafter.",
        ),
        S(
            "Audit",
            "The {A}, its auditors ({AUDITOR}) and any regulator with jurisdiction over the"
            " {A}, including the {REGULATOR}, may audit the {B}'s compliance with this"
            " Agreement on {BDAYS}' notice, not more than once in any contract year except"
            " where required by a regulator.",
        ),
        S(
            "Overcharges",
            "If an audit reveals that the {B} has overcharged the {A}, the {B} shall refund"
            " the overcharge within {DAYS} and, if the overcharge exceeds five percent (5%)"
            " of the Charges for the audited period, shall reimburse the reasonable costs of"
            " the audit.",
        ),
    ),
    core=2,
)

ARTICLES = (
    SERVICES,
    SERVICE_LEVELS,
    CHARGES,
    PERSONNEL,
    GOVERNANCE,
    INTELLECTUAL_PROPERTY,
    WARRANTIES,
    SERVICE_AUDIT,
    BUSINESS_CONTINUITY,
    EXIT_MANAGEMENT,
)
ESSENTIAL = ("services", "charges", "term", "liability")
SHARED = (
    "representations",
    "confidentiality",
    "data_protection",
    "indemnification",
    "liability",
    "insurance",
    "term",
    "force_majeure",
    "compliance",
    "assignment",
)
