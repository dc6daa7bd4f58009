"""Clauses of loan and credit agreements: {A} is the Borrower, {B} the Lender."""

from __future__ import annotations

from nerkit.corpus.clauses import Article, D, S

TITLES = (
    "TERM LOAN AGREEMENT",
    "CREDIT AGREEMENT",
    "REVOLVING CREDIT FACILITY AGREEMENT",
    "SENIOR SECURED TERM LOAN AGREEMENT",
    "FACILITY AGREEMENT",
    "LOAN AND SECURITY AGREEMENT",
)
ROLES = (("Borrower", "Lender"), ("Borrower", "Bank"), ("Company", "Lender"))
THIRD_ROLES = ("Guarantor", "Parent Guarantor", "Administrative Agent")

RECITALS = (
    "The {A} has requested that the {B} make available to it a <<term loan|revolving"
    " credit|term and revolving credit>> facility in an aggregate principal amount not to"
    " exceed {VALUE}, and the {B} is willing to do so on the terms and subject to the"
    " conditions set out in this Agreement.",
    "The {A} is a wholly-owned subsidiary of {HOLDCO}, which will derive substantial"
    " direct and indirect benefit from the making of the Loans.",
    "The proceeds of the Loans will be used to refinance in full the indebtedness of the"
    " {A} under the credit agreement dated {PAST_DATE} with {BANK}, to pay fees and"
    " expenses incurred in connection therewith and for general corporate purposes.",
    "The {A} and the {B} entered into a commitment letter dated {PAST_DATE} setting out the"
    " principal terms on which the facility would be made available.",
    "The board of directors of the {A} has determined that entering into this Agreement is"
    " in the best interests of the {A} and has authorised its execution by resolution"
    " adopted on {PAST_DATE}.",
)

DEFINITIONS = (
    D(
        "Applicable Margin",
        "means {RATE} per annum, subject to adjustment in accordance with the pricing grid"
        " set out in Schedule 2.",
    ),
    D(
        "Availability Period",
        "means the period from and including the Effective Date to and including {FUTURE_DATE}.",
    ),
    D(
        "Commitment",
        "means {VALUE}, to the extent not cancelled, reduced or transferred under this Agreement.",
        "means the obligation of the {B} to make Loans to the {A} in an aggregate principal"
        " amount not exceeding {VALUE}, as such amount may be reduced from time to time.",
    ),
    D(
        "Consolidated EBITDA",
        "means, for any period, consolidated net income of the {A} and its Subsidiaries for"
        " such period plus, without duplication and to the extent deducted in computing"
        " such consolidated net income, interest expense, income tax expense, depreciation"
        " and amortisation expense, and non-cash charges, minus non-cash gains, all"
        " determined on a consolidated basis in accordance with generally accepted"
        " accounting principles.",
    ),
    D(
        "Default",
        "means an Event of Default or any event or circumstance which would, with the"
        " expiry of a grace period, the giving of notice or the making of any determination"
        " under this Agreement, or any combination of the foregoing, be an Event of"
        " Default.",
    ),
    D(
        "Financial Quarter",
        "means each period of three months ending on or about the last day of March, June,"
        " September and December in each year, the first of which ends on {FUTURE_DATE}.",
    ),
    D(
        "Indebtedness",
        "means any obligation (whether present or future, actual or contingent, as"
        " principal or surety) for the payment or repayment of money, including under any"
        " bond, note, loan stock, finance lease, guarantee, or any amount raised under any"
        " other transaction having the commercial effect of a borrowing.",
    ),
    D(
        "Interest Period",
        "means each period commencing on the date a Loan is made or on the last day of the"
        " preceding Interest Period and ending one, three or six months thereafter, as"
        " selected by the {A} in the relevant Borrowing Request.",
    ),
    D(
        "Maturity Date",
        "means {END_DATE}.",
        "means {END_DATE} or, if such day is not a Business Day, the preceding Business Day.",
    ),
    D(
        "Material Adverse Effect",
        "means a material adverse effect on (a) the business, operations, property or"
        " financial condition of the {A} and its Subsidiaries taken as a whole; (b) the"
        " ability of the {A} to perform its payment obligations under the Finance"
        " Documents; or (c) the validity or enforceability of, or the rights or remedies of"
        " the {B} under, any of the Finance Documents.",
    ),
    D(
        "Permitted Liens",
        "means (a) liens for Taxes not yet due or being contested in good faith; (b)"
        " liens arising by operation of law in the ordinary course of business; (c) liens"
        " securing Indebtedness not exceeding {MONEY} in aggregate at any time; and (d)"
        " the liens in favour of {BANK} existing on the Effective Date and listed in"
        " Schedule 4.",
    ),
    D(
        "Reference Rate",
        "means the Secured Overnight Financing Rate as administered by the Federal Reserve"
        " Bank of New York (or any successor administrator) for the relevant Interest"
        " Period, and if that rate is less than zero, the Reference Rate shall be deemed to"
        " be zero.",
        "means, in relation to any Loan in Sterling, the Sterling Overnight Index Average"
        " and, in relation to any Loan in euro, the euro interbank offered rate"
        " administered by the European Money Markets Institute, in each case as published"
        " on the relevant screen page.",
    ),
    D(
        "Finance Documents",
        "means this Agreement, each Note, the Guarantee, the Security Documents, the fee"
        " letter dated {EFFECTIVE_DATE} between the {A} and the {B}, and any other document"
        " designated as such by the {B} and the {A}.",
    ),
    D(
        "Threshold Amount",
        "means {MONEY} (or its equivalent in any other currency).",
    ),
    D(
        "Loan",
        "means a loan made or to be made under the facility or the principal amount"
        " outstanding for the time being of that loan.",
    ),
    D(
        "Security Documents",
        "means the pledge and security agreement dated {EFFECTIVE_DATE} made by the {A} in"
        " favour of the {B}, each deposit account control agreement and any other document"
        " creating or evidencing security for the obligations of the {A} under the Finance"
        " Documents.",
    ),
    D(
        "Anti-Money Laundering Laws",
        "means all laws, rules and regulations relating to money laundering or terrorist"
        " financing applicable to the {A}, including the Bank Secrecy Act and the USA"
        " PATRIOT Act of the [[United States]] and the Proceeds of Crime Act 2002 of the"
        " [[United Kingdom]].",
    ),
    D(
        "Borrowing Request",
        "means a notice substantially in the form of Exhibit A, signed by an authorised"
        " signatory of the {A}, such as {A_SIGNATORY}.",
    ),
    D(
        "Capital Lease Obligations",
        "means the obligations of a Person to pay rent or other amounts under any lease of"
        " property which, in accordance with generally accepted accounting principles, are"
        " required to be classified and accounted for as a finance or capital lease.",
    ),
    D(
        "Collateral",
        "means all property and assets of the {A} and each guarantor, now owned or"
        " hereafter acquired, upon which a lien is purported to be created by any Security"
        " Document, including the deposit accounts maintained with {BANK}.",
    ),
    D(
        "Compliance Certificate",
        "means a certificate substantially in the form of Exhibit B, signed by the chief"
        " financial officer of the {A}.",
    ),
    D(
        "Consolidated Total Indebtedness",
        "means, as at any date, the aggregate outstanding principal amount of all"
        " Indebtedness of the {A} and its Subsidiaries on a consolidated basis, excluding"
        " Indebtedness owed to {HOLDCO} that is subordinated to the Loans on terms"
        " satisfactory to the {B}.",
    ),
    D(
        "Disposal",
        "means a sale, transfer, lease, licence or other disposal by a Person of any asset,"
        " undertaking or business, whether by a voluntary or involuntary single transaction"
        " or series of transactions.",
    ),
    D(
        "Event of Default",
        "means any event or circumstance specified as such in the Article headed Events of"
        " Default.",
    ),
    D(
        "Existing Credit Agreement",
        "means the credit agreement dated {PAST_DATE} between the {A}, as borrower, and"
        " {BANK}, as lender, under which commitments of {MONEY} were outstanding on the"
        " Effective Date.",
    ),
    D(
        "Hedging Agreement",
        "means any interest rate swap, cap or collar agreement entered into by the {A} with"
        " {BANK} or another hedge counterparty approved by the {B} for the purpose of"
        " hedging interest rate exposure under this Agreement.",
    ),
    D(
        "Note",
        "means a promissory note of the {A} payable to the order of the {B}, substantially"
        " in the form of Exhibit C, evidencing the Loans.",
    ),
    D(
        "Permitted Acquisition",
        "means an acquisition by the {A} of a company or business engaged in the same or a"
        " similar line of business, where the consideration does not exceed {MONEY} and no"
        " Default is continuing or would result.",
    ),
    D(
        "Quarter Date",
        "means each of 31 March, 30 June, 30 September and 31 December, the first of which"
        " shall be the Quarter Date falling on {FUTURE_DATE}.",
    ),
    D(
        "Repayment Date",
        "means each date set out in Schedule 2, the last of which is the Maturity Date.",
    ),
    D(
        "Responsible Officer",
        "means the chief executive officer, chief financial officer, treasurer or general"
        " counsel of the {A}, being at the Effective Date {A_SIGNATORY} and {PERSON}.",
    ),
    D(
        "Sanctioned Country",
        "means, at any time, a country or territory which is itself the subject or target"
        " of any comprehensive Sanctions.",
    ),
    D(
        "Secured Obligations",
        "means all present and future obligations and liabilities of the {A} and each"
        " guarantor to the {B} under or in connection with the Finance Documents, whether"
        " actual or contingent and whether owed jointly or severally.",
    ),
    D(
        "Solvent",
        "means, with respect to any Person on any date, that the fair value of its assets is"
        " greater than the total amount of its liabilities, and that it is able to pay its"
        " debts and liabilities as they mature in the ordinary course of business.",
    ),
    D(
        "Transaction Costs",
        "means all fees, costs and expenses incurred by the {A} in connection with the"
        " Finance Documents and the refinancing of the Existing Credit Agreement, not to"
        " exceed {MONEY_S} in aggregate.",
    ),
)

