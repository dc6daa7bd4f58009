"""``python -m train``: fine-tune a token classifier on long documents, score, record, register."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from nerkit import tracking
from nerkit.data import load_data
from nerkit.documents import Document, data_fingerprint, label_set
from nerkit.evaluation import format_report, summary_metrics
from nerkit.settings import TrainSettings, typed
from train.trainer import mlflow_callback, trainer_class, training_arguments

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


def tags_for(labels: Iterable[str]) -> list[str]:
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


def prepare(cfg: TrainSettings) -> Prepared:
    """Load and check data, model and window before any training: fail early, say where."""
    from nerkit.models import load_tokenizer, model_max_tokens
    from nerkit.windows import WindowConfig

    window = WindowConfig(cfg.window.max_length, cfg.window.overlap)
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
    limit = min(model_max_tokens(model), cfg.model.max_tokens)
    window.validate(limit)
    return Prepared(splits, tags, tokenizer, model, window, missing)


def build_model(cfg: TrainSettings, tags: list[str]) -> Any:
    """The model to fine-tune: the architecture's own head, or one from nerkit.heads."""
    from nerkit.heads import build_tagger, head_spec_of
    from nerkit.models import load_token_classifier

    head = head_spec_of(cfg.model.head)
    shapes = cfg.model.shape_features is True
    if head is None:
        if shapes:
            raise ValueError(
                "model.shape_features=true needs a head from nerkit.heads: add "
                "model/head=linear or model/head=crf (conf/model/head)"
            )
        return load_token_classifier(cfg.model.name, tags)
    if head["_target_"].endswith("CRFHead") and cfg.trainer.label_all_subtokens:
        raise ValueError(
            "model/head=crf learns transitions between words (the first piece of each), so it "
            "cannot train with trainer.label_all_subtokens=true; keep it false, or use "
            "model/head=linear"
        )
    return build_tagger(cfg.model.name, tags, head, shapes)


def fine_tune(
    cfg: TrainSettings, prep: Prepared, output_dir: Path, callbacks: list[Any] | None = None
) -> Any:
    """Train with the Hugging Face Trainer; returns the best model (by dev entity F1)."""
    from datasets import Dataset
    from transformers import EarlyStoppingCallback

    from train.windows_dataset import build_windows_dataset, collator

    train_set = build_windows_dataset(
        training_documents(cfg, prep.splits["train"]),
        prep.tokenizer,
        prep.tags,
        prep.window,
        cfg.trainer.label_all_subtokens,
        shapes=bool(getattr(prep.model, "uses_shapes", False)),
    )
    engine = {
        "tokenizer": prep.tokenizer,
        "tags": prep.tags,
        "window": prep.window,
        "aggregation": cfg.trainer.aggregation,
        "batch_tokens": cfg.batch_tokens,
    }
    trainer = trainer_class()(
        model=prep.model,
        args=training_arguments(cfg, output_dir),
        train_dataset=train_set,
        # Evaluation reads whole dev documents (see WholeDocumentTrainer); this only names them.
        eval_dataset=Dataset.from_dict({"id": [d.id for d in prep.splits["dev"]]}),
        data_collator=collator(prep.tokenizer),
        processing_class=prep.tokenizer,
        callbacks=[
            EarlyStoppingCallback(cfg.trainer.early_stopping_patience),
            mlflow_callback(),
            *(callbacks or []),
        ],
        dev_docs=prep.splits["dev"],
        engine=engine,
        head_learning_rate=cfg.trainer.head_learning_rate,
    )
    resume = cfg.trainer.resume and _has_checkpoint(output_dir / "checkpoints")
    if cfg.trainer.resume and not resume:
        log.warning("trainer.resume=true but no checkpoint in %s: starting afresh", output_dir)
    trainer.train(resume_from_checkpoint=True if resume else None)
    return trainer.model


def training_documents(cfg: TrainSettings, docs: list[Document]) -> list[Document]:
    """The training split, with a share of its names replaced (trainer.augment)."""
    from nerkit.augment import MentionReplacement, augment_documents, replaced_count

    augment = cfg.trainer.augment
    settings = MentionReplacement(tuple(augment.labels), augment.probability, cfg.seed)
    if not settings.enabled:
        return docs
    augmented = augment_documents(docs, settings)
    log.info(
        "mention replacement: %d labelled %s mentions replaced by generated names "
        "(trainer.augment.probability=%s)",
        replaced_count(docs, augmented),
        "/".join(settings.labels),
        settings.probability,
    )
    return augmented


