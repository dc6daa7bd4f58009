"""One reading of the benchmark documents: the model under test, the engine's reading of
it, and the figures every reading reports (the pipeline's readings: :mod:`bench.fair`)."""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.measure import (
    PeakRSS,
    body_parameters,
    forward_flops,
    gpu_peak,
    reset_gpu_peak,
    timed_forward,
    window_lengths,
)
from nerkit.documents import Document
from nerkit.metrics import exact_f1


@dataclass
class ModelUnderTest:
    name: str
    model: Any
    tokenizer: Any
    tags: list[str]
    aggregation: str = "first"


def load_model_under_test(args: argparse.Namespace, labels: Sequence[str]) -> ModelUnderTest:
    import torch

    from nerkit.models import BUNDLED_MINILM, load_token_classifier, load_tokenizer
    from train.run import tags_for

    if args.model:
        from nerkit.bundle import load_bundle

        model, tokenizer, meta = load_bundle(args.model)
        return ModelUnderTest(args.model, model, tokenizer, list(meta.tags), meta.aggregation)
    tags = tags_for(labels)
    tokenizer = load_tokenizer(BUNDLED_MINILM)
    torch.manual_seed(args.seed)
    if args.random_model == "bert-base":
        from transformers import BertConfig, BertForTokenClassification

        # BertConfig's defaults are bert-base: 12 layers, 768 wide, 110M parameters.
        settings: dict[str, Any] = {
            "vocab_size": tokenizer.vocab_size,
            "num_labels": len(tags),
            "id2label": dict(enumerate(tags)),
            "label2id": {t: i for i, t in enumerate(tags)},
            "attn_implementation": "sdpa",
        }
        config = BertConfig(**settings)
        model = BertForTokenClassification(config).eval()
        return ModelUnderTest("bert-base (random weights)", model, tokenizer, tags)
    model = load_token_classifier(BUNDLED_MINILM, tags, attn_implementation="sdpa").eval()
    return ModelUnderTest("bundled MiniLM (random head)", model, tokenizer, tags)


@dataclass
class Reading:
    """The figures of one way of reading the documents."""

    reader: str
    precision: str
    batch_tokens: int | None
    seconds: float
    word_pieces: int
    documents: int
    peak_rss_mib: float
    f1: float
    forward_seconds: float | None = None
    forward_gflops: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def word_pieces_per_second(self) -> float:
        return self.word_pieces / self.seconds

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.seconds


def run_engine(
    mut: ModelUnderTest,
    docs: Sequence[Document],
    args: argparse.Namespace,
    precision: str,
    batch_tokens: int,
    compiled: bool = False,
) -> Reading:
    from nerkit.predictor import Predictor
    from nerkit.windows import WindowConfig

    n_body = body_parameters(mut.model)  # before the engine packs or quantises the weights
    predictor = Predictor(
        mut.model,
        mut.tokenizer,
        mut.tags,
        WindowConfig(args.window, args.overlap),
        aggregation=mut.aggregation,
        device=args.device,
        precision=precision,
        batch_tokens=batch_tokens,
        compile=compiled,
        # A reading in its own process owns the model, as a predictor from a bundle does
        # (fp32 on CPU then packs its weights for oneDNN); in-process readings share it.
        owns_model=not args.in_process,
    )
    # Warm-up on a whole document, so kernels for full batches are chosen (and, with
    # compile, compiled) before timing.
    predictor.predict([docs[0].text])
    texts = [d.text for d in docs]
    reset_gpu_peak(predictor.device)
    seconds = forward_seconds = math.inf
    with PeakRSS() as memory:
        for _ in range(args.repeats):
            with timed_forward(predictor) as forward:
                started = time.perf_counter()
                predictions = predictor.predict(texts)
                elapsed = time.perf_counter() - started
            if elapsed < seconds:
                seconds, forward_seconds = elapsed, forward[0]
    lengths = window_lengths(predictor, texts)
    flops = forward_flops(mut.model.config, lengths, n_body)
    return Reading(
        reader="nerkit engine",
        precision=f"{precision}+compile" if compiled else precision,
        batch_tokens=batch_tokens,
        seconds=seconds,
        word_pieces=sum(p.tokens for p in predictions),
        documents=len(docs),
        peak_rss_mib=memory.peak / 2**20,
        f1=exact_f1(docs, [[e.as_span() for e in p.entities] for p in predictions]),
        # None when the engine's forward passes bypass Predictor._forward (not timed then).
        forward_seconds=forward_seconds if forward_seconds > 0 else None,
        forward_gflops=flops / forward_seconds / 1e9 if forward_seconds > 0 else None,
        extra={
            "windows": len(lengths),
            "gflops_end_to_end": flops / seconds / 1e9,
            **gpu_peak(predictor.device),
        },
    )


def _budget(r: Reading) -> str:
    """Tokens per batch of an engine reading; ``bs N`` (its batch_size) for the pipeline."""
    if r.batch_tokens:
        return str(r.batch_tokens)
    size = r.extra.get("batch_size")
    return f"bs {size}" if size else "-"


def format_table(readings: Sequence[Reading], baseline: Reading | None, rates: dict) -> str:
    head = (
        f"{'reader':<14} {'precision':<12} {'batch tok':>9} {'wp/s':>9} {'docs/s':>7} "
        f"{'peak RSS MiB':>12} {'exact F1':>8} {'x pipeline':>10} {'fwd GFLOP/s':>11} "
        f"{'of matmul':>9}"
    )
    lines = [head, "-" * len(head)]
    for r in readings:
        ratio = (
            f"{r.word_pieces_per_second / baseline.word_pieces_per_second:.2f}x"
            if baseline is not None
            else "-"
        )
        rate = rates.get("bf16" if r.precision.startswith(("bf16", "fp16")) else "fp32")
        fraction = f"{r.forward_gflops / rate:.0%}" if r.forward_gflops and rate else "-"
        gflops = f"{r.forward_gflops:.1f}" if r.forward_gflops else "-"
        lines.append(
            f"{r.reader:<14} {r.precision:<12} {_budget(r):>9} "
            f"{r.word_pieces_per_second:>9.0f} {r.documents_per_second:>7.3f} "
            f"{r.peak_rss_mib:>12.0f} {r.f1:>8.3f} {ratio:>10} {gflops:>11} {fraction:>9}"
        )
    return "\n".join(lines)
