"""The Hugging Face Trainer as fine-tuning uses it: whole-document dev scoring, the head at
its own learning rate, MLflow logging, precision and arguments."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from nerkit import tracking
from nerkit.documents import Document
from nerkit.settings import ScheduleSettings, TrainSettings


def trainer_class() -> type:
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
            model = self.model if model is None else model
            decay = set(self.get_decay_parameter_names(model))
            groups = parameter_groups(model, decay, self.head_learning_rate, self.args)
            optimizer_cls, kwargs = self.get_optimizer_cls_and_kwargs(self.args, model)
            self.optimizer = optimizer_cls(groups, **kwargs)
            return self.optimizer

        def evaluate(  # type: ignore[override]
            self, eval_dataset: Any = None, ignore_keys: Any = None, metric_key_prefix: str = "eval"
        ) -> dict[str, float]:
            started = time.perf_counter()
            scores = score_whole_documents(self.model, self.dev_docs, self.engine)
            metrics = {f"{metric_key_prefix}_{k}": v for k, v in scores.items()}
            metrics[f"{metric_key_prefix}_runtime"] = time.perf_counter() - started
            metrics["epoch"] = self.state.epoch or 0.0
            self.log(metrics)
            self.control = self.callback_handler.on_evaluate(
                self.args, self.state, self.control, metrics
            )
            return metrics

    return WholeDocumentTrainer


def parameter_groups(
    model: Any, decay: set[str], head_learning_rate: float, args: Any
) -> list[dict[str, Any]]:
    """The optimiser's parameter groups: the head (:func:`nerkit.models.head_parameter_names`)
    at ``head_learning_rate``, the rest at ``args.learning_rate``; weight decay only for the
    parameters in ``decay``, as the Trainer decides them."""
    from nerkit.models import head_parameter_names

    heads = head_parameter_names(model)
    groups: dict[tuple[bool, bool], list[Any]] = {}
    for name, param in model.named_parameters():
        if param.requires_grad:
            groups.setdefault((name in heads, name in decay), []).append(param)
    return [
        {
            "params": params,
            "lr": head_learning_rate if head else args.learning_rate,
            "weight_decay": args.weight_decay if decays else 0.0,
        }
        for (head, decays), params in sorted(groups.items())
    ]


def score_whole_documents(model: Any, docs: list[Document], engine: dict) -> dict[str, float]:
    """Dev figures as evaluation reports them: whole documents read through the engine
    (``engine``: the Predictor's settings), scored (:func:`nerkit.metrics.flat_metrics`)."""
    from nerkit.metrics import flat_metrics, score_documents
    from nerkit.predictor import Predictor

    predictor = Predictor(model, device=str(model.device), **engine)
    predictions = predictor.predict([d.text for d in docs])
    spans = [[e.as_span() for e in p.entities] for p in predictions]
    return flat_metrics(score_documents(docs, spans))


def mlflow_callback() -> Any:
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


def epoch_arguments(
    cfg: TrainSettings,
    section: ScheduleSettings,
    output_dir: Path,
    **specific: Any,
) -> Any:
    """The TrainingArguments fine-tuning and pretraining share, from a settings section
    (``cfg.trainer`` or ``cfg.pretrain``): epochs under a ceiling with early stopping, a
    checkpoint per epoch and the best kept, linear warm-up and decay, bf16 where native.
    ``specific`` adds or replaces what one stage needs (its metric, its batch columns)."""
    import torch
    from transformers import TrainingArguments

    use_cuda = torch.cuda.is_available() and cfg.device != "cpu"
    arguments: dict[str, Any] = {
        "output_dir": str(output_dir / "checkpoints"),
        "num_train_epochs": section.epochs,
        "max_steps": section.max_steps,
        "learning_rate": section.learning_rate,
        "per_device_train_batch_size": section.batch_size,
        "weight_decay": section.weight_decay,
        "warmup_steps": section.warmup_ratio,  # a float (typed) below 1 is a share of the steps
        "lr_scheduler_type": "linear",
        "max_grad_norm": section.max_grad_norm,
        "eval_strategy": "epoch",
        "save_strategy": "epoch",
        "logging_strategy": "steps",
        "logging_steps": 10,
        "load_best_model_at_end": True,
        "save_total_limit": section.save_total_limit,
        "seed": cfg.seed,
        "data_seed": cfg.seed,
        "bf16": training_in_bf16(section.precision.value, use_cuda),
        "use_cpu": not use_cuda,
        "report_to": "none",
        "dataloader_num_workers": section.dataloader_workers,
        "disable_tqdm": False,
    }
    return TrainingArguments(**{**arguments, **specific})


def training_arguments(cfg: TrainSettings, output_dir: Path) -> Any:
    """Fine-tuning's: the best checkpoint is the one with the highest dev entity F1."""
    return epoch_arguments(
        cfg, cfg.trainer, output_dir, metric_for_best_model="f1", greater_is_better=True
    )
