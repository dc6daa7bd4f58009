"""``python -m train``: fine-tune a token classifier on long documents, score, record, register."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from nerkit import tracking
from nerkit.data import load_data
from nerkit.documents import Document, data_fingerprint, label_set
from nerkit.evaluation import format_report, summary_metrics

log = logging.getLogger("train")


def for_sweep_job(cfg: DictConfig, job_num: int | None) -> DictConfig:
    """The config of job ``job_num`` of a ``-m`` sweep: its own output folder and run name,
    so jobs neither overwrite each other's bundles nor resume from each other's
    checkpoints. ``None`` (a single run) leaves the config as it is."""
    if job_num is None:
        return cfg
    output_dir = f"{cfg.output_dir}/job-{job_num}"  # resolved before run_name changes
    cfg.run_name = f"{cfg.run_name}-job-{job_num}"
    cfg.output_dir = output_dir
    return cfg


def is_main_process() -> bool:
    """Whether this is rank 0 of a distributed launch (``accelerate launch``, ``torchrun``)
    or a plain run: only it writes the bundle, scores the test split and talks to MLflow."""
    return int(os.environ.get("RANK", "0")) == 0


def optional_int(value: Any) -> int | None:
    """An integer setting where null means "decide by device"."""
    return None if value is None else int(value)


def optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def tags_for(labels: list[str]) -> list[str]:
    """IOB2 tag list for entity types: ``O`` first, then ``B-X``, ``I-X`` per type."""
    return ["O"] + [f"{prefix}-{label}" for label in sorted(labels) for prefix in ("B", "I")]


@dataclass
class Prepared:
    """Everything checked before training starts."""

    splits: dict[str, list[Document]]
    tags: list[str]
    tokenizer: Any
    model: Any
    window: Any
    unseen_labels: dict[str, list[str]]


def unseen_labels(splits: dict[str, list[Document]]) -> dict[str, list[str]]:
    """Labels of dev/test that train never shows, by split."""
    seen = set(label_set(splits["train"]))
    return {
        name: sorted(set(label_set(splits.get(name, []))) - seen)
        for name in ("dev", "test")
        if set(label_set(splits.get(name, []))) - seen
    }


def prepare(cfg: DictConfig) -> Prepared:
    """Load and check data, model and window before any training: fail early, say where."""
    from nerkit.models import load_tokenizer, model_max_tokens
    from nerkit.windows import WindowConfig

    window = WindowConfig(int(cfg.window.max_length), int(cfg.window.overlap))
    splits = load_data(cfg.data)
    for name in ("train", "dev", "test"):
        if not splits.get(name):
            raise ValueError(
                f"the {name} split is empty: give data.{name}=PATH or more documents to split"
            )
    labels = label_set(splits["train"])
    if not labels:
        raise ValueError("the training documents hold no entities: nothing to learn")
    missing = unseen_labels(splits)
    for name, found in missing.items():
        log.warning("labels in %s never seen in train (they cannot be learnt): %s", name, found)
    tags = tags_for(labels)
    try:
        tokenizer = load_tokenizer(cfg.model.name)
        model = build_model(cfg, tags)
    except OSError as err:
        raise ValueError(
            f"model {cfg.model.name!r} could not be loaded ({err}); hub models need network "
            "the first time, or give a local folder"
        ) from err
    limit = min(model_max_tokens(model), int(cfg.model.max_tokens))
    window.validate(limit)
    return Prepared(splits, tags, tokenizer, model, window, missing)


def build_model(cfg: DictConfig, tags: list[str]) -> Any:
    """The model to fine-tune: the architecture's own head, or one from nerkit.heads."""
    from nerkit.heads import build_tagger, head_spec_of
    from nerkit.models import load_token_classifier

    head = head_spec_of(cfg.model.get("head"))
    shapes = bool(cfg.model.get("shape_features", False))
    if head is None:
        if shapes:
            raise ValueError(
                "model.shape_features=true needs a head from nerkit.heads: add "
                "model/head=linear or model/head=crf (conf/model/head)"
            )
        return load_token_classifier(cfg.model.name, tags)
    return build_tagger(cfg.model.name, tags, head, shapes)


