"""The structured-config schema of ``python -m registry`` (registered by ``__main__``).

Types and ``???`` only: the values, each with why, are in ``conf/registry.yaml`` and the
groups it composes (``compute``, ``tracking``, ``registry``, ``postprocess``, ``data``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from nerkit.settings import (
    REQUIRED,
    ComputeSettings,
    DataSettings,
    PostprocessSettings,
    RegistrySettings,
    TrackingSettings,
)


class Action(Enum):
    register = "register"
    promote = "promote"
    rollback = "rollback"
    list = "list"


@dataclass
class RegistryStageSettings(ComputeSettings):
    action: Action = REQUIRED
    tracking: TrackingSettings = field(default_factory=TrackingSettings)
    registry: RegistrySettings = field(default_factory=RegistrySettings)
    # register: recorded in a bundle that records no post-processing chain of its own
    postprocess: PostprocessSettings = field(default_factory=PostprocessSettings)
    # register: the bundle folder, and optionally an existing run to log the model into
    bundle: str | None = REQUIRED
    run_id: str | None = REQUIRED
    # promote: a version number instead of @challenger; the test data for re-scoring
    # (None: no data group given)
    version: int | None = REQUIRED
    data: DataSettings | None = None
    split: str = REQUIRED
