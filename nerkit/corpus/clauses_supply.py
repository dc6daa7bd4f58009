"""Clauses of supply agreements: {A} is the buyer, {B} the supplier."""

from __future__ import annotations

from nerkit.corpus.clauses import Article, D, S

TITLES = (
    "SUPPLY AGREEMENT",
    "MASTER SUPPLY AGREEMENT",
    "MANUFACTURING AND SUPPLY AGREEMENT",
    "LONG-TERM SUPPLY AGREEMENT",
    "DISTRIBUTION AND SUPPLY AGREEMENT",
)
ROLES = (("Buyer", "Supplier"), ("Purchaser", "Seller"), ("Customer", "Manufacturer"))
THIRD_ROLES = ("Parent",)

RECITALS = (
    "The {B} manufactures and sells the products described in Schedule A (the Products)"
    " at its facilities, including its plant operated by {ORG}.",
    "The {A} wishes to purchase, and the {B} wishes to supply, the Products on the terms"
    " and conditions of this Agreement, which replaces the purchase agreement between the"
    " parties dated {PAST_DATE}.",
    "The {A} intends to incorporate the Products into its own products for sale to"
    " customers, including {ORG}, and requires a secure long-term source of supply.",
    "The parties signed a memorandum of understanding on {PAST_DATE} setting out the"
    " principal commercial terms reflected in this Agreement.",
)

DEFINITIONS = (
    D(
        "Products",
        "means the products listed in Schedule A, as that Schedule may be amended from time"
        " to time by written agreement of the parties.",
    ),
    D(
        "Specifications",
        "means the specifications for the Products set out in Schedule C, including the"
        " quality requirements and any drawings approved by the {A}.",
    ),
    D(
        "Purchase Order",
        "means a written order for Products issued by the {A} to the {B} in accordance with"
        " this Agreement.",
    ),
    D(
        "Minimum Purchase Commitment",
        "means Products with an aggregate invoiced value of not less than {MONEY} in each"
        " Contract Year.",
    ),
    D(
        "Contract Year",
        "means each period of twelve months beginning on {EFFECTIVE_DATE} or an anniversary of it.",
    ),
    D(
        "Forecast",
        "means a rolling non-binding forecast of the {A}'s requirements for the Products"
        " over the following twelve months.",
    ),
    D(
        "Delivery Point",
        "means the {A}'s facility at {A_ADDR}, or such other place as the {A} may specify in"
        " a Purchase Order.",
    ),
    D(
        "Defective Product",
        "means any Product that does not conform to the Specifications or the warranties"
        " in this Agreement.",
    ),
    D(
        "Incoterms",
        "means the Incoterms 2020 rules published by the [[ORG:International Chamber of"
        " Commerce]].",
    ),
)

SUPPLY = Article(
    key="supply",
    titles=("SUPPLY OF PRODUCTS", "SALE AND PURCHASE", "SUPPLY AND PURCHASE"),
    sections=(
        S(
            "Agreement to Supply",
            "During the Term, the {B} shall manufacture and sell to the {A}, and the {A}"
            " shall purchase from the {B}, the Products in the quantities set out in"
            " Purchase Orders accepted in accordance with this Agreement.",
            "From {EFFECTIVE_DATE}, the {B} shall supply the Products to the {A} and the {A} shall"
            " purchase them from the {B} in accordance with this Agreement, replacing the supply"
            " arrangements previously in place with {ORG}.",
        ),
        S(
            "Exclusivity",
            "The {A} shall purchase from the {B} not less than eighty percent (80%) of its"
            " requirements for the Products in the territories of the [[European Union]],"
            " the [[United Kingdom]] and [[Switzerland]], provided that the {B} is able to"
            " meet those requirements on the terms of this Agreement.",
            "The {B} shall not supply the Products, or products substantially similar to"
            " them, to any competitor of the {A}, including {ORG}, during the Term.",
        ),
        S(
            "Minimum Purchase Commitment",
            "If the {A} fails to meet the Minimum Purchase Commitment in any Contract Year,"
            " it shall pay the {B}, within {DAYS} after the end of that Contract Year, an"
            " amount equal to ten percent (10%) of the shortfall.",
        ),
        S(
            "Capacity",
            "The {B} shall reserve sufficient manufacturing capacity to supply up to one"
            " hundred twenty percent (120%) of the quantities in the most recent Forecast,"
            " and shall maintain a safety stock equal to {N} weeks of forecast demand.",
            "The {B} shall maintain at its facility capacity sufficient to deliver one hundred"
            " twenty percent (120%) of the latest Forecast, and shall not allocate that capacity"
            " to any other customer, including {ORG}, without the {A}'s consent.",
        ),
    ),
    core=3,
)