def _trainer_class() -> type:
    """A Trainer whose evaluation scores whole dev documents through the engine."""
    from transformers import Trainer

    class WholeDocumentTrainer(Trainer):  # type: ignore[misc]
        def __init__(
            self,
            *args: Any,
            dev_docs: list[Document],
            engine: dict,
            head_learning_rate: float | None = None,
            **kw: Any,
        ):
            super().__init__(*args, **kw)
            self.dev_docs = dev_docs
            self.engine = engine
            self.head_learning_rate = head_learning_rate

        def create_optimizer(self, model: Any = None) -> Any:
            """AdamW as the Trainer builds it, with the new head at its own learning rate:
            a randomly initialised head learns faster than a pre-trained encoder should."""
            if self.head_learning_rate is None or self.optimizer is not None:
                return super().create_optimizer(model)
            from nerkit.models import head_parameter_names

            model = self.model if model is None else model
            decay = set(self.get_decay_parameter_names(model))
            heads = head_parameter_names(model)
            groups: dict[tuple[bool, bool], list[Any]] = {}
            for name, param in model.named_parameters():
                if param.requires_grad:
                    groups.setdefault((name in heads, name in decay), []).append(param)
            optimizer_cls, kwargs = self.get_optimizer_cls_and_kwargs(self.args, model)
            self.optimizer = optimizer_cls(
                [
                    {
                        "params": params,
                        "lr": self.head_learning_rate if head else self.args.learning_rate,
                        "weight_decay": self.args.weight_decay if decays else 0.0,
                    }
                    for (head, decays), params in sorted(groups.items())
                ],
                **kwargs,
            )
            return self.optimizer

        def evaluate(  # type: ignore[override]
            self, eval_dataset: Any = None, ignore_keys: Any = None, metric_key_prefix: str = "eval"
        ) -> dict[str, float]:
            from nerkit.metrics import flat_metrics, score_documents
            from nerkit.predictor import Predictor

            started = time.perf_counter()
            model: Any = self.model
            predictor = Predictor(model, device=str(model.device), **self.engine)
            predictions = predictor.predict([d.text for d in self.dev_docs])
            spans = [[e.as_span() for e in p.entities] for p in predictions]
            scores = score_documents(self.dev_docs, spans)
            metrics = {f"{metric_key_prefix}_{k}": v for k, v in flat_metrics(scores).items()}
            metrics[f"{metric_key_prefix}_runtime"] = time.perf_counter() - started
            metrics["epoch"] = self.state.epoch or 0.0
            self.log(metrics)
            self.control = self.callback_handler.on_evaluate(
                self.args, self.state, self.control, metrics
            )
            return metrics

    return WholeDocumentTrainer


def _mlflow_callback() -> Any:
    from transformers import TrainerCallback

    class MlflowMetrics(TrainerCallback):  # type: ignore[misc]
        """Per-step loss and per-epoch dev metrics into the active MLflow run."""

        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
            if logs and state.is_world_process_zero and tracking.active_run_id():
                tracking.log_metrics(
                    {k.replace("eval_", "dev_"): v for k, v in logs.items()},
                    step=state.global_step,
                )

    return MlflowMetrics()


def training_in_bf16(precision: str, use_cuda: bool) -> bool:
    """bf16 mixed precision where the hardware runs it natively (``auto``), or when asked.

    On a CPU with AVX512-BF16 or AMX, autocast to bf16 trains about 1.45x faster than fp32
    (MiniLM, batch 8 x 256 tokens, measured on this project's 2-core machine).
    """
    import torch

    from nerkit.devices import cpu_supports_bf16

    if precision not in {"auto", "bf16", "fp32"}:
        raise ValueError(f"trainer.precision={precision!r}: use auto, bf16 or fp32")
    if precision == "fp32":
        return False
    native = torch.cuda.is_bf16_supported() if use_cuda else cpu_supports_bf16()
    if precision == "bf16" and not native:
        device = "GPU" if use_cuda else "CPU"
        raise ValueError(f"trainer.precision=bf16 but this {device} has no native bf16")
    return native


def training_arguments(cfg: DictConfig, output_dir: Path) -> Any:
    import torch
    from transformers import TrainingArguments

    t = cfg.trainer
    use_cuda = torch.cuda.is_available() and cfg.device != "cpu"
    bf16 = training_in_bf16(str(t.precision), use_cuda)
    return TrainingArguments(
        output_dir=str(output_dir / "checkpoints"),
        num_train_epochs=float(t.epochs),
        max_steps=int(t.max_steps),
        learning_rate=float(t.learning_rate),
        per_device_train_batch_size=int(t.batch_size),
        weight_decay=float(t.weight_decay),
        warmup_steps=float(t.warmup_ratio),
        lr_scheduler_type="linear",
        max_grad_norm=float(t.max_grad_norm),
        eval_strategy="epoch",
        save_strategy="epoch",
        logging_strategy="steps",
        logging_steps=10,
        load_best_model_at_end=True,
        metric_for_best_model="f1",
        greater_is_better=True,
        save_total_limit=int(t.save_total_limit),
        seed=int(cfg.seed),
        data_seed=int(cfg.seed),
        bf16=bf16,
        use_cpu=not use_cuda,
        report_to="none",
        dataloader_num_workers=int(t.dataloader_workers),
        disable_tqdm=False,
    )


