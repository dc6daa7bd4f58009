"""Normalise DATE, MONEY and JURISDICTION mentions to standard codes.

Every normaliser returns a plain JSON-friendly dict. Success carries ``"status": "ok"``;
a value that cannot be normalised comes back as ``{"status": "unparsed", "reason": ...}``
and is never guessed. Results are cached (contracts repeat the same strings), and each
call returns a fresh copy so a caller may change what it gets.

- dates: ISO 8601 ``{"iso": "2024-01-05"}`` via dateparser, strict (day, month and year
  all required; relative dates such as "tomorrow" are refused).
- money: ``{"amount": 2000000, "currency": "USD"}`` via price-parser for figures and a
  small words-to-number parser for "Two Million Dollars". Amounts are exact: an integer
  when whole, otherwise the decimal as a string (never a float).
- jurisdictions: ``{"codes": ["US-DE"], "names": ["Delaware"]}`` with ISO 3166 codes
  from pycountry; an ambiguous name is resolved by a country preference and says so.
"""

from __future__ import annotations

import calendar
import copy
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import dateparser
import pycountry
from price_parser import Price

CACHE_SIZE = 4096
DATE_ORDERS = ("MDY", "DMY", "YMD", "YDM", "DYM", "MYD")


def unparsed(reason: str) -> dict[str, Any]:
    return {"status": "unparsed", "reason": reason}


