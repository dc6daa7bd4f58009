"""Clauses of commercial leases: {A} is the tenant, {B} the landlord."""

from __future__ import annotations

from nerkit.corpus.clauses import Article, D, S

TITLES = (
    "COMMERCIAL LEASE AGREEMENT",
    "OFFICE LEASE",
    "LEASE AGREEMENT",
    "INDUSTRIAL LEASE",
    "LEASE OF RETAIL PREMISES",
)
ROLES = (("Tenant", "Landlord"), ("Lessee", "Lessor"), ("Tenant", "Lessor"))
THIRD_ROLES = ("Guarantor",)

RECITALS = (
    "The {B} is the owner of the land and the building located at {B_ADDR} (the"
    " Building), having acquired title from {ORG} on {PAST_DATE}.",
    "The {A} wishes to lease from the {B}, and the {B} wishes to lease to the {A}, the"
    " Premises on the terms and conditions set forth in this Lease.",
    "The {A} currently occupies space in the Building under a lease dated {PAST_DATE}, which"
    " the parties intend to terminate and replace with this Lease.",
    "The Building is subject to a mortgage in favour of {BANK}, which has consented to the"
    " grant of this Lease by letter dated {PAST_DATE}.",
)

DEFINITIONS = (
    D(
        "Premises",
        "means the premises shown edged red on the plan in Exhibit A, comprising"
        " approximately {N} floors of the Building with a rentable area of approximately"
        " 24,500 square feet, together with the right to use the common areas.",
    ),
    D(
        "Commencement Date",
        "means {FUTURE_DATE}, or such later date on which the {B} delivers the Premises to"
        " the {A} with the Landlord's Work substantially complete.",
    ),
    D("Expiration Date", "means {END_DATE}, unless this Lease is sooner terminated or extended."),
    D(
        "Base Rent",
        "means the annual base rent set out in Schedule 1, being {VALUE} for the first"
        " Lease Year, payable in equal monthly instalments.",
    ),
    D(
        "Lease Year",
        "means each period of twelve consecutive months beginning on the Commencement Date"
        " or on an anniversary of it.",
    ),
    D(
        "Operating Expenses",
        "means all costs and expenses incurred by the {B} in operating, maintaining,"
        " repairing, insuring and managing the Building and the land on which it stands,"
        " including the fees of the property manager, {ORG}.",
    ),
    D(
        "Tenant's Share",
        "means {PCT}, being the ratio of the rentable area of the Premises to the rentable"
        " area of the Building.",
    ),
    D(
        "Permitted Use",
        "means general office use and uses ancillary thereto, and no other use.",
        "means the storage, assembly and distribution of goods, with ancillary offices.",
    ),
    D(
        "Security Deposit",
        "means {MONEY}, to be held by the {B} in accordance with the Article headed"
        " Security Deposit.",
    ),
)

TERM = Article(
    key="lease_term",
    titles=("TERM", "DEMISE AND TERM", "GRANT AND TERM"),
    sections=(
        S(
            "Grant",
            "The {B} hereby leases to the {A}, and the {A} hereby leases from the {B}, the"
            " Premises for a term commencing on the Commencement Date and expiring on the"
            " Expiration Date, subject to the terms, covenants and conditions of this Lease.",
            "Commencing on {FUTURE_DATE}, the {B} leases to the {A} the Premises in the Building"
            " for the term set out in this Lease, together with the non-exclusive right to use the"
            " common areas and {N} parking spaces in the garage operated by {ORG}.",
        ),
        S(
            "Early Access",
            "The {A} may enter the Premises from {FUTURE_DATE} to install its fixtures,"
            " furniture and equipment, and such early access shall be subject to all the"
            " terms of this Lease other than the obligation to pay Base Rent.",
        ),
        S(
            "Option to Extend",
            "Provided that no event of default is then continuing, the {A} shall have one"
            " option to extend the term for a further period of {YEARS} at the then"
            " prevailing market rent, exercisable by written notice given no later than"
            " {FUTURE_DATE}.",
        ),
        S(
            "Break Option",
            "The {A} may terminate this Lease with effect from {FUTURE_DATE} by giving the"
            " {B} not less than {MONTHS}' written notice and paying a termination fee of"
            " {MONEY}.",
        ),
    ),
    core=2,
)

