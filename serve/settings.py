"""Settings of ``python -m serve``.

One home per value: ``conf/serve.yaml`` (and the groups it composes: ``compute`` under
``serve``, ``tracking``, ``registry``, ``kb``, ``postprocess``) holds every value with its
comment. Two layers read it:

* :class:`ServeStageSettings` — the structured-config schema Hydra checks the composed
  config against (registered by ``__main__``): types and ``???`` only, so a misspelt key
  or a value of the wrong type fails at start-up;
* :class:`Settings` — the runtime settings the app factory takes: a frozen Pydantic model
  with the bounds, built from the composed config plus the API keys
  (:meth:`Settings.from_config`). A field not given takes its value from the YAML
  (:func:`configured`), so ``Settings(device="cpu")`` is the shipped service on the CPU.

API keys come from the environment only, through pydantic-settings (:class:`ServeKeys`,
prefix ``NERKIT_``), never from a config file (it would end up in Hydra's output folder):
``NERKIT_API_KEY`` protects the prediction routes, ``NERKIT_ADMIN_KEY`` the admin routes.
An empty key, however it arrives (environment, ``env`` mapping, constructor), is no key:
the one check is :data:`Key`'s validator, on every field that holds a key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsConfigDict

from nerkit.choices import Merge, Precision
from nerkit.registry.store import CHAMPION
from nerkit.settings import (
    CONF,
    REQUIRED,
    CacheSettings,
    ComputeSettings,
    OutputSettings,
    typed,
)
from nerkit.settings import store_schema as store_named_schema
from nerkit.tracking import redact_uri

# The one prefix of the environment variables the service reads (pydantic-settings).
ENV_PREFIX = "NERKIT_"
API_KEY_ENV = f"{ENV_PREFIX}API_KEY"
ADMIN_KEY_ENV = f"{ENV_PREFIX}ADMIN_KEY"
# An alias as MLflow allows it (letters, digits, '-' and '_'); never a URI or a path.
ALIAS_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


# --- the Hydra schema -------------------------------------------------------------------


@dataclass
class ModelSlotSettings:
    """One model the service runs: a registered model and alias, or a bundle folder.

    A list element, which no YAML can give defaults to: what a slot leaves out (None)
    takes :class:`SlotSpec`'s value."""

    name: str = REQUIRED
    alias: str | None = None
    # A bundle folder served as is (no registry); ``serve.bundle`` sets it for the first slot.
    bundle: str | None = None
    # Lower wins when two models' entities overlap and serve.merge=priority.
    priority: int | None = None


@dataclass
class ServeSettings(ComputeSettings, CacheSettings):
    host: str = REQUIRED
    port: int = REQUIRED
    bundle: str | None = REQUIRED
    models: list[ModelSlotSettings] = REQUIRED
    merge: Merge = REQUIRED
    cpu_threads: int | None = REQUIRED
    max_wait_ms: float = REQUIRED
    max_queue_windows: int = REQUIRED
    max_queue_s: float = REQUIRED
    request_timeout_s: float = REQUIRED
    max_body_bytes: int = REQUIRED
    max_chars: int = REQUIRED
    max_batch_docs: int = REQUIRED
    enrich_default: bool = REQUIRED
    warmup: bool = REQUIRED
    retry_s: float = REQUIRED
    drain_s: float = REQUIRED
    graceful_timeout_s: float = REQUIRED
    log_level: str = REQUIRED


@dataclass
class ServeStageSettings(OutputSettings):
    serve: ServeSettings = field(default_factory=ServeSettings)


def store_schema() -> None:
    """Register :class:`ServeStageSettings` with Hydra's ConfigStore (``serve_schema``)."""
    store_named_schema("serve_schema", ServeStageSettings)


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
    """One configured model slot (see :class:`ModelSlotSettings`): what a slot leaves out
    is the registry's champion alias, at priority 0."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=256)
    alias: str = CHAMPION
    bundle: Path | None = None
    priority: int = 0

    @field_validator("alias")
    @classmethod
    def _alias(cls, value: str) -> str:
        return check_alias(value)


def no_empty_key(value: Any) -> Any:
    """None for an empty key (``""`` or an empty SecretStr): an empty variable is not set."""
    secret = value.get_secret_value() if isinstance(value, SecretStr) else value
    return None if secret in ("", None) else value


# An API key field: empty is the same as not set, whichever way the value came in.
Key = Annotated[SecretStr | None, BeforeValidator(no_empty_key)]


class ServeKeys(BaseSettings):
    """The API keys, from the environment only: ``NERKIT_API_KEY``, ``NERKIT_ADMIN_KEY``
    (an empty variable counts as not set)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    api_key: Key = None
    admin_key: Key = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServeKeys:
        """From the process environment, or from ``env`` alone when it is given."""
        if env is None:
            return cls()
        source = EnvSettingsSource(cls)
        source.env_vars = {k.lower(): v for k, v in env.items()}
        return cls.model_validate(source())


