"""Jurisdictions as contracts name them: governing law, forum and place of incorporation.

A JURISDICTION span is the name of a legal territory as written, with its designator
("State of New York", "Commonwealth of Massachusetts", "Province of Ontario",
"England and Wales", "Switzerland", "Canton of Zurich") and without the article in
front of it or the phrase around it: "the laws of the State of New York" -> "State of
New York"; "the courts of England and Wales" -> "England and Wales"; "a Delaware
corporation" -> "Delaware". Two territories named together are two spans
("the Province of Ontario and the federal laws of Canada"). Cities and addresses are
not jurisdictions, nor are place names inside an organisation's name
("California Bank & Trust" is one ORG).

The phrases live in ``data/jurisdictions.yaml`` and mark each span as ``[[...]]``;
:mod:`nerkit.corpus.template` turns the marks into JURISDICTION pieces.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from nerkit.corpus.datafiles import DataNode, Placeholders, data_file
from nerkit.corpus.money import CURRENCIES
from nerkit.corpus.parties import LOCALES

TRADITIONS = ("us", "uk", "continental")

# The generator fills these in when it writes a party's legal form (generator.incorporation).
INCORPORATION_PLACEHOLDERS = Placeholders(
    lambda name: name in {"REGNO", "SIREN", "CITY"},
    "a party's legal form is written with: {REGNO}, {SIREN} and {CITY}",
)
NO_PLACEHOLDERS = Placeholders(lambda name: False, "of none: law and courts are written as marked")


@dataclass(frozen=True)
class Jurisdiction:
    key: str
    law: str  # object of "the laws of ..."
    incorporation: tuple[str, ...]  # "a [[Delaware]] corporation", ...
    courts: tuple[str, ...]  # object of "submits to the exclusive jurisdiction of ..."
    tradition: str  # date-writing tradition: us, uk or continental
    currency: str
    locale: str  # Faker locale for people, companies and addresses
    country: str  # written at the end of an address


@dataclass(frozen=True)
class JurisdictionTable:
    by_key: dict[str, Jurisdiction]  # US states first, in the data file's order
    home_weights: dict[str, float]  # how often each is a party's home
    neutral_laws: tuple[str, ...]  # governing laws chosen when neither home law is


@functools.cache
def jurisdiction_table() -> JurisdictionTable:
    return read_jurisdictions(data_file("jurisdictions.yaml"))


def us_state(name: str, designator: str = "State", courts_sit_in: str = "") -> Jurisdiction:
    """A US state with the phrases every state shares."""
    where = f" sitting in {courts_sit_in}," if courts_sit_in else " located in"
    article = "an" if name[0] in "AEIOU" else "a"
    territory = f"[[{designator} of {name}]]"
    return Jurisdiction(
        key=name.lower().replace(" ", "_"),
        law=f"the {territory}",
        incorporation=(
            f"{article} [[{name}]] corporation",
            f"{article} [[{name}]] limited liability company",
            f"{article} [[{name}]] limited partnership",
            f"a corporation organized and existing under the laws of the {territory}",
        ),
        courts=(
            f"the state and federal courts{where} the {territory}",
            f"the courts of the {territory} and of the [[United States]] sitting therein",
        ),
        tradition="us",
        currency="USD",
        locale="en_US",
        country="USA",
    )


# -- reading the data file ------------------------------------------------------------


def read_jurisdictions(node: DataNode) -> JurisdictionTable:
    fields = node.fields(("us_states", "others", "home_weights", "neutral_laws"))
    by_key = {}
    for element in fields["us_states"].elements():
        state = element.fields(("name",), ("designator", "courts_sit_in"))
        options = {key: value.text() for key, value in state.items() if key != "name"}
        jurisdiction = us_state(state["name"].text(), **options)
        by_key[jurisdiction.key] = jurisdiction
    for key, element in fields["others"].entries():
        by_key[key] = read_jurisdiction(key, element)
    weights = fields["home_weights"]
    neutral = fields["neutral_laws"]
    table = JurisdictionTable(
        by_key=by_key,
        home_weights={key: value.number() for key, value in weights.entries()},
        neutral_laws=neutral.texts(),
    )
    for key in [*table.home_weights, *table.neutral_laws]:
        if key not in by_key:
            node.fail(f"{key!r} in home_weights or neutral_laws is no jurisdiction")
    return table


def read_jurisdiction(key: str, node: DataNode) -> Jurisdiction:
    fields = node.fields(
        ("law", "incorporation", "courts", "tradition", "currency", "locale", "country")
    )
    law = fields["law"].template(NO_PLACEHOLDERS)
    if "[[" not in law:
        fields["law"].fail("the law must mark its territory as [[...]]; tables name it alone")
    return Jurisdiction(
        key=key,
        law=law,
        incorporation=fields["incorporation"].templates(INCORPORATION_PLACEHOLDERS),
        courts=fields["courts"].templates(NO_PLACEHOLDERS),
        tradition=fields["tradition"].one_of(TRADITIONS),
        currency=fields["currency"].one_of(list(CURRENCIES)),
        locale=fields["locale"].one_of(LOCALES),
        country=fields["country"].text(),
    )