FACILITY = Article(
    key="facility",
    titles=("THE FACILITY", "AMOUNT AND TERMS OF THE LOANS", "THE CREDIT FACILITY"),
    sections=(
        S(
            "Commitment",
            "Subject to the terms and conditions of this Agreement, the {B} agrees to make"
            " available to the {A} a <<term loan|revolving credit>> facility in an aggregate"
            " principal amount not exceeding {VALUE} during the Availability Period.",
            "On the terms and subject to the conditions set forth herein, the {B} agrees to"
            " make loans to the {A} from time to time during the Availability Period in an"
            " aggregate principal amount at any time outstanding not to exceed the"
            " Commitment, being {VALUE} as at the Effective Date.",
        ),
        S(
            "Purpose",
            "The {A} shall apply all amounts borrowed by it under the facility towards (a)"
            " the refinancing of existing Indebtedness owed to {BANK}; (b) the payment of"
            " fees, costs and expenses in connection with the Finance Documents; and (c)"
            " its general corporate and working capital purposes. The {B} is not bound to"
            " monitor or verify the application of any amount borrowed.",
        ),
        S(
            "Borrowing Procedure",
            "The {A} may borrow a Loan by delivering to the {B} a duly completed Borrowing"
            " Request, substantially in the form of Exhibit A, not later than 11:00 a.m."
            " ({CITY} time) {BDAYS} before the proposed borrowing date. Each Borrowing"
            " Request is irrevocable and shall specify the proposed borrowing date, the"
            " amount of the Loan, which shall be a minimum of {MONEY_S} or, if less, the"
            " available Commitment, and the first Interest Period.",
        ),
        S(
            "Incremental Facility",
            "The {A} may, by notice to the {B} at any time before {FUTURE_DATE}, request an"
            " increase in the Commitment in an aggregate amount not exceeding {MONEY}, which"
            " the {B} may agree or decline in its sole discretion.",
        ),
        S(
            "Evidence of Debt",
            "The {B} shall maintain in accordance with its usual practice an account"
            " evidencing the Indebtedness of the {A} resulting from each Loan, including the"
            " amounts of principal and interest payable and paid from time to time. The"
            " entries made in such account shall be prima facie evidence of the existence"
            " and amounts of the obligations recorded therein. Upon request, the {A} shall"
            " execute and deliver a promissory note substantially in the form of Exhibit C.",
        ),
    ),
    core=3,
)

