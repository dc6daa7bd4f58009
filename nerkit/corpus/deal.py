"""One contract's facts (parties, law, currency, dates, amounts) and the placeholder filler.

Templates in the clause library name what they need (``{A_NAME}``, ``{DATE}``,
``{MONEY}``, ``{DAYS}``...); :meth:`Deal.fill` writes each one for this contract,
sampling fresh dates, amounts and third parties where a template asks for them.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from nerkit.corpus.builder import Ent, Piece
from nerkit.corpus.dates import HOUSE_STYLES, TABLE_STYLES, date_pieces, random_date
from nerkit.corpus.jurisdictions import Jurisdiction, jurisdiction_table
from nerkit.corpus.money import CURRENCIES, MONEY_STYLES, Currency, format_money, round_amount
from nerkit.corpus.parties import Party, People, names
from nerkit.corpus.template import render

# Placeholders whose filling always writes an entity (used to keep entities spread out).
ENTITY_SLOTS = frozenset(
    {
        "A_NAME",
        "B_NAME",
        "C_NAME",
        "A_CAPS",
        "B_CAPS",
        "C_CAPS",
        "A_INC",
        "B_INC",
        "C_INC",
        "A_SIGNATORY",
        "B_SIGNATORY",
        "A_CONTACT",
        "B_CONTACT",
        "GOV_LAW",
        "FORUM",
        "HOME_LAW",
        "DATE",
        "PAST_DATE",
        "FUTURE_DATE",
        "EFFECTIVE_DATE",
        "END_DATE",
        "MONEY",
        "MONEY_S",
        "MONEY_XS",
        "MONEY_L",
        "MONEY_FX",
        "VALUE",
        "VALUE_CAPS_WORDS",
        "VALUE_WORDS_FIGURES",
        "ORG",
        "ORG_INC",
        "BANK",
        "HOLDCO",
        "AUDITOR",
        "LAW_FIRM",
        "ADVISER",
        "RATING_AGENCY",
        "ARBITRAL_BODY",
        "REGULATOR",
        "STOCK_EXCHANGE",
        "PERSON",
        "JUR",
    }
)

_NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    10: "ten",
    12: "twelve",
    14: "fourteen",
    15: "fifteen",
    20: "twenty",
    24: "twenty-four",
    30: "thirty",
    36: "thirty-six",
    45: "forty-five",
    60: "sixty",
    90: "ninety",
    120: "one hundred twenty",
    180: "one hundred eighty",
}


def counted(n: int, unit: str) -> str:
    """'thirty (30) days' — the way contracts write periods."""
    words = _NUMBER_WORDS.get(n, str(n))
    return f"{words} ({n}) {unit if n != 1 else unit.rstrip('s')}"


@dataclass
class Deal:
    """Everything one contract says about its parties, money and time."""

    contract_type: str
    rng: random.Random
    people: People
    parties: dict[str, Party]  # "A", "B" and optionally "C"
    governing: Jurisdiction
    forum: str  # template text naming the courts
    arbitration: bool  # disputes go to arbitration rather than to the courts
    currency: Currency
    tradition: str
    effective: dt.date
    end: dt.date
    scale: float  # the contract's headline amount
    parent: str  # the parent company of party A, named wherever a template says {HOLDCO}
    auditor: str
    quote: tuple[str, str] = ('"', '"')
    money_styles: tuple[str, ...] = ("symbol",)
    date_styles: tuple[str, ...] = ("us_long",)
    table_date_style: str = "iso"
    table_money_style: str = "symbol"
    symbols: dict[str, str] = field(default_factory=dict)

    def render(self, template: str) -> list[Piece]:
        return render(template, self.fill, self.rng)

    def q(self, term: str) -> str:
        """A defined term in this contract's quotation marks."""
        return f"{self.quote[0]}{term}{self.quote[1]}"

    # -- filling placeholders -------------------------------------------------------

    def fill(self, name: str) -> list[Piece]:
        if name.endswith("_UC"):
            return [upper_piece(p) for p in self.fill(name[:-3])]
        if name[:2] in ("A_", "B_", "C_") and name[0] in self.parties:
            return self._party_field(self.parties[name[0]], name[2:])
        if name in ("A", "B", "C"):
            return [self.parties[name].role]
        filler = getattr(self, f"_fill_{name.lower()}", None)
        if filler is None:
            raise KeyError(f"template placeholder {{{name}}} has no filler")
        result: list[Piece] = filler()
        return result

    def _party_field(self, party: Party, field_name: str) -> list[Piece]:
        if field_name not in PARTY_FIELDS:
            raise KeyError(f"unknown party field {field_name!r}")
        return PARTY_FIELDS[field_name](self, party)

    def date(self, d: dt.date, style: str | None = None) -> list[Piece]:
        if style is None:
            style = self.rng.choice(self.date_styles)
            if self.rng.random() < 0.15:
                style = self.rng.choice(TABLE_STYLES)
        return date_pieces(d, style)

    def table_date(self, d: dt.date) -> list[Piece]:
        return date_pieces(d, self.table_date_style)

    def money(
        self, amount: float, style: str | None = None, currency: Currency | None = None
    ) -> list[Piece]:
        """An amount as one MONEY span, in this contract's styles unless ``style`` is given."""
        cur = currency or self.currency
        if style is None:
            style = self.rng.choice(self.money_styles)
            if self.rng.random() < 0.2:
                style = self.rng.choice([s for s in MONEY_STYLES if s != "caps_words"])
        text = format_money(amount, cur, self.rng, style, symbol=self.symbol(cur))
        return [Ent(text, "MONEY")]

    def symbol(self, currency: Currency) -> str:
        """The sign this contract writes for ``currency``, chosen at its first use."""
        if currency.code not in self.symbols:
            options = currency.symbols or (f"{currency.code} ",)
            self.symbols[currency.code] = self.rng.choice(options)
        return self.symbols[currency.code]

    def amount(self, low: float, high: float) -> float:
        """A tidy amount between ``low`` and ``high`` times the contract's scale."""
        log_low, log_high = math.log(self.scale * low), math.log(self.scale * high)
        return round_amount(self.rng, math.exp(log_low), math.exp(log_high) * 0.999)

    def _fill_date(self) -> list[Piece]:
        return self.date(random_date(self.rng, self.effective - dt.timedelta(days=400), self.end))

    def _fill_past_date(self) -> list[Piece]:
        start = self.effective - dt.timedelta(days=1500)
        return self.date(random_date(self.rng, start, self.effective - dt.timedelta(days=10)))

    def _fill_future_date(self) -> list[Piece]:
        return self.date(random_date(self.rng, self.effective + dt.timedelta(days=20), self.end))

    def _fill_effective_date(self) -> list[Piece]:
        return self.date(self.effective)

    def _fill_end_date(self) -> list[Piece]:
        return self.date(self.end)

    def _fill_money(self) -> list[Piece]:
        return self.money(self.amount(0.02, 0.3))

    def _fill_money_xs(self) -> list[Piece]:
        """A rate or fee far below the headline amount (per hour, per space, per unit)."""
        return self.money(self.amount(0.00005, 0.001))

    def _fill_money_s(self) -> list[Piece]:
        return self.money(self.amount(0.0005, 0.02))

    def _fill_money_l(self) -> list[Piece]:
        return self.money(self.amount(0.4, 1.5))

    def _fill_value(self) -> list[Piece]:
        return self.money(self.scale)

    def _fill_value_caps_words(self) -> list[Piece]:
        """The headline amount as a promissory note heads it: "TWO MILLION AND NO/100 ..."."""
        return self.money(self.scale, style="caps_words")

    def _fill_value_words_figures(self) -> list[Piece]:
        return self.money(self.scale, style="words_figures")

    def _fill_money_fx(self) -> list[Piece]:
        others = [c for c in CURRENCIES.values() if c.code != self.currency.code]
        cur = self.rng.choice(others)
        factor = 150.0 if cur.code == "JPY" else 1.0
        amount = round_amount(self.rng, self.scale * 0.01 * factor, self.scale * 0.2 * factor)
        return self.money(amount, style=self.rng.choice(("code", "symbol", "scaled")), currency=cur)

    def _fill_org(self) -> list[Piece]:
        return [Ent(self.people.company(self._any_locale(), self.rng), "ORG")]

    def _fill_org_inc(self) -> list[Piece]:
        home = self.any_home()
        name = self.people.company(home.locale, self.rng)
        return [Ent(name, "ORG"), ", ", *self.render(self.rng.choice(home.incorporation))]

    def _fill_bank(self) -> list[Piece]:
        return [Ent(self.people.bank(self._any_locale(), self.rng), "ORG")]

    def _fill_holdco(self) -> list[Piece]:
        return [Ent(self.parent, "ORG")]

    def _fill_auditor(self) -> list[Piece]:
        return [Ent(self.auditor, "ORG")]

    def _fill_law_firm(self) -> list[Piece]:
        return [Ent(self.people.law_firm(self._any_locale(), self.rng), "ORG")]

    def _fill_adviser(self) -> list[Piece]:
        locale = self._any_locale()
        if self.rng.random() < 0.5:
            return [Ent(self.people.bank(locale, self.rng), "ORG")]
        return [Ent(self.people.holding(locale, self.rng), "ORG")]

    def _fill_rating_agency(self) -> list[Piece]:
        return [Ent(self.rng.choice(names().rating_agencies), "ORG")]

    def _fill_arbitral_body(self) -> list[Piece]:
        return [Ent(self.rng.choice(names().arbitral_bodies), "ORG")]

    def _fill_regulator(self) -> list[Piece]:
        return [Ent(self.rng.choice(names().regulators), "ORG")]

    def _fill_stock_exchange(self) -> list[Piece]:
        return [Ent(self.rng.choice(names().stock_exchanges), "ORG")]

    def _fill_person(self) -> list[Piece]:
        return [Ent(self.people.person_name(self._any_locale(), self.rng), "PERSON")]

    def _fill_contact_title(self) -> list[Piece]:
        return [self.rng.choice(names().contact_titles)]

    def _fill_gov_law(self) -> list[Piece]:
        return self.render(self.governing.law)

    def _fill_home_law(self) -> list[Piece]:
        return self.render(self.parties["A"].home.law)

    def _fill_jur(self) -> list[Piece]:
        """A jurisdiction's name alone, as a table column or a register entry gives it."""
        law = self.any_home().law
        return [Ent(law[law.index("[[") + 2 : law.index("]]")], "JURISDICTION")]

    def _fill_address(self) -> list[Piece]:
        return [", ".join(self.people.address(self.governing))]

    def _fill_forum(self) -> list[Piece]:
        return self.render(self.forum)

    def _fill_city(self) -> list[Piece]:
        return [self.people.city(self.governing.locale)]

    def _fill_regno(self) -> list[Piece]:
        return [f"{self.rng.randint(100000, 99999999):08d}"]

    def _fill_siren(self) -> list[Piece]:
        digits = f"{self.rng.randint(100000000, 999999999)}"
        return [f"{digits[:3]} {digits[3:6]} {digits[6:]}"]

    def _fill_days(self) -> list[Piece]:
        return [counted(self.rng.choice((10, 14, 15, 20, 30, 45, 60, 90)), "days")]

    def _fill_bdays(self) -> list[Piece]:
        return [counted(self.rng.choice((1, 2, 3, 5, 10)), "Business Days")]

    def _fill_months(self) -> list[Piece]:
        return [counted(self.rng.choice((3, 6, 12, 24)), "months")]

    def _fill_years(self) -> list[Piece]:
        return [counted(self.rng.choice((1, 2, 3, 5, 7)), "years")]

    def _fill_pct(self) -> list[Piece]:
        n = self.rng.choice((2, 3, 5, 10, 15, 20, 25))
        return [f"{_NUMBER_WORDS.get(n, str(n))} percent ({n}%)"]

    def _fill_rate(self) -> list[Piece]:
        return [f"{self.rng.choice((1.5, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0, 3.25, 3.5, 4.0)):.2f}%"]

    def _fill_n(self) -> list[Piece]:
        n = self.rng.choice((2, 3, 4, 5))
        return [f"{_NUMBER_WORDS[n]} ({n})"]

    def _any_locale(self) -> str:
        return self.any_home().locale

    def any_home(self) -> Jurisdiction:
        # Third parties mostly come from the parties' own countries.
        homes = [p.home for p in self.parties.values()]
        if self.rng.random() < 0.7:
            return self.rng.choice(homes)
        return self.rng.choice(list(jurisdiction_table().by_key.values()))


