"""Organisations, people and addresses, sampled with Faker in several locales.

An ORG span is an organisation's full name as written, legal suffix included
("Meridian Logistics, Inc.", "Hartmann Holding GmbH", "Barclays Bank PLC"), in title
case or in capitals (the title page and signature blocks write "ACME HOLDINGS, INC.";
that is still one ORG). Place names inside a name stay inside it ("California Bank &
Trust", "Bank of New York Mellon"); a leading "the" and the defined term that follows
("(the "Borrower")") are outside. A PERSON span is a person's name without honorific
("Attention: Mr. John Smith" -> "John Smith"); job titles are not entities.
"""

from __future__ import annotations

import dataclasses
import functools
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from faker import Faker

from nerkit.corpus.datafiles import DataNode, data_file

if TYPE_CHECKING:  # jurisdictions checks its locales against LOCALES below
    from nerkit.corpus.jurisdictions import Jurisdiction

LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "en_CA", "de_CH", "de_AT", "ja_JP")


@dataclass(frozen=True)
class Names:
    """The words of ``data/parties.yaml``: see that file for what each is for."""

    industries: tuple[str, ...]
    words: tuple[str, ...]
    suffixes: dict[str, tuple[str, ...]]  # by locale, as written after a name
    known_suffixes: tuple[str, ...]  # any of these ends a name that needs no suffix
    known_banks: tuple[str, ...]
    rating_agencies: tuple[str, ...]
    auditors: tuple[str, ...]
    arbitral_bodies: tuple[str, ...]
    regulators: tuple[str, ...]
    stock_exchanges: tuple[str, ...]
    job_titles: tuple[str, ...]
    contact_titles: tuple[str, ...]


@functools.cache
def names() -> Names:
    return read_names(data_file("parties.yaml"))


def read_names(node: DataNode) -> Names:
    keys = [f.name for f in dataclasses.fields(Names) if f.name != "known_suffixes"]
    fields = node.fields([*keys, "other_suffixes"])
    suffixes = {locale: texts.texts() for locale, texts in fields["suffixes"].entries()}
    if sorted(suffixes) != sorted(LOCALES):
        fields["suffixes"].fail(f"suffixes are needed for each of {', '.join(LOCALES)}")
    known = {s.strip(" ,") for group in suffixes.values() for s in group}
    known |= set(fields["other_suffixes"].texts())
    return Names(
        industries=fields["industries"].texts(),
        words=fields["words"].texts(),
        suffixes=suffixes,
        known_suffixes=tuple(sorted(known, key=len, reverse=True)),
        known_banks=fields["known_banks"].texts(),
        rating_agencies=fields["rating_agencies"].texts(),
        auditors=fields["auditors"].texts(),
        arbitral_bodies=fields["arbitral_bodies"].texts(),
        regulators=fields["regulators"].texts(),
        stock_exchanges=fields["stock_exchanges"].texts(),
        job_titles=fields["job_titles"].texts(),
        contact_titles=fields["contact_titles"].texts(),
    )


@dataclass(frozen=True)
class Person:
    name: str
    title: str


@dataclass(frozen=True)
class Party:
    """One party: name, home jurisdiction and the people who sign and receive notices."""

    role: str  # the defined term, e.g. "Borrower"
    name: str
    home: Jurisdiction
    incorporation: str  # template text, e.g. "a [[Delaware]] corporation"
    address: tuple[str, ...]  # address lines, the country last
    signatory: Person
    contact: Person
    email: str

    @property
    def caps(self) -> str:
        return self.name.upper()