ORDERS = Article(
    key="orders",
    titles=("FORECASTS AND ORDERS", "ORDERING PROCEDURE"),
    sections=(
        S(
            "Forecasts",
            "On or before the first Business Day of each month, the {A} shall provide the"
            " {B} with a Forecast. The first three months of each Forecast shall be binding"
            " on the {A}; the remainder is for planning purposes only.",
            "The {A} shall upload a Forecast each month to the supplier portal operated by {ORG}."
            " The first month of each Forecast is a firm order; months two and three may vary by"
            " no more than twenty percent (20%).",
        ),
        S(
            "Purchase Orders",
            "The {A} shall issue Purchase Orders at least {DAYS} before the requested"
            " delivery date. Each Purchase Order shall specify the Products, quantities,"
            " delivery dates and Delivery Point.",
        ),
        S(
            "Acceptance of Orders",
            "The {B} shall accept or reject each Purchase Order within {BDAYS}. A Purchase"
            " Order that is consistent with the latest Forecast may not be rejected, and a"
            " Purchase Order not rejected within that period is deemed accepted.",
            "The {B} shall confirm each Purchase Order within {BDAYS} to the {A}'s procurement"
            " contact, {A_CONTACT}. Purchase Orders within the limits of the latest Forecast may"
            " not be rejected.",
        ),
        S(
            "Precedence",
            "The terms of this Agreement shall apply to every Purchase Order to the"
            " exclusion of any terms that the {B} seeks to impose in any quotation,"
            " acknowledgement or invoice.",
            "This Agreement prevails over any terms in a Purchase Order, acknowledgement or"
            " invoice, including the standard terms of sale of the {B} last revised on"
            " {PAST_DATE}, which shall not apply.",
        ),
    ),
    core=2,
)

PRICE = Article(
    key="price",
    titles=("PRICE AND PAYMENT", "PRICES, INVOICING AND PAYMENT"),
    sections=(
        S(
            "Prices",
            "The prices of the Products are set out in Schedule A and are fixed until"
            " {FUTURE_DATE}. Prices are exclusive of value added tax and similar taxes,"
            " which shall be payable by the {A} in addition.",
        ),
        S(
            "Price Adjustment",
            "If the cost of the principal raw materials varies by more than {PCT} from the"
            " index level on {EFFECTIVE_DATE}, either party may request a corresponding"
            " adjustment of the prices, to take effect on the first day of the following"
            " calendar quarter.",
        ),
        S(
            "Volume Rebate",
            "If the aggregate value of Products purchased in a Contract Year exceeds {MONEY},"
            " the {B} shall grant the {A} a rebate of {PCT} of the value in excess of that"
            " amount, payable by credit note within {DAYS} after the end of the Contract"
            " Year.",
        ),
        S(
            "Invoicing and Payment",
            "The {B} shall invoice the {A} on or after dispatch of each consignment. The {A}"
            " shall pay each undisputed invoice within {DAYS} after the end of the month of"
            " receipt, by transfer to the account of the {B} with {BANK}.",
        ),
        S(
            "Currency",
            "All prices are expressed and payable in the currency of this Agreement, save"
            " that Products delivered to the facility of {ORG} shall be invoiced in the"
            " currency agreed for that facility, with an annual cap of {MONEY_FX}.",
        ),
        S(
            "Tooling",
            "The {A} shall pay the {B} a one-time tooling charge of {MONEY_S}, upon which the"
            " dedicated tooling shall become the property of the {A} and be held by the {B}"
            " as bailee.",
        ),
    ),
    core=3,
)

