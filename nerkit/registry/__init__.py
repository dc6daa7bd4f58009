"""The model registry library: register, promote (gated), roll back and list versions.

Importing this package does not import MLflow; the functions do, when called.
"""

from nerkit.registry.core import (
    CHALLENGER,
    CHAMPION,
    PREVIOUS,
    ChecksumMismatch,
    Decision,
    PromotionRefused,
    RegistrationError,
    RegistryError,
    RegistryUnreachable,
    list_versions,
    promote,
    register_bundle,
    rescore_version,
    rollback,
    verify_version,
)

__all__ = [
    "CHALLENGER",
    "CHAMPION",
    "PREVIOUS",
    "ChecksumMismatch",
    "Decision",
    "PromotionRefused",
    "RegistrationError",
    "RegistryError",
    "RegistryUnreachable",
    "list_versions",
    "promote",
    "register_bundle",
    "rescore_version",
    "rollback",
    "verify_version",
]
