"""Money amounts written the ways contracts write them.

One MONEY span is the whole amount expression: symbol or code, figures, scale word, and
when an amount is given both in words and in figures, both renderings with the
parentheses between them — "Two Million Dollars ($2,000,000)" and
"£75,000 (Seventy-Five Thousand Pounds Sterling)" are one span each. Words around the
amount ("the sum of", "per annum", "per month") and a currency named without an amount
("payable in Dollars") are outside every span.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_ONES = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
]
_TENS = ["_", "_", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"]
_SCALES = ((10**9, "Billion"), (10**6, "Million"), (10**3, "Thousand"))


@dataclass(frozen=True)
class Currency:
    code: str
    symbols: tuple[str, ...]  # written before the figures, no space ("$", "US$")
    words: tuple[str, ...]  # plural names used after an amount in words
    has_cents: bool = True


CURRENCIES: dict[str, Currency] = {
    c.code: c
    for c in (
        Currency("USD", ("$", "$", "US$"), ("Dollars", "United States Dollars", "U.S. Dollars")),
        Currency("EUR", ("€",), ("Euros", "Euro")),
        Currency("GBP", ("£",), ("Pounds Sterling", "Pounds")),
        Currency("CHF", (), ("Swiss Francs",)),
        Currency("JPY", ("¥",), ("Japanese Yen", "Yen"), has_cents=False),
        Currency("CAD", ("C$", "Cdn$"), ("Canadian Dollars",)),
    )
}


def number_to_words(n: int, british_and: bool = False) -> str:
    """Title-case English words for a non-negative integer ("Seventy-Five Thousand")."""
    if n == 0:
        return _ONES[0]
    words: list[str] = []
    for scale, name in _SCALES:
        if n >= scale:
            words.append(f"{_under_thousand(n // scale, british_and)} {name}")
            n %= scale
    if n:
        if words and british_and and n < 100:
            words.append("and")
        words.append(_under_thousand(n, british_and))
    return " ".join(words)


def _under_thousand(n: int, british_and: bool) -> str:
    parts: list[str] = []
    if n >= 100:
        parts.append(f"{_ONES[n // 100]} Hundred")
        n %= 100
        if n and british_and:
            parts.append("and")
    if n >= 20:
        parts.append(_TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else ""))
    elif n:
        parts.append(_ONES[n])
    return " ".join(parts)


def figures(amount: float, cents: bool, swiss: bool = False, continental: bool = False) -> str:
    """Group thousands: 1,250,000.00 (or 1'250'000 Swiss, 1.250.000,00 continental)."""
    text = f"{amount:,.2f}" if cents else f"{round(amount):,}"
    if swiss:
        return text.replace(",", "'")
    if continental:
        return text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def scaled(amount: float) -> str | None:
    """'4.5 million' for tidy multiples of 100,000 above a million, else None."""
    whole = round(amount)
    if whole >= 10**9 and whole % 10**8 == 0:
        return f"{whole / 10**9:g} billion"
    if whole >= 10**6 and whole % 10**5 == 0:
        return f"{whole / 10**6:g} million"
    return None


def in_words(amount: float, currency: Currency, rng: random.Random, caps: bool = False) -> str:
    """'Two Million Dollars'; with cents 'One Thousand Two and 56/100 Dollars'.

    ``caps`` gives the promissory-note style 'TWO MILLION AND NO/100 DOLLARS'.
    """
    whole = int(amount)
    cents = round((amount - whole) * 100)
    british = currency.code == "GBP" and rng.random() < 0.5
    words = number_to_words(whole, british_and=british)
    if cents or (caps and currency.has_cents):
        words += f" and {cents:02d}/100" if cents else " and No/100"
    text = f"{words} {rng.choice(currency.words)}"
    return text.upper() if caps else text


def format_money(
    amount: float, currency: Currency, rng: random.Random, style: str, symbol: str | None = None
) -> str:
    """Render ``amount`` in one written style; see :data:`MONEY_STYLES`.

    ``symbol`` fixes the currency sign (a document writes "US$" or "$", not both).
    """
    if not currency.has_cents:
        amount = float(round(amount))
    has_cents = currency.has_cents and round(amount * 100) % 100 != 0
    if symbol is None:
        symbol = rng.choice(currency.symbols) if currency.symbols else f"{currency.code} "
    fig = figures(amount, has_cents)
    if style == "symbol":
        return f"{symbol}{fig}"
    if style == "code":
        cents = currency.has_cents and (has_cents or rng.random() < 0.4)
        return f"{currency.code} {figures(amount, cents)}"
    if style == "code_after":
        continental = currency.code in ("EUR", "CHF") and rng.random() < 0.5
        swiss = currency.code == "CHF" and not continental
        return f"{figures(amount, has_cents, swiss=swiss, continental=continental)} {currency.code}"
    if style == "words_figures":
        return f"{in_words(amount, currency, rng)} ({symbol}{fig})"
    if style == "figures_words":
        return f"{symbol}{fig} ({in_words(amount, currency, rng)})"
    if style == "caps_words":
        words = in_words(amount, currency, rng, caps=True)
        return f"{words} ({symbol}{figures(amount, currency.has_cents)})"
    if style == "scaled":
        short = scaled(amount)
        if short is None:
            return f"{symbol}{fig}"
        return f"{currency.code} {short}" if rng.random() < 0.5 else f"{symbol}{short}"
    raise ValueError(f"unknown money style {style!r}")


MONEY_STYLES = (
    "symbol",
    "code",
    "code_after",
    "words_figures",
    "figures_words",
    "caps_words",
    "scaled",
)

_NICE_MANTISSAS = (1, 1.2, 1.25, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7.5, 8)


def round_amount(rng: random.Random, low: float, high: float) -> float:
    """A tidy amount between ``low`` and ``high`` (2,500,000 rather than 2,493,117)."""
    value = rng.uniform(low, high)
    magnitude = 10 ** (len(str(int(value))) - 1)
    mantissa = min(_NICE_MANTISSAS, key=lambda m: abs(m * magnitude - value))
    return float(mantissa * magnitude)


def exact_amount(rng: random.Random, low: float, high: float, cents: bool) -> float:
    """An exact-looking amount (14,583.33) as rent, invoices and unit prices are."""
    value = rng.uniform(low, high)
    return round(value, 2) if cents else float(round(value))
