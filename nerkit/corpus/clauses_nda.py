"""Clauses of non-disclosure agreements: {A} discloses, {B} receives."""

from __future__ import annotations

from nerkit.corpus.clauses import Article, D, S

TITLES = (
    "MUTUAL NON-DISCLOSURE AGREEMENT",
    "CONFIDENTIALITY AGREEMENT",
    "NON-DISCLOSURE AGREEMENT",
    "CONFIDENTIALITY AND NON-USE AGREEMENT",
)
ROLES = (
    ("Company", "Recipient"),
    ("Disclosing Party", "Receiving Party"),
    ("Discloser", "Recipient"),
    ("Company", "Counterparty"),
)
THIRD_ROLES = ("Financial Adviser",)

RECITALS = (
    "The {A} and the {B} wish to <<explore|evaluate|discuss>> a possible <<business"
    " relationship|strategic partnership|acquisition of the {A} by the {B}|joint venture>>"
    " (the Proposed Transaction), and in connection therewith the {A} is prepared to"
    " disclose certain Confidential Information to the {B}.",
    "The {A} is a wholly-owned subsidiary of {HOLDCO}, and information relating to"
    " {HOLDCO} and its other Affiliates may be disclosed under this Agreement.",
    "The {B} has retained {ADVISER} as its financial adviser in connection with the Proposed"
    " Transaction.",
    "Preliminary discussions between the parties began on {PAST_DATE}, and the parties wish"
    " to record the terms on which information exchanged since that date has been and will"
    " be held.",
)

DEFINITIONS = (
    D(
        "Evaluation Material",
        "means all Confidential Information furnished to the {B} or its Representatives on"
        " or after {PAST_DATE}, whether furnished before or after the date of this"
        " Agreement, together with all notes, analyses and other documents prepared by the"
        " {B} or its Representatives that contain or reflect such information.",
    ),
    D(
        "Representatives",
        "means, in relation to a Party, its Affiliates and its and their directors,"
        " officers, employees, agents, professional advisers (including {ADVISER}), and actual"
        " or prospective financing sources.",
    ),
    D(
        "Proposed Transaction",
        "means the possible transaction between the {A} and the {B} described in the"
        " recitals, having an indicative enterprise value of approximately {VALUE}.",
    ),
    D(
        "Purpose",
        "means the evaluation, negotiation and, if applicable, implementation of the"
        " Proposed Transaction.",
    ),
    D(
        "Data Room",
        "means the virtual data room hosted by {ORG} and opened to the {B} on {DATE}.",
    ),
)

OBLIGATIONS = Article(
    key="nda_obligations",
    titles=("CONFIDENTIALITY OBLIGATIONS", "NON-DISCLOSURE AND NON-USE", "UNDERTAKINGS"),
    sections=(
        S(
            "Non-Disclosure",
            "The {B} shall keep the Evaluation Material strictly confidential and shall not"
            " disclose it to any Person other than its Representatives who need to know it"
            " for the Purpose, who have been informed of its confidential nature and who"
            " are bound by duties of confidentiality at least as protective as this"
            " Agreement. The {B} shall be liable for any breach of this Agreement by any of"
            " its Representatives.",
            "The {B} shall not disclose any Evaluation Material to any Person except to those of"
            " its Representatives, including its financial adviser {ADVISER}, who need to know it"
            " for the Purpose and who are informed of its confidential nature and directed to"
            " treat it in accordance with this Agreement.",
        ),
        S(
            "Non-Use",
            "The {B} shall use the Evaluation Material solely for the Purpose and not for"
            " any other purpose whatsoever, including to compete with the {A} or to solicit"
            " any customer or supplier of the {A}.",
            "The {B} shall not use the Evaluation Material for any purpose other than the Purpose"
            " and, in particular, shall not use it to compete with the {A} or any Affiliate of the"
            " {A}, including {HOLDCO}, or to solicit their customers.",
        ),
        S(
            "Standard of Care",
            "The {B} shall protect the Evaluation Material using the same degree of care it"
            " uses to protect its own confidential information of a similar nature, and in"
            " any event not less than a reasonable degree of care, including by restricting"
            " access to the Data Room to the individuals listed in Schedule 1.",
            "The {B} shall keep the Evaluation Material secure, shall not download or print"
            " material from the Data Room except as permitted by its rules, and shall inform"
            " {A_CONTACT} immediately of any unauthorised access to it.",
        ),
        S(
            "Existence of Discussions",
            "Without the prior written consent of the {A}, the {B} shall not disclose to any"
            " Person the fact that Evaluation Material has been made available, that"
            " discussions are taking place concerning the Proposed Transaction, or any of"
            " the terms, conditions or other facts with respect thereto.",
            "Neither Party shall disclose, without the consent of the other, that discussions"
            " concerning the Proposed Transaction are taking place, the identity of the other"
            " Party, or any term of the Proposed Transaction, including the indicative value of"
            " {VALUE} discussed on {PAST_DATE}.",
        ),
        S(
            "Contacts",
            "All communications regarding the Proposed Transaction, requests for additional"
            " information, site visits or management meetings shall be submitted or"
            " directed only to {A_CONTACT}, {A_CONTACT_TITLE} of the {A}, or to {PERSON} of"
            " {ADVISER}.",
        ),
    ),
    core=3,
)

