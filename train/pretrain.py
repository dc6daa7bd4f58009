"""``python -m train stage=pretrain``: domain-adaptive pretraining of the encoder.

Continued masked-language-model (MLM) training of ``model.name`` on unlabelled contracts,
so the encoder knows the domain's vocabulary before it is fine-tuned for NER. Documents are
read whole and cut into windows exactly as fine-tuning cuts them (:mod:`nerkit.windows`,
the ``window`` config group); whole words are masked together. A share of the documents is
held out for the eval loss (and perplexity) after each epoch, which drives early stopping and
the choice of the best checkpoint. The result is an encoder folder that fine-tuning takes as
``model.name=<folder>``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import shlex
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from nerkit import tracking
from nerkit.documents import Document, data_fingerprint
from nerkit.settings import TrainSettings, typed
from train.mlm import MlmCollator, MlmWindows, load_masked_lm
from train.unlabelled import WHAT_TO_GIVE, heldout_split, read_unlabelled

__all__ = ["MlmCollator", "MlmWindows", "heldout_split", "read_unlabelled", "run"]

log = logging.getLogger("train.pretrain")

ENCODER_META = "nerkit_pretrain.json"


@dataclass
class PretrainPrepared:
    """Everything checked before pretraining starts."""

    train_docs: list[Document]
    heldout_docs: list[Document]
    tokenizer: Any
    model: Any
    window: Any
    collator: MlmCollator
    train_windows: MlmWindows
    heldout_rows: list[dict[str, list[int]]]


def prepare(cfg: TrainSettings) -> PretrainPrepared:
    """Read and check the unlabelled data, the model and the window: fail early, say where."""
    from nerkit.models import load_tokenizer, model_max_tokens
    from nerkit.settings import resolve_path
    from nerkit.windows import WindowConfig, special_tokens

    p = cfg.pretrain
    source = cfg.data.unlabelled
    if not source:
        raise ValueError("stage=pretrain reads unlabelled text: " + WHAT_TO_GIVE)
    text_field = cfg.data.options.text_field or "text"
    docs = read_unlabelled(str(resolve_path(source)), text_field)
    train_docs, heldout_docs = heldout_split(docs, p.heldout_ratio, p.split_seed)
    try:
        tokenizer = load_tokenizer(cfg.model.name)
    except OSError as err:
        raise ValueError(
            f"the tokenizer of model {cfg.model.name!r} could not be loaded ({err}); hub models "
            "need network the first time, or give a local folder"
        ) from err
    collator = MlmCollator(tokenizer, p.mlm_probability, p.whole_word_mask)
    model = load_masked_lm(cfg.model.name)
    window = WindowConfig(cfg.window.max_length, cfg.window.overlap)
    limit = min(model_max_tokens(model), cfg.model.max_tokens)
    window.validate(limit, special_tokens(tokenizer).count)
    train_windows = MlmWindows(train_docs, tokenizer, window)
    held = MlmCollator(tokenizer, p.mlm_probability, p.whole_word_mask, cfg.seed)
    heldout_rows = held.premask(MlmWindows(heldout_docs, tokenizer, window))
    return PretrainPrepared(
        train_docs, heldout_docs, tokenizer, model, window, collator, train_windows, heldout_rows
    )


def perplexity(loss: float) -> float:
    return math.exp(loss) if loss < 700 else math.inf


def _trainer_class() -> type:
    from transformers import Trainer

    class MlmTrainer(Trainer):  # type: ignore[misc]
        """The Trainer, with the perplexity beside every eval loss it logs."""

        def log(self, logs: dict[str, float], start_time: float | None = None) -> None:
            if "eval_loss" in logs:
                logs["eval_perplexity"] = perplexity(float(logs["eval_loss"]))
            super().log(logs, start_time)

        def _issue_warnings_after_load(self, load_result: Any) -> None:
            """A checkpoint holds tied weights once (the MLM decoder is the word embedding
            matrix), so loading the best one reports the tied copies as "missing": they are
            not, so they are left out of the warning and the ties made sure of."""
            model: Any = self.model
            tied = set(getattr(model, "all_tied_weights_keys", None) or ())
            missing = list(getattr(load_result, "missing_keys", ()))
            if tied & set(missing) and hasattr(load_result, "_replace"):
                model.tie_weights()
                load_result = load_result._replace(
                    missing_keys=[k for k in missing if k not in tied]
                )
            super()._issue_warnings_after_load(load_result)

    return MlmTrainer


def _mlflow_callback() -> Any:
    from transformers import TrainerCallback

    class MlflowMetrics(TrainerCallback):  # type: ignore[misc]
        """Per-step loss and per-epoch eval loss and perplexity into the active MLflow run."""

        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
            if logs and state.is_world_process_zero and tracking.active_run_id():
                tracking.log_metrics(logs, step=state.global_step)

    return MlflowMetrics()


def training_arguments(cfg: TrainSettings, output_dir: Path) -> Any:
    """Pretraining's: the best checkpoint is the one with the lowest held-out MLM loss."""
    from train.trainer import epoch_arguments

    p = cfg.pretrain
    return epoch_arguments(
        cfg,
        p,
        output_dir,
        per_device_eval_batch_size=p.batch_size,
        logging_steps=p.logging_steps,
        metric_for_best_model="eval_loss",
        greater_is_better=False,
        # The rows carry offsets and special-token masks for the collator, not the model.
        remove_unused_columns=False,
        # Only the loss: the vocabulary-wide logits of every held-out window are not kept.
        prediction_loss_only=True,
    )


