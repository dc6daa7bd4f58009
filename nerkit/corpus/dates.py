"""Calendar dates written the ways contracts write them.

A DATE span is a calendar date as written — day, month and year in any order and
notation, or a month and year — without a leading article: in "on the 5th day of
January, 2024" the span is "5th day of January, 2024". Durations ("thirty (30) days"),
defined dates ("the Closing Date") and weekdays in definitions ("Business Day") are
not dates.
"""

from __future__ import annotations

import datetime as dt
import random

from nerkit.corpus.builder import Ent, Piece

_MONTH_ABBREVIATIONS = {9: "Sept."}


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def _abbreviated_month(d: dt.date) -> str:
    name = d.strftime("%B")
    if d.month in _MONTH_ABBREVIATIONS:
        return _MONTH_ABBREVIATIONS[d.month]
    return name if len(name) <= 4 else f"{name[:3]}."


# Each style: name -> (pattern, whether the span is preceded by "the "). The pattern's
# fields are those of date_fields().
DATE_STYLES: dict[str, tuple[str, bool]] = {
    "us_long": ("{month} {day}, {year}", False),  # January 5, 2024
    "uk_long": ("{day} {month} {year}", False),  # 5 January 2024
    "day_of": ("{nth} day of {month}, {year}", True),  # the 5th day of January, 2024
    "iso": ("{year}-{mm}-{dd}", False),  # 2024-01-05
    "us_numeric": ("{mm}/{dd}/{year}", False),  # 01/05/2024
    "uk_numeric": ("{dd}/{mm}/{year}", False),  # 05/01/2024
    "dotted": ("{dd}.{mm}.{year}", False),  # 05.01.2024
    "us_abbrev": ("{mon} {day}, {year}", False),  # Jan. 5, 2024
    "uk_ordinal": ("{nth} {month} {year}", False),  # 5th January 2024
    "us_ordinal": ("{month} {nth}, {year}", False),  # January 5th, 2024
    "month_year": ("{month} {year}", False),  # January 2024
}


def date_fields(d: dt.date) -> dict[str, str]:
    return {
        "day": str(d.day),
        "nth": ordinal(d.day),
        "dd": f"{d:%d}",
        "month": f"{d:%B}",
        "mon": _abbreviated_month(d),
        "mm": f"{d:%m}",
        "year": str(d.year),
    }


def format_date(d: dt.date, style: str) -> str:
    return DATE_STYLES[style][0].format(**date_fields(d))


# Styles a drafter in each tradition would pick as the document's main one.
HOUSE_STYLES = {
    "us": ("us_long", "us_long", "us_long", "day_of", "us_abbrev", "us_ordinal"),
    "uk": ("uk_long", "uk_long", "uk_ordinal", "day_of"),
    "continental": ("uk_long", "dotted", "iso"),
}
# Styles that fit a table cell or a form field.
TABLE_STYLES = ("iso", "us_numeric", "uk_numeric", "dotted", "us_long", "uk_long", "us_abbrev")


def date_pieces(d: dt.date, style: str) -> list[Piece]:
    """The date in ``style`` as pieces: the span, preceded by "the " where the style needs it."""
    span = Ent(format_date(d, style), "DATE")
    with_article = DATE_STYLES[style][1]
    return ["the ", span] if with_article else [span]


def numeric_style_for(tradition: str) -> str:
    return {"us": "us_numeric", "uk": "uk_numeric", "continental": "dotted"}[tradition]


def add_months(d: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's end (Jan 31 + 1 -> Feb 28/29)."""
    month_index = d.month - 1 + months
    year, month = d.year + month_index // 12, month_index % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def quarter_end_after(d: dt.date) -> dt.date:
    month = ((d.month - 1) // 3 + 1) * 3
    last_day = (dt.date(d.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(d.year, month, last_day)


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))