EXCLUSIONS = Article(
    key="nda_exclusions",
    titles=("EXCLUSIONS", "EXCEPTIONS", "INFORMATION NOT SUBJECT TO THIS AGREEMENT"),
    intro=(
        "The obligations in this Agreement shall not apply to any information which the {B}"
        " can demonstrate by written evidence:",
    ),
    items=(
        "Public Domain. Is or becomes generally available to the public other than as a"
        " result of a disclosure by the {B} or its Representatives in breach of this"
        " Agreement, including information published by the {A} in its filings with the"
        " {REGULATOR}.",
        "Prior Knowledge. Was lawfully in the possession of the {B} before the Evaluation"
        " Material was disclosed to it by or on behalf of the {A}, as shown by its records"
        " dated before {PAST_DATE}.",
        "Third-Party Source. Becomes available to the {B} on a non-confidential basis from a"
        " source other than the {A} or its Representatives, provided that such source is"
        " not known by the {B} to be bound by a confidentiality obligation.",
        "Independent Development. Is independently developed by or for the {B} without use"
        " of or reference to the Evaluation Material, including work carried out for the {B}"
        " by {ORG} before {PAST_DATE}.",
        "Agreed Release. Is agreed by the {A} in writing, signed by {A_SIGNATORY} or another"
        " authorised officer, to be free from the restrictions in this Agreement.",
    ),
)

COMPELLED_DISCLOSURE = Article(
    key="compelled_disclosure",
    titles=("LEGALLY REQUIRED DISCLOSURE", "COMPELLED DISCLOSURE"),
    sections=(
        S(
            "Notice",
            "If the {B} or any of its Representatives is requested or required by law,"
            " regulation, legal process or the rules of any stock exchange to disclose any"
            " Evaluation Material, the {B} shall, to the extent legally permitted, provide"
            " the {A} with prompt written notice so that the {A} may seek a protective order"
            " or other appropriate remedy, and shall co-operate with the {A} in doing so.",
            "If the {B} becomes legally compelled to disclose any Evaluation Material, including"
            " by order of any court of {GOV_LAW}, it shall notify the {A} promptly so that the {A}"
            " may seek a protective order, and shall disclose only the portion legally required.",
        ),
        S(
            "Limited Disclosure",
            "If no protective order is obtained, the {B} may disclose only that portion of"
            " the Evaluation Material which its counsel advises is legally required to be"
            " disclosed, and shall use reasonable efforts to obtain assurance that"
            " confidential treatment will be accorded to it.",
            "Where disclosure is required, the {B} shall disclose only that part of the Evaluation"
            " Material which its legal advisers, {LAW_FIRM}, advise in writing is legally required"
            " to be disclosed, and shall use reasonable efforts to obtain confidential treatment"
            " for it.",
        ),
        S(
            "Regulatory Examinations",
            "Nothing in this Agreement prevents disclosure to any banking, securities or"
            " other regulatory authority in the course of a routine examination not"
            " targeted at the {A}, including examinations by authorities of {GOV_LAW}.",
        ),
    ),
    core=2,
)

RETURN = Article(
    key="return",
    titles=("RETURN AND DESTRUCTION OF INFORMATION", "RETURN OF MATERIALS"),
    sections=(
        S(
            "Return or Destruction",
            "Within {DAYS} after the written request of the {A}, and in any event upon the"
            " termination of discussions, the {B} shall return or destroy all Evaluation"
            " Material in its or its Representatives' possession, and an officer of the {B}"
            " shall certify such destruction in writing.",
            "Promptly upon request by the {A}, and in any event by {FUTURE_DATE} if no definitive"
            " agreement has been signed, the {B} shall return or destroy all Evaluation Material"
            " and confirm in writing to {A_CONTACT} that it has done so.",
        ),
        S(
            "Retained Copies",
            "The {B} may retain copies of Evaluation Material to the extent required by law"
            " or its bona fide internal document retention policies, or stored in automatic"
            " electronic back-up systems, provided that such copies remain subject to this"
            " Agreement for so long as they are retained.",
            "Notwithstanding the foregoing, the {B} and its Representatives may retain Evaluation"
            " Material to the extent required to comply with applicable law or the rules of any"
            " regulatory authority, including the {REGULATOR}, and any Evaluation Material so"
            " retained remains subject to this Agreement.",
        ),
    ),
    core=2,
)