def last_checkpoint(output_dir: Path) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    folder = output_dir / "checkpoints"
    return get_last_checkpoint(str(folder)) if folder.is_dir() else None


def pretrain(
    cfg: TrainSettings,
    prep: PretrainPrepared,
    output_dir: Path,
    callbacks: list[Any] | None = None,
) -> tuple[Any, str | None]:
    """Train with the Hugging Face Trainer; returns the trainer (its model is the best one,
    by held-out loss) and the checkpoint it resumed from, if any."""
    from transformers import EarlyStoppingCallback

    trainer = _trainer_class()(
        model=prep.model,
        args=training_arguments(cfg, output_dir),
        train_dataset=prep.train_windows,
        eval_dataset=prep.heldout_rows,
        data_collator=prep.collator,
        processing_class=prep.tokenizer,
        callbacks=[
            EarlyStoppingCallback(cfg.pretrain.early_stopping_patience),
            _mlflow_callback(),
            *(callbacks or []),
        ],
    )
    resume = last_checkpoint(output_dir) if cfg.pretrain.resume else None
    if cfg.pretrain.resume and resume is None:
        log.warning("pretrain.resume=true but no checkpoint in %s: starting afresh", output_dir)
    elif resume:
        log.info("resuming from %s", resume)
    trainer.train(resume_from_checkpoint=resume)
    return trainer, resume


def save_encoder(model: Any, tokenizer: Any, folder: Path, meta: dict[str, Any]) -> Path:
    """The MLM model and tokenizer with ``save_pretrained``: the encoder weights load into
    ``AutoModelForTokenClassification`` (the MLM head is left out there), plus what made it."""
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / ENCODER_META).write_text(json.dumps(meta, indent=2, default=str) + "\n")
    return folder


def finetune_command(encoder_dir: Path) -> str:
    return f"python -m train {shlex.quote(f'model.name={encoder_dir}')}"


def for_sweep_job(cfg: DictConfig, job_num: int | None) -> DictConfig:
    """Job ``job_num`` of a ``-m`` sweep: its own folder and MLflow run name."""
    if job_num is None:
        return cfg
    output_dir = f"{cfg.pretrain.output_dir}/job-{job_num}"  # before run_name changes
    cfg.pretrain.run_name = f"{cfg.pretrain.run_name}-job-{job_num}"
    cfg.pretrain.output_dir = output_dir
    return cfg


def _params(cfg: TrainSettings) -> dict[str, Any]:
    return {
        "stage": "pretrain",
        "model": asdict(cfg.model),
        "window": asdict(cfg.window),
        "data.unlabelled": cfg.data.unlabelled,
        "pretrain": asdict(cfg.pretrain),
        "seed": cfg.seed,
        "device": cfg.device,
    }


def _tracking_run(cfg: TrainSettings, main: bool) -> Any:
    if not cfg.tracking.enabled or not main:
        return contextlib.nullcontext(None)
    return tracking.run(
        cfg.tracking.uri,
        cfg.tracking.experiment,
        cfg.pretrain.run_name,
        cfg.tracking.artifact_location,
        tags={"nerkit.stage": "pretrain"},
    )


