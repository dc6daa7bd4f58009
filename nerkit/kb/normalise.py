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

from nerkit.kb import dates, jurisdictions, money
from nerkit.kb.dates import DATE_ORDERS, normalise_date
from nerkit.kb.jurisdictions import normalise_jurisdiction
from nerkit.kb.money import normalise_money

__all__ = [
    "DATE_ORDERS",
    "clear_caches",
    "normalise_date",
    "normalise_jurisdiction",
    "normalise_money",
]


def clear_caches() -> None:
    """Forget cached results (for tests and long-lived services that reload settings)."""
    dates._normalise_date.cache_clear()
    money._normalise_money.cache_clear()
    jurisdictions._normalise_jurisdiction.cache_clear()
