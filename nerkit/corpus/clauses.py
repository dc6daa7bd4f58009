"""The clause library: definitions, articles and recitals written for this project.

Templates use the placeholders of :class:`nerkit.corpus.deal.Deal` and the marks of
:mod:`nerkit.corpus.template`. ``{A}`` is the party that pays or receives (Borrower,
Client, Tenant, Buyer, the disclosing party of an NDA); ``{B}`` is the one that lends,
serves, lets or supplies. Defined terms ("the Borrower", "Business Day") are plain
text, never entities. This module holds the clauses every contract type shares; the
``clauses_*`` modules hold each type's own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """A numbered subsection: a Title Case heading and alternative paragraph templates."""

    heading: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """An ALL-CAPS numbered article: subsections, or an intro and lettered items.

    The first ``core`` sections are always written; the rest, and the lettered items,
    are taken as the contract's length allows.
    """

    key: str
    titles: tuple[str, ...]
    sections: tuple[Section, ...] = ()
    intro: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    core: int = 1


@dataclass(frozen=True)
class Definition:
    term: str
    variants: tuple[str, ...]


def S(heading: str, *variants: str) -> Section:
    return Section(heading, variants)


def D(term: str, *variants: str) -> Definition:
    return Definition(term, variants)


SHARED_DEFINITIONS = (
    D(
        "Affiliate",
        "means, with respect to any Person, any other Person that directly or indirectly"
        " Controls, is Controlled by or is under common Control with such Person, and"
        " <<in the case of the {A}|with respect to the {A}>>, includes {HOLDCO} and each of"
        " its Subsidiaries from time to time.",
        "means any Person that, directly or indirectly through one or more intermediaries,"
        " controls, is controlled by, or is under common control with, the Person specified;"
        " for the purposes of this definition, control means the possession of the power to"
        " direct the management and policies of a Person, whether through the ownership of"
        " voting securities, by contract or otherwise.",
    ),
    D(
        "Applicable Law",
        "means all laws, statutes, regulations, rules, ordinances, codes, judgments, decrees,"
        " orders, licences and binding guidance of any Governmental Authority, including the"
        " laws of {GOV_LAW}, in each case as in effect from time to time and applicable to the"
        " relevant Person, property or activity.",
        "means any statute, law, regulation, ordinance, rule, judgment, order, decree,"
        " permit, concession, grant, franchise, licence or other governmental restriction or"
        " requirement, whether now or hereafter in effect, that is binding on a Party or on"
        " the performance of its obligations under this Agreement.",
    ),
    D(
        "Business Day",
        "means any day other than a Saturday, a Sunday or a day on which commercial banks in"
        " {CITY} are authorised or required by law to close.",
        "means a day (other than a Saturday or Sunday) on which banks are open for general"
        " business in {CITY} and, in relation to any payment in a currency other than the"
        " currency of this Agreement, in the principal financial centre of that currency.",
    ),
    D(
        "Change of Control",
        "means any event or series of events by which any Person or group of Persons acting"
        " in concert (other than {HOLDCO} and its Affiliates) acquires, directly or"
        " indirectly, beneficial ownership of more than fifty percent (50%) of the voting"
        " share capital of the {A}, or the right to appoint or remove a majority of the"
        " members of its board of directors or equivalent body.",
        "means that a Person who does not Control the relevant Party on the Effective Date"
        " obtains Control of it, or that the Person who Controls it on the Effective Date"
        " ceases to do so, whether by a single transaction or a series of related"
        " transactions.",
    ),
    D(
        "Confidential Information",
        "means all information, in whatever form or medium, relating to the business,"
        " affairs, customers, suppliers, products, pricing, know-how, trade secrets, plans"
        " or finances of a Party or its Affiliates that is disclosed to or obtained by the"
        " other Party in connection with this Agreement, whether before or after the"
        " Effective Date, and whether or not marked as confidential.",
        "means any information of a confidential nature, including commercial, financial,"
        " technical and personal information, disclosed by or on behalf of one Party to the"
        " other, together with all analyses, compilations, notes, studies and other"
        " documents prepared by the receiving Party that contain or reflect it.",
    ),
    D(
        "Control",
        "means the power, directly or indirectly, to direct or cause the direction of the"
        " management and policies of a Person, whether through the ownership of voting"
        " securities, by contract or otherwise, and Controlling and Controlled have"
        " correlative meanings.",
    ),
    D(
        "Effective Date",
        "means {EFFECTIVE_DATE}.",
        "means the date first written above, being {EFFECTIVE_DATE}.",
    ),
    D(
        "Governmental Authority",
        "means any nation or government, any state, province, county, municipality or other"
        " political subdivision thereof, any supranational body (including the"
        " [[European Union]]) and any agency, authority, court, tribunal, regulatory body,"
        " stock exchange or other entity exercising executive, legislative, judicial,"
        " taxing, regulatory or administrative functions of or pertaining to government.",
    ),
    D(
        "Insolvency Event",
        "means, in relation to a Person, that it is unable or admits inability to pay its"
        " debts as they fall due, suspends making payments on any of its debts, commences"
        " negotiations with one or more of its creditors with a view to rescheduling any of"
        " its indebtedness, has a receiver, administrator, liquidator, trustee or similar"
        " officer appointed over all or any substantial part of its assets, or is the"
        " subject of any analogous procedure in any jurisdiction.",
    ),
    D(
        "Intellectual Property Rights",
        "means patents, rights to inventions, copyright and related rights, trade marks,"
        " business names and domain names, rights in get-up, goodwill and the right to sue"
        " for passing off, rights in designs, rights in computer software, database rights,"
        " rights to use and protect the confidentiality of confidential information"
        " (including know-how and trade secrets), and all other intellectual property"
        " rights, in each case whether registered or unregistered and including all"
        " applications and rights to apply for and be granted renewals or extensions of"
        " such rights, in any part of the world.",
    ),
    D(
        "Losses",
        "means all losses, liabilities, damages, costs, charges, fines, penalties and"
        " expenses (including reasonable legal and other professional fees and"
        " disbursements) of whatever nature, whether arising in contract, tort (including"
        " negligence), breach of statutory duty or otherwise.",
    ),
    D(
        "Person",
        "means any individual, corporation, company, partnership, limited liability"
        " company, joint venture, association, trust, unincorporated organisation,"
        " Governmental Authority or other entity, whether or not having separate legal"
        " personality.",
    ),
    D(
        "Sanctions",
        "means any economic or financial sanctions, trade embargoes or restrictive measures"
        " administered, enacted or enforced by the [[United States]] (including the Office"
        " of Foreign Assets Control of the U.S. Department of the Treasury), the"
        " [[United Kingdom]], the [[European Union]] or any of its member states, or the"
        " United Nations Security Council.",
        "means the economic sanctions laws, regulations, embargoes or restrictive measures"
        " administered or enforced by the government of the [[United States]], the"
        " [[European Union]], the government of the [[United Kingdom]] or the government of"
        " [[Switzerland]], or any other relevant sanctions authority.",
    ),
    D(
        "Subsidiary",
        "means, with respect to any Person, any corporation, partnership, limited liability"
        " company or other entity of which more than fifty percent (50%) of the outstanding"
        " voting equity is at the time owned or controlled, directly or indirectly, by that"
        " Person or by one or more other Subsidiaries of that Person.",
    ),
    D(
        "Tax",
        "means any tax, levy, impost, duty, withholding or other charge of a similar nature,"
        " including any penalty or interest payable in connection with any failure to pay"
        " or any delay in paying any of the same, imposed by any Governmental Authority.",
    ),
    D(
        "Anti-Corruption Laws",
        "means the United States Foreign Corrupt Practices Act of 1977, the United Kingdom"
        " Bribery Act 2010 and all other laws, rules and regulations of any jurisdiction"
        " applicable to a Party or its Affiliates from time to time concerning or relating"
        " to bribery or corruption.",
    ),
    D(
        "Data Protection Laws",
        "means all laws relating to the processing of personal data and privacy that apply"
        " to a Party, including, where applicable, Regulation (EU) 2016/679 (the General"
        " Data Protection Regulation), the Data Protection Act 2018 of the [[United Kingdom]]"
        " and the California Consumer Privacy Act of 2018 of the [[State of California]].",
    ),
    D(
        "Term",
        "means the period beginning on the Effective Date and ending on {END_DATE}, as it"
        " may be extended or earlier terminated in accordance with this Agreement.",
    ),
)


RECITAL_CLOSINGS = (
    "NOW, THEREFORE, in consideration of the premises and the mutual covenants and"
    " agreements contained herein, and for other good and valuable consideration, the"
    " receipt and sufficiency of which are hereby acknowledged, the parties hereto,"
    " intending to be legally bound, hereby agree as follows:",
    "NOW, THEREFORE, the parties agree as follows:",
    "IT IS AGREED as follows:",
    "NOW, THEREFORE, in consideration of the mutual promises set forth herein, the parties"
    " agree as follows:",
)

INTERPRETATION = S(
    "Interpretation",
    "In this Agreement, unless the context otherwise requires: (a) headings are for"
    " convenience only and do not affect interpretation; (b) words importing the singular"
    " include the plural and vice versa; (c) a reference to a Person includes its"
    " successors and permitted assigns; (d) a reference to any agreement or document is a"
    " reference to that agreement or document as amended, novated, supplemented or"
    " replaced from time to time; (e) the words including and include shall be construed"
    " without limitation; and (f) a reference to a statute or statutory provision includes"
    " any subordinate legislation made under it and any modification or re-enactment of"
    " it.",
    "The rules of construction set out in this Section apply throughout this Agreement."
    " References to Articles, Sections, Schedules and Exhibits are to articles and sections"
    " of, and schedules and exhibits to, this Agreement; the Schedules and Exhibits form"
    " part of this Agreement. Any reference to a time of day is to the local time in {CITY}."
    " Where the day on or by which anything is to be done is not a Business Day, it shall"
    " be done on or by the next Business Day.",
)


REPRESENTATIONS = Article(
    key="representations",
    titles=("REPRESENTATIONS AND WARRANTIES", "MUTUAL REPRESENTATIONS AND WARRANTIES"),
    intro=(
        "Each Party represents and warrants to the other Party, as of the Effective Date, that:",
        "Each of the parties hereby represents and warrants to the other that the following"
        " statements are true and accurate on the date of this Agreement:",
    ),
    items=(
        "Status. It is duly organised and validly existing under the laws of its"
        " jurisdiction of incorporation and has the power to own its assets and carry on"
        " its business as it is being conducted; in the case of the {A}, it is {A_INC}.",
        "Power and Authority. It has the power to enter into, perform and deliver, and has"
        " taken all necessary action to authorise its entry into, performance and delivery"
        " of, this Agreement and the transactions contemplated by it.",
        "Binding Obligations. The obligations expressed to be assumed by it in this"
        " Agreement are legal, valid, binding and enforceable obligations, subject to"
        " applicable bankruptcy, insolvency and similar laws affecting creditors' rights"
        " generally.",
        "Non-Conflict. The entry into and performance by it of this Agreement do not and"
        " will not conflict with any law or regulation applicable to it, its constitutional"
        " documents, or any agreement or instrument binding upon it or any of its assets,"
        " including the <<facility|framework|master>> agreement dated {PAST_DATE} between"
        " it and {ORG}.",
        "Authorisations. All authorisations, consents, approvals and filings required to"
        " enable it lawfully to enter into, exercise its rights and comply with its"
        " obligations under this Agreement have been obtained or effected and are in full"
        " force and effect.",
        "No Litigation. No litigation, arbitration or administrative proceeding of or before"
        " any court, arbitral body or agency which, if adversely determined, might"
        " reasonably be expected to have a material adverse effect on its ability to"
        " perform this Agreement has been started or, to its knowledge, threatened against"
        " it, other than the proceedings commenced by {ORG} on {PAST_DATE}, which have been"
        " disclosed in writing.",
        "Solvency. It is not the subject of any Insolvency Event, and no steps have been"
        " taken or are threatened for its winding-up, dissolution, administration or"
        " reorganisation.",
        "Sanctions. Neither it nor any of its Subsidiaries nor, to its knowledge, any"
        " director, officer or employee of it is a Person that is the target of Sanctions"
        " or is located, organised or resident in a country or territory that is the"
        " subject of comprehensive Sanctions.",
        "Anti-Corruption. It has conducted its business in compliance with the"
        " Anti-Corruption Laws and has instituted and maintains policies and procedures"
        " designed to promote and achieve compliance with such laws.",
        "Financial Statements. Its most recent audited financial statements, for the"
        " financial year ended {PAST_DATE} and audited by {AUDITOR}, were prepared in"
        " accordance with generally accepted accounting principles consistently applied"
        " and fairly present its financial condition as at that date.",
        "No Default. No event or circumstance is outstanding which constitutes a default"
        " under any other agreement or instrument which is binding on it or to which its"
        " assets are subject and which might have a material adverse effect on its"
        " ability to perform its obligations under this Agreement.",
        "Information. All factual information provided by it or on its behalf in"
        " connection with this Agreement was true and accurate in all material respects as"
        " at the date it was provided, and it has not omitted to disclose anything that"
        " would make that information misleading in any material respect.",
        "Taxes. It has filed all tax returns required to be filed by it and has paid all"
        " Taxes due and payable, other than Taxes being contested in good faith by"
        " appropriate proceedings for which adequate reserves have been made.",
        "Insurance. It maintains insurance with reputable insurers rated at least A- by"
        " {RATING_AGENCY}, in such amounts and against such risks as are customarily"
        " maintained by companies engaged in similar businesses, including general"
        " liability insurance of not less than {MONEY} per occurrence.",
    ),
)

CONFIDENTIALITY = Article(
    key="confidentiality",
    titles=("CONFIDENTIALITY",),
    sections=(
        S(
            "Obligations",
            "Each Party shall keep the Confidential Information of the other Party strictly"
            " confidential and shall not, without the prior written consent of the other"
            " Party, disclose it to any Person other than its and its Affiliates' directors,"
            " officers, employees, professional advisers, auditors and financing sources"
            " who need to know it for the purposes of this Agreement and who are bound by"
            " obligations of confidentiality no less protective than those set out in this"
            " Article. Each Party shall use the other Party's Confidential Information only"
            " for the purpose of performing its obligations and exercising its rights under"
            " this Agreement, and shall protect it using at least the degree of care it"
            " uses to protect its own confidential information of a similar nature, and in"
            " any event not less than reasonable care.",
            "The receiving Party shall hold all Confidential Information in confidence,"
            " shall not copy or reproduce it except as strictly necessary, and shall"
            " promptly notify the disclosing Party upon becoming aware of any unauthorised"
            " use or disclosure. The receiving Party shall be responsible for any breach of"
            " this Article by any Person to whom it discloses Confidential Information.",
            "Each Party shall hold the Confidential Information of the other Party in strict"
            " confidence and use it only for the purposes of this Agreement. This Article replaces"
            " the confidentiality agreement between {A_NAME} and {B_NAME} dated {PAST_DATE}, and"
            " information disclosed under that agreement shall be treated as Confidential"
            " Information under this Agreement.",
        ),
        S(
            "Exceptions",
            "The obligations in this Article do not apply to information that (a) is or"
            " becomes generally available to the public other than as a result of a breach"
            " of this Agreement; (b) was lawfully in the possession of the receiving Party"
            " before its disclosure; (c) is received from a third party who is not under"
            " an obligation of confidentiality in respect of it; or (d) is independently"
            " developed by the receiving Party without use of or reference to the"
            " disclosing Party's Confidential Information.",
            "Confidential Information does not include information which the receiving Party can"
            " show by contemporaneous written records (a) was in its lawful possession before"
            " {PAST_DATE}; (b) is or becomes public knowledge other than through its fault; or (c)"
            " is lawfully received from a third party, such as {ORG}, without restriction on"
            " disclosure.",
        ),
        S(
            "Required Disclosure",
            "A Party may disclose Confidential Information to the extent required by"
            " Applicable Law, by any Governmental Authority or by the rules of any stock"
            " exchange on which its securities or those of its Affiliates are listed,"
            " provided that, to the extent legally permitted, it gives the other Party as"
            " much notice of the disclosure as possible and takes into account the"
            " reasonable requests of the other Party as to the content and timing of the"
            " disclosure.",
            "A Party may disclose Confidential Information where required to do so by law, by a"
            " court of competent jurisdiction or by any regulatory authority, including the"
            " {REGULATOR}, provided that it notifies the other Party promptly, to the extent"
            " permitted, and discloses only the minimum information required.",
        ),
        S(
            "Survival",
            "The obligations in this Article shall survive the expiry or termination of"
            " this Agreement for a period of {YEARS}.",
            "This Article shall continue in force notwithstanding the termination of this"
            " Agreement until {FUTURE_DATE} or, in respect of trade secrets, for so long as"
            " the relevant information remains a trade secret under Applicable Law.",
        ),
    ),
    core=2,
)

FORCE_MAJEURE = Article(
    key="force_majeure",
    titles=("FORCE MAJEURE",),
    sections=(
        S(
            "Force Majeure Events",
            "Neither Party shall be liable for any failure or delay in performing its"
            " obligations under this Agreement (other than an obligation to pay money) to"
            " the extent that such failure or delay is caused by an event beyond its"
            " reasonable control, including acts of God, flood, drought, earthquake or other"
            " natural disaster, epidemic or pandemic, terrorist attack, civil war, civil"
            " commotion or riots, war, threat of or preparation for war, armed conflict,"
            " imposition of sanctions, embargo or breaking off of diplomatic relations,"
            " nuclear, chemical or biological contamination, collapse of buildings, fire,"
            " explosion or accident, and any labour or trade dispute, strike, industrial"
            " action or lockout (a Force Majeure Event).",
            "A Party shall not be in breach of this Agreement, nor liable for any delay in"
            " performing its obligations, if the delay or failure results from events,"
            " circumstances or causes beyond its reasonable control, including epidemics and"
            " pandemics such as the COVID-19 pandemic declared by the [[ORG:World Health"
            " Organization]] on [[DATE:March 11, 2020]], acts of government, war, terrorism, fire,"
            " flood, storm and failure of public utilities.",
        ),
        S(
            "Notice and Mitigation",
            "The affected Party shall promptly notify the other Party in writing of the"
            " nature and extent of the Force Majeure Event, shall use all reasonable"
            " endeavours to mitigate its effect, and shall resume performance as soon as"
            " reasonably practicable. If a Force Majeure Event prevents, hinders or delays"
            " the affected Party's performance for a continuous period of more than {DAYS},"
            " the Party not affected may terminate this Agreement by giving {DAYS}'"
            " written notice to the affected Party.",
            "The affected Party shall notify the other Party of the Force Majeure Event within"
            " {BDAYS}, addressed in the case of the {A} to {A_CONTACT}, and shall use reasonable"
            " endeavours to mitigate its effects. If the Force Majeure Event continues beyond"
            " {FUTURE_DATE} or for more than {DAYS}, either Party may terminate this Agreement on"
            " written notice.",
        ),
    ),
    core=2,
)

INDEMNIFICATION = Article(
    key="indemnification",
    titles=("INDEMNIFICATION", "INDEMNITIES"),
    sections=(
        S(
            "Indemnity",
            "The {B} shall indemnify, defend and hold harmless the {A}, its Affiliates and"
            " their respective directors, officers, employees and agents from and against"
            " all Losses arising out of or in connection with (a) any breach by the {B} of"
            " its representations, warranties or obligations under this Agreement; (b) any"
            " negligent act or omission or wilful misconduct of the {B} or its personnel;"
            " and (c) any claim that the <<Services|Products|deliverables>> infringe the"
            " Intellectual Property Rights of a third party.",
            "Each Party (the Indemnifying Party) shall indemnify the other Party and its"
            " Affiliates (each an Indemnified Party) against all Losses suffered or incurred"
            " by an Indemnified Party as a result of any third-party claim arising from the"
            " Indemnifying Party's breach of this Agreement, negligence or wilful"
            " misconduct, except to the extent caused by the Indemnified Party.",
            "The {B} shall indemnify the {A} against all Losses arising out of any claim by a"
            " third party, including the claim notified by {ORG} on {PAST_DATE}, to the extent"
            " caused by the {B}'s breach of this Agreement or the negligence of its personnel.",
        ),
        S(
            "Procedure",
            "An Indemnified Party seeking indemnification shall (a) give the Indemnifying"
            " Party prompt written notice of the claim; (b) allow the Indemnifying Party to"
            " conduct the defence and settlement of the claim with counsel reasonably"
            " acceptable to the Indemnified Party; (c) provide reasonable cooperation at the"
            " Indemnifying Party's expense; and (d) not admit liability or settle the claim"
            " without the prior written consent of the Indemnifying Party, such consent not"
            " to be unreasonably withheld, conditioned or delayed.",
            "A Party claiming under an indemnity shall notify the other Party in writing, marked"
            " for the attention of its {A_CONTACT_TITLE}, currently {A_CONTACT}, promptly after"
            " becoming aware of the claim, and shall not make any admission or settlement without"
            " the indemnifying Party's consent.",
        ),
        S(
            "Excluded Claims",
            "The indemnities in this Article shall not apply to the extent a claim arises"
            " from the <<use of any item in combination with products not supplied by the"
            " indemnifying Party|modification of any deliverable by a Person other than the"
            " indemnifying Party>>, or from compliance with specifications or instructions"
            " provided by the Indemnified Party.",
        ),
    ),
    core=2,
)

LIMITATION_OF_LIABILITY = Article(
    key="liability",
    titles=("LIMITATION OF LIABILITY", "LIABILITY"),
    sections=(
        S(
            "Exclusion of Indirect Loss",
            "IN NO EVENT SHALL EITHER PARTY BE LIABLE TO THE OTHER FOR ANY INDIRECT,"
            " INCIDENTAL, CONSEQUENTIAL, SPECIAL, EXEMPLARY OR PUNITIVE DAMAGES, OR FOR ANY"
            " LOSS OF PROFITS, REVENUE, BUSINESS, GOODWILL OR ANTICIPATED SAVINGS, ARISING"
            " OUT OF OR IN CONNECTION WITH THIS AGREEMENT, WHETHER IN CONTRACT, TORT"
            " (INCLUDING NEGLIGENCE) OR OTHERWISE, EVEN IF ADVISED OF THE POSSIBILITY OF"
            " SUCH DAMAGES.",
            "Neither Party shall be liable to the other, whether in contract, tort"
            " (including negligence), breach of statutory duty or otherwise, for any loss of"
            " profit, loss of business, depletion of goodwill or any indirect or"
            " consequential loss arising under or in connection with this Agreement.",
            "Subject to the following Sections, neither Party shall be liable for any indirect,"
            " special or consequential loss, or for any loss of profits, revenue or data, whether"
            " or not foreseeable; provided that the liability of {HOLDCO} under its guarantee of"
            " the obligations of the {A} shall not be limited by this Section.",
        ),
        S(
            "Cap on Liability",
            "Subject to the following Section, each Party's total aggregate liability"
            " arising under or in connection with this Agreement in any contract year"
            " shall not exceed the greater of {MONEY} and the total fees paid and payable"
            " under this Agreement in the twelve (12) months preceding the event giving"
            " rise to the claim.",
            "The maximum aggregate liability of the {B} under or in connection with this"
            " Agreement shall in no circumstances exceed {MONEY_L}.",
            "EXCEPT FOR EXCLUDED CLAIMS, EACH PARTY'S AGGREGATE LIABILITY UNDER THIS"
            " AGREEMENT SHALL NOT EXCEED {MONEY}.",
        ),
        S(
            "Unlimited Liability",
            "Nothing in this Agreement limits or excludes either Party's liability for (a)"
            " death or personal injury caused by its negligence; (b) fraud or fraudulent"
            " misrepresentation; (c) breach of its confidentiality obligations; (d) its"
            " indemnification obligations; or (e) any other liability which cannot be"
            " limited or excluded under Applicable Law.",
            "Nothing in this Agreement excludes or limits liability for fraud, for death or"
            " personal injury caused by negligence, or for any matter for which liability cannot"
            " be excluded or limited under the laws of {GOV_LAW}.",
        ),
    ),
    core=2,
)

INSURANCE = Article(
    key="insurance",
    titles=("INSURANCE",),
    intro=(
        "The {B} shall, at its own cost, maintain in force throughout the Term and for"
        " {YEARS} thereafter, with insurers of good financial standing rated not less than"
        " A- VII by {RATING_AGENCY}, the following insurance policies:",
    ),
    items=(
        "Commercial General Liability. Commercial general liability insurance with limits"
        " of not less than {MONEY} per occurrence and {MONEY_L} in the aggregate, covering"
        " bodily injury, property damage and products and completed operations.",
        "Professional Liability. Professional indemnity or errors and omissions insurance"
        " with a limit of not less than {MONEY} per claim and in the aggregate.",
        "Employers' Liability. Employers' liability or workers' compensation insurance as"
        " required by Applicable Law, and in any event with a limit of not less than"
        " {MONEY_S} for each accident.",
        "Cyber Liability. Cyber and data breach liability insurance covering the"
        " unauthorised disclosure of personal data and network security failures, with a"
        " limit of not less than {MONEY}.",
        "Property. Property insurance on an all-risks basis covering the full replacement"
        " value of the assets used in the performance of this Agreement.",
        "Evidence of Cover. The {B} shall deliver certificates of insurance evidencing the"
        " required coverage on or before {FUTURE_DATE} and upon each renewal, and shall give"
        " the {A} not less than {DAYS}' prior written notice of any cancellation or"
        " material change in coverage.",
        "Additional Insured. The {A} and its Affiliates shall be named as additional"
        " insureds under the general liability policy, and each policy shall contain a"
        " waiver of subrogation in favour of the {A}.",
    ),
)

TERM_AND_TERMINATION = Article(
    key="term",
    titles=("TERM AND TERMINATION", "DURATION AND TERMINATION"),
    sections=(
        S(
            "Term",
            "This Agreement shall commence on the Effective Date and shall continue in force"
            " until {END_DATE}, unless terminated earlier in accordance with this Article."
            " Thereafter it shall renew automatically for successive periods of {MONTHS}"
            " unless either Party gives the other not less than {DAYS}' written notice of"
            " non-renewal before the end of the then-current term.",
            "The initial term of this Agreement begins on {EFFECTIVE_DATE} and ends on"
            " {END_DATE} (the Initial Term). The parties may extend the Initial Term by"
            " written agreement signed by both of them.",
        ),
        S(
            "Termination for Cause",
            "Either Party may terminate this Agreement with immediate effect by written"
            " notice to the other Party if the other Party (a) commits a material breach of"
            " this Agreement which is irremediable or, if remediable, is not remedied within"
            " {DAYS} after receipt of notice requiring it to be remedied; or (b) suffers an"
            " Insolvency Event.",
            "Either Party may terminate this Agreement by written notice with immediate effect if"
            " the other Party (a) commits a material breach which is not remedied within {DAYS}"
            " after notice; (b) suffers an Insolvency Event; or (c) undergoes a Change of Control"
            " in favour of a competitor of the terminating Party, including {ORG}.",
        ),
        S(
            "Termination for Convenience",
            "The {A} may terminate this Agreement, in whole or in part, for convenience at"
            " any time after {FUTURE_DATE} by giving the {B} not less than {DAYS}' prior"
            " written notice, subject to payment of a termination fee of {MONEY}.",
            "Either Party may terminate this Agreement without cause on not less than"
            " {MONTHS}' written notice, provided that no such notice may expire before"
            " {FUTURE_DATE}.",
        ),
        S(
            "Consequences of Termination",
            "On termination or expiry of this Agreement, each Party shall promptly return or"
            " destroy the other Party's Confidential Information, all sums then due shall"
            " become immediately payable, and the accrued rights, remedies, obligations and"
            " liabilities of the parties as at termination shall not be affected, including"
            " the right to claim damages in respect of any breach which existed at or"
            " before the date of termination.",
            "Termination or expiry of this Agreement shall not affect any rights, remedies or"
            " liabilities of the Parties accrued up to the date of termination. The {A} shall pay"
            " all undisputed invoices for work performed up to that date, and the {B} shall refund"
            " within {DAYS} any amounts paid in advance for periods after it, which the Parties"
            " estimate at {MONEY_S} as at {FUTURE_DATE}.",
        ),
    ),
    core=2,
)

COMPLIANCE = Article(
    key="compliance",
    titles=("COMPLIANCE WITH LAWS", "ANTI-CORRUPTION AND SANCTIONS"),
    sections=(
        S(
            "Anti-Corruption",
            "Each Party shall comply with all Anti-Corruption Laws and shall not, directly or"
            " indirectly, offer, promise, give, request or accept any bribe or other"
            " improper payment or advantage in connection with this Agreement. Each Party"
            " shall maintain adequate procedures designed to prevent any Person associated"
            " with it from undertaking any such conduct.",
            "Each Party shall comply with the United States Foreign Corrupt Practices Act of 1977,"
            " the Bribery Act 2010 of the [[United Kingdom]] and all other applicable anti-bribery"
            " laws, and shall promptly report to the other Party any request or demand for an"
            " undue financial or other advantage received in connection with this Agreement.",
        ),
        S(
            "Sanctions",
            "Neither Party shall, directly or indirectly, use any amount paid or received"
            " under this Agreement, or make it available to any Person, to fund any activity"
            " or business of or with any Person that is the target of Sanctions, or in any"
            " country or territory subject to comprehensive Sanctions, including the export"
            " control laws of the [[United States]] and of the [[European Union]].",
        ),
        S(
            "Records and Audit",
            "Each Party shall keep accurate books and records of all transactions under this"
            " Agreement for a period of not less than {YEARS} and shall, on reasonable notice,"
            " permit the other Party or its auditors, which may include {AUDITOR}, to inspect"
            " such books and records during normal business hours.",
        ),
    ),
    core=1,
)

DATA_PROTECTION = Article(
    key="data_protection",
    titles=("DATA PROTECTION", "PRIVACY AND DATA SECURITY"),
    sections=(
        S(
            "Compliance",
            "Each Party shall comply with the Data Protection Laws in connection with the"
            " processing of personal data under this Agreement. To the extent the {B}"
            " processes personal data on behalf of the {A}, it shall do so only on the"
            " documented instructions of the {A} and in accordance with the data processing"
            " addendum dated {EFFECTIVE_DATE}.",
        ),
        S(
            "Security",
            "The {B} shall implement appropriate technical and organisational measures to"
            " protect personal data against unauthorised or unlawful processing and against"
            " accidental loss, destruction, damage, alteration or disclosure, having regard"
            " to the state of the art, the cost of implementation and the nature, scope,"
            " context and purposes of the processing.",
            "The {B} shall maintain an information security programme certified to ISO/IEC 27001"
            " by {ORG}, and shall protect personal data by appropriate technical and"
            " organisational measures, including encryption in transit and at rest, access"
            " controls, and regular testing of the effectiveness of those measures.",
        ),
        S(
            "Breach Notification",
            "The {B} shall notify the {A} without undue delay, and in any event within"
            " forty-eight (48) hours, after becoming aware of any personal data breach, and"
            " shall provide such information and assistance as the {A} reasonably requires"
            " to meet its own obligations under the Data Protection Laws.",
            "The {B} shall notify the {A}'s data protection officer, {PERSON}, without undue delay"
            " and in any event within forty-eight (48) hours after becoming aware of a personal"
            " data breach, with a description of its nature, the categories and approximate number"
            " of data subjects concerned and the measures taken to address it.",
        ),
        S(
            "International Transfers",
            "The {B} shall not transfer personal data outside the [[European Economic Area]]"
            " or the [[United Kingdom]] unless appropriate safeguards are in place in"
            " accordance with the Data Protection Laws, including standard contractual"
            " clauses approved by the competent supervisory authority.",
        ),
    ),
    core=2,
)

ASSIGNMENT = Article(
    key="assignment",
    titles=("ASSIGNMENT", "ASSIGNMENT AND SUBCONTRACTING", "SUCCESSORS AND ASSIGNS"),
    sections=(
        S(
            "Assignment",
            "Neither Party may assign, transfer, charge, subcontract or deal in any other"
            " manner with all or any of its rights or obligations under this Agreement"
            " without the prior written consent of the other Party, such consent not to be"
            " unreasonably withheld or delayed; provided that either Party may assign this"
            " Agreement without consent to an Affiliate or to a successor to all or"
            " substantially all of its business or assets.",
            "This Agreement shall be binding upon and inure to the benefit of the parties"
            " and their respective successors and permitted assigns. The {A} may not assign"
            " or otherwise transfer any of its rights or obligations hereunder without the"
            " prior written consent of the {B}, and any purported assignment in violation of"
            " this Section shall be null and void.",
            "Neither Party may assign or transfer this Agreement, or any of its rights or"
            " obligations under it, without the prior written consent of the other Party, except"
            " that the {A} may assign it to any of its Affiliates, including {HOLDCO}, on written"
            " notice to the {B}.",
        ),
        S(
            "Permitted Assignees",
            "The parties acknowledge that the {B} intends to assign its rights under this"
            " Agreement to {ORG} on or about {FUTURE_DATE}, and the {A} hereby consents to"
            " such assignment.",
            "The {A} hereby consents to the assignment by the {B} of its rights to receive"
            " payment under this Agreement to {BANK} by way of security.",
        ),
    ),
    core=1,
)

GOVERNING_LAW = Article(
    key="governing_law",
    titles=(
        "GOVERNING LAW AND JURISDICTION",
        "GOVERNING LAW; SUBMISSION TO JURISDICTION",
        "APPLICABLE LAW AND DISPUTE RESOLUTION",
    ),
    sections=(
        S(
            "Governing Law",
            "This Agreement and any dispute or claim (including non-contractual disputes or"
            " claims) arising out of or in connection with it or its subject matter or"
            " formation shall be governed by and construed in accordance with the laws of"
            " {GOV_LAW}.",
            "THIS AGREEMENT SHALL BE GOVERNED BY, AND CONSTRUED IN ACCORDANCE WITH, THE LAWS"
            " OF {GOV_LAW_UC}, WITHOUT REGARD TO ITS CONFLICT OF LAWS PRINCIPLES THAT WOULD"
            " REQUIRE THE APPLICATION OF THE LAWS OF ANY OTHER JURISDICTION.",
            "This Agreement shall be governed by the laws of {GOV_LAW}, excluding its rules"
            " on the conflict of laws and excluding the United Nations Convention on"
            " Contracts for the International Sale of Goods.",
        ),
        S(
            "Jurisdiction",
            "Each Party irrevocably agrees that {FORUM} shall have exclusive jurisdiction to"
            " settle any dispute or claim arising out of or in connection with this"
            " Agreement, and waives any objection to proceedings in such courts on the"
            " grounds of venue or on the grounds that the proceedings have been brought in"
            " an inconvenient forum.",
            "Each of the parties hereby irrevocably and unconditionally submits, for itself"
            " and its property, to the exclusive jurisdiction of {FORUM}, and any appellate"
            " court therefrom, in any action or proceeding arising out of or relating to"
            " this Agreement.",
        ),
        S(
            "Service of Process",
            "The {A} irrevocably appoints {ORG}, whose office is at present at {ADDRESS}, as"
            " its agent to receive service of process in any proceedings before such"
            " courts, and agrees that failure by the process agent to notify it of the"
            " process will not invalidate the proceedings concerned.",
            "Each Party consents to service of process in the manner provided for notices"
            " in this Agreement. Nothing in this Agreement will affect the right of any"
            " Party to serve process in any other manner permitted by law.",
        ),
    ),
    core=2,
)

ARBITRATION = S(
    "Arbitration",
    "Any dispute arising out of or in connection with this Agreement, including any"
    " question regarding its existence, validity or termination, shall be referred to"
    " and finally resolved by arbitration under the rules of the {ARBITRAL_BODY}, which"
    " rules are deemed to be incorporated by reference into this Section. The tribunal"
    " shall consist of three arbitrators. The seat of arbitration shall be {CITY}, and the"
    " language of the arbitration shall be English.",
)

JURY_WAIVER = S(
    "Waiver of Jury Trial",
    "EACH PARTY HEREBY IRREVOCABLY WAIVES, TO THE FULLEST EXTENT PERMITTED BY APPLICABLE"
    " LAW, ANY RIGHT IT MAY HAVE TO A TRIAL BY JURY IN ANY LEGAL PROCEEDING DIRECTLY OR"
    " INDIRECTLY ARISING OUT OF OR RELATING TO THIS AGREEMENT OR THE TRANSACTIONS"
    " CONTEMPLATED HEREBY, WHETHER BASED ON CONTRACT, TORT OR ANY OTHER THEORY. EACH PARTY"
    " CERTIFIES THAT NO REPRESENTATIVE OF ANY OTHER PARTY HAS REPRESENTED THAT SUCH OTHER"
    " PARTY WOULD NOT SEEK TO ENFORCE THE FOREGOING WAIVER.",
)

MISCELLANEOUS = Article(
    key="miscellaneous",
    titles=("MISCELLANEOUS", "GENERAL PROVISIONS", "GENERAL"),
    sections=(
        S(
            "Entire Agreement",
            "This Agreement, together with the Schedules and Exhibits, constitutes the"
            " entire agreement between the parties and supersedes and extinguishes all"
            " previous agreements, promises, assurances, warranties, representations and"
            " understandings between them, whether written or oral, relating to its subject"
            " matter, including the letter of intent dated {PAST_DATE}.",
            "This Agreement sets out the entire agreement and understanding of the parties"
            " with respect to its subject matter and supersedes all prior negotiations,"
            " proposals and agreements, whether written or oral.",
        ),
        S(
            "Amendments",
            "No amendment, modification or waiver of any provision of this Agreement shall"
            " be effective unless it is in writing and signed by an authorised"
            " representative of each Party.",
            "This Agreement may be amended only by a written instrument signed by both Parties."
            " Amendments on behalf of the {B} shall be signed by {B_SIGNATORY} or another officer"
            " whose authority has been confirmed in writing to the {A}.",
        ),
        S(
            "Waiver",
            "No failure or delay by a Party to exercise any right or remedy provided under"
            " this Agreement or by law shall constitute a waiver of that or any other right"
            " or remedy, nor shall it prevent or restrict the further exercise of that or"
            " any other right or remedy. No single or partial exercise of such right or"
            " remedy shall prevent or restrict the further exercise of that or any other"
            " right or remedy.",
            "A waiver of any right or remedy under this Agreement is only effective if given in"
            " writing and signed, in the case of the {A}, by {A_SIGNATORY} or another authorised"
            " officer, and shall not be deemed a waiver of any subsequent breach or default.",
        ),
        S(
            "Severability",
            "If any provision or part-provision of this Agreement is or becomes invalid,"
            " illegal or unenforceable, it shall be deemed modified to the minimum extent"
            " necessary to make it valid, legal and enforceable. If such modification is"
            " not possible, the relevant provision shall be deemed deleted, and such"
            " deletion shall not affect the validity and enforceability of the rest of this"
            " Agreement.",
        ),
        S(
            "Counterparts",
            "This Agreement may be executed in any number of counterparts, each of which"
            " when executed shall constitute a duplicate original, but all the counterparts"
            " together shall constitute one agreement. Delivery of an executed counterpart"
            " by electronic transmission in portable document format or by means of an"
            " electronic signature platform shall be effective as delivery of a manually"
            " executed counterpart.",
            "This Agreement may be signed in counterparts, which together constitute one"
            " instrument, and may be executed by electronic signature using a platform such as"
            " that provided by [[ORG:DocuSign, Inc.]] or [[ORG:Adobe Inc.]], with the same effect"
            " as a handwritten signature.",
        ),
        S(
            "Third-Party Rights",
            "Except as expressly provided otherwise, a Person who is not a party to this"
            " Agreement shall not have any rights to enforce any of its terms, including"
            " under the Contracts (Rights of Third Parties) Act 1999.",
            "Nothing in this Agreement, express or implied, is intended to or shall confer"
            " upon any Person other than the parties and their respective successors and"
            " permitted assigns any legal or equitable right, benefit or remedy.",
            "No Person other than the Parties shall have any right to enforce any term of this"
            " Agreement, save that each Affiliate of the {A}, including {HOLDCO}, may enforce the"
            " indemnities given in its favour.",
        ),
        S(
            "Relationship of the Parties",
            "Nothing in this Agreement is intended to, or shall be deemed to, establish any"
            " partnership or joint venture between the parties, constitute either Party the"
            " agent of the other, or authorise either Party to make or enter into any"
            " commitments for or on behalf of the other Party.",
        ),
        S(
            "Costs and Expenses",
            "Except as otherwise provided, each Party shall pay its own costs and expenses"
            " incurred in connection with the negotiation, preparation and execution of"
            " this Agreement; provided that the {A} shall reimburse the {B} for legal fees"
            " not exceeding {MONEY_S}.",
        ),
        S(
            "Announcements",
            "Neither Party shall make, or permit any Person to make, any public announcement"
            " concerning the existence, subject matter or terms of this Agreement without"
            " the prior written consent of the other Party, except as required by law, any"
            " Governmental Authority or the rules of any securities exchange.",
            "No Party shall make any public announcement about this Agreement without the prior"
            " written approval of the other, except as required by law or by the rules of any"
            " stock exchange, including the {STOCK_EXCHANGE}, on which its securities or those of"
            " its Affiliates are listed.",
        ),
        S(
            "Further Assurance",
            "Each Party shall, at the request and cost of the other Party, promptly execute"
            " and deliver such documents and perform such acts as may reasonably be"
            " required for the purpose of giving full effect to this Agreement.",
        ),
        S(
            "Language",
            "This Agreement is made in the English language. If this Agreement is translated"
            " into any other language, the English language text shall prevail.",
        ),
        S(
            "Set-Off",
            "All amounts due under this Agreement shall be paid in full without any set-off,"
            " counterclaim, deduction or withholding, other than any deduction or"
            " withholding of Tax as required by law.",
        ),
    ),
    core=2,
)

SHARED_ARTICLES = {
    a.key: a
    for a in (
        REPRESENTATIONS,
        CONFIDENTIALITY,
        FORCE_MAJEURE,
        INDEMNIFICATION,
        LIMITATION_OF_LIABILITY,
        INSURANCE,
        TERM_AND_TERMINATION,
        COMPLIANCE,
        DATA_PROTECTION,
        ASSIGNMENT,
        GOVERNING_LAW,
        MISCELLANEOUS,
    )
}
