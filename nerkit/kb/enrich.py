"""Put knowledge-base links and normalised values on predicted entities.

``Enricher.enrich(text, entities)`` adds ``extra["link"]`` to each ORG, DATE, MONEY and
JURISDICTION entity (other labels, PERSON included, pass through untouched):

- ORG: ``{"status": "ok", "canonical", "id", "score", "method": "exact"|"fuzzy"|...}``
  or ``{"status": "not_found", "reason"}``
- DATE: ``{"status": "ok", "iso": "2024-01-05"}``
- MONEY: ``{"status": "ok", "amount": 2000000, "currency": "USD"}``
- JURISDICTION: ``{"status": "ok", "codes": ["US-DE"], "names": ["Delaware"]}``

Anything that cannot be normalised gets ``{"status": "unparsed", "reason": ...}``.
``group_mentions`` then folds repeated mentions of one linked entity together.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nerkit.documents import Entity
from nerkit.kb.normalise import (
    DATE_ORDERS,
    normalise_date,
    normalise_jurisdiction,
    normalise_money,
)
from nerkit.kb.organisations import OrganisationKB
from nerkit.kb.settings import shipped, shipped_settings
from nerkit.postprocess import check_offsets
from nerkit.settings import resolve_path


@dataclass(frozen=True)
class KBConfig:
    """The settings conf/kb/default.yaml holds; ``organisations: null`` turns ORG linking off.
    No values here: what a mapping leaves out comes from that file."""

    organisations: str | None
    fuzzy_threshold: float
    fuzzy_scorer: str
    date_order: str
    country_preference: tuple[str, ...]
    cache_size: int

    @classmethod
    def from_mapping(cls, cfg: Mapping[str, Any] | None) -> KBConfig:
        """A plain dict (or an OmegaConf DictConfig) over the shipped settings; unknown keys
        are an error, not ignored."""
        values = dict(cfg or {})
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(
                f"unknown kb setting(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})"
            )
        values = {**shipped_settings(), **values}
        preference = values["country_preference"]
        values["country_preference"] = (
            (preference,) if isinstance(preference, str) else tuple(preference)
        )
        return cls(**values)


class Enricher:
    """Links organisations and normalises dates, money and jurisdictions on entities."""

    def __init__(
        self,
        organisations: OrganisationKB | None = None,
        date_order: str | None = None,
        country_preference: Sequence[str] | str | None = None,
        cache_size: int | None = None,
    ) -> None:
        """A setting left as None is conf/kb/default.yaml's (nerkit.kb.settings)."""
        date_order = shipped("date_order", date_order)
        country_preference = shipped("country_preference", country_preference)
        if date_order not in DATE_ORDERS:
            raise ValueError(
                f"date_order must be one of {', '.join(DATE_ORDERS)}, not {date_order!r}"
            )
        self.organisations = organisations
        self.date_order = date_order
        preference = (
            (country_preference,) if isinstance(country_preference, str) else country_preference
        )
        self.country_preference = tuple(code.upper() for code in preference)
        # Per instance (not a method decorator) so each knowledge base has its own cache
        # and the cache goes away with the enricher.
        self._link_org: Callable[[str], dict[str, Any]] = functools.lru_cache(
            maxsize=shipped("cache_size", cache_size)
        )(self._link_org_uncached)

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any] | None = None) -> Enricher:
        """Build from conf/kb settings as a plain mapping (no Hydra needed)."""
        config = KBConfig.from_mapping(cfg)
        organisations = None
        if config.organisations:
            organisations = OrganisationKB.from_file(
                resolve_path(config.organisations, must_exist=True),
                threshold=config.fuzzy_threshold,
                scorer=config.fuzzy_scorer,
            )
        return cls(
            organisations,
            date_order=config.date_order,
            country_preference=config.country_preference,
            cache_size=config.cache_size,
        )

    def _link_org_uncached(self, mention: str) -> dict[str, Any]:
        if self.organisations is None:
            return {"status": "not_found", "reason": "no organisations knowledge base configured"}
        return self.organisations.link(mention)

    def link(self, label: str, mention: str) -> dict[str, Any] | None:
        """The link for one mention, or None for a label that is not enriched."""
        if label == "ORG":
            return dict(self._link_org(mention))
        if label == "DATE":
            return normalise_date(mention, self.date_order)
        if label == "MONEY":
            return normalise_money(mention)
        if label == "JURISDICTION":
            return normalise_jurisdiction(mention, self.country_preference)
        return None

    def enrich(self, text: str, entities: list[Entity]) -> list[Entity]:
        """New entities with ``extra["link"]`` set; the ones given are left unchanged."""
        check_offsets(text, entities)
        enriched = []
        for entity in entities:
            link = self.link(entity.label, entity.text)
            if link is None:
                enriched.append(entity)
            else:
                enriched.append(dataclasses.replace(entity, extra={**entity.extra, "link": link}))
        return enriched

    @staticmethod
    def group_mentions(entities: Sequence[Entity]) -> list[dict[str, Any]]:
        return group_mentions(entities)


def link_key(label: str, link: Mapping[str, Any]) -> tuple[str, str] | None:
    """(id, canonical form) shared by every mention of one linked entity, else None."""
    if link.get("status") != "ok":
        return None
    if label == "ORG":
        return str(link["id"]), str(link["canonical"])
    if label == "DATE":
        return str(link["iso"]), str(link["iso"])
    if label == "MONEY":
        value = f"{link['amount']} {link['currency']}"
        return value, value
    if label == "JURISDICTION":
        return "+".join(link["codes"]), " and ".join(link["names"])
    return None


def group_mentions(entities: Sequence[Entity]) -> list[dict[str, Any]]:
    """Linked entities of one document grouped: ``{"id", "label", "canonical", "count",
    "first_offset", "texts"}`` in order of first appearance.

    Only successfully linked mentions are grouped (not_found and unparsed ones have no
    identity to share).
    """
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for entity in sorted(entities, key=lambda e: (e.start, e.end)):
        link = entity.extra.get("link")
        key = link_key(entity.label, link) if isinstance(link, Mapping) else None
        if key is None:
            continue
        identity, canonical = key
        group = groups.setdefault(
            (entity.label, identity),
            {
                "id": identity,
                "label": entity.label,
                "canonical": canonical,
                "count": 0,
                "first_offset": entity.start,
                "texts": [],
            },
        )
        group["count"] += 1
        if entity.text not in group["texts"]:
            group["texts"].append(entity.text)
    return list(groups.values())
