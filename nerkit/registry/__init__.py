"""The model registry library: register, promote (gated), roll back and list versions.

By responsibility:

* :mod:`nerkit.registry.store` — connecting, reading versions and aliases, verifying, tags;
* :mod:`nerkit.registry.register` — logging a bundle as a pyfunc model and registering it;
* :mod:`nerkit.registry.promote` — the gate (both versions re-scored here), promotion, rollback;
* :mod:`nerkit.registry.gate` — the gate's rules, as plain functions over figures;
* :mod:`nerkit.registry.listing` — the versions table;
* :mod:`nerkit.registry.settings` — the shipped values of what a caller leaves out.

Their public names are importable from here. Importing this package does not import MLflow;
the functions do, when called.
"""

from nerkit.registry import store
from nerkit.registry.gate import gate_keywords, gate_settings
from nerkit.registry.listing import format_versions, list_versions
from nerkit.registry.promote import (
    promote,
    rescore_version,
    rollback,
    score_version,
)
from nerkit.registry.register import register_bundle, settle_challenger, version_tags
from nerkit.registry.store import *  # noqa: F403  (aliases, tags, errors, versions: its __all__)

__all__ = [
    "format_versions",
    "gate_keywords",
    "gate_settings",
    "list_versions",
    "promote",
    "register_bundle",
    "rescore_version",
    "rollback",
    "score_version",
    "settle_challenger",
    "version_tags",
]
__all__ += store.__all__