# What {A_NAME}, {B_INC}, {C_SIGNATORY}... write for party A, B or C.
PARTY_FIELDS: dict[str, Callable[[Deal, Party], list[Piece]]] = {
    "NAME": lambda deal, party: [Ent(party.name, "ORG")],
    "CAPS": lambda deal, party: [Ent(party.caps, "ORG")],
    "INC": lambda deal, party: deal.render(party.incorporation),
    "ADDR": lambda deal, party: [", ".join(party.address)],
    "SIGNATORY": lambda deal, party: [Ent(party.signatory.name, "PERSON")],
    "SIGNATORY_TITLE": lambda deal, party: [party.signatory.title],
    "CONTACT": lambda deal, party: [Ent(party.contact.name, "PERSON")],
    "CONTACT_TITLE": lambda deal, party: [party.contact.title],
    "EMAIL": lambda deal, party: [party.email],
}

# Every placeholder a template may use; any of them may also end in _UC (upper case).
PLACEHOLDERS = frozenset(
    {"A", "B", "C"}
    | {f"{key}_{part}" for key in "ABC" for part in PARTY_FIELDS}
    | {name.removeprefix("_fill_").upper() for name in vars(Deal) if name.startswith("_fill_")}
)


def is_placeholder(name: str) -> bool:
    return name.removesuffix("_UC") in PLACEHOLDERS


def upper_piece(piece: Piece) -> Piece:
    return Ent(piece.text.upper(), piece.label) if isinstance(piece, Ent) else piece.upper()


def writes_entity(slot: str) -> bool:
    """Whether filling ``{slot}`` always writes at least one entity."""
    return slot.removesuffix("_UC") in ENTITY_SLOTS


def house_date_styles(tradition: str, rng: random.Random) -> tuple[str, ...]:
    """One or two date styles this contract's drafter prefers."""
    styles = HOUSE_STYLES[tradition]
    first = rng.choice(styles)
    return (first, first, rng.choice(styles))


def house_money_styles(tradition: str, rng: random.Random) -> tuple[str, ...]:
    preferred = {
        "us": ("symbol", "symbol", "words_figures", "scaled"),
        "uk": ("symbol", "figures_words", "code", "scaled"),
        "continental": ("code", "code_after", "symbol", "scaled", "figures_words"),
    }[tradition]
    return (rng.choice(preferred), rng.choice(preferred), rng.choice(preferred))
