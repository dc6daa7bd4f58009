"""``python -m evaluate``: score any model on any labelled data, whole documents.

The model is read through the one output path (:mod:`nerkit.output`): the engine, then
the post-processing chain its bundle records, exactly as ``python -m serve`` answers.
``postprocess=<name>`` on the command line scores that chain instead (conf/postprocess).
The report shows the served (post-processed) and the raw engine scores side by side, and
``predictions.jsonl`` holds the served entities of every document.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evaluate.report import write_report
from nerkit import tracking
from nerkit.data import load_eval_documents
from nerkit.evaluation import format_report, summary_metrics
from nerkit.modelref import ResolvedBundle, resolve_bundle
from nerkit.settings import EvaluateSettings, typed

log = logging.getLogger("evaluate")


def resolve_model(cfg: EvaluateSettings) -> ResolvedBundle:
    """The verified local bundle behind ``model_uri``: a folder, ``runs:/...`` or
    ``models:/...`` (downloaded into ``cache_dir``, the newest ``cache_keep`` kept)."""
    uri = cfg.model_uri
    try:
        return resolve_bundle(
            uri, cfg.tracking.uri, cfg.cache_dir, Path(uri).name, cache_keep=cfg.cache_keep
        )
    except ValueError as err:
        raise FileNotFoundError(str(err)) from err


def write_predictions(outputs: list[dict[str, Any]], out_dir: str | Path) -> Path:
    """``predictions.jsonl``: one line per document, ``{"id", "entities"}`` as served."""
    path = Path(out_dir) / "predictions.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(o, ensure_ascii=False) for o in outputs]
    path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    return path


def run(config: Any) -> dict[str, float]:
    """Score ``model_uri`` on ``data`` (split ``split``); returns the summary figures.
    ``config`` is the composed ``conf/evaluate.yaml`` (or an :class:`EvaluateSettings`)."""
    from nerkit.scoring import score_bundle

    cfg = typed(config, EvaluateSettings)
    if cfg.tracking.enabled and cfg.log_to_mlflow:
        tracking.configure(cfg.tracking.uri, cfg.tracking.experiment)
    found = resolve_model(cfg)
    docs = load_eval_documents(cfg.data, cfg.split)
    report = score_bundle(
        found.path,
        docs,
        **cfg.engine_options(),
        truncate_tokens=cfg.truncate_tokens,
        compare_pipeline=cfg.compare_pipeline,
        # The chain given on the command line (postprocess=<name>), else the bundle's own.
        rules=None if cfg.postprocess is None else cfg.postprocess.rules,
    )
    report["model"] = {"uri": cfg.model_uri, "version": found.version, "sha256": found.sha256}
    report["data"] = asdict(cfg.data)
    predictions = write_predictions(report.pop("outputs"), cfg.output_dir)
    paths = [*write_report(report, cfg.output_dir), predictions]
    figures = summary_metrics(report)
    print(format_report(report))
    print(f"\nreport: {paths[0]}\nserved entities: {predictions}")
    if cfg.tracking.enabled and cfg.log_to_mlflow:
        name = f"evaluate-{Path(cfg.model_uri).name}"
        with tracking.run(cfg.tracking.uri, cfg.tracking.experiment, name) as run_id:
            tracking.log_params(
                {
                    "model": cfg.model_uri,
                    "split": cfg.split,
                    "data": report["data"],
                    "postprocess_digest": report["postprocess"]["digest"],
                }
            )
            tracking.log_metrics(figures)
            for path in paths:
                tracking.log_artifacts(path, "evaluation")
            print(f"MLflow run: {run_id}")
    return figures
