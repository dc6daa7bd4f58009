"""The knowledge base's shipped settings: conf/kb/default.yaml is their one home.

Library callers that leave a setting out (``Enricher()``, ``OrganisationKB(orgs)``) get the
value that file ships, read once per process.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import nerkit

REPO_ROOT = Path(nerkit.__file__).resolve().parents[1]
KB_SETTINGS = "conf/kb/default.yaml"


@functools.cache
def shipped_settings() -> dict[str, Any]:
    """conf/kb/default.yaml as a plain dict."""
    from omegaconf import OmegaConf

    loaded = OmegaConf.to_container(OmegaConf.load(REPO_ROOT / KB_SETTINGS))
    if not isinstance(loaded, dict):
        raise ValueError(f"{KB_SETTINGS}: expected a mapping of settings")
    return {str(k): v for k, v in loaded.items()}


def shipped(name: str, given: Any = None) -> Any:
    """``given``, or the shipped value of setting ``name`` when ``given`` is None."""
    return shipped_settings()[name] if given is None else given
