"""Closed choices as enums: the one place each list of allowed values is written.

They are ``StrEnum``: a member equals its string (``Precision.bf16 == "bf16"``) and prints
as it, so configs, JSON and logs read as before, while Hydra's structured configs and
pydantic reject anything else where input enters, naming the allowed values.
"""

from __future__ import annotations

from enum import StrEnum


class Precision(StrEnum):
    """How a model reads: ``auto`` picks what the device runs natively (nerkit.devices)."""

    auto = "auto"
    fp32 = "fp32"
    bf16 = "bf16"
    fp16 = "fp16"
    int8 = "int8"


class TrainingPrecision(StrEnum):
    """How a model trains: bf16 mixed precision where native (``auto``), or fp32."""

    auto = "auto"
    bf16 = "bf16"
    fp32 = "fp32"


class Aggregation(StrEnum):
    """How a word's tag scores come from its word-pieces (nerkit.decoding)."""

    first = "first"
    average = "average"
    max = "max"


class Merge(StrEnum):
    """Which entity wins where several served models overlap (serve.models.merge_entities)."""

    priority = "priority"
    score = "score"


class Engine(StrEnum):
    """Where python -m serve.batch runs: this process, or Ray Data."""

    local = "local"
    ray = "ray"


class Stage(StrEnum):
    """What python -m train does: fine-tune a tagger, or pretrain its encoder (MLM)."""

    finetune = "finetune"
    pretrain = "pretrain"