def fine_tune(
    cfg: DictConfig, prep: Prepared, output_dir: Path, callbacks: list[Any] | None = None
) -> Any:
    """Train with the Hugging Face Trainer; returns the best model (by dev entity F1)."""
    from datasets import Dataset
    from transformers import EarlyStoppingCallback

    from train.windows_dataset import build_windows_dataset, collator

    train_set = build_windows_dataset(
        prep.splits["train"],
        prep.tokenizer,
        prep.tags,
        prep.window,
        bool(cfg.trainer.label_all_subtokens),
        shapes=bool(getattr(prep.model, "uses_shapes", False)),
    )
    engine = {
        "tokenizer": prep.tokenizer,
        "tags": prep.tags,
        "window": prep.window,
        "aggregation": cfg.trainer.aggregation,
        "batch_tokens": optional_int(cfg.trainer.eval_batch_tokens),
    }
    trainer = _trainer_class()(
        model=prep.model,
        args=training_arguments(cfg, output_dir),
        train_dataset=train_set,
        # Evaluation reads whole dev documents (see WholeDocumentTrainer); this only names them.
        eval_dataset=Dataset.from_dict({"id": [d.id for d in prep.splits["dev"]]}),
        data_collator=collator(prep.tokenizer),
        processing_class=prep.tokenizer,
        callbacks=[
            EarlyStoppingCallback(int(cfg.trainer.early_stopping_patience)),
            _mlflow_callback(),
            *(callbacks or []),
        ],
        dev_docs=prep.splits["dev"],
        engine=engine,
        head_learning_rate=optional_float(cfg.trainer.head_learning_rate),
    )
    resume = bool(cfg.trainer.resume) and _has_checkpoint(output_dir / "checkpoints")
    if cfg.trainer.resume and not resume:
        log.warning("trainer.resume=true but no checkpoint in %s: starting afresh", output_dir)
    trainer.train(resume_from_checkpoint=True if resume else None)
    return trainer.model


def _has_checkpoint(folder: Path) -> bool:
    return folder.is_dir() and any(p.name.startswith("checkpoint-") for p in folder.iterdir())


def save_trained_bundle(cfg: DictConfig, prep: Prepared, model: Any, path: Path) -> Path:
    from nerkit.bundle import BundleMeta, save_bundle
    from nerkit.heads import head_spec_of

    meta = BundleMeta(
        head=head_spec_of(cfg.model.get("head")),
        shape_features=bool(getattr(model, "uses_shapes", False)),
        tags=prep.tags,
        labels=sorted({t.split("-", 1)[1] for t in prep.tags if "-" in t}),
        max_length=prep.window.max_length,
        overlap=prep.window.overlap,
        aggregation=str(cfg.trainer.aggregation),
        label_all_subtokens=bool(cfg.trainer.label_all_subtokens),
        base_model=str(cfg.model.name),
        train_fingerprint=data_fingerprint(prep.splits["train"]),
        test_fingerprint=data_fingerprint(prep.splits["test"]),
        postprocess=configured_rules(cfg),
    )
    save_bundle(path, model, prep.tokenizer, meta)
    return path


def configured_rules(cfg: DictConfig) -> list[Any]:
    """The post-processing rules in force (conf/postprocess), recorded in the bundle: the
    test split is scored through them, and every consumer of the bundle runs them."""
    section = cfg.get("postprocess")
    rules = OmegaConf.to_container(section.rules, resolve=True) if section is not None else []
    return list(rules) if isinstance(rules, list) else []


def _log_inputs(cfg: DictConfig, prep: Prepared) -> None:
    tracking.log_params(OmegaConf.to_container(cfg, resolve=True))  # type: ignore[arg-type]
    for name, docs in prep.splits.items():
        tracking.log_dataset(docs, data_fingerprint(docs), f"{cfg.data.name}-{name}", name)
    tracking.set_tags(
        {
            "train_fingerprint": data_fingerprint(prep.splits["train"]),
            "test_fingerprint": data_fingerprint(prep.splits["test"]),
        }
    )


