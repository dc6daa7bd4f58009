"""The registry, by responsibility (this module gathers their public names):

* :mod:`nerkit.registry.store` — connecting, reading versions and aliases, verifying, tags;
* :mod:`nerkit.registry.register` — logging a bundle as a pyfunc model and registering it;
* :mod:`nerkit.registry.promote` — the gate (both versions re-scored here), promotion, rollback;
* :mod:`nerkit.registry.listing` — the versions table.
"""

from __future__ import annotations

from nerkit.registry.listing import format_versions, list_versions
from nerkit.registry.promote import promote, rescore_version, rollback, score_version
from nerkit.registry.register import register_bundle, settle_challenger, version_tags
from nerkit.registry.store import (
    CHALLENGER,
    CHAMPION,
    PREVIOUS,
    TAG_DECISION,
    TAG_FIGURES,
    TAG_LAST_DECISION,
    TAG_POSTPROCESS,
    TAG_POSTPROCESS_DIGEST,
    TAG_SHA,
    TAG_STATE,
    TAG_TEST_FP,
    TAG_TRAIN_FP,
    ChecksumMismatch,
    Decision,
    PromotionRefused,
    RegistrationError,
    RegistryError,
    RegistryUnreachable,
    aliases_of,
    connect,
    figures_tag,
    record_decision,
    recorded_figures,
    set_alias,
    verify_version,
    version_by_alias,
)

__all__ = [
    "CHALLENGER",
    "CHAMPION",
    "PREVIOUS",
    "TAG_DECISION",
    "TAG_FIGURES",
    "TAG_LAST_DECISION",
    "TAG_POSTPROCESS",
    "TAG_POSTPROCESS_DIGEST",
    "TAG_SHA",
    "TAG_STATE",
    "TAG_TEST_FP",
    "TAG_TRAIN_FP",
    "ChecksumMismatch",
    "Decision",
    "PromotionRefused",
    "RegistrationError",
    "RegistryError",
    "RegistryUnreachable",
    "aliases_of",
    "connect",
    "figures_tag",
    "format_versions",
    "list_versions",
    "promote",
    "record_decision",
    "recorded_figures",
    "register_bundle",
    "rescore_version",
    "rollback",
    "score_version",
    "set_alias",
    "settle_challenger",
    "verify_version",
    "version_by_alias",
    "version_tags",
]