INTEREST = Article(
    key="interest",
    titles=("INTEREST", "INTEREST AND INTEREST PERIODS"),
    sections=(
        S(
            "Rate of Interest",
            "The rate of interest on each Loan for each Interest Period is the percentage"
            " rate per annum which is the aggregate of the Applicable Margin and the"
            " Reference Rate. Interest accrues from day to day and is calculated on the"
            " basis of the actual number of days elapsed and a year of 360 days.",
            "Each Loan shall bear interest on the outstanding principal amount thereof for"
            " each day from the date such Loan is made until it becomes due at a rate per"
            " annum equal to the Reference Rate plus {RATE}.",
            "Interest on each Loan accrues at the Reference Rate, as published by the"
            " [[ORG:Federal Reserve Bank of New York]] or any successor administrator, plus the"
            " Applicable Margin, calculated on the basis of a 360-day year and the actual number"
            " of days elapsed.",
        ),
        S(
            "Payment of Interest",
            "The {A} shall pay accrued interest on each Loan on the last day of each"
            " Interest Period and, if an Interest Period is longer than three months, on the"
            " dates falling at three-monthly intervals after the first day of that Interest"
            " Period, the first such payment to be made on {FUTURE_DATE}.",
        ),
        S(
            "Default Interest",
            "If the {A} fails to pay any amount payable by it under a Finance Document on"
            " its due date, interest shall accrue on the overdue amount from the due date up"
            " to the date of actual payment at a rate which is two percent (2%) per annum"
            " higher than the rate which would have been payable if the overdue amount had"
            " constituted a Loan. Any interest accruing under this Section shall be"
            " immediately payable by the {A} on demand by the {B}.",
            "Overdue amounts bear interest from the due date to the date of actual payment at two"
            " percent (2%) per annum above the rate otherwise applicable, and, for the purposes of"
            " the usury laws of {GOV_LAW}, such interest is agreed to be a reasonable estimate of"
            " the {B}'s cost of funding the overdue amount.",
        ),
        S(
            "Maximum Rate",
            "Notwithstanding anything herein to the contrary, if at any time the interest"
            " rate applicable to any Loan exceeds the maximum lawful rate which may be"
            " contracted for, charged or received under the laws of {GOV_LAW}, the rate of"
            " interest payable shall be limited to that maximum lawful rate.",
        ),
    ),
    core=2,
)

REPAYMENT = Article(
    key="repayment",
    titles=("REPAYMENT AND PREPAYMENT", "REPAYMENT, PREPAYMENT AND CANCELLATION"),
    sections=(
        S(
            "Repayment",
            "The {A} shall repay the Loans in instalments on each date and in each amount"
            " set out in the repayment schedule in Schedule 2, and shall repay all"
            " outstanding Loans, together with accrued interest and all other amounts"
            " outstanding under the Finance Documents, in full on the Maturity Date.",
            "The {A} shall repay the aggregate principal amount of the Loans in equal"
            " quarterly instalments of {MONEY} each, commencing on {FUTURE_DATE}, with the"
            " balance payable on the Maturity Date.",
        ),
        S(
            "Voluntary Prepayment",
            "The {A} may, on giving not less than {BDAYS}' prior notice to the {B}, prepay"
            " the whole or any part of any Loan, but if in part, by a minimum amount of"
            " {MONEY_S}. Any prepayment made before {FUTURE_DATE} shall be accompanied by a"
            " prepayment premium equal to one percent (1%) of the amount prepaid.",
        ),
        S(
            "Mandatory Prepayment",
            "If the {A} or any of its Subsidiaries receives net cash proceeds from any"
            " disposal of assets outside the ordinary course of business in excess of"
            " {MONEY} in any financial year, the {A} shall prepay the Loans in an amount"
            " equal to such excess within {BDAYS} of receipt.",
        ),
        S(
            "Illegality",
            "If it becomes unlawful in any applicable jurisdiction for the {B} to perform"
            " any of its obligations as contemplated by this Agreement or to fund or"
            " maintain any Loan, the {B} shall promptly notify the {A}, the Commitment shall"
            " be immediately cancelled, and the {A} shall repay each Loan on the last day of"
            " the Interest Period for that Loan.",
            "If it becomes unlawful for the {B} to fund or maintain any Loan, including as a"
            " result of Sanctions imposed by the [[United States]] or the [[European Union]], the"
            " {B} may by notice cancel the Commitment, and the {A} shall repay the Loans on the"
            " last day of the current Interest Period.",
        ),
        S(
            "Change of Control",
            "Upon the occurrence of a Change of Control, the {B} shall not be obliged to fund"
            " any further Loan and may, by not less than {DAYS}' notice to the {A}, cancel"
            " the Commitment and declare all outstanding Loans immediately due and payable.",
            "If {HOLDCO} ceases to own directly or indirectly at least fifty-one percent (51%) of"
            " the voting shares of the {A}, the {A} shall promptly notify the {B}, and the {B} may"
            " cancel the Commitment and declare all Loans due and payable on not less than {DAYS}'"
            " notice.",
        ),
    ),
    core=3,
)

FEES = Article(
    key="fees",
    titles=("FEES", "FEES AND EXPENSES"),
    sections=(
        S(
            "Commitment Fee",
            "The {A} shall pay to the {B} a fee computed at the rate of forty percent (40%)"
            " of the Applicable Margin on the unused and uncancelled amount of the"
            " Commitment, accrued from the Effective Date to the end of the Availability"
            " Period and payable quarterly in arrears.",
            "The {A} shall pay to the {B} a commitment fee at the rate of 0.35% per annum on the"
            " daily unused amount of the Commitment, payable quarterly in arrears, provided that"
            " the commitment fee for any Financial Quarter shall not be less than {MONEY_S}.",
        ),
        S(
            "Arrangement Fee",
            "The {A} shall pay to the {B} an arrangement fee of {MONEY_S} on the Effective Date.",
            "On or before the first borrowing date, the {A} shall pay the arrangement fee"
            " in the amount and at the times agreed in the fee letter dated {EFFECTIVE_DATE}.",
        ),
        S(
            "Agency Fee",
            "The {A} shall pay to {BANK}, in its capacity as account bank, an annual fee of"
            " {MONEY_S}, payable in advance on the Effective Date and on each anniversary"
            " thereof.",
        ),
        S(
            "Expenses",
            "The {A} shall promptly on demand pay the {B} the amount of all costs and"
            " expenses (including legal fees of counsel, which shall not exceed {MONEY_S}"
            " without the prior approval of the {A}) reasonably incurred by it in connection"
            " with the negotiation, preparation, printing, execution and syndication of the"
            " Finance Documents.",
        ),
    ),
    core=2,
)