RENT = Article(
    key="rent",
    titles=("RENT", "BASE RENT AND ADDITIONAL RENT"),
    sections=(
        S(
            "Base Rent",
            "The {A} shall pay Base Rent in the amounts set out in Schedule 1, in equal"
            " monthly instalments in advance on the first day of each calendar month,"
            " without demand, deduction or set-off. The monthly instalment for the first"
            " Lease Year is {MONEY_S}.",
        ),
        S(
            "Rent Abatement",
            "Provided the {A} is not in default, Base Rent shall be abated for the first"
            " {MONTHS} of the term, the total abatement not to exceed {MONEY}.",
        ),
        S(
            "Additional Rent",
            "In addition to Base Rent, the {A} shall pay as additional rent the Tenant's"
            " Share of Operating Expenses and real estate taxes in excess of those incurred"
            " in the base year ending {PAST_DATE}.",
        ),
        S(
            "Payment",
            "All rent shall be paid by electronic funds transfer to the account of the {B}"
            " with {BANK}, or to such other account as the {B} may designate by notice.",
        ),
        S(
            "Late Charges",
            "If any instalment of rent is not received within {DAYS} after it is due, the"
            " {A} shall pay a late charge equal to five percent (5%) of the overdue amount,"
            " together with interest at the rate of {RATE} per annum.",
        ),
        S(
            "Rent Review",
            "On each anniversary of the Commencement Date the Base Rent shall increase by"
            " three percent (3%) over the Base Rent payable during the preceding Lease Year,"
            " as shown in Schedule 1.",
        ),
    ),
    core=3,
)

DEPOSIT = Article(
    key="deposit",
    titles=("SECURITY DEPOSIT", "SECURITY DEPOSIT AND LETTER OF CREDIT"),
    sections=(
        S(
            "Deposit",
            "On signing this Lease, the {A} shall deposit with the {B} the Security Deposit"
            " as security for the performance of its obligations. The {B} may apply all or"
            " part of the Security Deposit to remedy any default by the {A}, and the {A}"
            " shall restore the Security Deposit to its full amount within {DAYS} of demand.",
        ),
        S(
            "Letter of Credit",
            "In lieu of a cash deposit, the {A} may deliver an irrevocable standby letter of"
            " credit in the amount of {MONEY}, issued by {BANK} and expiring no earlier than"
            " {END_DATE}.",
        ),
        S(
            "Return of Deposit",
            "The {B} shall return the Security Deposit, less any amounts properly applied,"
            " within {DAYS} after the later of the Expiration Date and the date on which the"
            " {A} surrenders the Premises.",
        ),
    ),
    core=2,
)

USE_AND_MAINTENANCE = Article(
    key="use",
    titles=("USE, MAINTENANCE AND REPAIRS", "USE OF PREMISES", "REPAIRS AND MAINTENANCE"),
    sections=(
        S(
            "Use",
            "The {A} shall use the Premises only for the Permitted Use and in compliance"
            " with all Applicable Laws, the rules and regulations of the Building in Exhibit"
            " B, and the requirements of the {B}'s insurers.",
            "The {A} shall use the Premises solely for the Permitted Use, in compliance with the"
            " certificate of occupancy issued on {PAST_DATE} and with all Applicable Laws, and"
            " shall not cause any nuisance to other occupiers of the Building.",
        ),
        S(
            "{B}'s Repairs",
            "The {B} shall keep the structure, roof, foundations, exterior walls and the"
            " base building systems in good repair, the cost of which (other than capital"
            " repairs) shall be included in Operating Expenses.",
            "The {B}, through its property manager {ORG}, shall maintain in good repair the roof,"
            " structure and common areas of the Building and the base building mechanical,"
            " electrical and plumbing systems.",
        ),
        S(
            "{A}'s Repairs",
            "The {A} shall keep the interior of the Premises, including all fixtures,"
            " fittings and the {A}'s equipment, in good and substantial repair and"
            " condition, fair wear and tear and damage by insured risks excepted.",
            "The {A} shall keep the Premises in good order and repair, using only contractors"
            " approved by the {B}'s building manager, {PERSON}, and shall promptly repair any"
            " damage caused by the {A} or its invitees.",
        ),
        S(
            "Alterations",
            "The {A} shall not make any structural alterations to the Premises. Non-structural"
            " alterations costing more than {MONEY_S} require the prior written consent of"
            " the {B}, not to be unreasonably withheld.",
            "The {A} may make non-structural alterations costing less than {MONEY_S} without"
            " consent. All other alterations require the prior written consent of the {B} and"
            " shall be carried out by contractors approved by it, such as {ORG}.",
        ),
        S(
            "Access",
            "The {B} and its agents may enter the Premises on reasonable prior notice to"
            " inspect them, to carry out repairs or, during the last {MONTHS} of the term,"
            " to show them to prospective tenants.",
        ),
        S(
            "Hazardous Materials",
            "The {A} shall not bring onto the Premises any hazardous materials other than"
            " customary office supplies in quantities permitted by law, and shall indemnify"
            " the {B} against all Losses arising from any breach of this Section.",
            "The {A} shall comply with all environmental laws in its use of the Premises and shall"
            " not store hazardous materials there, other than small quantities of ordinary office"
            " supplies; the environmental report prepared by {ORG} on {PAST_DATE} records the"
            " baseline condition of the Premises.",
        ),
    ),
    core=3,
)