NO_LICENCE = Article(
    key="no_licence",
    titles=("NO LICENCE; NO WARRANTY", "OWNERSHIP AND NO REPRESENTATIONS"),
    sections=(
        S(
            "No Licence",
            "All Evaluation Material remains the property of the {A}. No licence under any"
            " patent, copyright, trade secret or other Intellectual Property Right is"
            " granted or implied by the disclosure of Evaluation Material.",
            "All Evaluation Material is and shall remain the property of the {A} or, where it"
            " relates to {HOLDCO}, of {HOLDCO}, and no right or licence is granted to the {B} in"
            " respect of it except as expressly set out in this Agreement.",
        ),
        S(
            "No Warranty",
            "The {A} makes no representation or warranty, express or implied, as to the"
            " accuracy or completeness of the Evaluation Material. Only those"
            " representations and warranties made in a definitive agreement, when and if"
            " executed, shall have any legal effect.",
            "Neither the {A} nor any of its Representatives, including {ADVISER}, makes any"
            " representation or warranty as to the accuracy or completeness of the Evaluation"
            " Material, and none of them shall have any liability to the {B} resulting from its"
            " use.",
        ),
        S(
            "No Obligation",
            "Neither Party is under any obligation to proceed with the Proposed Transaction"
            " unless and until a definitive agreement has been executed, and either Party"
            " may terminate discussions at any time for any reason.",
            "Unless and until a definitive agreement regarding the Proposed Transaction has been"
            " executed, which the Parties do not expect before {FUTURE_DATE}, neither Party is"
            " under any legal obligation with respect to the Proposed Transaction.",
        ),
    ),
    core=2,
)

STANDSTILL = Article(
    key="standstill",
    titles=("STANDSTILL AND NON-SOLICITATION", "RESTRICTIONS"),
    sections=(
        S(
            "Standstill",
            "For a period of {MONTHS} from the date of this Agreement, the {B} shall not,"
            " without the prior written consent of the board of directors of the {A},"
            " acquire or offer to acquire any securities of the {A} or of {HOLDCO}, solicit"
            " proxies, or otherwise seek to influence the management or policies of the {A}.",
        ),
        S(
            "Non-Solicitation",
            "For a period of {MONTHS} from the date of this Agreement, the {B} shall not"
            " solicit for employment any officer or senior employee of the {A} with whom it"
            " had contact in connection with the Proposed Transaction, including {PERSON}.",
        ),
        S(
            "No Contact",
            "The {B} shall not contact any employee, customer, supplier, landlord or lender"
            " of the {A}, including {BANK}, regarding the Proposed Transaction without the"
            " prior consent of the {A}.",
        ),
    ),
    core=1,
)

REMEDIES = Article(
    key="nda_remedies",
    titles=("REMEDIES", "ENFORCEMENT"),
    sections=(
        S(
            "Equitable Relief",
            "The {B} acknowledges that damages alone may not be an adequate remedy for a"
            " breach of this Agreement and that the {A} shall be entitled to seek the"
            " remedies of injunction, specific performance and other equitable relief for"
            " any threatened or actual breach, without proof of special damages and without"
            " the posting of any bond.",
            "The {B} agrees that the {A} would be irreparably harmed by any breach of this"
            " Agreement and that the {A} shall be entitled to seek injunctive relief from {FORUM},"
            " in addition to any other remedy available at law or in equity.",
        ),
        S(
            "Liquidated Damages",
            "Without prejudice to any other remedy, for each breach of the non-solicitation"
            " undertakings the {B} shall pay to the {A} the sum of {MONEY_S} as liquidated"
            " damages, which the parties agree is a genuine pre-estimate of loss.",
        ),
        S(
            "Costs",
            "If a court of competent jurisdiction determines that the {B} or its"
            " Representatives have breached this Agreement, the {B} shall reimburse the {A}"
            " for its reasonable legal fees and expenses incurred in connection with such"
            " litigation.",
            "The {B} shall reimburse the {A} on demand for all reasonable costs, including legal"
            " fees not exceeding {MONEY_S}, incurred in successfully enforcing this Agreement.",
        ),
    ),
    core=1,
)

DURATION = Article(
    key="nda_term",
    titles=("TERM", "DURATION"),
    sections=(
        S(
            "Term",
            "This Agreement shall remain in force until {END_DATE}, save that the"
            " obligations in respect of trade secrets shall continue for so long as the"
            " relevant information remains a trade secret.",
            "The obligations of the {B} under this Agreement shall expire {YEARS} after the"
            " date of this Agreement, being {END_DATE}, unless superseded by a definitive"
            " agreement.",
        ),
    ),
)

ARTICLES = (
    OBLIGATIONS,
    EXCLUSIONS,
    COMPELLED_DISCLOSURE,
    RETURN,
    NO_LICENCE,
    STANDSTILL,
    REMEDIES,
    DURATION,
)
ESSENTIAL = ("nda_obligations", "nda_exclusions", "return", "nda_term")
SHARED = ("compliance", "data_protection", "assignment")
