"""DATE mentions to ISO 8601: ``{"status": "ok", "iso": "2024-01-05"}``.

dateparser reads the date, strictly: day, month and year are all required, and relative
dates such as "tomorrow" are refused. Contract wording it does not understand ("this
first day of March") is rewritten first; a refusal says which part is missing.
"""

from __future__ import annotations

import calendar
import copy
import functools
import re
from typing import Any

import dateparser

from nerkit.kb.lookup import CACHE_SIZE, unparsed

DATE_ORDERS = ("MDY", "DMY", "YMD", "YDM", "DYM", "MYD")


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