CASUALTY = Article(
    key="casualty",
    titles=("DAMAGE, DESTRUCTION AND CONDEMNATION", "CASUALTY AND CONDEMNATION"),
    sections=(
        S(
            "Casualty",
            "If the Premises are damaged by fire or other casualty, the {B} shall repair the"
            " damage with reasonable diligence, and rent shall abate in proportion to the"
            " part of the Premises rendered untenantable until the repairs are complete.",
            "If the Premises or the Building are damaged by fire or other casualty, the {B} shall,"
            " subject to the rights of its mortgagee, {BANK}, to the insurance proceeds, restore"
            " them with reasonable diligence, and rent shall abate in proportion to the area"
            " rendered untenantable.",
        ),
        S(
            "Termination Right",
            "If the {B} reasonably estimates that the repairs cannot be completed within"
            " {MONTHS} of the casualty, either party may terminate this Lease by notice"
            " given within {DAYS} after the {B} delivers its estimate.",
            "If restoration cannot reasonably be completed within {MONTHS} after the casualty, or"
            " if the casualty occurs after {FUTURE_DATE} and the cost of restoration exceeds"
            " {MONEY}, either party may terminate this Lease by written notice.",
        ),
        S(
            "Condemnation",
            "If all or a material part of the Premises is taken by eminent domain or"
            " compulsory purchase, this Lease shall terminate on the date of the taking, and"
            " the award shall belong to the {B}, save for any separate award to the {A} for"
            " its moving expenses and trade fixtures.",
            "If the whole of the Premises is taken under the power of eminent domain, this Lease"
            " terminates on the date of taking. The award belongs to the {B}, save that the {A}"
            " may claim separately from the condemning authority for its relocation costs, which"
            " the parties agree shall not exceed {MONEY_S}.",
        ),
    ),
    core=2,
)

LEASE_DEFAULT = Article(
    key="lease_default",
    titles=("DEFAULTS AND REMEDIES", "EVENTS OF DEFAULT"),
    intro=("Each of the following shall constitute an event of default by the {A}:",),
    items=(
        "Non-Payment. The {A} fails to pay any instalment of rent or other sum within {DAYS}"
        " after written notice that it is due.",
        "Breach of Covenant. The {A} fails to perform any other covenant of this Lease and"
        " the failure continues for {DAYS} after written notice from the {B}.",
        "Insolvency. The {A} or the Guarantor becomes the subject of an Insolvency Event.",
        "Abandonment. The {A} abandons the Premises for more than {DAYS} while in default.",
        "Guaranty. The guaranty given by {HOLDCO} on {EFFECTIVE_DATE} is revoked or becomes"
        " unenforceable.",
        "Remedies. Upon an event of default, the {B} may terminate this Lease, re-enter the"
        " Premises and recover from the {A} all damages, including the present value of"
        " the rent for the remainder of the term, discounted at the rate of {RATE}.",
        "Landlord Default. The {B} shall be in default if it fails to perform any of its"
        " obligations within {DAYS} after written notice from the {A}, in which case the {A}"
        " may cure the default and recover its reasonable costs, not exceeding {MONEY_S}.",
    ),
)

