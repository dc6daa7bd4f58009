"""``python -m evaluate``: score any model on any labelled data, whole documents."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from evaluate.report import write_report
from nerkit import tracking
from nerkit.data import load_eval_documents, resolve_path
from nerkit.evaluation import evaluate_predictors, format_report, summary_metrics

log = logging.getLogger("evaluate")


def build_predictors(
    model: Any,
    tokenizer: Any,
    meta: Any,
    device: str = "auto",
    precision: str = "fp32",
    batch_tokens: int | None = None,
    truncate_tokens: int = 512,
    compile: bool = False,
) -> tuple[Any, Any]:
    """The windowed predictor as the bundle says, and the truncated-baseline predictor."""
    from nerkit.models import model_max_tokens
    from nerkit.predictor import Predictor
    from nerkit.windows import WindowConfig

    windowed = Predictor(
        model,
        tokenizer,
        list(meta.tags),
        WindowConfig(meta.max_length, meta.overlap),
        aggregation=meta.aggregation,
        device=device,
        precision=precision,
        batch_tokens=batch_tokens,
        compile=compile,
    )
    truncated_length = min(truncate_tokens, model_max_tokens(model))
    truncated = Predictor(
        model,
        tokenizer,
        list(meta.tags),
        WindowConfig(truncated_length, 0),
        aggregation=meta.aggregation,
        max_windows=1,
        device=device,
        precision=precision,
        batch_tokens=batch_tokens,
    )
    return windowed, truncated


def score_model(
    model: Any,
    tokenizer: Any,
    meta: Any,
    docs: list,
    device: str = "auto",
    precision: str = "fp32",
    batch_tokens: int | None = None,
    truncate_tokens: int = 512,
    compare_pipeline: bool = True,
    progress: bool = True,
    compile: bool = False,
) -> dict[str, Any]:
    """Windowed, truncated and (optionally) HF-pipeline readings of ``docs``, scored."""
    windowed, truncated = build_predictors(
        model, tokenizer, meta, device, precision, batch_tokens, truncate_tokens, compile
    )
    return evaluate_predictors(
        docs,
        windowed,
        truncated=truncated,
        pipeline=(windowed.model, tokenizer) if compare_pipeline else None,
        progress=progress,
    )


def resolve_model(uri: str, cache_dir: str | Path = ".cache/models") -> Path:
    """A local bundle folder for a folder path, ``runs:/...`` or ``models:/name@alias``."""
    if uri.startswith(("runs:/", "models:/", "mlflow-artifacts:/")):
        return tracking.download_bundle(uri, cache_dir)
    path = Path(resolve_path(uri) or uri)
    if not path.exists():
        raise FileNotFoundError(
            f"model {uri!r} not found: give a bundle folder, runs:/<run id>/bundle "
            "or models:/<name>@<alias>"
        )
    return path


def run(cfg: DictConfig) -> dict[str, float]:
    """Score ``cfg.model`` on ``cfg.data`` (split ``cfg.split``); returns the summary figures."""
    from nerkit.bundle import load_bundle

    if cfg.tracking.enabled and cfg.log_to_mlflow:
        tracking.configure(cfg.tracking.uri, cfg.tracking.experiment)
    bundle_dir = resolve_model(str(cfg.model_uri))
    docs = load_eval_documents(cfg.data, cfg.split)
    model, tokenizer, meta = load_bundle(bundle_dir)
    report = score_model(
        model,
        tokenizer,
        meta,
        docs,
        device=cfg.device,
        precision=cfg.precision,
        batch_tokens=cfg.batch_tokens,
        truncate_tokens=cfg.truncate_tokens,
        compare_pipeline=cfg.compare_pipeline,
        compile=bool(cfg.compile),
    )
    report["model"] = str(cfg.model_uri)
    report["data"] = OmegaConf.to_container(cfg.data, resolve=True)
    paths = write_report(report, cfg.output_dir)
    figures = summary_metrics(report)
    print(format_report(report))
    print(f"\nreport: {paths[0]}")
    if cfg.tracking.enabled and cfg.log_to_mlflow:
        name = f"evaluate-{Path(str(cfg.model_uri)).name}"
        with tracking.run(cfg.tracking.uri, cfg.tracking.experiment, name) as run_id:
            tracking.log_params(
                {"model": str(cfg.model_uri), "split": cfg.split, "data": report["data"]}
            )
            tracking.log_metrics(figures)
            for path in paths:
                tracking.log_artifacts(path, "evaluation")
            print(f"MLflow run: {run_id}")
    return figures