class Settings(BaseModel):
    """Everything the app factory needs; frozen, so tests replace it rather than mutate it.

    The bounds are here, the values in the YAML: a field not given takes the value
    ``conf/serve.yaml`` composes to (:func:`configured`); ``kb`` (None: no enrichment),
    ``postprocess_rules`` (none) and the keys (not set) are only what is given."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    models: tuple[SlotSpec, ...]
    merge: Merge
    tracking_uri: str
    cache_dir: Path
    cache_keep: int = Field(ge=1)
    device: str
    precision: Precision
    cpu_threads: int | None = Field(ge=1)  # None: every CPU this process may use
    compile: bool  # torch.compile (fp32/bf16/fp16): slower start, faster reading
    batch_tokens: int | None = Field(ge=1)  # None: by device
    max_wait_ms: float = Field(ge=0)
    max_queue_windows: int = Field(ge=1)
    max_queue_s: float = Field(gt=0)
    request_timeout_s: float = Field(gt=0)
    max_body_bytes: int = Field(ge=1)
    max_chars: int = Field(ge=1)
    max_batch_docs: int = Field(ge=1)
    enrich_default: bool
    warmup: bool
    retry_s: float = Field(ge=0)  # 0: no background retry while nothing is loaded
    drain_s: float = Field(ge=0)
    kb: dict[str, Any] | None = None  # None: enrichment unavailable
    postprocess_rules: tuple[Any, ...] = ()
    api_key: Key = None
    admin_key: Key = None

    @model_validator(mode="before")
    @classmethod
    def _configured(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        missing = [n for n, f in cls.model_fields.items() if f.is_required() and n not in data]
        if not missing:
            return data
        values = configured()
        return {**{name: values[name] for name in missing}, **data}

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
        """From the composed Hydra config (``conf/serve.yaml``) and the environment's keys
        (``env`` instead of the process environment when given)."""
        stage = typed(cfg, ServeStageSettings)
        keys = ServeKeys.from_env(env)
        return cls(
            **runtime_values(stage),
            kb=stage.kb,
            postprocess_rules=tuple(stage.postprocess.rules),
            api_key=keys.api_key,
            admin_key=keys.admin_key,
        )

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


def runtime_values(stage: ServeStageSettings) -> dict[str, Any]:
    """The :class:`Settings` fields the ``serve`` section and the tracking group give: every
    field of the same name, the model slots (``serve.bundle`` in the first) and the URI."""
    serve = stage.serve
    slots = [
        {f.name: getattr(s, f.name) for f in fields(s) if getattr(s, f.name) is not None}
        for s in serve.models
    ]
    if serve.bundle:
        slots = slots or [{"name": stage.registry.model_name}]
        slots[0]["bundle"] = serve.bundle
    same = {
        f.name: getattr(serve, f.name) for f in fields(serve) if f.name in Settings.model_fields
    }
    same["models"] = tuple(SlotSpec(**s) for s in slots)
    return {**same, "tracking_uri": stage.tracking.uri}


@functools.cache
def _composed_values() -> tuple[tuple[str, Any], ...]:
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.initialize import get_gh_backup, restore_gh_from_backup

    store_schema()
    running = get_gh_backup()  # a Hydra app or a test's initialize block: put back after
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
            cfg = compose("serve")
    finally:
        restore_gh_from_backup(running)
    return tuple(runtime_values(typed(cfg, ServeStageSettings)).items())


def configured() -> dict[str, Any]:
    """What ``conf/serve.yaml`` composes to with no override, as :class:`Settings` fields
    (read once per process)."""
    return dict(_composed_values())