PAYMENTS = Article(
    key="payments",
    titles=("PAYMENTS", "PAYMENTS AND COMPUTATIONS", "PAYMENT MECHANICS"),
    sections=(
        S(
            "Place of Payment",
            "All payments by the {A} under the Finance Documents shall be made in"
            " immediately available funds, without set-off or counterclaim, not later than"
            " 12:00 noon ({CITY} time) on the due date, to the account of the {B} with"
            " {BANK}, ABA No. 0{REGNO}, Account No. {REGNO}, Reference: {A_NAME}, or such"
            " other account as the {B} may specify by not less than {BDAYS}' notice.",
        ),
        S(
            "Business Days",
            "Any payment which is due to be made on a day that is not a Business Day shall"
            " be made on the next Business Day in the same calendar month (if there is one)"
            " or the preceding Business Day (if there is not), and interest shall be"
            " adjusted accordingly.",
            "If any payment falls due on a day which is not a Business Day in {CITY}, it shall be"
            " made on the next Business Day, unless that day falls in the next calendar month, in"
            " which case it shall be made on the preceding Business Day, as provided for the first"
            " time for the payment due on {FUTURE_DATE}.",
        ),
        S(
            "Application of Payments",
            "If the {B} receives a payment that is insufficient to discharge all the amounts"
            " then due and payable, the {B} shall apply that payment first in or towards"
            " payment of fees, costs and expenses, secondly in or towards payment of accrued"
            " interest, thirdly in or towards payment of principal, and finally in or"
            " towards payment of any other sum due.",
            "Amounts received by the {B} from the {A} shall be applied, first, to costs and"
            " expenses of the {B}, including the fees of its counsel, {LAW_FIRM}; second, to"
            " accrued interest; third, to principal; and fourth, to any other amounts then due.",
        ),
        S(
            "Tax Gross-Up",
            "All payments by the {A} shall be made free and clear of and without deduction"
            " for any Taxes, unless a deduction is required by law, in which case the {A}"
            " shall increase the amount of the payment so that, after making the deduction,"
            " the {B} receives an amount equal to the payment which would have been due if"
            " no deduction had been required.",
            "If any Tax is required to be deducted from a payment to the {B}, the {A} shall pay"
            " such additional amount as will ensure that the {B} receives the amount it would have"
            " received had no deduction been required, and shall deliver to the {B}, within"
            " {DAYS}, evidence of payment issued by the tax authority of {HOME_LAW}.",
        ),
        S(
            "Currency",
            "Each payment under the Finance Documents shall be made in the currency in which"
            " the relevant amount is denominated; any amount expressed in another currency,"
            " such as the basket of {MONEY_FX}, shall be converted at the spot rate of"
            " exchange of the {B} on the date of payment.",
        ),
    ),
    core=2,
)

CONDITIONS = Article(
    key="conditions",
    titles=("CONDITIONS PRECEDENT", "CONDITIONS OF LENDING", "CONDITIONS TO BORROWING"),
    intro=(
        "The obligation of the {B} to make the initial Loan is subject to the {B} having"
        " received each of the following, in form and substance satisfactory to it:",
        "The {A} may not deliver the first Borrowing Request unless the {B} has received all"
        " of the documents and other evidence listed below:",
    ),
    items=(
        "Constitutional Documents. A copy of the constitutional documents of the {A},"
        " certified as true, complete and in full force by its secretary, {PERSON}.",
        "Board Resolution. A copy of a resolution of the board of directors of the {A}"
        " approving the terms of, and the transactions contemplated by, the Finance"
        " Documents, adopted on {PAST_DATE}.",
        "Specimen Signatures. A specimen of the signature of each person authorised to sign"
        " the Finance Documents on behalf of the {A}, including {A_SIGNATORY}.",
        "Legal Opinions. A legal opinion of {LAW_FIRM}, legal advisers to the {A} as to the laws"
        " of {HOME_LAW}, addressed to the {B}.",
        "Guarantee. The guarantee dated {EFFECTIVE_DATE} executed by {HOLDCO} in favour of"
        " the {B}, duly executed and delivered.",
        "Security. The Security Documents, duly executed, together with evidence that all"
        " filings and registrations necessary to perfect the security created thereunder"
        " have been made or arranged.",
        "Payoff Letter. A payoff letter from {BANK} confirming that, upon receipt of"
        " {MONEY}, all indebtedness owed to it will be discharged and all related security"
        " released.",
        "Financial Statements. The audited consolidated financial statements of the {A}"
        " for its financial year ended {PAST_DATE}, together with the auditors' report of"
        " {AUDITOR}.",
        "Fees. Evidence that the fees, costs and expenses then due from the {A} under this"
        " Agreement, including the arrangement fee of {MONEY_S}, have been paid.",
        "Know Your Customer. Such documentation and other evidence as the {B} reasonably"
        " requests in order to carry out all necessary know-your-customer or other"
        " similar checks under all applicable laws and regulations.",
        "Insurance. Certificates of insurance naming the {B} as loss payee and additional"
        " insured, issued by insurers rated A or better by {RATING_AGENCY}.",
    ),
)