def _has_checkpoint(folder: Path) -> bool:
    return folder.is_dir() and any(p.name.startswith("checkpoint-") for p in folder.iterdir())


def save_trained_bundle(cfg: TrainSettings, prep: Prepared, model: Any, path: Path) -> Path:
    from nerkit.bundle import BundleMeta, save_bundle
    from nerkit.heads import head_spec_of

    meta = BundleMeta(
        head=head_spec_of(cfg.model.head),
        shape_features=bool(getattr(model, "uses_shapes", False)),
        tags=prep.tags,
        labels=sorted({t.split("-", 1)[1] for t in prep.tags if "-" in t}),
        max_length=prep.window.max_length,
        overlap=prep.window.overlap,
        aggregation=cfg.trainer.aggregation.value,
        label_all_subtokens=cfg.trainer.label_all_subtokens,
        base_model=cfg.model.name,
        train_fingerprint=data_fingerprint(prep.splits["train"]),
        test_fingerprint=data_fingerprint(prep.splits["test"]),
        # The rules in force (conf/postprocess), fitted to how the data is labelled: the
        # test split is scored through them, and every consumer of the bundle runs them.
        postprocess=fitted_rules(cfg, prep.splits["train"] + prep.splits["dev"]),
    )
    save_bundle(path, model, prep.tokenizer, meta)
    return path


def fitted_rules(cfg: TrainSettings, labelled: list[Document]) -> list[Any]:
    """The configured rules, each taken off the labels whose gold entities it would change
    in the labelled documents (postprocess.fit_to_labels; nerkit.postprocess)."""
    from nerkit.postprocess import fit_to_labels

    rules = list(cfg.postprocess.rules)
    if not cfg.postprocess.fit_to_labels:
        return rules
    fitted, conflicts = fit_to_labels(rules, labelled)
    for conflict in conflicts:
        log.info("post-processing fitted to the labels: %s", conflict)
    if conflicts and tracking.active_run_id():
        tracking.set_tags({"postprocess_fitted": "; ".join(map(str, conflicts))})
    return fitted


def _log_inputs(cfg: TrainSettings, prep: Prepared) -> None:
    tracking.log_params(asdict(cfg))
    for name, docs in prep.splits.items():
        tracking.log_dataset(docs, data_fingerprint(docs), f"{cfg.data.name}-{name}", name)
    tracking.set_tags(
        {
            "train_fingerprint": data_fingerprint(prep.splits["train"]),
            "test_fingerprint": data_fingerprint(prep.splits["test"]),
        }
    )


def run(config: Any, callbacks: list[Any] | None = None) -> dict[str, float]:
    """Train, score the test split as ``python -m evaluate`` does (through the chain the
    bundle records, nerkit.output), record it; return figures. ``config`` is the composed
    ``conf/train.yaml`` (or a :class:`TrainSettings`)."""
    from transformers import set_seed

    from nerkit.report import write_report
    from nerkit.scoring import score_bundle

    cfg = typed(config, TrainSettings)
    set_seed(cfg.seed)
    started = time.perf_counter()
    output_dir = Path(cfg.output_dir)
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
            precision=cfg.precision,
            batch_tokens=cfg.batch_tokens,
            compile=cfg.compile,
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


def register_or_keep(cfg: TrainSettings, bundle_dir: Path, run_id: str) -> int | None:
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
                await_s=cfg.registry.await_s,
                connect_attempts=cfg.registry.connect_attempts,
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


def _maybe_mlflow(cfg: TrainSettings, main: bool = True) -> Any:
    import contextlib

    if not cfg.tracking.enabled or not main:
        return contextlib.nullcontext(None)
    return tracking.run(
        cfg.tracking.uri,
        cfg.tracking.experiment,
        cfg.run_name,
        cfg.tracking.artifact_location,
    )


def _data_summary(prep: Prepared) -> str:
    parts = [
        f"{name}: {len(docs)} documents, {sum(len(d.spans) for d in docs)} entities"
        for name, docs in prep.splits.items()
    ]
    return "data — " + "; ".join(parts) + f"\nlabels: {', '.join(prep.tags[1::2])}"
