"""Structured-config schemas shared by the stages: types and required markers, no values.

Plain dataclasses (no Hydra import here): each stage's ``__main__`` registers its schema
with Hydra's ConfigStore, so a misspelt key or a value of the wrong type fails at start-up
instead of being ignored. Every value lives once, with the comment that says why, in the
YAML under ``conf/``; a field here is either ``REQUIRED`` (``???``: the YAML or the
command line gives it) or ``None`` where an option of its group may leave it out (the
``files`` data group has no ``n_docs``; a stage that runs no post-processing has no
``postprocess``). ``tests/test_settings.py`` fails when a value is written here as well.

:func:`typed` turns the composed config into these dataclasses once, at a stage's entry
point, so the code below it reads typed attributes instead of casting config nodes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from nerkit.choices import Aggregation, Precision, Stage, TrainingPrecision

REQUIRED: Any = "???"
T = TypeVar("T")
# The checkout nerkit runs from, and its configs: relative data and knowledge-base paths
# are also looked up from here when the working directory does not hold them.
REPO_ROOT = Path(__file__).resolve().parents[1]
CONF = REPO_ROOT / "conf"


@functools.cache
def shipped_config(relative: str) -> dict[str, Any]:
    """``conf/<relative>`` as the project ships it, a plain dict read once per process: the
    values library callers without Hydra get (do not modify the dict)."""
    from omegaconf import OmegaConf

    loaded = OmegaConf.to_container(OmegaConf.load(CONF / relative), resolve=True)
    if not isinstance(loaded, dict):
        raise ValueError(f"conf/{relative}: expected a mapping of settings")
    return {str(k): v for k, v in loaded.items()}


def resolve_path(path: str | Path, *, must_exist: bool = False) -> Path:
    """A relative path from the working directory when it is there, else from the
    repository root when it is there; an absolute path as it is. A path found in neither
    comes back as given (its reader names it), or with ``must_exist`` is a
    FileNotFoundError saying where it was looked for."""
    candidate = Path(path).expanduser()
    if candidate.is_absolute() or candidate.exists():
        return candidate
    from_root = REPO_ROOT / candidate
    if from_root.exists():
        return from_root
    if must_exist:
        raise FileNotFoundError(f"{path}: not found in {Path.cwd()} nor in {REPO_ROOT}")
    return candidate


def typed(cfg: Any, schema: type[T]) -> T:
    """``cfg`` (a config composed over ``schema``) as a ``schema`` instance, interpolations
    resolved; an instance is returned as it is. A value still ``???`` is an error naming
    its key (omegaconf's MissingMandatoryValue), before any work starts."""
    if isinstance(cfg, schema):
        return cfg
    from omegaconf import OmegaConf

    obj = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(schema), cfg))
    if not isinstance(obj, schema):
        raise TypeError(f"expected a {schema.__name__} config, got {type(obj).__name__}")
    return obj


@dataclass
class ComputeSettings:
    """conf/compute: where and how models read (train, evaluate, registry, serve, batch)."""

    device: str = REQUIRED
    precision: Precision = REQUIRED
    batch_tokens: int | None = REQUIRED  # None: by device (nerkit.predictor)
    compile: bool = REQUIRED

    def engine_options(self) -> dict[str, Any]:
        """The keywords every engine entry point takes (``Predictor``, ``score_bundle``)."""
        return {
            "device": self.device,
            "precision": self.precision,
            "batch_tokens": self.batch_tokens,
            "compile": self.compile,
        }


@dataclass
class CacheSettings:
    """conf/cache: where downloaded models are kept (evaluate, serve, serve.batch)."""

    cache_dir: str = REQUIRED
    cache_keep: int = REQUIRED  # registry versions of each model kept in cache_dir


@dataclass
class ModelSettings:
    name: str = REQUIRED
    max_tokens: int = REQUIRED
    # The task head (nerkit.heads): None keeps the architecture's own token-classification
    # head (AutoModelForTokenClassification); else a ``{_target_: ...}`` mapping.
    head: Any = None
    # Token-shape features (case, digits, punctuation) from the original text (nerkit.shapes);
    # None: off (a model group that does not use them leaves the key out).
    shape_features: bool | None = None


@dataclass
class WindowSettings:
    max_length: int = REQUIRED
    overlap: int = REQUIRED


@dataclass
class ReaderOptions:
    """Options of nerkit.formats.load_documents (README "Labelled data"); None: the reader's
    own default. Declared, so a misspelt option fails at start-up."""

    overlaps: str | None = None
    label_config: str | None = None
    text_field: str | None = None
    annotation: str | None = None
    results: str | None = None
    tag_column: int | None = None
    token_column: int | None = None
    separator: str | None = None


@dataclass
class DataSettings:
    name: str = REQUIRED
    # builtin: the generated contract corpus; files: labelled files; hf: a datasets id/folder
    source: str = REQUIRED
    # source=builtin
    n_docs: int | None = None
    corpus_seed: int | None = None
    # source=files and hf
    train: str | None = None
    dev: str | None = None
    test: str | None = None
    # source=files and hf; None: detected from the file (auto)
    format: str | None = None
    scheme: str | None = None
    split_seed: int = REQUIRED
    dev_ratio: float = REQUIRED
    test_ratio: float = REQUIRED
    # Reader options passed to nerkit.formats.load_documents (overlaps, text_field, ...).
    options: ReaderOptions = field(default_factory=ReaderOptions)
    # stage=pretrain: unlabelled text (a folder of .txt files, or .jsonl with a "text" field).
    unlabelled: str | None = None