LOAN_REPRESENTATIONS = Article(
    key="loan_representations",
    titles=("REPRESENTATIONS AND WARRANTIES",),
    intro=(
        "The {A} makes the representations and warranties set out in this Article to the {B}"
        " on the date of this Agreement and on each date on which a Loan is requested or"
        " made:",
    ),
    items=(
        "Status. The {A} is {A_INC}, duly organised and validly existing, and has the power"
        " to own its assets and carry on its business as it is being conducted.",
        "Ownership. All of the issued share capital of the {A} is legally and beneficially"
        " owned by {HOLDCO}, free from any security interest other than Permitted Liens.",
        "No Material Adverse Change. Since {PAST_DATE}, there has been no event or"
        " circumstance which has had or could reasonably be expected to have a Material"
        " Adverse Effect.",
        "Pari Passu Ranking. The payment obligations of the {A} under the Finance Documents"
        " rank at least pari passu with the claims of all its other unsecured and"
        " unsubordinated creditors, except for obligations mandatorily preferred by law.",
        "Title to Assets. The {A} has good and marketable title to, or valid leasehold"
        " interests in, all its real and personal property material to its business.",
        "Environmental Matters. The {A} is in compliance with all environmental laws and"
        " holds all environmental permits necessary for the conduct of its business, and no"
        " environmental claim has been commenced or threatened against it.",
        "Investment Company Status. The {A} is not required to register as an investment"
        " company under the Investment Company Act of 1940 of the [[United States]].",
        "Margin Regulations. No part of the proceeds of any Loan will be used to purchase or"
        " carry any margin stock or to extend credit to others for that purpose.",
        "Existing Indebtedness. Schedule 3 lists all Indebtedness of the {A} and its"
        " Subsidiaries outstanding on the Effective Date in excess of {MONEY_S}, including"
        " the notes issued to {ORG}.",
        "Subsidiaries. Schedule 5 sets out a complete and accurate list of the Subsidiaries"
        " of the {A}, including {ORG_INC}.",
        "Pension Plans. No termination event has occurred with respect to any pension plan"
        " of the {A} that would result in a liability exceeding {MONEY_S}.",
        "Compliance with Laws. The {A} is in compliance in all material respects with all"
        " Applicable Laws, including the laws of {HOME_LAW} governing its organisation.",
    ),
)

AFFIRMATIVE_COVENANTS = Article(
    key="affirmative_covenants",
    titles=("AFFIRMATIVE COVENANTS", "INFORMATION UNDERTAKINGS AND GENERAL UNDERTAKINGS"),
    intro=(
        "So long as any Loan remains outstanding or the Commitment is in force, the {A}"
        " shall, and shall cause each of its Subsidiaries to:",
    ),
    items=(
        "Annual Financial Statements. Deliver to the {B}, as soon as available and in any"
        " event within one hundred twenty (120) days after the end of each financial year,"
        " its audited consolidated financial statements for that financial year, reported"
        " on by {AUDITOR} or other independent auditors acceptable to the {B}.",
        "Quarterly Financial Statements. Deliver to the {B}, within forty-five (45) days"
        " after the end of each Financial Quarter, its unaudited consolidated financial"
        " statements for that quarter, certified by its chief financial officer.",
        "Compliance Certificate. Deliver with each set of financial statements a compliance"
        " certificate substantially in the form of Exhibit B, signed by {A_SIGNATORY},"
        " setting out computations as to compliance with the financial covenants.",
        "Notice of Default. Notify the {B} of any Default, and the steps, if any, being"
        " taken to remedy it, promptly upon becoming aware of its occurrence.",
        "Maintenance of Existence. Do all things necessary to preserve, renew and keep in"
        " full force and effect its legal existence and the rights, licences, permits,"
        " privileges and franchises material to the conduct of its business.",
        "Insurance. Maintain insurance with financially sound and reputable insurance"
        " companies, including property insurance of not less than {MONEY_L} and business"
        " interruption insurance of not less than {MONEY}.",
        "Books and Records; Inspection. Keep proper books of record and account, and permit"
        " representatives of the {B}, upon reasonable prior notice, to visit and inspect"
        " its properties and examine its books and records.",
        "Payment of Taxes. Pay and discharge all Taxes imposed upon it or its property"
        " before the same become delinquent, except where contested in good faith.",
        "Use of Proceeds. Use the proceeds of the Loans only for the purposes set out in"
        " this Agreement.",
        "Additional Guarantors. Cause any Subsidiary formed or acquired after the Effective"
        " Date with total assets exceeding {MONEY} to accede as a guarantor within {DAYS}.",
        "Know Your Customer. Promptly supply such documentation as the {B} may reasonably"
        " request to satisfy its know-your-customer requirements, including in respect of"
        " any new beneficial owner such as {PERSON}.",
        "Deposit Accounts. Maintain its principal operating accounts with {BANK} and cause"
        " each such account to be subject to a control agreement in favour of the {B}.",
    ),
)

NEGATIVE_COVENANTS = Article(
    key="negative_covenants",
    titles=("NEGATIVE COVENANTS", "RESTRICTIVE UNDERTAKINGS"),
    intro=(
        "So long as any amount is outstanding under the Finance Documents, the {A} shall"
        " not, and shall ensure that none of its Subsidiaries will:",
    ),
    items=(
        "Indebtedness. Create, incur, assume or permit to exist any Indebtedness, other"
        " than Indebtedness under the Finance Documents, Indebtedness listed in Schedule 3"
        " and other Indebtedness not exceeding {MONEY} in aggregate at any time.",
        "Liens. Create or permit to subsist any security over any of its assets, other than"
        " Permitted Liens.",
        "Disposals. Sell, transfer, lease or otherwise dispose of any asset, other than"
        " disposals in the ordinary course of trading and other disposals the aggregate"
        " consideration for which does not exceed {MONEY} in any financial year.",
        "Mergers. Enter into any amalgamation, demerger, merger or corporate"
        " reconstruction, other than the merger of any Subsidiary into the {A}.",
        "Acquisitions. Acquire any company, business or undertaking, or any shares or"
        " securities of any Person, unless the total consideration does not exceed"
        " {MONEY} and no Default is continuing or would result.",
        "Restricted Payments. Declare, make or pay any dividend, charge, fee or other"
        " distribution on or in respect of its share capital, other than dividends not"
        " exceeding {MONEY_S} in any financial year paid to {HOLDCO}.",
        "Change of Business. Make any substantial change to the general nature of its"
        " business from that carried on at the date of this Agreement.",
        "Transactions with Affiliates. Enter into any transaction with an Affiliate except"
        " on arm's length terms no less favourable than those obtainable from an unrelated"
        " Person.",
        "Negative Pledge. Enter into any agreement that prohibits or restricts the creation"
        " of liens on its property in favour of the {B}, other than the existing agreement"
        " with {ORG} dated {PAST_DATE}.",
        "Fiscal Year. Change its financial year end from {PAST_DATE} or change its"
        " auditors from {AUDITOR} without the prior consent of the {B}.",
        "Sanctions. Directly or indirectly use the proceeds of any Loan for the purpose of"
        " financing any activities of or business with any Person that is the target of"
        " Sanctions, or in any manner that would result in a violation of Sanctions by any"
        " Person.",
        "Capital Expenditure. Incur capital expenditure in any financial year exceeding"
        " {MONEY}, save that any unused amount may be carried forward to the next"
        " financial year only.",
    ),
)