def plain_text(text: str) -> str:
    """Casefold, strip accents, turn punctuation into spaces: a key for name lookups."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    spaced = re.sub(r"[^\w]+", " ", without_accents.replace("&", " and "))
    return " ".join(spaced.split())


# --------------------------------------------------------------------------- dates

_UNIT_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9,
}  # fmt: skip
_TEEN_ORDINALS = {
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip


def _ordinal_words() -> dict[str, int]:
    """'first' .. 'thirty-first': the day words contracts spell out."""
    words = {**_UNIT_ORDINALS, **_TEEN_ORDINALS}
    for tens_word, tens in (("twenty", 20), ("thirty", 30)):
        for unit_word, unit in _UNIT_ORDINALS.items():
            if tens + unit <= 31:
                words[f"{tens_word}-{unit_word}"] = tens + unit
                words[f"{tens_word} {unit_word}"] = tens + unit
    return words


ORDINAL_WORDS = _ordinal_words()
_ORDINAL_RE = re.compile(
    r"\b(" + "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)
# Contract boilerplate around a date ("this 5th day of", "dated as of") that dateparser
# does not understand; none of these words carries part of the date.
_DATE_FILLER_RE = re.compile(r"\b(this|the|day|of|dated|as|effective|on)\b", re.IGNORECASE)
_MONTH_NAMES = [m.lower() for m in (*calendar.month_name[1:], *calendar.month_abbr[1:])]
_MONTH_RE = re.compile(r"\b(" + "|".join([*_MONTH_NAMES, "sept"]) + r")\b", re.IGNORECASE)
_NUMERIC_DATE_RE = re.compile(r"\b\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}\b")
_YEAR_RE = re.compile(r"\b\d{4}\b")
_DAY_RE = re.compile(r"\b\d{1,2}(st|nd|rd|th)?\b", re.IGNORECASE)


def _ordinal_to_digits(match: re.Match[str]) -> str:
    day = ORDINAL_WORDS[match.group(1).lower()]
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10 if day not in (11, 12, 13) else 0, "th")
    return f"{day}{suffix}"


def clean_date_text(text: str) -> str:
    """'this first day of March, 2024' -> '1st March, 2024' (what dateparser can read)."""
    with_digits = _ORDINAL_RE.sub(_ordinal_to_digits, text)
    without_filler = _DATE_FILLER_RE.sub(" ", with_digits)
    return " ".join(without_filler.split())


def missing_date_parts(text: str) -> list[str]:
    """Which of month, year, day the text visibly lacks (explains a refusal)."""
    if _NUMERIC_DATE_RE.search(text):
        return []
    missing = []
    if not _MONTH_RE.search(text):
        missing.append("month")
    if not _YEAR_RE.search(text):
        missing.append("year")
    if not _DAY_RE.search(text):
        missing.append("day")
    return missing


def _date_settings(date_order: str) -> dict[str, Any]:
    return {
        "DATE_ORDER": date_order,
        "PREFER_DAY_OF_MONTH": "first",
        # A contract date needs day, month and year; nothing may be filled in from today.
        "STRICT_PARSING": True,
        # Relative expressions ("tomorrow", "in 3 days") and timestamps are refused.
        "PARSERS": ["custom-formats", "absolute-time"],
    }


@functools.lru_cache(maxsize=CACHE_SIZE)
def _normalise_date(text: str, date_order: str) -> dict[str, Any]:
    cleaned = clean_date_text(text)
    parsed = dateparser.parse(cleaned, languages=["en"], settings=_date_settings(date_order))
    if parsed is not None:
        return {"status": "ok", "iso": parsed.date().isoformat()}
    missing = missing_date_parts(cleaned)
    if len(missing) == 3:
        return unparsed(f"not a date: {text!r}")
    if missing:
        return unparsed(f"no {' or '.join(missing)} in {text!r}")
    return unparsed(f"not a valid date: {text!r}")


def normalise_date(text: str, date_order: str = "MDY") -> dict[str, Any]:
    """A DATE mention as ``{"status": "ok", "iso": "YYYY-MM-DD"}`` or unparsed with why.

    ``date_order`` settles all-numeric dates such as 01/02/2024 ("MDY": 2 January).
    """
    if date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}, not {date_order!r}")
    return copy.deepcopy(_normalise_date(text, date_order))


# --------------------------------------------------------------------------- money

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


# --------------------------------------------------------------------------- jurisdictions

# Everyday names pycountry does not list (it knows "Russian Federation", not "Russia").
JURISDICTION_ALIASES = {
    "usa": "US", "u s": "US", "u s a": "US", "us": "US", "america": "US",
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB",
    "russia": "RU", "holland": "NL",
}  # fmt: skip
# "the State of", "Commonwealth of" ...: a unit that names a subdivision, not a country.
_SUBDIVISION_PREFIX_RE = re.compile(
    r"^(state|commonwealth|province|canton|territory|district|land|emirate|region)\s+of\s+"
)
_TRAILING_UNIT_RE = re.compile(r"\s+(state|province|canton)$")
_LEADING_NOISE_RE = re.compile(r"^(the\s+)?(laws?\s+of\s+(the\s+)?)?(the\s+)?")
_SPLIT_RE = re.compile(r"\s*(?:,|;|/|\band\b|&)\s*")
_CODE_IN_BRACKETS_RE = re.compile(r"\b[A-Z]{2}-[A-Z0-9]+\b")


@dataclass(frozen=True)
class Place:
    """One ISO 3166 entry: a country (alpha-2) or a subdivision (3166-2)."""

    code: str
    name: str
    country: str  # alpha-2 of the country it is in (itself for a country)
    is_country: bool


def _subdivision_names(raw: str) -> tuple[str, list[str]]:
    """'Wales [Cymru GB-CYM]' -> ('Wales', ['Wales', 'Cymru'])."""
    main, _, bracket = raw.partition("[")
    names = [main.strip()]
    alternative = _CODE_IN_BRACKETS_RE.sub("", bracket.rstrip("]")).strip()
    if alternative:
        names.append(alternative)
    return main.strip(), names


@functools.cache
def _place_index() -> dict[str, tuple[Place, ...]]:
    """Plain-text names of every country and subdivision -> the places so named."""
    index: dict[str, dict[str, Place]] = {}

    def add(name: str, place: Place) -> None:
        index.setdefault(plain_text(name), {})[place.code] = place

    for country in pycountry.countries:
        place = Place(country.alpha_2, country.name, country.alpha_2, True)
        for attr in ("name", "official_name", "common_name"):
            if getattr(country, attr, None):
                add(getattr(country, attr), place)
    for sub in pycountry.subdivisions:
        display, names = _subdivision_names(sub.name)
        place = Place(sub.code, display, sub.country_code, False)
        for name in names:
            add(name, place)
    for alias, code in JURISDICTION_ALIASES.items():
        aliased = pycountry.countries.lookup(code)
        add(alias, Place(code, aliased.name, code, True))
    return {key: tuple(places.values()) for key, places in index.items()}


@dataclass(frozen=True)
class _Resolved:
    place: Place | None
    alternatives: tuple[Place, ...] = ()
    reason: str | None = None


def _choose(candidates: Sequence[Place], preference: Sequence[str], text: str) -> _Resolved:
    """One place among namesakes: preferred countries first, then a country over a region."""
    if len(candidates) == 1:
        return _Resolved(candidates[0])
    for country in preference:
        preferred = [p for p in candidates if p.country == country]
        if len(preferred) == 1:
            return _Resolved(preferred[0], tuple(candidates))
    countries = [p for p in candidates if p.is_country]
    if len(countries) == 1:
        return _Resolved(countries[0], tuple(candidates))
    codes = ", ".join(p.code for p in candidates)
    return _Resolved(None, tuple(candidates), f"ambiguous {text!r}: {codes}")


def _resolve_one(text: str, preference: Sequence[str]) -> _Resolved:
    key = _LEADING_NOISE_RE.sub("", plain_text(text))
    index = _place_index()
    if key in index:
        return _choose(index[key], preference, text)
    unit = _SUBDIVISION_PREFIX_RE.match(key)
    stripped = _TRAILING_UNIT_RE.sub("", _SUBDIVISION_PREFIX_RE.sub("", key))
    candidates = index.get(stripped, ())
    if unit or stripped != key:
        # "State of Georgia" can only be a subdivision.
        candidates = tuple(p for p in candidates if not p.is_country)
    if candidates:
        return _choose(candidates, preference, text)
    return _Resolved(None, reason=f"unknown jurisdiction {text!r}")


def _jurisdiction_parts(text: str) -> list[str]:
    """'England and Wales' -> ['England', 'Wales'] (tried only when the whole is unknown)."""
    return [part for part in _SPLIT_RE.split(text) if part.strip()]


def _describe(resolved: Iterable[tuple[str, _Resolved]], preference: Sequence[str]) -> dict:
    places = []
    ambiguities = []
    for part, r in resolved:
        if r.place is None:
            return unparsed(r.reason or f"unknown jurisdiction {part!r}")
        places.append(r.place)
        if r.alternatives:
            ambiguities.append(
                {
                    "text": part,
                    "chosen": r.place.code,
                    "alternatives": [p.code for p in r.alternatives],
                    "preference": list(preference),
                }
            )
    link: dict[str, Any] = {
        "status": "ok",
        "codes": [p.code for p in places],
        "names": [p.name for p in places],
    }
    if ambiguities:
        link["ambiguous"] = ambiguities
    return link


@functools.lru_cache(maxsize=CACHE_SIZE)
def _normalise_jurisdiction(text: str, preference: tuple[str, ...]) -> dict[str, Any]:
    whole = _resolve_one(text, preference)
    if whole.place is not None or whole.alternatives:
        return _describe([(text, whole)], preference)
    parts = _jurisdiction_parts(text)
    if len(parts) < 2:
        return unparsed(whole.reason or f"unknown jurisdiction {text!r}")
    return _describe([(part, _resolve_one(part, preference)) for part in parts], preference)


def normalise_jurisdiction(
    text: str, country_preference: Sequence[str] | str = ("US",)
) -> dict[str, Any]:
    """A JURISDICTION mention as ISO 3166 codes and names.

    "the State of Delaware" -> US-DE; "England and Wales" -> GB-ENG, GB-WLS. A name shared
    by several places ("Georgia": GE or US-GA) is settled by ``country_preference``
    (alpha-2 codes, first wins) and listed under ``"ambiguous"``.
    """
    preference = (
        (country_preference,) if isinstance(country_preference, str) else country_preference
    )
    return copy.deepcopy(_normalise_jurisdiction(text, tuple(c.upper() for c in preference)))


def clear_caches() -> None:
    """Forget cached results (for tests and long-lived services that reload settings)."""
    _normalise_date.cache_clear()
    _normalise_money.cache_clear()
    _normalise_jurisdiction.cache_clear()
