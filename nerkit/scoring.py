"""Scoring a model through the output path, and telling a real difference from noise.

:func:`score_model` is what ``python -m evaluate``, the end of ``python -m train`` and the
registry gate call: the windowed reading through :class:`~nerkit.output.OutputPath`
(engine, then the model's post-processing chain) beside the truncated baseline and,
optionally, the Hugging Face pipeline.

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
from typing import Any

import numpy as np

from nerkit.documents import Document, Span
from nerkit.metrics import spans_to_word_tags, word_offsets

BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 13
BOOTSTRAP_LEVEL = 0.95


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

    common = {"device": device, "precision": precision, "batch_tokens": batch_tokens}
    windowed = Predictor(
        model,
        tokenizer,
        list(meta.tags),
        WindowConfig(meta.max_length, meta.overlap),
        aggregation=meta.aggregation,
        compile=compile,
        **common,
    )
    windowed.meta = meta
    truncated_length = min(truncate_tokens, model_max_tokens(model))
    truncated = Predictor(
        model,
        tokenizer,
        list(meta.tags),
        WindowConfig(truncated_length, 0),
        aggregation=meta.aggregation,
        max_windows=1,
        **common,
    )
    return windowed, truncated


def score_model(
    model: Any,
    tokenizer: Any,
    meta: Any,
    docs: Sequence[Document],
    device: str = "auto",
    precision: str = "fp32",
    batch_tokens: int | None = None,
    truncate_tokens: int = 512,
    compare_pipeline: bool = True,
    progress: bool = True,
    compile: bool = False,
    rules: Sequence[Any] | None = None,
    configured: Sequence[Any] | None = None,
    baseline: bool = True,
) -> dict[str, Any]:
    """Served (post-processed), raw, truncated (``baseline``) and HF-pipeline readings.

    The chain is ``rules`` when given (scoring another chain on purpose), else the one
    ``meta`` records, else ``configured`` (:meth:`nerkit.output.OutputPath.for_predictor`).
    """
    from nerkit.evaluation import evaluate_predictors
    from nerkit.output import OutputPath

    windowed, truncated = build_predictors(
        model, tokenizer, meta, device, precision, batch_tokens, truncate_tokens, compile
    )
    output = OutputPath.for_predictor(windowed, configured=configured, override=rules)
    return evaluate_predictors(
        list(docs),
        output,
        truncated=truncated if baseline else None,
        pipeline=(windowed.model, tokenizer) if compare_pipeline else None,
        progress=progress,
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