FINANCIAL_COVENANTS = Article(
    key="financial_covenants",
    titles=("FINANCIAL COVENANTS", "FINANCIAL CONDITION COVENANTS"),
    sections=(
        S(
            "Leverage Ratio",
            "The {A} shall ensure that the ratio of consolidated total Indebtedness on the"
            " last day of each Financial Quarter to Consolidated EBITDA for the four"
            " consecutive Financial Quarters then ending does not exceed 3.50 to 1.00 for"
            " any Financial Quarter ending on or before {FUTURE_DATE}, and 3.00 to 1.00"
            " thereafter.",
        ),
        S(
            "Interest Coverage",
            "The {A} shall maintain, as at the end of each Financial Quarter, a ratio of"
            " Consolidated EBITDA to consolidated interest expense for the twelve-month"
            " period then ending of not less than 3.00 to 1.00.",
        ),
        S(
            "Minimum Liquidity",
            "The {A} shall at all times maintain unrestricted cash and cash equivalents held"
            " in accounts with {BANK} of not less than {MONEY}.",
        ),
        S(
            "Minimum Net Worth",
            "The {A} shall maintain at all times a consolidated tangible net worth of not"
            " less than {MONEY_L}, increased on the last day of each financial year ending"
            " after {FUTURE_DATE} by fifty percent (50%) of consolidated net income for that"
            " year.",
        ),
    ),
    core=2,
)

EVENTS_OF_DEFAULT = Article(
    key="events_of_default",
    titles=("EVENTS OF DEFAULT", "DEFAULT"),
    intro=("Each of the events or circumstances set out below is an Event of Default:",),
    items=(
        "Non-Payment. The {A} fails to pay on the due date any amount payable pursuant to a"
        " Finance Document at the place and in the currency in which it is expressed to be"
        " payable, unless its failure to pay is caused by administrative or technical error"
        " and payment is made within {BDAYS} of its due date.",
        "Financial Covenants. Any requirement of the Article headed Financial Covenants is"
        " not satisfied.",
        "Other Obligations. The {A} does not comply with any provision of the Finance"
        " Documents (other than those referred to above), and the failure to comply, if"
        " capable of remedy, is not remedied within {DAYS} of the earlier of the {B} giving"
        " notice to the {A} and the {A} becoming aware of the failure to comply.",
        "Misrepresentation. Any representation or statement made or deemed to be made by"
        " the {A} in the Finance Documents or any other document delivered by or on behalf"
        " of the {A} is or proves to have been incorrect or misleading in any material"
        " respect when made or deemed to be made.",
        "Cross Default. Any Indebtedness of the {A} or any of its Subsidiaries in an"
        " aggregate amount exceeding {MONEY} is not paid when due, or is declared due and"
        " payable prior to its specified maturity as a result of an event of default"
        " (however described).",
        "Insolvency. The {A} or any of its Subsidiaries is unable or admits inability to pay"
        " its debts as they fall due, or an Insolvency Event occurs in relation to it.",
        "Insolvency Proceedings. Any corporate action, legal proceedings or other procedure"
        " or step is taken in relation to the suspension of payments, moratorium, winding-up,"
        " dissolution or administration of the {A}, including any petition presented by"
        " {ORG} that is not discharged within {DAYS}.",
        "Creditors' Process. Any expropriation, attachment, sequestration, distress or"
        " execution affects any asset of the {A} having an aggregate value of {MONEY_S} and"
        " is not discharged within {DAYS}.",
        "Judgments. One or more judgments for the payment of money in an aggregate amount in"
        " excess of {MONEY} is rendered against the {A} and remains undischarged and"
        " unstayed for a period of {DAYS}.",
        "Unlawfulness. It is or becomes unlawful for the {A} to perform any of its"
        " obligations under the Finance Documents.",
        "Cessation of Business. The {A} suspends or ceases to carry on all or a material"
        " part of its business.",
        "Guarantor. The guarantee given by {HOLDCO} ceases to be in full force and effect or"
        " is repudiated by the guarantor.",
        "Material Adverse Change. Any event or circumstance occurs which the {B} reasonably"
        " believes has or is reasonably likely to have a Material Adverse Effect.",
        "Audit Qualification. The auditors of the {A} qualify the audited annual"
        " consolidated financial statements of the {A} in a manner that is material.",
    ),
)

REMEDIES = Article(
    key="remedies",
    titles=("REMEDIES", "ACCELERATION AND REMEDIES"),
    sections=(
        S(
            "Acceleration",
            "On and at any time after the occurrence of an Event of Default which is"
            " continuing, the {B} may, by notice to the {A}, (a) cancel the Commitment,"
            " whereupon it shall immediately be cancelled; (b) declare that all or part of"
            " the Loans, together with accrued interest and all other amounts accrued or"
            " outstanding under the Finance Documents, be immediately due and payable; and"
            " (c) exercise any or all of its rights, remedies, powers or discretions under"
            " the Finance Documents.",
            "If an Event of Default is continuing, the {B} may, by written notice to the {A} with"
            " a copy to {HOLDCO}, declare the Commitment cancelled and all Loans, accrued interest"
            " and other amounts outstanding under the Finance Documents immediately due and"
            " payable.",
        ),
        S(
            "Automatic Acceleration",
            "Upon the occurrence of an Event of Default relating to insolvency, the"
            " Commitment shall automatically terminate and all Loans and other amounts"
            " outstanding shall automatically become due and payable, without presentment,"
            " demand, protest or notice of any kind, all of which are hereby waived by the"
            " {A}.",
        ),
        S(
            "Set-Off by the {B}",
            "Following an Event of Default, the {B} and each of its Affiliates, including"
            " {BANK}, may set off any matured obligation due from the {A} under the Finance"
            " Documents against any matured obligation owed by it to the {A}, regardless of"
            " the place of payment, booking branch or currency of either obligation.",
        ),
        S(
            "Remedies Cumulative",
            "The rights and remedies of the {B} under this Agreement are cumulative and not"
            " exclusive of any rights or remedies provided by law.",
            "The rights of the {B} under the Finance Documents are cumulative and in addition to"
            " its rights under the laws of {GOV_LAW}, and may be exercised as often as the {B}"
            " considers appropriate.",
        ),
    ),
    core=2,
)

