"""The structured-config schema of ``python -m registry`` (registered by ``__main__``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from nerkit.settings import (
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
class RegistryStageSettings:
    action: Action = Action.list
    tracking: TrackingSettings = field(default_factory=TrackingSettings)
    registry: RegistrySettings = field(default_factory=RegistrySettings)
    # register: recorded in a bundle that records no post-processing chain of its own
    postprocess: PostprocessSettings = field(default_factory=PostprocessSettings)
    # register: the bundle folder, and optionally an existing run to log the model into
    bundle: str | None = None
    run_id: str | None = None
    # promote: a version number instead of @challenger; the test data for re-scoring
    version: int | None = None
    data: DataSettings | None = None
    split: str = "test"
    device: str = "auto"
    batch_tokens: int | None = None  # None: by device (nerkit.predictor)
    # reliability: probes of the store, and how long to wait for a version to be READY
    connect_attempts: int = 3
    await_s: float = 300.0
