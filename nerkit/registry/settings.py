"""The registry's shipped settings: conf/registry/default.yaml is their one home, with the
experiment in conf/tracking/local.yaml and the gate's split in conf/registry.yaml.

Library callers that leave a setting out (``connect(uri)``, ``register_bundle(bundle, uri,
name)``, ``list_versions(uri, name)``) get the value those files ship
(:func:`nerkit.settings.shipped_config`); the stages pass their configured values.
"""

from __future__ import annotations

from typing import Any

from nerkit.settings import shipped_config

REGISTRY_SETTINGS = "registry/default.yaml"
TRACKING_SETTINGS = "tracking/local.yaml"
REGISTRY_STAGE = "registry.yaml"


def shipped_settings() -> dict[str, Any]:
    """conf/registry/default.yaml as a plain dict."""
    return shipped_config(REGISTRY_SETTINGS)


def shipped(name: str, given: Any = None) -> Any:
    """``given``, or the shipped value of registry setting ``name`` when ``given`` is None."""
    return shipped_settings()[name] if given is None else given


def shipped_experiment(given: str | None = None) -> str:
    """``given``, or the experiment conf/tracking/local.yaml ships."""
    return str(shipped_config(TRACKING_SETTINGS)["experiment"] if given is None else given)


def shipped_split(given: str | None = None) -> str:
    """``given``, or the split the gate reads as conf/registry.yaml ships it."""
    return str(shipped_config(REGISTRY_STAGE)["split"] if given is None else given)
