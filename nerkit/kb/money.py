"""MONEY mentions to an exact amount and an ISO 4217 currency.

``{"status": "ok", "amount": 2000000, "currency": "USD"}``: price-parser reads figures, a
small words-to-number parser reads "Two Million Dollars". Amounts are exact: an integer
when whole, otherwise the decimal as a string (never a float). Words and figures that
disagree, or several currencies, are refused; an amount without a currency is partial.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pycountry
from price_parser import Price

from nerkit.kb.lookup import CACHE_SIZE, plain_text, unparsed

_SMALL_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {
    "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
}  # fmt: skip
# Scale abbreviations written after figures ("EUR 4.5 million", "$2.5m", "USD 3bn").
_FIGURE_SCALES = {
    **_SCALES, "k": 10**3, "m": 10**6, "mm": 10**6, "mn": 10**6, "mio": 10**6,
    "b": 10**9, "bn": 10**9,
}  # fmt: skip
_FIGURE_SCALE_RE = re.compile(
    r"\s*(" + "|".join(sorted(_FIGURE_SCALES, key=len, reverse=True)) + r")\b\.?", re.IGNORECASE
)
_CENTS_RE = re.compile(r"\band\s+(\d{1,2})\s*/\s*100\b", re.IGNORECASE)
_WORD_RE = re.compile(r"[A-Za-z]+")

# Symbols and bare words whose currency is settled by convention in the contracts this
# toolkit reads; everything else must be an ISO code or a pycountry currency name.
CURRENCY_SYMBOLS = {
    "$": "USD", "US$": "USD", "U.S.$": "USD", "USD$": "USD", "€": "EUR", "£": "GBP",
    "¥": "JPY", "C$": "CAD", "CA$": "CAD", "CAN$": "CAD", "A$": "AUD", "AU$": "AUD",
    "NZ$": "NZD", "HK$": "HKD", "S$": "SGD", "Fr.": "CHF", "SFr.": "CHF", "₹": "INR",
    "Rs": "INR", "₩": "KRW", "R$": "BRL",
}  # fmt: skip
CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "us dollars": "USD", "u s dollars": "USD",
    "united states dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP",
    "pounds": "GBP", "sterling": "GBP", "pounds sterling": "GBP", "british pounds": "GBP",
    "yen": "JPY", "swiss francs": "CHF",
}  # fmt: skip


def iso_currency(code: str) -> str | None:
    """The ISO 4217 code if pycountry knows it."""
    found = pycountry.currencies.get(alpha_3=code.upper())
    return found.alpha_3 if found is not None else None


@functools.cache
def _currency_name_index() -> dict[str, str]:
    """Plain-text currency names (singular and plural) -> ISO code, unambiguous only."""
    index: dict[str, set[str]] = {}
    for currency in pycountry.currencies:
        name = plain_text(currency.name)
        for form in (name, name + "s"):
            index.setdefault(form, set()).add(currency.alpha_3)
    names = {name: codes.pop() for name, codes in index.items() if len(codes) == 1}
    names.update(CURRENCY_WORDS)
    return names


@functools.cache
def _currency_name_re() -> re.Pattern[str]:
    names = sorted(_currency_name_index(), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")


def currency_from_symbol(symbol: str) -> str | None:
    """What price-parser found next to a figure ('$', 'EUR', 'C$') -> ISO code."""
    stripped = symbol.strip()
    return CURRENCY_SYMBOLS.get(stripped) or iso_currency(stripped)


def currencies_named(text: str) -> set[str]:
    """ISO codes of currencies named in words ('Pounds Sterling', 'Swiss Francs')."""
    index = _currency_name_index()
    return {index[m.group(1)] for m in _currency_name_re().finditer(plain_text(text))}


def number_word_runs(text: str) -> list[str]:
    """Runs of spelled-out number words, e.g. 'Seventy-Five Thousand'.

    A run must start with a number below a hundred: 'million' alone belongs to a figure
    ('EUR 4.5 million'), not to words.
    """
    runs: list[list[str]] = []
    previous_end = -1
    for match in _WORD_RE.finditer(text):
        word = match.group().lower()
        is_number = word in _SMALL_NUMBERS or word in _SCALES or word == "hundred"
        joined = previous_end >= 0 and text[previous_end : match.start()].strip(" -\t\n") == ""
        if runs and joined and (is_number or word == "and"):
            runs[-1].append(word)
        elif word in _SMALL_NUMBERS:
            runs.append([word])
        else:
            previous_end = -1
            continue
        previous_end = match.end()
    return [" ".join(_drop_trailing_and(run)) for run in runs]


def _drop_trailing_and(run: list[str]) -> list[str]:
    while run and run[-1] == "and":
        run = run[:-1]
    return run


def words_to_number(words: str) -> int:
    """'two million five hundred thousand' -> 2500000 ('and' is ignored)."""
    total = current = 0
    for word in words.lower().replace("-", " ").split():
        if word in _SMALL_NUMBERS:
            current += _SMALL_NUMBERS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
        elif word != "and":
            raise ValueError(f"not a number word: {word!r}")
    return total + current


def json_amount(amount: Decimal) -> int | str:
    """Exact and JSON-friendly: an int when whole, else the decimal as a string."""
    if amount == amount.to_integral_value():
        return int(amount)
    return format(amount.normalize(), "f")


@dataclass(frozen=True)
class _Figure:
    amount: Decimal
    currency_symbol: str | None


def _figure(text: str) -> _Figure | None:
    """The amount written in digits, scaled by a following 'million' / 'm' / 'bn'."""
    without_cents = _CENTS_RE.sub(" ", text)
    price = Price.fromstring(without_cents)
    if price.amount is None or price.amount_text is None:
        return None
    amount = price.amount
    after = without_cents[without_cents.find(price.amount_text) + len(price.amount_text) :]
    scale = _FIGURE_SCALE_RE.match(after)
    if scale:
        amount *= _FIGURE_SCALES[scale.group(1).lower()]
    return _Figure(amount, price.currency)


def _words_amount(text: str) -> Decimal | str | None:
    """The amount spelled out in words (with 'and 50/100' cents), or a refusal reason."""
    runs = number_word_runs(text)
    values = {words_to_number(run) for run in runs}
    if not values:
        return None
    if len(values) > 1:
        return f"several amounts in words in {text!r}"
    amount = Decimal(values.pop())
    cents = _CENTS_RE.search(text)
    if cents:
        amount += Decimal(cents.group(1)) / 100
    return amount


def _resolve_currency(text: str, figure: _Figure | None) -> tuple[str | None, str | None]:
    """(ISO code, None) or (None, reason): figures and words must name one currency."""
    found: set[str] = set(currencies_named(text))
    if figure is not None and figure.currency_symbol:
        code = currency_from_symbol(figure.currency_symbol)
        if code is None:
            return None, f"unknown currency {figure.currency_symbol!r} in {text!r}"
        found.add(code)
    if len(found) > 1:
        return None, f"several currencies ({', '.join(sorted(found))}) in {text!r}"
    return (found.pop() if found else None), None


@functools.lru_cache(maxsize=CACHE_SIZE)
def _normalise_money(text: str) -> dict[str, Any]:
    figure = _figure(text)
    words = _words_amount(text)
    if isinstance(words, str):
        return unparsed(words)
    if figure is not None and words is not None and figure.amount != words:
        return unparsed(
            f"words say {json_amount(words)} but figures say {json_amount(figure.amount)}"
            f" in {text!r}"
        )
    amount = figure.amount if figure is not None else words
    if amount is None:
        return unparsed(f"no amount in {text!r}")
    currency, reason = _resolve_currency(text, figure)
    if reason is not None:
        return unparsed(reason)
    if currency is None:
        # The amount is sure; the currency is not written, and is not guessed.
        return {
            "status": "partial",
            "amount": json_amount(amount),
            "currency": None,
            "reason": f"no currency in {text!r}",
        }
    return {"status": "ok", "amount": json_amount(amount), "currency": currency}


def normalise_money(text: str) -> dict[str, Any]:
    """A MONEY mention as ``{"status": "ok", "amount": ..., "currency": "USD"}``.

    "Two Million Dollars ($2,000,000)" -> 2000000 USD; when the words and the figures
    disagree it is refused. An amount without any currency comes back with
    ``"status": "partial"`` and ``"currency": None``.
    """
    return copy.deepcopy(_normalise_money(text))
