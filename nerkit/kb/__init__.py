"""Knowledge-base enrichment: organisation linking and date / money / jurisdiction
normalisation for predicted entities. See :class:`nerkit.kb.enrich.Enricher`."""

from nerkit.kb.enrich import Enricher, KBConfig, group_mentions
from nerkit.kb.normalise import normalise_date, normalise_jurisdiction, normalise_money
from nerkit.kb.organisations import (
    Organisation,
    OrganisationKB,
    load_organisations,
    normalise_name,
)

__all__ = [
    "Enricher",
    "KBConfig",
    "Organisation",
    "OrganisationKB",
    "group_mentions",
    "load_organisations",
    "normalise_date",
    "normalise_jurisdiction",
    "normalise_money",
    "normalise_name",
]
