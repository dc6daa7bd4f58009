"""A knowledge base of organisations and linking of ORG mentions to it.

The base is a CSV or JSONL file with ``id``, ``name``, ``aliases`` (``|``-separated in
CSV, a list or ``|``-string in JSONL) and optional ``lei`` and ``country``. A mention is
linked by its normalised name first (casefolded, punctuation and accents dropped, legal
suffix removed with cleanco: "Acme Holdings, Inc." == "ACME HOLDINGS INC"), then by
fuzzy matching with rapidfuzz above a threshold. Loading errors name file and line.
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
from cleanco import prepare_default_terms
from cleanco.clean import custom_basename, normalize_terms
from rapidfuzz import fuzz, process

from nerkit.documents import ProblemCollector
from nerkit.kb.lookup import plain_text
from nerkit.kb.settings import shipped

SCORERS: dict[str, Callable[..., float]] = {
    "token_sort_ratio": fuzz.token_sort_ratio,
    "token_set_ratio": fuzz.token_set_ratio,
    "WRatio": fuzz.WRatio,
    "ratio": fuzz.ratio,
}
# Legal forms cleanco does not list: US bank names carry "N.A." ("Citibank, N.A."), and
# contracts spell out forms cleanco only knows abbreviated.
EXTRA_LEGAL_TERMS = (
    "n.a.",
    "national association",
    "limited partnership",
    "public limited company",
    "aktiengesellschaft",
    "societe anonyme",
    "se",
)
_MAX_SUFFIX_PASSES = 3


@functools.cache
def legal_terms() -> list[tuple[int, list[str]]]:
    """cleanco's legal-suffix terms plus ours, in the (size, parts) form it expects."""
    extra = [
        (len(parts), parts) for parts in (t.split() for t in normalize_terms(EXTRA_LEGAL_TERMS))
    ]
    return sorted([*prepare_default_terms(), *extra], key=lambda term: (-term[0], term[1]))


def strip_legal_suffix(name: str) -> str:
    """'Goldman Sachs & Co. LLC' -> 'Goldman Sachs' (repeated: names stack suffixes)."""
    current = name.strip()
    for _ in range(_MAX_SUFFIX_PASSES):
        stripped = custom_basename(current, legal_terms(), suffix=True)
        if not stripped or stripped == current:
            break
        current = stripped
    return current


def normalise_name(name: str) -> str:
    """The key two spellings of one organisation share.

    A name that is nothing but a legal form ("Company") keeps it rather than becoming empty.
    """
    key = plain_text(strip_legal_suffix(name).replace(".", "").replace("'", ""))
    if key.startswith("the "):
        key = key[4:]
    return key or plain_text(name)


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    lei: str | None = None
    country: str | None = None

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class _Row:
    location: str
    values: Mapping[str, Any]


def _csv_rows(path: Path) -> Iterator[_Row]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"id", "name"} - set(reader.fieldnames or [])
        if missing:
            yield _Row("line 1", {"__error__": f"missing column(s): {', '.join(sorted(missing))}"})
            return
        for record in reader:
            yield _Row(f"line {reader.line_num}", record)


def _jsonl_rows(path: Path) -> Iterator[_Row]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield _Row(f"line {number}", {"__error__": f"invalid JSON: {exc.msg}"})
                continue
            if not isinstance(record, dict):
                yield _Row(f"line {number}", {"__error__": "expected a JSON object"})
                continue
            yield _Row(f"line {number}", record)


