"""Settings of ``python -m serve``.

Two layers:

* :class:`ServeStageSettings` — the structured-config schema Hydra checks
  ``conf/serve.yaml`` against (registered by ``__main__``), so a misspelt key fails at
  start-up;
* :class:`Settings` — the runtime settings the app factory takes: a frozen Pydantic model
  built from the Hydra config plus the API keys from the environment
  (:meth:`Settings.from_config`). Tests build it directly.

API keys are never read from a config file (it would end up in Hydra's output folder):
``NERKIT_API_KEY`` protects the prediction routes, ``NERKIT_ADMIN_KEY`` the admin routes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from nerkit.choices import Merge, Precision
from nerkit.settings import RegistrySettings, TrackingSettings
from nerkit.tracking import redact_uri

API_KEY_ENV = "NERKIT_API_KEY"
ADMIN_KEY_ENV = "NERKIT_ADMIN_KEY"
# An alias as MLflow allows it (letters, digits, '-' and '_'); never a URI or a path.
ALIAS_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
DEFAULT_ALIAS = "champion"


# --- the Hydra schema -------------------------------------------------------------------


@dataclass
class ModelSlotSettings:
    """One model the service runs: a registered model and alias, or a bundle folder."""

    name: str = "contract-ner"
    alias: str = DEFAULT_ALIAS
    # A bundle folder served as is (no registry); ``serve.bundle`` sets it for the first slot.
    bundle: str | None = None
    # Lower wins when two models' entities overlap and serve.merge=priority.
    priority: int = 0


@dataclass
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    bundle: str | None = None
    models: list[ModelSlotSettings] = field(default_factory=lambda: [ModelSlotSettings()])
    merge: Merge = Merge.priority
    cache_dir: str = "outputs/serve/cache"
    cache_keep: int = 3
    device: str = "auto"
    precision: Precision = Precision.auto
    cpu_threads: int | None = None
    compile: bool = False
    batch_tokens: int | None = None
    max_wait_ms: float = 5.0
    max_queue_windows: int = 65536
    max_queue_s: float = 2.0
    request_timeout_s: float = 60.0
    max_body_bytes: int = 8 * 1024 * 1024
    max_chars: int = 1_000_000
    max_batch_docs: int = 64
    enrich_default: bool = False
    warmup: bool = True
    retry_s: float = 30.0
    drain_s: float = 0.0
    graceful_timeout_s: float = 30.0
    log_level: str = "info"


@dataclass
class PostprocessSettings:
    rules: list[Any] = field(default_factory=list)


@dataclass
class ServeStageSettings:
    serve: ServeSettings = field(default_factory=ServeSettings)
    tracking: TrackingSettings = field(default_factory=TrackingSettings)
    registry: RegistrySettings = field(default_factory=RegistrySettings)
    kb: dict[str, Any] | None = None
    postprocess: PostprocessSettings = field(default_factory=PostprocessSettings)


# --- the runtime settings ---------------------------------------------------------------


def check_alias(alias: str) -> str:
    """``alias`` when it is a plain registry alias; ValueError naming the rule otherwise."""
    if not isinstance(alias, str) or not ALIAS_PATTERN.match(alias):
        raise ValueError(
            f"alias {alias!r} is not a registry alias (a letter, then up to 63 letters, "
            "digits, '-' or '_'); URIs and paths are not accepted"
        )
    return alias


class SlotSpec(BaseModel):
    """One configured model slot (see :class:`ModelSlotSettings`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(default="contract-ner", min_length=1, max_length=256)
    alias: str = DEFAULT_ALIAS
    bundle: Path | None = None
    priority: int = 0

    @field_validator("alias")
    @classmethod
    def _alias(cls, value: str) -> str:
        return check_alias(value)


class Settings(BaseModel):
    """Everything the app factory needs; frozen, so tests replace it rather than mutate it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    models: tuple[SlotSpec, ...] = (SlotSpec(),)
    merge: Merge = Merge.priority
    tracking_uri: str = "sqlite:///mlflow.db"
    cache_dir: Path = Path("outputs/serve/cache")
    cache_keep: int = Field(default=3, ge=1)
    device: str = "auto"
    precision: Precision = Precision.auto
    cpu_threads: int | None = Field(default=None, ge=1)  # None: every CPU this process may use
    compile: bool = False  # torch.compile (fp32/bf16/fp16): slower start, faster reading
    batch_tokens: int | None = Field(default=None, ge=1)  # None: by device
    max_wait_ms: float = Field(default=5.0, ge=0)
    max_queue_windows: int = Field(default=65536, ge=1)
    max_queue_s: float = Field(default=2.0, gt=0)
    request_timeout_s: float = Field(default=60.0, gt=0)
    max_body_bytes: int = Field(default=8 * 1024 * 1024, ge=1)
    max_chars: int = Field(default=1_000_000, ge=1)
    max_batch_docs: int = Field(default=64, ge=1)
    enrich_default: bool = False
    warmup: bool = True
    retry_s: float = Field(default=30.0, ge=0)  # 0: no background retry while nothing is loaded
    drain_s: float = Field(default=0.0, ge=0)
    kb: dict[str, Any] | None = None  # None: enrichment unavailable
    postprocess_rules: tuple[Any, ...] = ()
    api_key: SecretStr | None = None
    admin_key: SecretStr | None = None

    @field_validator("api_key", "admin_key", mode="before")
    @classmethod
    def _empty_key(cls, value: Any) -> Any:
        return None if value in ("", None) else value

    @model_validator(mode="after")
    def _slots(self) -> Settings:
        if not self.models:
            raise ValueError("serve.models is empty: configure at least one model")
        names = [m.name for m in self.models]
        if len(set(names)) != len(names):
            raise ValueError(f"serve.models names must be unique, got {names}")
        return self

    @property
    def open(self) -> bool:
        """No key configured at all: every route answers anyone."""
        return self.api_key is None and self.admin_key is None

    def slot(self, name: str) -> SlotSpec | None:
        return next((m for m in self.models if m.name == name), None)

    @classmethod
    def from_config(cls, cfg: Any, env: Mapping[str, str] | None = None) -> Settings:
        """From the composed Hydra config (``conf/serve.yaml``) and the environment."""
        from omegaconf import DictConfig, OmegaConf

        plain = OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else cfg
        if not isinstance(plain, Mapping):
            raise TypeError(f"expected a mapping config, got {type(plain).__name__}")
        serve = dict(plain.get("serve") or {})
        env = os.environ if env is None else env
        slots = [dict(s) for s in serve.get("models") or []]
        if serve.get("bundle"):
            if not slots:
                slots = [{}]
            slots[0]["bundle"] = serve["bundle"]
        tracking = plain.get("tracking") or {}
        postprocess = plain.get("postprocess") or {}
        values: dict[str, Any] = {
            "models": tuple(
                SlotSpec(**{k: v for k, v in s.items() if v is not None}) for s in slots
            ),
            "tracking_uri": tracking.get("uri", "sqlite:///mlflow.db"),
            "kb": plain.get("kb"),
            "postprocess_rules": tuple(postprocess.get("rules") or ()),
            "api_key": env.get(API_KEY_ENV),
            "admin_key": env.get(ADMIN_KEY_ENV),
        }
        for key in (
            "merge",
            "cache_dir",
            "cache_keep",
            "device",
            "precision",
            "cpu_threads",
            "compile",
            "batch_tokens",
            "max_wait_ms",
            "max_queue_windows",
            "max_queue_s",
            "request_timeout_s",
            "max_body_bytes",
            "max_chars",
            "max_batch_docs",
            "enrich_default",
            "warmup",
            "retry_s",
            "drain_s",
        ):
            if serve.get(key) is not None:
                values[key] = serve[key]
        return cls(**values)

    def describe(self) -> dict[str, Any]:
        """The settings as logged at start-up: keys shown only as set or not."""
        out = self.model_dump(exclude={"api_key", "admin_key", "kb", "postprocess_rules"})
        out["models"] = [m.model_dump(mode="json") for m in self.models]
        out["cache_dir"] = str(self.cache_dir)
        out["tracking_uri"] = redact_uri(self.tracking_uri)
        out["api_key"] = "set" if self.api_key else "not set"
        out["admin_key"] = "set" if self.admin_key else "not set"
        out["enrichment"] = "configured" if self.kb is not None else "off"
        out["postprocess_rules"] = len(self.postprocess_rules)
        return out
