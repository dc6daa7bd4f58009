"""The Hydra schema of ``python -m serve.batch`` (``conf/batch.yaml``) and its checks.

Types and ``???`` only: the values, each with why, are in ``conf/batch.yaml`` and the
groups it composes (``compute``, ``tracking``, ``registry``, ``kb``, ``postprocess``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nerkit.choices import Engine
from nerkit.settings import REQUIRED, CacheSettings, ComputeSettings, OutputSettings
from nerkit.settings import store_schema as store_named_schema
from serve.batch.inputs import BatchError
from serve.batch.shards import FORMATS

RAY_INSTALL = "pip install -e '.[ray]'"


@dataclass
class RaySettings:
    """``engine=ray``: where Ray runs and how the actor pool is shaped."""

    address: str | None = REQUIRED
    actors: int | None = REQUIRED
    cpus_per_actor: float = REQUIRED
    gpus_per_actor: float | None = REQUIRED
    batch_size: int | None = REQUIRED
    readers: int = REQUIRED
    working_dir: str | None = REQUIRED


@dataclass
class BatchSettings(OutputSettings, ComputeSettings, CacheSettings):
    """``conf/batch.yaml``; registered as ``batch_schema`` so a misspelt key fails."""

    input: str = REQUIRED
    output: str = REQUIRED
    format: str = REQUIRED
    model_uri: str | None = REQUIRED
    engine: Engine = REQUIRED
    workers: int | None = REQUIRED
    max_docs_in_flight: int = REQUIRED
    shard_docs: int = REQUIRED
    shard_seconds: float = REQUIRED
    enrich: bool = REQUIRED
    resume: bool = REQUIRED
    max_chars: int = REQUIRED
    ray: RaySettings = field(default_factory=RaySettings)


def store_schema() -> None:
    """Register :class:`BatchSettings` with Hydra's ConfigStore (``batch_schema``)."""
    store_named_schema("batch_schema", BatchSettings)


def model_argument_as_uri(argv: list[str]) -> list[str]:
    """Read ``model=X`` as ``model_uri=X`` (``model`` is the training model group)."""
    return [f"model_uri={a[len('model=') :]}" if a.startswith("model=") else a for a in argv]


def positive(cfg: Any, *names: str, prefix: str = "") -> None:
    for name in names:
        value = getattr(cfg, name)
        if value is not None and value <= 0:
            raise BatchError(f"{prefix}{name}={value} must be positive")


def check_settings(cfg: BatchSettings) -> None:
    """Settings that are wrong whatever the input (BatchError, before anything is read)."""
    if cfg.format not in ("auto", *FORMATS):
        raise BatchError(f"format={cfg.format!r} is not auto, jsonl or parquet")
    positive(cfg, "shard_docs", "shard_seconds", "max_docs_in_flight", "max_chars", "cache_keep")
    positive(cfg, "workers", "batch_tokens")
    if cfg.enrich and cfg.kb is None:
        raise BatchError("enrich=true needs a knowledge base: use kb=default (conf/kb)")
    if cfg.engine == Engine.ray:
        check_ray_settings(cfg.ray)


def check_ray_settings(ray_cfg: RaySettings) -> None:
    try:
        import ray.data  # noqa: F401
    except ImportError:
        raise BatchError(
            f"engine=ray needs Ray Data, an optional extra: {RAY_INSTALL} (or run on one "
            "machine with engine=local)"
        ) from None
    positive(ray_cfg, "actors", "cpus_per_actor", "batch_size", "readers", prefix="ray.")
    if ray_cfg.gpus_per_actor is not None and ray_cfg.gpus_per_actor < 0:
        raise BatchError(f"ray.gpus_per_actor={ray_cfg.gpus_per_actor} must be 0 or more")