class People:
    """Faker instances per locale, reseeded for each document."""

    def __init__(self) -> None:
        self._fakers = {locale: Faker(locale) for locale in LOCALES}

    def reseed(self, seed: int) -> None:
        for offset, faker in enumerate(self._fakers.values()):
            faker.seed_instance(seed * 31 + offset)

    def faker(self, locale: str) -> Faker:
        return self._fakers[locale]

    def person_name(self, locale: str, rng: random.Random) -> str:
        fk = self.faker(locale)
        if locale == "ja_JP":
            return f"{fk.first_romanized_name()} {fk.last_romanized_name()}"
        first, last = fk.first_name(), fk.last_name()
        if locale == "en_US" and rng.random() < 0.25:
            return f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
        return f"{first} {last}"

    def person(self, locale: str, rng: random.Random, titles: tuple[str, ...]) -> Person:
        return Person(self.person_name(locale, rng), rng.choice(titles))

    def surname(self, locale: str) -> str:
        fk = self.faker(locale)
        return fk.last_romanized_name() if locale == "ja_JP" else fk.last_name()

    def city(self, locale: str) -> str:
        if locale == "ja_JP":
            return self.faker("en_US").random_element(("Tokyo", "Osaka", "Nagoya", "Yokohama"))
        return str(self.faker(locale).city())

    def address(self, jurisdiction: Jurisdiction) -> tuple[str, ...]:
        locale = jurisdiction.locale
        if locale == "ja_JP":
            fk = self.faker("en_US")
            lines = [
                f"{fk.random_int(1, 9)}-{fk.random_int(1, 30)}-{fk.random_int(1, 20)}"
                f" {fk.random_element(('Marunouchi', 'Otemachi', 'Nihonbashi', 'Shiba'))}",
                f"{fk.random_element(('Chiyoda-ku', 'Chuo-ku', 'Minato-ku'))}, Tokyo"
                f" {fk.random_int(100, 108)}-{fk.random_int(1000, 9999):04d}",
            ]
        else:
            lines = self._civilian_address_lines(locale)
        return (*lines, jurisdiction.country)

    def _civilian_address_lines(self, locale: str) -> list[str]:
        fk = self.faker(locale)
        for _ in range(10):
            # Faker's US addresses include military post boxes; contracts don't use them.
            lines = [line.strip() for line in str(fk.address()).split("\n") if line.strip()]
            if not any(code in lines[-1] for code in ("APO", "FPO", "DPO")):
                break
        if locale == "en_US":
            lines = _with_state(lines, fk.state_abbr(include_territories=False))
        return lines

    def company(self, locale: str, rng: random.Random) -> str:
        """A company name in the locale's style, always with a legal suffix."""
        surname, word = self.surname(locale), rng.choice(names().words)
        industry = rng.choice(names().industries)
        patterns = [
            lambda: self._faker_company(locale, rng),
            lambda: f"{surname} {industry}",
            lambda: f"{word} {industry}",
            lambda: f"{surname} & {self.surname(locale)} {industry}",
            lambda: f"{self.city(locale)} {industry}",
        ]
        base = rng.choice(patterns)()
        return base if _has_suffix(base) else base + rng.choice(names().suffixes[locale])

    def holding(self, locale: str, rng: random.Random) -> str:
        surname, word = self.surname(locale), rng.choice(names().words)
        options = {
            "en_US": (
                f"{surname} Holdings, Inc.",
                f"{word} Capital Partners, L.P.",
                f"{word} Acquisition Corp.",
                f"{word} Midco LLC",
                f"{surname} Family Investments LLC",
            ),
            "en_GB": (
                f"{word} Group Holdings Limited",
                f"{word} Topco Limited",
                f"{surname} Investments plc",
                f"{word} Capital LLP",
            ),
            "de_DE": (f"{surname} Holding GmbH", f"{surname} Beteiligungs GmbH & Co. KG"),
            "de_AT": (f"{surname} Privatstiftung", f"{surname} Beteiligungs GmbH"),
            "de_CH": (f"{surname} Holding AG", f"{word} Partners AG"),
            "fr_FR": (f"{surname} Participations SAS", f"Groupe {surname} SA"),
            "en_CA": (f"{word} Holdings Inc.", f"{surname} Capital Corp."),
            "ja_JP": (f"{surname} Holdings Co., Ltd.", f"{word} Capital K.K."),
        }[locale]
        return rng.choice(options)

    def bank(self, locale: str, rng: random.Random) -> str:
        if rng.random() < 0.35:
            return rng.choice(names().known_banks)
        surname, city, word = self.surname(locale), self.city(locale), rng.choice(names().words)
        options = {
            "en_US": (
                f"{self.faker('en_US').state()} Bank & Trust",
                f"First National Bank of {city}",
                f"{city} Savings Bank",
                f"{word} Bank, N.A.",
                f"Bank of {city}",
                f"{surname} Trust Company",
                f"{self.faker('en_US').state()} Community Bank",
            ),
            "en_GB": (f"{word} Bank plc", f"{surname} & Co. Bank Limited", f"Bank of {city} plc"),
            "de_DE": (f"Bankhaus {surname} KG", f"{surname} Privatbank AG", f"{city} Volksbank eG"),
            "de_AT": (f"Bankhaus {surname} AG", f"Raiffeisenbank {city} eGen"),
            "de_CH": (f"{surname} Privatbank AG", f"Banque {surname} SA"),
            "fr_FR": (f"Banque {surname} SA", f"Crédit Mutuel de {city}", f"Banque de {city}"),
            "en_CA": (f"{word} Bank of Canada", f"{city} Trust Company"),
            "ja_JP": (f"{surname} Bank, Ltd.", f"{word} Trust Bank, Limited"),
        }[locale]
        return rng.choice(options)

    def law_firm(self, locale: str, rng: random.Random) -> str:
        a, b = self.surname(locale), self.surname(locale)
        options = {
            "de_DE": (f"{a} {b} Rechtsanwälte PartG mbB", f"{a} & Partner Rechtsanwälte mbB"),
            "de_AT": (f"{a} {b} Rechtsanwälte GmbH",),
            "de_CH": (f"{a} {b} AG", f"{a} & {b} Rechtsanwälte AG"),
            "fr_FR": (f"Cabinet {a} AARPI", f"{a} {b} Avocats SELARL"),
            "en_GB": (f"{a} {b} LLP", f"{a} & {b} Solicitors LLP"),
        }.get(locale, (f"{a} & {b} LLP", f"{a}, {b} & {self.surname(locale)} LLP", f"{a} {b} LLP"))
        return rng.choice(options)

    def _faker_company(self, locale: str, rng: random.Random) -> str:
        fk = self.faker("en_US" if locale == "ja_JP" else locale)
        name = str(fk.company()).strip()
        # Faker's en_* names end in "Inc", "Ltd", "LLC" without the period contracts use.
        for bare, written in ((" Inc", ", Inc."), (" Ltd", " Limited"), (" Group", " Group")):
            if name.endswith(bare):
                return name[: -len(bare)] + written
        return name


def _has_suffix(name: str) -> bool:
    return name.endswith(names().known_suffixes)


def _with_state(lines: list[str], state_abbr: str) -> list[str]:
    """Faker's US addresses carry military and territory codes; keep a plain state."""
    if len(lines) < 2 or "," not in lines[-1]:
        return lines
    city, _, rest = lines[-1].rpartition(",")
    postcode = rest.split()[-1] if rest.split() else "10001"
    return [*lines[:-1], f"{city}, {state_abbr} {postcode}"]