DELIVERY = Article(
    key="delivery",
    titles=("DELIVERY", "DELIVERY, TITLE AND RISK"),
    sections=(
        S(
            "Delivery Terms",
            "The {B} shall deliver the Products FCA (Incoterms 2020) at its facility, or as"
            " otherwise stated in the Purchase Order, on the delivery date specified in the"
            " accepted Purchase Order.",
            "The {B} shall deliver the Products DAP (Incoterms 2020) to the Delivery Point, using"
            " {ORG} or another carrier approved by the {A}, on the dates specified in accepted"
            " Purchase Orders.",
        ),
        S(
            "Late Delivery",
            "If the {B} fails to deliver any Products on the delivery date, it shall pay the"
            " {A} liquidated damages of one percent (1%) of the price of the late Products"
            " for each week of delay, up to a maximum of ten percent (10%).",
        ),
        S(
            "Title and Risk",
            "Title to and risk in the Products shall pass to the {A} on delivery in"
            " accordance with the applicable Incoterm.",
            "Risk in the Products passes to the {A} on delivery, and title passes on payment in"
            " full, save that no retention of title shall prevent the {A} from using or reselling"
            " the Products in the ordinary course, including to {ORG}.",
        ),
        S(
            "Packaging and Labelling",
            "The {B} shall pack and label the Products in accordance with the {A}'s"
            " packaging instructions and all Applicable Laws, including the labelling"
            " requirements of the [[European Union]] where the Products are destined for the"
            " [[European Economic Area]].",
        ),
        S(
            "Carrier",
            "Unless otherwise agreed, the Products shall be shipped by {ORG}, as carrier"
            " nominated by the {A}, under the freight agreement dated {PAST_DATE}.",
        ),
    ),
    core=3,
)

QUALITY = Article(
    key="quality",
    titles=("QUALITY AND INSPECTION", "QUALITY ASSURANCE"),
    sections=(
        S(
            "Quality System",
            "The {B} shall maintain a quality management system certified to ISO 9001 and"
            " shall manufacture the Products in accordance with the Specifications and the"
            " quality agreement between the parties dated {EFFECTIVE_DATE}.",
        ),
        S(
            "Inspection",
            "The {A} may inspect the Products on delivery and shall notify the {B} of any"
            " Defective Product within {DAYS} of delivery, or in the case of latent defects,"
            " within {DAYS} of discovery.",
        ),
        S(
            "Audits",
            "The {A} or its designee may, on {BDAYS}' notice, audit the {B}'s facilities,"
            " records and quality procedures relating to the Products.",
            "The {A}, or an independent auditor appointed by it such as {ORG}, may audit the {B}'s"
            " manufacturing sites and quality records on {BDAYS}' notice, not more than twice in"
            " any Contract Year.",
        ),
        S(
            "Recall",
            "If any Product is subject to a recall, the {B} shall co-operate fully with the"
            " {A}, and shall bear the costs of the recall to the extent it results from a"
            " Defective Product, up to {MONEY} per recall event.",
        ),
        S(
            "Change Notification",
            "The {B} shall not change the materials, process, site or sub-suppliers used in"
            " manufacturing the Products without giving the {A} at least {MONTHS}' notice"
            " and obtaining its written approval.",
        ),
    ),
    core=2,
)

PRODUCT_WARRANTY = Article(
    key="product_warranty",
    titles=("WARRANTIES", "PRODUCT WARRANTY"),
    intro=("The {B} warrants to the {A} that, for {MONTHS} from delivery, each Product shall:",),
    items=(
        "Conformity. Conform to the Specifications and to any samples approved by the {A}.",
        "Quality. Be of satisfactory quality, free from defects in design, materials and"
        " workmanship, and fit for the purpose for which such products are commonly used.",
        "Compliance. Be manufactured, packaged, labelled and supplied in compliance with all"
        " Applicable Laws, including restrictions on hazardous substances in force in the"
        " [[European Union]].",
        "Title. Be delivered with good title, free from any lien, charge or encumbrance,"
        " including any retention of title in favour of {ORG}.",
        "Origin. Be manufactured at the facilities listed in Schedule D, and not in any"
        " country subject to Sanctions.",
        "Remedy. If any Product is a Defective Product, the {B} shall at the {A}'s option"
        " repair or replace it, or refund its price, within {DAYS}.",
    ),
)

SUPPLY_IP = Article(
    key="supply_ip",
    titles=("INTELLECTUAL PROPERTY", "INTELLECTUAL PROPERTY AND TOOLING"),
    sections=(
        S(
            "Ownership",
            "Each party retains ownership of its Intellectual Property Rights. Nothing in"
            " this Agreement transfers to the {A} any Intellectual Property Rights of the {B}"
            " in the Products, except the right to use, sell and incorporate the Products"
            " purchased under this Agreement.",
        ),
        S(
            "{A} Designs",
            "Where the Products are manufactured to designs supplied by the {A}, all"
            " Intellectual Property Rights in those designs remain with the {A}, and the {B}"
            " shall use them only to manufacture Products for the {A}.",
        ),
        S(
            "Trade Marks",
            "The {B} shall apply the trade marks of the {A} to the Products only as"
            " instructed by the {A}, and acquires no rights in them. The {A} shall indemnify"
            " the {B} against any claim that such trade marks infringe the rights of a third"
            " party, including {ORG}.",
        ),
        S(
            "Tooling",
            "Tooling paid for by the {A} is its property, shall be marked as such, shall be"
            " insured by the {B} for its replacement value of not less than {MONEY_S}, and"
            " shall be returned to the {A} on request.",
        ),
    ),
    core=2,
)

