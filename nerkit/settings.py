"""Structured-config schemas shared by the stages.

Plain dataclasses (no Hydra import here): each stage's ``__main__`` registers them with
Hydra's ConfigStore, so a misspelt key fails at start-up instead of being ignored.
``"???"`` marks a value the user must give.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nerkit.choices import Aggregation, Precision, Stage, TrainingPrecision

REQUIRED: Any = "???"


@dataclass
class ModelSettings:
    name: str = REQUIRED
    max_tokens: int = 512
    # The task head (nerkit.heads): None keeps the architecture's own token-classification
    # head (AutoModelForTokenClassification); else a ``{_target_: ...}`` mapping.
    head: Any = None
    # Token-shape features (case, digits, punctuation) from the original text (nerkit.shapes).
    shape_features: bool = False


@dataclass
class WindowSettings:
    max_length: int = 256
    overlap: int = 32


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
    name: str = "builtin"
    # builtin: the generated contract corpus; files: labelled files; hf: a datasets id/folder
    source: str = "builtin"
    n_docs: int = 60
    corpus_seed: int = 13
    train: str | None = None
    dev: str | None = None
    test: str | None = None
    format: str = "auto"
    scheme: str = "auto"
    split_seed: int = 13
    dev_ratio: float = 0.1
    test_ratio: float = 0.15
    # Reader options passed to nerkit.formats.load_documents (overlaps, text_field, ...).
    options: ReaderOptions = field(default_factory=ReaderOptions)
    # stage=pretrain: unlabelled text (a folder of .txt files, or .jsonl with a "text" field).
    unlabelled: str | None = None


@dataclass
class AugmentSettings:
    """trainer.augment: mention replacement in the training split (nerkit.augment)."""

    labels: list[str] = field(default_factory=lambda: ["ORG"])
    probability: float = 0.5


@dataclass
class TrainerSettings:
    epochs: float = 40.0
    learning_rate: float = 3e-4
    head_learning_rate: float | None = None  # None: the head learns at learning_rate
    batch_size: int = 8
    eval_batch_tokens: int | None = None  # None: by device (nerkit.predictor)
    weight_decay: float = 0.01
    warmup_ratio: float = 0.025
    max_grad_norm: float = 1.0
    label_all_subtokens: bool = False
    aggregation: Aggregation = Aggregation.first
    early_stopping_patience: int = 5
    resume: bool = False
    max_steps: int = -1
    save_total_limit: int = 2
    precision: TrainingPrecision = TrainingPrecision.auto
    dataloader_workers: int = 0
    augment: AugmentSettings = field(default_factory=AugmentSettings)


@dataclass
class TrackingSettings:
    uri: str = "sqlite:///mlflow.db"
    experiment: str = "nerkit"
    artifact_location: str | None = None
    enabled: bool = True


@dataclass
class RegistrySettings:
    model_name: str = "contract-ner"
    min_delta: float = 0.0
    max_type_drop: float = 0.02
    bootstrap_resamples: int = 1000
    bootstrap_seed: int = 13


@dataclass
class PostprocessSettings:
    """conf/postprocess: the rules of the output path (nerkit.output), in order."""

    rules: list[Any] = field(default_factory=list)
    # train: take each rule off the labels whose gold entities it would change in the
    # training and dev documents (nerkit.postprocess.fit_to_labels).
    fit_to_labels: bool = True


@dataclass
class PretrainSettings:
    """conf/pretrain: continued masked-language-model pretraining (``stage=pretrain``)."""

    run_name: str = "contract-dapt"
    output_dir: str = "outputs/pretrain/${pretrain.run_name}"
    mlm_probability: float = 0.15
    whole_word_mask: bool = True
    heldout_ratio: float = 0.1  # of the unlabelled documents, for the eval loss
    split_seed: int = 13
    epochs: float = 20.0
    max_steps: int = -1
    learning_rate: float = 5e-5
    batch_size: int = 16
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    max_grad_norm: float = 1.0
    early_stopping_patience: int = 3
    resume: bool = False
    save_total_limit: int = 2
    logging_steps: int = 10
    precision: TrainingPrecision = TrainingPrecision.auto
    dataloader_workers: int = 0


@dataclass
class TrainSettings:
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
    stage: Stage = Stage.finetune
    seed: int = 13
    run_name: str = "contract-ner"
    output_dir: str = "outputs/train/${run_name}"
    register: bool = True
    device: str = "auto"


@dataclass
class EvaluateSettings:
    model_uri: str = REQUIRED
    data: DataSettings = field(default_factory=DataSettings)
    tracking: TrackingSettings = field(default_factory=TrackingSettings)
    split: str = "test"
    output_dir: str = "outputs/evaluate"
    device: str = "auto"
    precision: Precision = Precision.auto
    batch_tokens: int | None = None  # None: by device (nerkit.predictor)
    compile: bool = False
    # None: each model's own chain (its bundle's); postprocess=<name>: score that chain.
    postprocess: PostprocessSettings | None = None
    truncate_tokens: int = 512
    compare_pipeline: bool = True
    edge_margin: int = 8
    log_to_mlflow: bool = True
