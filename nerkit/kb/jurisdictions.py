"""JURISDICTION mentions to ISO 3166 codes: ``{"codes": ["US-DE"], "names": ["Delaware"]}``.

pycountry lists every country and subdivision; a name shared by several places is settled
by a country preference, and the result says so under ``"ambiguous"``.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pycountry

from nerkit.kb.lookup import CACHE_SIZE, plain_text, unparsed

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