CONTINUITY_OF_SUPPLY = Article(
    key="continuity_of_supply",
    titles=("CONTINUITY OF SUPPLY", "BUSINESS CONTINUITY"),
    sections=(
        S(
            "Second Source",
            "The {B} shall qualify a second manufacturing site for the Products by"
            " {FUTURE_DATE}, and shall maintain both sites in a qualified state throughout"
            " the Term.",
        ),
        S(
            "Allocation",
            "If the {B} is unable to supply all its customers' requirements for the Products"
            " or their components, it shall allocate its available supply to the {A} in"
            " proportion to the {A}'s share of its sales in the preceding twelve months, and"
            " not less favourably than to any other customer.",
        ),
        S(
            "Escrow of Manufacturing Information",
            "The {B} shall deposit with {ORG}, as escrow agent, a complete set of the"
            " manufacturing information for the Products, which shall be released to the {A}"
            " if the {B} suffers an Insolvency Event or ceases to manufacture the Products.",
        ),
        S(
            "Sub-Suppliers",
            "The {B} shall ensure that its sub-suppliers of critical components are bound by"
            " terms consistent with this Agreement, and shall not change any such"
            " sub-supplier without giving the {A} at least {MONTHS}' notice.",
        ),
    ),
    core=2,
)

END_OF_LIFE = Article(
    key="end_of_life",
    titles=("SPARE PARTS AND END OF LIFE", "PRODUCT DISCONTINUANCE"),
    sections=(
        S(
            "Spare Parts",
            "The {B} shall continue to supply spare parts for the Products for {YEARS} after"
            " the last delivery of each Product, at prices not exceeding the prices in force"
            " at the time of that delivery increased by the rate of inflation.",
        ),
        S(
            "Last-Time Buy",
            "The {B} shall give the {A} at least twelve (12) months' notice before"
            " discontinuing any Product, during which the {A} may place a last-time buy"
            " order for its reasonable requirements.",
        ),
        S(
            "Obsolete Inventory",
            "On discontinuance of a Product at the request of the {A}, the {A} shall buy"
            " from the {B} finished Products and work in progress manufactured in accordance"
            " with binding Forecasts, up to a maximum value of {MONEY}.",
        ),
    ),
    core=1,
)

REGULATORY = Article(
    key="regulatory",
    titles=("REGULATORY MATTERS", "REGULATORY COMPLIANCE"),
    sections=(
        S(
            "Product Compliance",
            "The {B} shall ensure that the Products comply with all product safety, chemical"
            " and environmental laws applicable in the [[European Union]], the"
            " [[United Kingdom]] and the [[United States]], and shall supply declarations of"
            " conformity and safety data sheets on request.",
        ),
        S(
            "Conflict Minerals",
            "The {B} shall provide the {A} with the information it reasonably requests to"
            " comply with its reporting obligations regarding conflict minerals, using the"
            " template published by the [[ORG:Responsible Minerals Initiative]].",
        ),
        S(
            "Export Controls",
            "Each party shall comply with all applicable export control and customs laws,"
            " and the {B} shall notify the {A} of the export control classification of each"
            " Product and of any licence requirement applicable to its export.",
        ),
        S(
            "Supplier Code of Conduct",
            "The {B} shall comply with the supplier code of conduct of the {A} dated"
            " {PAST_DATE}, including its requirements on labour standards, health and safety"
            " and environmental protection.",
        ),
    ),
    core=2,
)

ARTICLES = (
    SUPPLY,
    ORDERS,
    PRICE,
    DELIVERY,
    QUALITY,
    PRODUCT_WARRANTY,
    SUPPLY_IP,
    CONTINUITY_OF_SUPPLY,
    END_OF_LIFE,
    REGULATORY,
)
ESSENTIAL = ("supply", "orders", "price", "delivery", "product_warranty")
SHARED = (
    "representations",
    "confidentiality",
    "indemnification",
    "liability",
    "insurance",
    "term",
    "force_majeure",
    "compliance",
    "assignment",
)