def run(config: Any, callbacks: list[Any] | None = None) -> dict[str, Any]:
    """Pretrain, write the encoder folder, record the run; return figures. ``config`` is
    the composed ``conf/train.yaml`` (or a :class:`TrainSettings`)."""
    from transformers import set_seed

    from train.run import is_main_process

    cfg = typed(config, TrainSettings)
    set_seed(cfg.seed)
    started = time.perf_counter()
    output_dir = Path(cfg.pretrain.output_dir)
    prep = prepare(cfg)
    main = is_main_process()
    if main:
        print(
            f"unlabelled — train: {len(prep.train_docs)} documents, {len(prep.train_windows)} "
            f"windows; held out: {len(prep.heldout_docs)} documents, {len(prep.heldout_rows)} "
            f"windows (window {prep.window.max_length} tokens, overlap {prep.window.overlap})"
        )
    fingerprints = {
        "train_fingerprint": data_fingerprint(prep.train_docs),
        "heldout_fingerprint": data_fingerprint(prep.heldout_docs),
    }
    with _tracking_run(cfg, main) as run_id:
        if run_id:
            _log_inputs(cfg, prep, fingerprints)
        trainer, resumed = pretrain(cfg, prep, output_dir, callbacks)
        if not main:
            return {}
        figures = _figures(trainer, prep, started)
        encoder_dir = save_encoder(
            trainer.model,
            prep.tokenizer,
            output_dir / "encoder",
            _encoder_meta(cfg, prep, fingerprints) | {"figures": figures, "mlflow_run": run_id},
        )
        if run_id:
            tracking.log_metrics(figures)
            tracking.set_tags({"encoder_dir": str(encoder_dir.resolve())})
            figures["mlflow_run"] = run_id
        figures["encoder_dir"] = str(encoder_dir)
        figures["resumed_from"] = resumed
        print(
            f"\nencoder: {encoder_dir}\nheld-out MLM loss {figures['best_eval_loss']:.3f} "
            f"(perplexity {figures['best_eval_perplexity']:.1f}) after {figures['steps']} steps "
            f"in {figures['pretrain_seconds'] / 60:.1f} min\n"
            f"fine-tune from it:\n  {finetune_command(encoder_dir)}"
        )
    return figures


def _log_inputs(cfg: TrainSettings, prep: PretrainPrepared, fingerprints: dict[str, str]) -> None:
    """The settings, both document sets and their fingerprints, into the active run."""
    tracking.log_params(_params(cfg))
    tracking.log_dataset(
        prep.train_docs, fingerprints["train_fingerprint"], "unlabelled-train", "train"
    )
    tracking.log_dataset(
        prep.heldout_docs, fingerprints["heldout_fingerprint"], "unlabelled-heldout", "dev"
    )
    tracking.set_tags({"base_model": cfg.model.name, **fingerprints})


def _figures(trainer: Any, prep: PretrainPrepared, started: float) -> dict[str, Any]:
    """The held-out loss of the best checkpoint (of the model as it is when no epoch
    ended), with the steps, epochs, sizes and time it took."""
    best = trainer.state.best_metric
    if best is None:  # no epoch ended: measure the model as it is
        best = trainer.evaluate()["eval_loss"]
    return {
        "best_eval_loss": float(best),
        "best_eval_perplexity": perplexity(float(best)),
        "steps": int(trainer.state.global_step),
        "epochs": float(trainer.state.epoch or 0.0),
        "train_documents": len(prep.train_docs),
        "heldout_documents": len(prep.heldout_docs),
        "train_windows": len(prep.train_windows),
        "heldout_windows": len(prep.heldout_rows),
        "pretrain_seconds": time.perf_counter() - started,
    }


def _encoder_meta(
    cfg: TrainSettings, prep: PretrainPrepared, fingerprints: dict[str, str]
) -> dict[str, Any]:
    """What made the encoder, written beside it (the figures and run are added after)."""
    return {
        "base_model": cfg.model.name,
        "unlabelled": cfg.data.unlabelled,
        **fingerprints,
        "window": {"max_length": prep.window.max_length, "overlap": prep.window.overlap},
        "mlm_probability": cfg.pretrain.mlm_probability,
        "whole_word_mask": cfg.pretrain.whole_word_mask,
    }