def run(cfg: DictConfig, callbacks: list[Any] | None = None) -> dict[str, float]:
    """Train, score the test split as ``python -m evaluate`` does (through the chain the
    bundle records, nerkit.output), record it; return figures."""
    from transformers import set_seed

    from nerkit.report import write_report
    from nerkit.scoring import score_bundle

    set_seed(int(cfg.seed))
    started = time.perf_counter()
    output_dir = Path(str(cfg.output_dir))
    prep = prepare(cfg)
    main = is_main_process()
    if main:
        print(_data_summary(prep))

    with _maybe_mlflow(cfg, main) as run_id:
        if run_id:
            _log_inputs(cfg, prep)
        model = fine_tune(cfg, prep, output_dir, callbacks)
        if not main:
            return {}  # the other ranks helped train; rank 0 writes and scores the result
        bundle_dir = save_trained_bundle(cfg, prep, model, output_dir / "bundle")
        # Scored as served: the bundle just written, loaded as serve loads it.
        report = score_bundle(
            bundle_dir,
            prep.splits["test"],
            device=str(model.device),
            batch_tokens=optional_int(cfg.trainer.eval_batch_tokens),
            compare_pipeline=False,
        )
        report.pop("outputs")
        figures = summary_metrics(report, prefix="test_")
        record_evaluation(bundle_dir, {"test": figures, "fingerprint": _fp(prep)})
        paths = write_report(report, output_dir / "evaluation")
        figures["train_seconds"] = time.perf_counter() - started
        if run_id:
            tracking.log_metrics(figures)
            for path in paths:
                tracking.log_artifacts(path, "evaluation")
            version = register_or_keep(cfg, bundle_dir, run_id)
            if version is not None:
                figures["registered_version"] = version
        print(format_report(report))
        print(
            f"\nbundle: {bundle_dir}\ntest entity F1 {figures['test_f1']:.3f} "
            f"(truncated baseline {figures.get('test_truncated_f1', float('nan')):.3f}) "
            f"in {figures['train_seconds'] / 60:.1f} min"
        )
        if run_id:
            figures["mlflow_run"] = run_id  # type: ignore[assignment]
    return figures


def register_or_keep(cfg: DictConfig, bundle_dir: Path, run_id: str) -> int | None:
    """Register the bundle as a new version (alias ``challenger``), or keep it as an artifact.

    A registry failure does not lose the trained model: the bundle stays on disk and in the
    run's artifacts, and the message says how to register it later.
    """
    from nerkit.registry import RegistryError, register_bundle

    if not cfg.register:
        tracking.log_artifacts(bundle_dir, "bundle")
        return None
    try:
        return int(
            register_bundle(
                bundle_dir,
                cfg.tracking.uri,
                cfg.registry.model_name,
                run_id=run_id,
                experiment=cfg.tracking.experiment,
                artifact_location=cfg.tracking.artifact_location,
            )
        )
    except RegistryError as err:
        log.error(
            "registration failed (%s); the bundle is kept at %s and in the run's artifacts. "
            "Register it later: python -m registry action=register bundle=%s",
            err,
            bundle_dir,
            bundle_dir,
        )
        tracking.log_artifacts(bundle_dir, "bundle")
        return None


def record_evaluation(bundle_dir: Path, evaluation: dict[str, Any]) -> None:
    """Write the test figures into the bundle's nerkit.json (for people and the registry's
    tags; the gate measures for itself)."""
    from nerkit.bundle import read_bundle_meta, write_bundle_meta

    meta = read_bundle_meta(bundle_dir)
    meta.evaluation = evaluation
    write_bundle_meta(bundle_dir, meta)


def _fp(prep: Prepared) -> str:
    return data_fingerprint(prep.splits["test"])


def _maybe_mlflow(cfg: DictConfig, main: bool = True) -> Any:
    import contextlib

    if not cfg.tracking.enabled or not main:
        return contextlib.nullcontext(None)
    return tracking.run(
        cfg.tracking.uri,
        cfg.tracking.experiment,
        str(cfg.run_name),
        cfg.tracking.artifact_location,
    )


def _data_summary(prep: Prepared) -> str:
    parts = [
        f"{name}: {len(docs)} documents, {sum(len(d.spans) for d in docs)} entities"
        for name, docs in prep.splits.items()
    ]
    return "data — " + "; ".join(parts) + f"\nlabels: {', '.join(prep.tags[1::2])}"
