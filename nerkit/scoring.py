"""Scoring a model through the output path, and telling a real difference from noise.

:func:`score_bundle` is what ``python -m evaluate``, the end of ``python -m train`` and
the registry gate call: the bundle loaded as the service loads it and read through
:class:`~nerkit.output.OutputPath` (engine, then the model's post-processing chain),
beside the engine's raw entities, the truncated baseline and, optionally, the Hugging
Face pipeline.

:func:`paired_bootstrap` is the gate's noise test. Two models' served entities on the
same test documents are reduced to per-document counts (true positives, predicted and
gold entities, as seqeval's strict IOB2 micro F1 counts them). Documents are resampled
with replacement (the same resample for both models: paired), micro F1 is recomputed
from the summed counts of each resample, and the percentiles of the challenger-minus-
champion differences give the confidence interval. Seeded, so a decision can be
repeated exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nerkit.documents import Document, Span
from nerkit.metrics import spans_to_word_tags, word_offsets

BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 13
BOOTSTRAP_LEVEL = 0.95


def truncated_predictor(
    path: str | Path,
    device: str = "auto",
    precision: str = "fp32",
    batch_tokens: int | None = None,
    truncate_tokens: int = 512,
) -> Any:
    """The truncated baseline: only the first ``truncate_tokens`` of each document."""
    from nerkit.bundle import load_bundle
    from nerkit.models import model_max_tokens
    from nerkit.predictor import Predictor
    from nerkit.windows import WindowConfig

    model, tokenizer, meta = load_bundle(path)
    return Predictor(
        model,
        tokenizer,
        list(meta.tags),
        WindowConfig(min(truncate_tokens, model_max_tokens(model)), 0),
        aggregation=meta.aggregation,
        max_windows=1,
        device=device,
        precision=precision,
        batch_tokens=batch_tokens,
    )


def score_bundle(
    path: str | Path,
    docs: Sequence[Document],
    device: str = "auto",
    precision: str = "fp32",
    batch_tokens: int | None = None,
    truncate_tokens: int = 512,
    compare_pipeline: bool = True,
    progress: bool = True,
    compile: bool = False,
    rules: Sequence[Any] | None = None,
    baseline: bool = True,
) -> dict[str, Any]:
    """Served (post-processed), raw, truncated (``baseline``) and HF-pipeline readings.

    The windowed reading loads the bundle exactly as the service does
    (:meth:`nerkit.output.OutputPath.from_bundle`: same kernels, same chain), so its
    figures are those of what users get. The chain is ``rules`` when given (scoring
    another chain on purpose), else the one the bundle records. The baselines read their
    own copy of the weights, as the Hugging Face pipeline would load them.
    """
    from nerkit.bundle import load_bundle
    from nerkit.evaluation import evaluate_predictors
    from nerkit.output import OutputPath

    engine: dict[str, Any] = {
        "device": device,
        "precision": precision,
        "batch_tokens": batch_tokens,
    }
    output = OutputPath.from_bundle(path, override=rules, compile=compile, **engine)
    truncated = (
        truncated_predictor(path, truncate_tokens=truncate_tokens, **engine) if baseline else None
    )
    pipeline = None
    if compare_pipeline:
        model, tokenizer, _ = load_bundle(path, device=str(output.predictor.device))
        pipeline = (model, tokenizer)
    return evaluate_predictors(
        list(docs), output, truncated=truncated, pipeline=pipeline, progress=progress
    )


# --- the paired bootstrap ---------------------------------------------------------------


def document_counts(docs: Sequence[Document], predicted: Sequence[Iterable[Span]]) -> np.ndarray:
    """``(n_docs, 3)``: true positives, predicted and gold entities of each document.

    Entities are read from the same word-level IOB2 tags :func:`nerkit.metrics.seqeval_scores`
    builds, so the summed counts give exactly its micro F1.
    """
    from seqeval.metrics.sequence_labeling import get_entities

    rows = []
    for doc, spans in zip(docs, predicted, strict=True):
        words = word_offsets(doc.text)
        gold = set(get_entities(spans_to_word_tags(words, doc.spans)))
        pred = set(get_entities(spans_to_word_tags(words, list(spans))))
        rows.append((len(gold & pred), len(pred), len(gold)))
    return np.asarray(rows, dtype=np.int64).reshape(-1, 3)


def micro_f1(counts: np.ndarray) -> np.ndarray:
    """Micro F1 from summed counts; ``counts[..., 3]`` (any leading shape)."""
    tp, n_pred, n_gold = counts[..., 0], counts[..., 1], counts[..., 2]
    denominator = n_pred + n_gold
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, 2.0 * tp / denominator, 0.0)


@dataclass
class Interval:
    """The challenger-minus-champion micro F1 difference and its bootstrap interval."""

    delta: float
    low: float
    high: float
    level: float
    resamples: int
    seed: int
    documents: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"F1 difference {self.delta:+.4f}, {self.level:.0%} interval "
            f"[{self.low:+.4f}, {self.high:+.4f}] ({self.resamples} paired bootstrap "
            f"resamples of {self.documents} documents, seed {self.seed})"
        )


def paired_bootstrap(
    docs: Sequence[Document],
    champion: Sequence[Iterable[Span]],
    challenger: Sequence[Iterable[Span]],
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    level: float = BOOTSTRAP_LEVEL,
) -> Interval:
    """Percentile interval of challenger F1 minus champion F1 over resampled documents."""
    if not docs:
        raise ValueError("no documents to compare on: the test split is empty")
    if resamples < 1 or not 0.0 < level < 1.0:
        raise ValueError(f"resamples={resamples} must be >= 1 and level={level} in (0, 1)")
    a = document_counts(docs, champion)
    b = document_counts(docs, challenger)
    delta = float(micro_f1(b.sum(axis=0)) - micro_f1(a.sum(axis=0)))
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(docs), size=(resamples, len(docs)))
    differences = micro_f1(b[picks].sum(axis=1)) - micro_f1(a[picks].sum(axis=1))
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(differences, [tail, 100.0 - tail])
    return Interval(delta, float(low), float(high), level, resamples, seed, len(docs))