@dataclass
class AugmentSettings:
    """trainer.augment: mention replacement in the training split (nerkit.augment)."""

    labels: list[str] = REQUIRED
    probability: float = REQUIRED


@dataclass
class ScheduleSettings:
    """What fine-tuning (``trainer``) and pretraining (``pretrain``) share: epochs under a
    ceiling with early stopping, AdamW with linear warm-up and decay (train.trainer)."""

    epochs: float = REQUIRED
    max_steps: int = REQUIRED
    learning_rate: float = REQUIRED
    batch_size: int = REQUIRED
    weight_decay: float = REQUIRED
    warmup_ratio: float = REQUIRED
    max_grad_norm: float = REQUIRED
    early_stopping_patience: int = REQUIRED
    resume: bool = REQUIRED
    save_total_limit: int = REQUIRED
    precision: TrainingPrecision = REQUIRED
    dataloader_workers: int = REQUIRED


@dataclass
class TrainerSettings(ScheduleSettings):
    head_learning_rate: float | None = REQUIRED  # None: the head learns at learning_rate
    label_all_subtokens: bool = REQUIRED
    aggregation: Aggregation = REQUIRED
    augment: AugmentSettings = REQUIRED


@dataclass
class TrackingSettings:
    uri: str = REQUIRED
    experiment: str = REQUIRED
    artifact_location: str | None = REQUIRED
    enabled: bool = REQUIRED


@dataclass
class RegistrySettings:
    model_name: str = REQUIRED
    # reliability: probes of the store, and how long to wait for a version to be READY
    connect_attempts: int = REQUIRED
    await_s: float = REQUIRED
    min_delta: float = REQUIRED
    max_type_drop: float = REQUIRED
    bootstrap_resamples: int = REQUIRED
    bootstrap_seed: int = REQUIRED


@dataclass
class PostprocessSettings:
    """conf/postprocess: the rules of the output path (nerkit.output), in order."""

    rules: list[Any] = REQUIRED
    # train: take each rule off the labels whose gold entities it would change in the
    # training and dev documents (nerkit.postprocess.fit_to_labels).
    fit_to_labels: bool = REQUIRED


@dataclass
class OutputSettings:
    """What the output path (nerkit.output) reads beside the model, in serve and
    serve.batch: where versions are registered, the knowledge base and the chain."""

    tracking: TrackingSettings = field(default_factory=TrackingSettings)
    registry: RegistrySettings = field(default_factory=RegistrySettings)
    kb: dict[str, Any] | None = None
    postprocess: PostprocessSettings = field(default_factory=PostprocessSettings)


def store_schema(name: str, schema: type) -> None:
    """Register ``schema`` with Hydra's ConfigStore as ``name`` (a primary config's
    ``defaults`` list names it, so a misspelt key fails at composition)."""
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name=name, node=schema)


@dataclass
class PretrainSettings(ScheduleSettings):
    """conf/pretrain: continued masked-language-model pretraining (``stage=pretrain``)."""

    run_name: str = REQUIRED
    output_dir: str = REQUIRED
    mlm_probability: float = REQUIRED
    whole_word_mask: bool = REQUIRED
    heldout_ratio: float = REQUIRED  # of the unlabelled documents, for the eval loss
    split_seed: int = REQUIRED
    logging_steps: int = REQUIRED


@dataclass
class TrainSettings(ComputeSettings):
    model: ModelSettings = field(default_factory=ModelSettings)
    data: DataSettings = field(default_factory=DataSettings)
    window: WindowSettings = field(default_factory=WindowSettings)
    trainer: TrainerSettings = field(default_factory=TrainerSettings)
    tracking: TrackingSettings = field(default_factory=TrackingSettings)
    registry: RegistrySettings = field(default_factory=RegistrySettings)
    # The chain recorded in the bundle: what the test split is scored with and served with.
    postprocess: PostprocessSettings = field(default_factory=PostprocessSettings)
    # stage=pretrain: continued MLM pretraining of the encoder (train/pretrain.py).
    pretrain: PretrainSettings = field(default_factory=PretrainSettings)
    stage: Stage = REQUIRED
    seed: int = REQUIRED
    run_name: str = REQUIRED
    output_dir: str = REQUIRED
    register: bool = REQUIRED


@dataclass
class EvaluateSettings(ComputeSettings, CacheSettings):
    model_uri: str = REQUIRED
    data: DataSettings = field(default_factory=DataSettings)
    tracking: TrackingSettings = field(default_factory=TrackingSettings)
    split: str = REQUIRED
    output_dir: str = REQUIRED
    # None: each model's own chain (its bundle's); postprocess=<name>: score that chain.
    postprocess: PostprocessSettings | None = None
    truncate_tokens: int = REQUIRED
    compare_pipeline: bool = REQUIRED
    log_to_mlflow: bool = REQUIRED
