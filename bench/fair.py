"""The Hugging Face pipeline at its best, and the fair comparison with the engine.

The pipeline reads with ``batch_size`` (its windows of one document batched; every size
of ``--pipeline-batch-sizes`` is read and the fastest counts) and at every precision the
engine reads in, on the same weights: fp32; bf16 with the model cast to
``torch.bfloat16``; int8 with the same dynamic quantisation the engine applies
(:func:`nerkit.devices.quantize_linear_int8`). The table then divides, per precision, the
engine's best reading by the pipeline's best reading at the *same* precision, and,
separately, the engine's best reading at any precision by the pipeline's best.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Sequence
from typing import Any

from bench.measure import PeakRSS, gpu_peak, reset_gpu_peak
from bench.readings import Reading
from nerkit.metrics import exact_f1

PIPELINE = "HF pipeline"
ENGINE = "nerkit engine"


def pipeline_specs(args: argparse.Namespace, precisions: Sequence[str]) -> list[str]:
    """``pipeline:<precision>:<batch size>`` for every precision and batch size."""
    sizes = [int(b) for b in str(args.pipeline_batch_sizes).split(",") if b.strip()]
    return [f"pipeline:{p}:{b}" for p in precisions for b in sizes]


def pipeline_model(model: Any, precision: str) -> Any:
    """The pipeline's copy of the weights in ``precision`` (as the engine reads them)."""
    import torch

    from nerkit.devices import quantize_linear_int8

    if precision == "int8":
        return quantize_linear_int8(model)  # a quantised copy; the weights stay shared
    if precision in ("bf16", "fp16"):
        dtype = torch.bfloat16 if precision == "bf16" else torch.float16
        import copy

        return copy.deepcopy(model).to(dtype)
    return model


def run_pipeline(
    mut: Any, docs: Sequence[Any], args: argparse.Namespace, precision: str, batch_size: int
) -> Reading:
    """One pipeline reading: ``pipeline(..., stride=overlap)`` with ``batch_size``."""
    from nerkit.devices import resolve_device
    from nerkit.evaluation import spans_from_pipeline, token_classification_pipeline
    from nerkit.windows import tokenize_documents

    tokenizer = mut.tokenizer
    device = resolve_device(args.device)
    model = pipeline_model(mut.model.to(device), precision)
    # The pipeline reads windows of --window tokens, as the engine does.
    with token_classification_pipeline(model, tokenizer, args.window, args.overlap, device) as pipe:
        pipe(docs[0].text, batch_size=batch_size)  # warm-up on a whole document, not timed
        reset_gpu_peak(device)
        seconds = math.inf
        with PeakRSS() as memory:
            for _ in range(args.repeats):
                started = time.perf_counter()
                found = [pipe(d.text, batch_size=batch_size) for d in docs]
                seconds = min(seconds, time.perf_counter() - started)
    spans = [spans_from_pipeline(f) for f in found]
    return Reading(
        reader=PIPELINE,
        precision=precision,
        batch_tokens=None,
        seconds=seconds,
        word_pieces=sum(len(t) for t in tokenize_documents(tokenizer, [d.text for d in docs])),
        documents=len(docs),
        peak_rss_mib=memory.peak / 2**20,
        f1=exact_f1(docs, spans),
        extra={"batch_size": batch_size, **gpu_peak(device)},
    )


def _base(precision: str) -> str:
    return precision.split("+", 1)[0]


def best_by_precision(readings: Sequence[Any], reader: str) -> dict[str, Any]:
    """The fastest reading of ``reader`` per precision (``bf16+compile`` counts as bf16)."""
    best: dict[str, Any] = {}
    for r in readings:
        if r.reader != reader:
            continue
        key = _base(r.precision)
        if key not in best or r.word_pieces_per_second > best[key].word_pieces_per_second:
            best[key] = r
    return best


def _describe(r: Any) -> str:
    if r.reader == PIPELINE:
        return f"{r.precision}, batch_size {r.extra.get('batch_size', '-')}"
    return f"{r.precision}, {r.batch_tokens} tokens/batch"


def fair_table(readings: Sequence[Any]) -> str:
    """Per precision engine / pipeline at the same precision, then best / best."""
    engine = best_by_precision(readings, ENGINE)
    pipe = best_by_precision(readings, PIPELINE)
    head = (
        f"{'precision':<10} {'engine wp/s':>11} {'F1':>6}  {'pipeline wp/s':>13} {'F1':>6}  "
        f"{'engine / pipeline':>17}  pipeline's best setting"
    )
    lines = ["Fair comparison (each side at its best, same weights, same window):", head]
    lines.append("-" * len(head))
    for precision in sorted(set(engine) & set(pipe), key=["fp32", "bf16", "fp16", "int8"].index):
        e, p = engine[precision], pipe[precision]
        ratio = e.word_pieces_per_second / p.word_pieces_per_second
        lines.append(
            f"{precision:<10} {e.word_pieces_per_second:>11.0f} {e.f1:>6.3f}  "
            f"{p.word_pieces_per_second:>13.0f} {p.f1:>6.3f}  {ratio:>16.2f}x  {_describe(p)}"
        )
    if engine and pipe:
        e = max(engine.values(), key=lambda r: r.word_pieces_per_second)
        p = max(pipe.values(), key=lambda r: r.word_pieces_per_second)
        lines.append(
            f"best / best: engine {_describe(e)} {e.word_pieces_per_second:.0f} wp/s (F1 "
            f"{e.f1:.3f}) / pipeline {_describe(p)} {p.word_pieces_per_second:.0f} wp/s (F1 "
            f"{p.f1:.3f}) = {e.word_pieces_per_second / p.word_pieces_per_second:.2f}x"
        )
    return "\n".join(lines)