SUBORDINATION = Article(
    key="subordination",
    titles=("SUBORDINATION AND ESTOPPEL", "SUBORDINATION, NON-DISTURBANCE AND ATTORNMENT"),
    sections=(
        S(
            "Subordination",
            "This Lease is subordinate to the mortgage granted by the {B} in favour of"
            " {BANK} and to any future mortgage, provided that the holder delivers a"
            " non-disturbance agreement in commercially reasonable form.",
        ),
        S(
            "Attornment",
            "If any mortgagee or purchaser succeeds to the interest of the {B}, the {A}"
            " shall attorn to it and recognise it as landlord under this Lease.",
            "If {BANK} or any other mortgagee or purchaser succeeds to the interest of the {B},"
            " the {A} shall attorn to the successor as landlord under this Lease, which shall"
            " continue in full force and effect.",
        ),
        S(
            "Estoppel Certificates",
            "Within {DAYS} after request, the {A} shall deliver an estoppel certificate"
            " substantially in the form of Exhibit C, certifying the status of this Lease"
            " and such other matters as the {B} reasonably requests.",
        ),
    ),
    core=2,
)

SURRENDER = Article(
    key="surrender",
    titles=("SURRENDER AND HOLDING OVER", "END OF TERM"),
    sections=(
        S(
            "Surrender",
            "On the expiry or earlier termination of this Lease, the {A} shall surrender the"
            " Premises broom clean and in the condition required by this Lease, and shall"
            " remove its personal property and, if required by the {B}, its alterations.",
            "At the end of the term the {A} shall surrender the Premises in good repair, shall"
            " remove all its cabling and signage, and shall deliver all keys and access cards to"
            " the {B}'s building manager, {PERSON}.",
        ),
        S(
            "Holding Over",
            "If the {A} remains in possession after the Expiration Date without the consent"
            " of the {B}, it shall be a tenant at sufferance and shall pay rent at one"
            " hundred fifty percent (150%) of the Base Rent in effect immediately before"
            " expiry.",
            "If the {A} holds over after the Expiration Date, it shall pay for each day of holding"
            " over rent equal to the greater of one hundred fifty percent (150%) of the daily Base"
            " Rent then payable and {MONEY_S}, and shall indemnify the {B} against all Losses"
            " resulting from the delay in delivering possession.",
        ),
    ),
    core=1,
)

BROKERS = Article(
    key="brokers",
    titles=("BROKERS", "BROKERAGE"),
    sections=(
        S(
            "Brokers",
            "Each party represents that it has dealt with no broker in connection with this"
            " Lease other than {ORG}, acting for the {B}, and {ORG}, acting for the {A},"
            " whose commissions shall be paid by the {B} under a separate agreement.",
        ),
    ),
)

LEASE_INSURANCE = Article(
    key="lease_insurance",
    titles=("INSURANCE",),
    sections=(
        S(
            "{A}'s Insurance",
            "The {A} shall maintain throughout the term commercial general liability"
            " insurance with a combined single limit of not less than {MONEY} per occurrence,"
            " and all-risks property insurance on its fixtures and equipment for their full"
            " replacement cost, with insurers rated at least A- by {RATING_AGENCY}.",
        ),
        S(
            "{B}'s Insurance",
            "The {B} shall insure the Building against loss or damage by the insured risks"
            " for its full reinstatement value, and the premiums shall form part of"
            " Operating Expenses.",
        ),
        S(
            "Waiver of Subrogation",
            "Each party waives all rights of recovery against the other for loss or damage"
            " covered by the property insurance it is required to carry, and shall procure"
            " that its insurers waive their rights of subrogation accordingly.",
        ),
    ),
    core=2,
)