GUARANTEE = Article(
    key="guarantee",
    titles=("GUARANTEE AND INDEMNITY", "THE GUARANTY"),
    sections=(
        S(
            "Guarantee",
            "The {C} irrevocably and unconditionally guarantees to the {B} the punctual"
            " performance by the {A} of all of its obligations under the Finance Documents"
            " and undertakes that, whenever the {A} does not pay any amount when due, it"
            " shall immediately on demand pay that amount as if it were the principal"
            " obligor, up to a maximum aggregate amount of {MONEY_L}.",
        ),
        S(
            "Continuing Guarantee",
            "This guarantee is a continuing guarantee and will extend to the ultimate"
            " balance of sums payable by the {A}, regardless of any intermediate payment or"
            " discharge in whole or in part.",
            "This guarantee is a continuing security and shall remain in force until {END_DATE}"
            " or, if later, until all amounts payable by the {A} under the Finance Documents have"
            " been irrevocably paid in full.",
        ),
        S(
            "Waiver of Defences",
            "The obligations of the {C} will not be affected by any act, omission, matter or"
            " thing which, but for this provision, would reduce, release or prejudice any of"
            " its obligations, including any time, waiver or consent granted to the {A}, any"
            " amendment of a Finance Document, or any insolvency or similar proceedings.",
        ),
    ),
    core=2,
)


YIELD_PROTECTION = Article(
    key="yield_protection",
    titles=("YIELD PROTECTION", "INCREASED COSTS AND BREAK COSTS"),
    sections=(
        S(
            "Increased Costs",
            "If any change in law or in its interpretation or application after the"
            " Effective Date, including any requirement of the {REGULATOR}, imposes, modifies"
            " or deems applicable any reserve, special deposit, liquidity or similar"
            " requirement against assets of, deposits with or credit extended by the {B},"
            " and the result is to increase the cost to the {B} of making or maintaining any"
            " Loan, the {A} shall pay to the {B} such additional amounts as will compensate it"
            " for such increased cost.",
        ),
        S(
            "Capital Requirements",
            "If the {B} determines that any change in law affecting it or its holding"
            " company regarding capital or liquidity requirements has the effect of reducing"
            " the rate of return on its capital as a consequence of this Agreement, the {A}"
            " shall pay to the {B} such additional amounts as will compensate it for such"
            " reduction, within {DAYS} of demand.",
        ),
        S(
            "Break Funding",
            "The {A} shall compensate the {B} for any loss, cost or expense incurred as a"
            " result of any payment or prepayment of a Loan other than on the last day of an"
            " Interest Period, or any failure to borrow on the date specified in a Borrowing"
            " Request, such compensation to be certified by the {B} in reasonable detail.",
        ),
        S(
            "Mitigation",
            "The {B} shall, in consultation with the {A}, take all reasonable steps to"
            " mitigate any circumstances which would result in any amount becoming payable"
            " under this Article, including by transferring its rights to an Affiliate or"
            " another branch, such as its office at {B_ADDR}.",
        ),
        S(
            "Certificates",
            "A certificate of the {B} setting out in reasonable detail the amount necessary"
            " to compensate it under this Article, delivered to the {A}, shall be conclusive"
            " absent manifest error, and the {A} shall pay the amount shown within {DAYS}"
            " after receipt.",
        ),
    ),
    core=2,
)

TAXES = Article(
    key="taxes",
    titles=("TAXES", "TAX GROSS-UP AND INDEMNITIES"),
    sections=(
        S(
            "Payments Free of Taxes",
            "Any and all payments by or on account of any obligation of the {A} under any"
            " Finance Document shall be made without deduction or withholding for any Taxes,"
            " except as required by Applicable Law. If any Tax is required to be deducted,"
            " the sum payable shall be increased as necessary so that after all required"
            " deductions the {B} receives an amount equal to the sum it would have received"
            " had no such deductions been made.",
        ),
        S(
            "Tax Indemnity",
            "The {A} shall, within {DAYS} of demand, pay to the {B} an amount equal to the"
            " loss, liability or cost which the {B} determines will be or has been suffered"
            " for or on account of Tax by the {B} in respect of a Finance Document, other"
            " than Taxes on its overall net income imposed by the jurisdiction in which it is"
            " organised or has its lending office.",
        ),
        S(
            "Tax Credit",
            "If the {A} makes a tax payment and the {B} determines that a tax credit is"
            " attributable to that payment and that it has obtained and utilised that tax"
            " credit, the {B} shall pay to the {A} an amount which leaves it in the same"
            " after-tax position as it would have been in had the tax payment not been"
            " required.",
        ),
        S(
            "Stamp Taxes",
            "The {A} shall pay and, within {BDAYS} of demand, indemnify the {B} against any"
            " cost, loss or liability it incurs in relation to all stamp duty, registration"
            " and other similar Taxes payable in respect of any Finance Document, including"
            " any such Taxes payable in {HOME_LAW}.",
        ),
        S(
            "Tax Forms",
            "The {B} shall deliver to the {A}, on or before {FUTURE_DATE} and thereafter"
            " upon the reasonable request of the {A}, properly completed and executed"
            " documentation prescribed by Applicable Law permitting payments to be made"
            " without withholding or at a reduced rate of withholding.",
        ),
        S(
            "FATCA",
            "Each party may make any FATCA deduction it is required to make, and shall not"
            " be required to increase any payment in respect of which it makes such a FATCA"
            " deduction. For this purpose FATCA means sections 1471 to 1474 of the Internal"
            " Revenue Code of 1986 of the [[United States]] and any associated regulations.",
        ),
    ),
    core=2,
)