def _split_aliases(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else str(value).split("|")
    return tuple(str(a).strip() for a in items if str(a).strip())


def _optional(values: Mapping[str, Any], key: str) -> str | None:
    value = values.get(key)
    if value is None:
        return None
    return str(value).strip() or None


def _row_problems(values: Mapping[str, Any]) -> list[str]:
    if "__error__" in values:
        return [values["__error__"]]
    problems = [f"empty {key!r}" for key in ("id", "name") if not _optional(values, key)]
    country = _optional(values, "country")
    if country and pycountry.countries.get(alpha_2=country.upper()) is None:
        problems.append(f"country {country!r} is not an ISO 3166 alpha-2 code")
    lei = _optional(values, "lei")
    if lei and not (len(lei) == 20 and lei.isalnum()):
        problems.append(f"lei {lei!r} is not 20 letters and digits (ISO 17442)")
    return problems


def load_organisations(path: str | Path) -> list[Organisation]:
    """Read a CSV or JSONL knowledge base; raise one DataError listing every bad line."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"organisations knowledge base not found: {path}")
    readers = {".csv": _csv_rows, ".jsonl": _jsonl_rows, ".ndjson": _jsonl_rows}
    if path.suffix.lower() not in readers:
        raise ValueError(f"{path}: expected a .csv or .jsonl file")
    problems = ProblemCollector()
    organisations: list[Organisation] = []
    seen_ids: dict[str, str] = {}
    for row in readers[path.suffix.lower()](path):
        messages = _row_problems(row.values)
        org_id = _optional(row.values, "id")
        if org_id and org_id in seen_ids:
            messages.append(f"duplicate id {org_id!r} (first on {seen_ids[org_id]})")
        for message in messages:
            problems.add(str(path), row.location, None, message)
        if messages or org_id is None:
            continue
        seen_ids[org_id] = row.location
        country = _optional(row.values, "country")
        organisations.append(
            Organisation(
                id=org_id,
                name=str(row.values["name"]).strip(),
                aliases=_split_aliases(row.values.get("aliases")),
                lei=_optional(row.values, "lei"),
                country=country.upper() if country else None,
            )
        )
    _check_alias_clashes(organisations, seen_ids, path, problems)
    problems.raise_if_any()
    return organisations


def _check_alias_clashes(
    organisations: Sequence[Organisation],
    locations: Mapping[str, str],
    path: Path,
    problems: ProblemCollector,
) -> None:
    """One normalised name must lead to one organisation, or linking would pick at random."""
    owner: dict[str, str] = {}
    for org in organisations:
        for name in org.names():
            key = normalise_name(name)
            other = owner.setdefault(key, org.id)
            if other != org.id:
                problems.add(
                    str(path),
                    locations[org.id],
                    None,
                    f"name {name!r} normalises to {key!r}, already used by id {other!r}"
                    f" ({locations[other]})",
                )


@dataclass
class OrganisationKB:
    """Organisations indexed by normalised name, for exact then fuzzy linking."""

    organisations: list[Organisation]
    # None: as conf/kb/default.yaml ships them (fuzzy_threshold, fuzzy_scorer).
    threshold: float | None = None
    scorer: str | None = None
    _min_score: float = field(init=False, repr=False)
    _scorer: Callable[..., float] = field(init=False, repr=False)
    _by_key: dict[str, Organisation] = field(init=False, repr=False)
    _by_lei: dict[str, Organisation] = field(init=False, repr=False)
    _keys: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.threshold = threshold = float(shipped("fuzzy_threshold", self.threshold))
        self.scorer = scorer = str(shipped("fuzzy_scorer", self.scorer))
        if scorer not in SCORERS:
            raise ValueError(f"fuzzy scorer must be one of {', '.join(SCORERS)}, not {scorer!r}")
        if not 0 <= threshold <= 100:
            raise ValueError(f"fuzzy threshold must be within 0..100, not {threshold}")
        self._min_score, self._scorer = threshold, SCORERS[scorer]
        self._by_key = {}
        for org in self.organisations:
            for name in org.names():
                self._by_key.setdefault(normalise_name(name), org)
        self._by_lei = {org.lei.upper(): org for org in self.organisations if org.lei}
        self._keys = list(self._by_key)

    @classmethod
    def from_file(
        cls,
        path: str | Path,
        threshold: float | None = None,
        scorer: str | None = None,
    ) -> OrganisationKB:
        return cls(load_organisations(path), threshold=threshold, scorer=scorer)

    def __len__(self) -> int:
        return len(self.organisations)

    def link(self, mention: str) -> dict[str, Any]:
        """``{"status": "ok", "canonical", "id", "score", "method"}`` or ``not_found``."""
        by_lei = self._by_lei.get(mention.strip().upper())
        if by_lei is not None:
            return _link(by_lei, 100.0, "identifier", mention.strip())
        key = normalise_name(mention)
        exact = self._by_key.get(key)
        if exact is not None:
            return _link(exact, 100.0, "exact", key)
        return self._fuzzy_link(key)

    def _fuzzy_link(self, key: str) -> dict[str, Any]:
        best = process.extractOne(key, self._keys, scorer=self._scorer, processor=None)
        if best is None:
            return {"status": "not_found", "reason": "the knowledge base is empty"}
        matched, score, _ = best
        if score < self._min_score:
            return {
                "status": "not_found",
                "reason": f"best match {self._by_key[matched].name!r} scored"
                f" {score:.1f} < {self._min_score:g}",
            }
        return _link(self._by_key[matched], score, "fuzzy", matched)


def _link(org: Organisation, score: float, method: str, matched: str) -> dict[str, Any]:
    link: dict[str, Any] = {
        "status": "ok",
        "canonical": org.name,
        "id": org.id,
        "score": round(float(score), 1),
        "method": method,
        "matched": matched,
    }
    if org.lei:
        link["lei"] = org.lei
    if org.country:
        link["country"] = org.country
    return link