OPERATING_EXPENSES = Article(
    key="operating_expenses",
    titles=("OPERATING EXPENSES AND TAXES", "ADDITIONAL RENT"),
    sections=(
        S(
            "Estimates",
            "Before the start of each calendar year the {B} shall deliver to the {A} a"
            " reasonable estimate of Operating Expenses and taxes for that year, and the {A}"
            " shall pay one-twelfth of the Tenant's Share of the estimated excess over the"
            " base year with each monthly instalment of Base Rent.",
        ),
        S(
            "Annual Reconciliation",
            "Within one hundred twenty (120) days after the end of each calendar year, the"
            " {B} shall deliver a statement of the actual Operating Expenses and taxes for"
            " that year, certified by its property manager, {ORG}. Any overpayment shall be"
            " credited against the next instalments of rent; any underpayment shall be paid"
            " within {DAYS}.",
        ),
        S(
            "Exclusions",
            "Operating Expenses shall not include capital expenditure (except to the extent"
            " amortised over its useful life), costs of leasing or marketing space, mortgage"
            " principal or interest, costs recoverable from insurers or other tenants, or the"
            " salaries of executives of the {B} above the grade of building manager.",
        ),
        S(
            "Audit of Expenses",
            "The {A} may, on {DAYS}' notice given within one year after receiving an annual"
            " statement, inspect the {B}'s records of Operating Expenses. If the inspection"
            " shows an overstatement of more than three percent (3%), the {B} shall bear the"
            " reasonable cost of the inspection, up to {MONEY_S}.",
        ),
        S(
            "Cap on Controllable Expenses",
            "Controllable Operating Expenses shall not increase by more than five percent"
            " (5%) per year on a cumulative basis over the amount for the calendar year"
            " ending {FUTURE_DATE}.",
        ),
    ),
    core=2,
)

SERVICES_AND_UTILITIES = Article(
    key="services_utilities",
    titles=("SERVICES AND UTILITIES", "BUILDING SERVICES"),
    sections=(
        S(
            "Building Services",
            "The {B} shall provide heating, ventilation and air conditioning during business"
            " hours, passenger elevator service at all times, janitorial service on business"
            " days, and electricity for lighting and ordinary office equipment.",
        ),
        S(
            "After-Hours Service",
            "Heating, ventilation and air conditioning outside business hours shall be"
            " provided on request at the {B}'s standard rate, currently {MONEY_XS} per hour per"
            " floor, subject to annual review.",
        ),
        S(
            "Utilities",
            "Electricity consumed in the Premises shall be measured by a submeter and paid by"
            " the {A} at the rate charged by the utility supplier, {ORG}, without mark-up.",
        ),
        S(
            "Interruption",
            "The {B} shall not be liable for any interruption of services caused by repairs,"
            " accidents or events beyond its control, but if an interruption caused by the"
            " {B} continues for more than five (5) consecutive business days, rent shall"
            " abate until the service is restored.",
        ),
    ),
    core=2,
)

PARKING_AND_SIGNAGE = Article(
    key="parking_signage",
    titles=("PARKING AND SIGNAGE",),
    sections=(
        S(
            "Parking",
            "During the term the {A} may use up to {N} unreserved parking spaces per 1,000"
            " rentable square feet of the Premises in the parking facility serving the"
            " Building, at the monthly rate of {MONEY_XS} per space.",
        ),
        S(
            "Building Directory",
            "The {B} shall list the name of the {A} and its permitted subtenants in the"
            " Building directory in the main lobby at the {B}'s cost.",
        ),
        S(
            "Exterior Signage",
            "Subject to Applicable Law and the {B}'s approval of the design, the {A} may"
            " install one sign bearing its name on the exterior of the Building, at its own"
            " cost, and shall remove it at the end of the term.",
        ),
    ),
    core=1,
)

QUIET_ENJOYMENT = Article(
    key="quiet_enjoyment",
    titles=("QUIET ENJOYMENT", "COVENANT OF QUIET ENJOYMENT"),
    sections=(
        S(
            "Quiet Enjoyment",
            "So long as the {A} pays the rent and performs its obligations under this Lease,"
            " the {A} shall peaceably and quietly hold and enjoy the Premises for the term"
            " without hindrance by the {B} or any person claiming under the {B}, subject to"
            " the terms of this Lease and to the mortgage in favour of {BANK}.",
        ),
    ),
)

ARTICLES = (
    TERM,
    RENT,
    OPERATING_EXPENSES,
    DEPOSIT,
    USE_AND_MAINTENANCE,
    SERVICES_AND_UTILITIES,
    PARKING_AND_SIGNAGE,
    LEASE_INSURANCE,
    CASUALTY,
    LEASE_DEFAULT,
    SUBORDINATION,
    QUIET_ENJOYMENT,
    SURRENDER,
    BROKERS,
)
ESSENTIAL = ("lease_term", "rent", "use", "lease_default")
SHARED = ("indemnification", "assignment", "force_majeure")
