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

Phrases below mark each span as ``[[...]]``; :mod:`nerkit.corpus.template` turns the
marks into JURISDICTION pieces.
"""

from __future__ import annotations

from dataclasses import dataclass


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


def _us_state(name: str, kind: str = "State", county: str = "") -> Jurisdiction:
    where = f" sitting in {county}," if county else " located in"
    article = "an" if name[0] in "AEIOU" else "a"
    return Jurisdiction(
        key=name.lower().replace(" ", "_"),
        law=f"the [[{kind} of {name}]]",
        incorporation=(
            f"{article} [[{name}]] corporation",
            f"{article} [[{name}]] limited liability company",
            f"{article} [[{name}]] limited partnership",
            f"a corporation organized and existing under the laws of the [[{kind} of {name}]]",
        ),
        courts=(
            f"the state and federal courts{where} the [[{kind} of {name}]]",
            f"the courts of the [[{kind} of {name}]] and of the [[United States]] sitting therein",
        ),
        tradition="us",
        currency="USD",
        locale="en_US",
        country="USA",
    )


JURISDICTIONS: dict[str, Jurisdiction] = {
    j.key: j
    for j in (
        _us_state("New York", county="New York County"),
        _us_state("Delaware", county="Wilmington"),
        _us_state("California"),
        _us_state("Texas", county="Harris County"),
        _us_state("Illinois", county="Cook County"),
        _us_state("Massachusetts", kind="Commonwealth", county="Suffolk County"),
        _us_state("Pennsylvania", kind="Commonwealth"),
        _us_state("Virginia", kind="Commonwealth"),
        _us_state("Nevada"),
        _us_state("Florida"),
        _us_state("Georgia", county="Fulton County"),
        Jurisdiction(
            key="england",
            law="[[England and Wales]]",
            incorporation=(
                "a company incorporated in [[England and Wales]] with registered number {REGNO}",
                "a private limited company incorporated under the laws of [[England and Wales]]"
                " (company number {REGNO})",
                "a public limited company registered in [[England and Wales]] under number {REGNO}",
            ),
            courts=("the courts of [[England and Wales]]", "the courts of [[England]]"),
            tradition="uk",
            currency="GBP",
            locale="en_GB",
            country="United Kingdom",
        ),
        Jurisdiction(
            key="scotland",
            law="[[Scotland]]",
            incorporation=(
                "a company incorporated in [[Scotland]] with registered number SC{REGNO}",
                "a private limited company incorporated under the laws of [[Scotland]]",
            ),
            courts=("the courts of [[Scotland]]",),
            tradition="uk",
            currency="GBP",
            locale="en_GB",
            country="United Kingdom",
        ),
        Jurisdiction(
            key="germany",
            law="the [[Federal Republic of Germany]]",
            incorporation=(
                "a limited liability company (Gesellschaft mit beschränkter Haftung) organised"
                " under the laws of the [[Federal Republic of Germany]], registered with the"
                " commercial register of the local court (Amtsgericht) of {CITY} under HRB"
                " {REGNO}",
                "a stock corporation (Aktiengesellschaft) incorporated under the laws of"
                " [[Germany]]",
                "a limited partnership (GmbH & Co. KG) organised under the laws of [[Germany]]",
            ),
            courts=(
                "the competent courts of Frankfurt am Main, [[Germany]]",
                "the courts of Munich, [[Federal Republic of Germany]]",
                "the competent courts of Berlin, [[Germany]]",
            ),
            tradition="continental",
            currency="EUR",
            locale="de_DE",
            country="Germany",
        ),
        Jurisdiction(
            key="austria",
            law="the [[Republic of Austria]]",
            incorporation=(
                "a limited liability company (Gesellschaft mit beschränkter Haftung) organised"
                " under the laws of the [[Republic of Austria]] with its registered seat in"
                " {CITY}, registered under FN {REGNO}",
            ),
            courts=("the competent courts of Vienna, [[Austria]]",),
            tradition="continental",
            currency="EUR",
            locale="de_AT",
            country="Austria",
        ),
        Jurisdiction(
            key="france",
            law="[[France]]",
            incorporation=(
                "a société anonyme incorporated under the laws of [[France]], registered with"
                " the Trade and Companies Register of {CITY} under number {SIREN}",
                "a société par actions simplifiée organised under the laws of [[France]],"
                " registered under number {SIREN} RCS {CITY}",
            ),
            courts=(
                "the competent courts of Paris, [[France]]",
                "the commercial courts of Paris, [[France]]",
            ),
            tradition="continental",
            currency="EUR",
            locale="fr_FR",
            country="France",
        ),
        Jurisdiction(
            key="luxembourg",
            law="the [[Grand Duchy of Luxembourg]]",
            incorporation=(
                "a société à responsabilité limitée incorporated under the laws of the"
                " [[Grand Duchy of Luxembourg]], registered with the Luxembourg Register of"
                " Commerce and Companies under number B{REGNO}",
            ),
            courts=("the courts of the city of Luxembourg, [[Grand Duchy of Luxembourg]]",),
            tradition="continental",
            currency="EUR",
            locale="fr_FR",
            country="Luxembourg",
        ),
        Jurisdiction(
            key="switzerland",
            law="[[Switzerland]]",
            incorporation=(
                "a stock corporation (Aktiengesellschaft) organised under the laws of"
                " [[Switzerland]], registered with the commercial register of the"
                " [[Canton of Zurich]] under number CHE-{REGNO}",
                "a company limited by shares (société anonyme) incorporated under the laws of"
                " [[Switzerland]]",
                "a limited liability company (GmbH) organised under the laws of [[Switzerland]]",
            ),
            courts=(
                "the ordinary courts of the [[Canton of Zurich]], [[Switzerland]]",
                "the competent courts of the [[Canton of Geneva]], [[Switzerland]]",
                "the courts of Zurich, [[Switzerland]]",
            ),
            tradition="continental",
            currency="CHF",
            locale="de_CH",
            country="Switzerland",
        ),
        Jurisdiction(
            key="ontario",
            law="the [[Province of Ontario]] and the federal laws of [[Canada]] applicable therein",
            incorporation=(
                "a corporation incorporated under the laws of the [[Province of Ontario]]",
                "an [[Ontario]] corporation",
                "a corporation existing under the federal laws of [[Canada]]",
            ),
            courts=("the courts of the [[Province of Ontario]]",),
            tradition="us",
            currency="CAD",
            locale="en_CA",
            country="Canada",
        ),
        Jurisdiction(
            key="british_columbia",
            law="the [[Province of British Columbia]] and the federal laws of [[Canada]]"
            " applicable therein",
            incorporation=(
                "a company existing under the laws of the [[Province of British Columbia]]",
                "a [[British Columbia]] company",
            ),
            courts=("the courts of the [[Province of British Columbia]]",),
            tradition="us",
            currency="CAD",
            locale="en_CA",
            country="Canada",
        ),
        Jurisdiction(
            key="japan",
            law="[[Japan]]",
            incorporation=(
                "a kabushiki kaisha organized under the laws of [[Japan]]",
                "a corporation duly organized and existing under the laws of [[Japan]]",
            ),
            courts=("the competent courts of Tokyo, [[Japan]]", "the courts of [[Japan]]"),
            tradition="us",
            currency="JPY",
            locale="ja_JP",
            country="Japan",
        ),
    )
}

# How often each jurisdiction is a party's home: US and English parties dominate
# contract corpora, the others keep the model honest.
HOME_WEIGHTS: dict[str, float] = {
    "new_york": 6,
    "delaware": 9,
    "california": 4,
    "texas": 3,
    "illinois": 2,
    "massachusetts": 2,
    "pennsylvania": 1.5,
    "virginia": 1,
    "nevada": 1,
    "florida": 1.5,
    "georgia": 1,
    "england": 7,
    "scotland": 1,
    "germany": 3,
    "austria": 1,
    "france": 3,
    "luxembourg": 1,
    "switzerland": 2,
    "ontario": 2,
    "british_columbia": 1,
    "japan": 1.5,
}

# Where finance documents are governed when neither party's home law is chosen.
NEUTRAL_LAWS = ("new_york", "england", "switzerland", "delaware")