SECURITY = Article(
    key="security",
    titles=("SECURITY", "COLLATERAL AND SECURITY", "GRANT OF SECURITY INTEREST"),
    sections=(
        S(
            "Grant of Security",
            "As security for the payment and performance of the Secured Obligations, the {A}"
            " hereby grants to the {B} a continuing first-priority security interest in all"
            " of its right, title and interest in, to and under the Collateral, whether now"
            " owned or hereafter acquired.",
        ),
        S(
            "Perfection",
            "The {A} authorises the {B} to file financing statements and other filings in"
            " any jurisdiction, including with the Secretary of State of {HOME_LAW}, and"
            " shall take all other action that the {B} may reasonably request to perfect and"
            " protect its security interest in the Collateral.",
        ),
        S(
            "Deposit Accounts",
            "The {A} shall maintain all of its deposit accounts with {BANK} or another"
            " institution that has entered into a control agreement with the {B}, and shall"
            " not open any new deposit account with an average balance above {MONEY_S}"
            " without first delivering such a control agreement.",
        ),
        S(
            "Further Assurance",
            "The {A} shall, at its own expense, promptly execute all documents and do all"
            " things that the {B} may reasonably specify for the purpose of creating,"
            " perfecting or protecting the security intended to be created by the Security"
            " Documents, and of facilitating the realisation of the Collateral.",
        ),
        S(
            "Release",
            "Upon the irrevocable payment in full of the Secured Obligations and the"
            " termination of the Commitment, the {B} shall, at the request and cost of the"
            " {A}, release the Collateral from the security created by the Security"
            " Documents and deliver such termination statements as the {A} may reasonably"
            " request.",
        ),
        S(
            "Real Property",
            "Within {DAYS} after the Effective Date, the {A} shall deliver to the {B} a"
            " mortgage over its principal facility, a title insurance policy issued by {ORG}"
            " in an amount not less than {MONEY}, and a survey certified to the {B}.",
        ),
    ),
    core=2,
)

EXPENSES_INDEMNITY = Article(
    key="expenses_indemnity",
    titles=("EXPENSES; INDEMNITY; DAMAGE WAIVER", "COSTS, EXPENSES AND INDEMNITIES"),
    sections=(
        S(
            "Enforcement Costs",
            "The {A} shall, within {BDAYS} of demand, pay to the {B} the amount of all costs"
            " and expenses (including legal fees) incurred by the {B} in connection with the"
            " enforcement of, or the preservation of any rights under, any Finance Document.",
        ),
        S(
            "General Indemnity",
            "The {A} shall indemnify the {B}, each of its Affiliates and their respective"
            " directors, officers, employees and agents against any and all losses, claims,"
            " damages and liabilities, and related expenses, incurred by or asserted against"
            " any of them arising out of the Finance Documents, the use of proceeds of the"
            " Loans, or any actual or prospective claim relating to the foregoing, except to"
            " the extent resulting from their gross negligence or wilful misconduct.",
        ),
        S(
            "Currency Indemnity",
            "If any sum due from the {A} under the Finance Documents has to be converted from"
            " the currency in which it is payable into another currency for the purpose of"
            " making a claim or obtaining a judgment, the {A} shall indemnify the {B} against"
            " any cost, loss or liability arising out of the conversion, including any"
            " discrepancy between the rate of exchange used and the rate available to the"
            " {B} at the time of receipt.",
        ),
        S(
            "Waiver of Consequential Damages",
            "To the fullest extent permitted by Applicable Law, the {A} shall not assert, and"
            " hereby waives, any claim against the {B} on any theory of liability for"
            " special, indirect, consequential or punitive damages arising out of or in"
            " connection with this Agreement or any Loan or the use of its proceeds.",
        ),
        S(
            "Environmental Indemnity",
            "The {A} shall indemnify the {B} against any Losses arising from any"
            " environmental claim relating to any property owned or operated by the {A},"
            " including the site acquired from {ORG} on {PAST_DATE}.",
        ),
    ),
    core=2,
)

CHANGES_TO_PARTIES = Article(
    key="changes_to_parties",
    titles=("CHANGES TO THE PARTIES", "SUCCESSORS AND ASSIGNS; PARTICIPATIONS"),
    sections=(
        S(
            "Assignments by the {B}",
            "The {B} may assign or transfer all or any part of its rights and obligations"
            " under the Finance Documents to another bank or financial institution, or to a"
            " trust, fund or other entity regularly engaged in making or investing in loans,"
            " with the consent of the {A} (not to be unreasonably withheld), which consent"
            " shall not be required if an Event of Default is continuing. Each assignment"
            " shall be documented by an assignment and assumption substantially in the form"
            " of Exhibit E.",
        ),
        S(
            "Participations",
            "The {B} may sell participations in all or a portion of its rights under this"
            " Agreement to one or more banks or other entities, including {BANK}, without the"
            " consent of the {A}, provided that the obligations of the {B} under this"
            " Agreement remain unchanged.",
        ),
        S(
            "Register",
            "The {B}, acting for this purpose as a non-fiduciary agent of the {A}, shall"
            " maintain at its office at {B_ADDR} a register for the recordation of the names"
            " and addresses of each assignee and the principal amounts of the Loans owing to"
            " each of them.",
        ),
        S(
            "No Assignment by the {A}",
            "The {A} may not assign any of its rights or transfer any of its rights or"
            " obligations under the Finance Documents without the prior written consent of"
            " the {B}.",
        ),
    ),
    core=2,
)

AMENDMENTS = Article(
    key="amendments",
    titles=("AMENDMENTS AND WAIVERS",),
    sections=(
        S(
            "Required Consents",
            "Any term of the Finance Documents may be amended or waived only with the"
            " written consent of the {A} and the {B}, and any such amendment or waiver shall"
            " be binding on all parties.",
        ),
        S(
            "Replacement of Reference Rate",
            "If a Reference Rate replacement event occurs, any amendment or waiver which"
            " relates to providing for the use of a replacement benchmark, including the rate"
            " recommended by the [[ORG:Alternative Reference Rates Committee]] or the"
            " [[ORG:Bank of England]], may be made with the consent of the {B} and the {A}.",
        ),
        S(
            "Excluded Matters",
            "No amendment that extends the Maturity Date, reduces the principal amount of"
            " any Loan, reduces the rate of interest, or releases any guarantee given by"
            " {HOLDCO} shall be effective without the consent of each party affected.",
        ),
    ),
    core=2,
)

ARTICLES = (
    FACILITY,
    INTEREST,
    REPAYMENT,
    FEES,
    PAYMENTS,
    YIELD_PROTECTION,
    TAXES,
    CONDITIONS,
    LOAN_REPRESENTATIONS,
    AFFIRMATIVE_COVENANTS,
    NEGATIVE_COVENANTS,
    FINANCIAL_COVENANTS,
    EVENTS_OF_DEFAULT,
    REMEDIES,
    SECURITY,
    EXPENSES_INDEMNITY,
    CHANGES_TO_PARTIES,
    AMENDMENTS,
)
ESSENTIAL = ("facility", "interest", "repayment", "events_of_default", "remedies", "guarantee")
SHARED = ("confidentiality", "compliance", "assignment")
