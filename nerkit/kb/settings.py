"""The knowledge base's shipped settings: conf/kb/default.yaml is their one home.

Library callers that leave a setting out (``Enricher()``, ``OrganisationKB(orgs)``) get the
value that file ships (:func:`nerkit.settings.shipped_config`).
"""

from __future__ import annotations

from typing import Any

from nerkit.settings import shipped_config

KB_SETTINGS = "kb/default.yaml"


def shipped_settings() -> dict[str, Any]:
    """conf/kb/default.yaml as a plain dict."""
    return shipped_config(KB_SETTINGS)


def shipped(name: str, given: Any = None) -> Any:
    """``given``, or the shipped value of setting ``name`` when ``given`` is None."""
    return shipped_settings()[name] if given is None else given
