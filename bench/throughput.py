"""Throughput of the nerkit engine against the Hugging Face pipeline, on one machine.

    python -m bench.throughput --n-docs 6 --precision fp32,bf16,int8 --batch-tokens 2048
    python -m bench.throughput --model path/to/bundle --rounds 3 --compile

Both read the same long documents with the same weights, the same window length and the
same overlap (the pipeline as ``pipeline("token-classification",
aggregation_strategy="first", stride=overlap)``, with ``batch_size`` and at every precision
the engine reads in: see :mod:`bench.fair`, which also prints the fair ratios). For each
reading it prints word-pieces per second, documents per second, the peak resident memory
while it ran, exact-span F1 against the gold spans (meaningful only for a trained model)
and the ratio to the pipeline's fp32 reading. It also measures the machine's matmul rate
and prints the engine's achieved forward GFLOP/s as a fraction of it.

The model is a bundle folder (``--model``), a randomly initialised bert-base-sized model
(``--random-model bert-base``) or, by default, the bundled MiniLM with a random head. The
documents are the built-in corpus' test split or any labelled file (``--data``).

On a shared machine timings wander: each reading runs in its own process (so its peak
memory is its own), the readings are interleaved over ``--rounds`` and each keeps its
fastest round; the load average before and after is printed beside the figures.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from nerkit.documents import Document, Span

DEFAULT_LABELS = ["DATE", "JURISDICTION", "MONEY", "ORG", "PERSON"]


# --- documents -------------------------------------------------------------------------


def corpus_test_documents(n_docs: int, seed: int) -> list[Document]:
    """The first ``n_docs`` of the built-in corpus' test split, as ``conf/data/builtin.yaml``.

    The split is the one training holds out, so a trained bundle is scored on documents it
    never saw. When the default corpus has fewer test documents, a larger corpus is
    generated (its first documents are the same, and the extra ones were never trained on).
    """
    data = importlib.import_module("nerkit.data")  # optional here: imported by name
    corpus_size = 60

    def test_split() -> list[Document]:
        settings = {"source": "builtin", "n_docs": corpus_size, "corpus_seed": seed}
        settings |= {"split_seed": seed, "dev_ratio": 0.1, "test_ratio": 0.15}
        return list(data.load_data(settings)["test"])

    test = test_split()
    while len(test) < n_docs and corpus_size < 100 * n_docs:
        corpus_size *= 2
        test = test_split()
    return test[:n_docs]


_ORGS = ["Zorblax", "Quintrel", "Harrow", "Meridian", "Caldera", "Norvik", "Tessaly", "Brightwater"]
_ORG_TAILS = ["Holdings Limited", "Capital LLC", "Industries Inc.", "Partners LP", "GmbH", "S.A."]
_PEOPLE = ["Quentin Farnsworth", "Amelia Okafor", "Jonas Lindqvist", "Priya Raman", "Elena Petrov"]
_PLACES = ["the State of Delaware", "England and Wales", "the State of New York", "Ontario"]
_MONTHS = ["January", "March", "May", "July", "September", "November"]
_FILLER = (
    "The parties agree that the obligations set out in this Section survive termination and "
    "that no waiver of any breach shall be deemed a waiver of any other breach. Notices shall "
    "be given in writing and delivered by hand or by registered mail to the addresses above. "
    "Each party shall keep confidential all information received from the other party. "
)


class _TextWithSpans:
    """Appends text pieces, recording a span for each labelled one."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.length = 0

    def add(self, text: str, label: str | None = None) -> None:
        if label is not None:
            self.spans.append(Span(self.length, self.length + len(text), label))
        self.parts.append(text)
        self.length += len(text)

    def document(self, doc_id: str) -> Document:
        return Document(doc_id, "".join(self.parts), self.spans)


def synthetic_contracts(n_docs: int, seed: int, words_per_doc: int = 6000) -> list[Document]:
    """Long contract-like documents with gold spans, for when the corpus is not installed."""
    rng = random.Random(seed)
    docs = []
    for d in range(n_docs):
        out = _TextWithSpans()
        while sum(p.count(" ") for p in out.parts) < words_per_doc:
            out.add("This Agreement is made on ")
            out.add(f"{rng.randint(1, 28)} {rng.choice(_MONTHS)} {rng.randint(1995, 2030)}", "DATE")
            out.add(" between ")
            out.add(f"{rng.choice(_ORGS)} {rng.choice(_ORG_TAILS)}", "ORG")
            out.add(", represented by ")
            out.add(rng.choice(_PEOPLE), "PERSON")
            out.add(", who shall pay ")
            out.add(f"USD {rng.randint(1, 99)},{rng.randint(100, 999)},000.00", "MONEY")
            out.add(" under the laws of ")
            out.add(rng.choice(_PLACES), "JURISDICTION")
            out.add(". " + _FILLER * rng.randint(1, 3))
        docs.append(out.document(f"synthetic-{d}"))
    return docs


@functools.lru_cache(maxsize=4)
def load_benchmark_documents(data: str | None, n_docs: int, seed: int) -> tuple[list, str]:
    """Documents and where they came from (generated or read once per process)."""
    if data:
        from nerkit.formats import load_documents

        return list(load_documents(data))[:n_docs], data
    try:
        return corpus_test_documents(n_docs, seed), "built-in corpus, test split"
    except ImportError as err:
        print(f"(built-in corpus not available: {err}; using synthetic contracts)")
        return synthetic_contracts(n_docs, seed), "synthetic contracts (bench fallback)"


# --- model -------------------------------------------------------------------------------


@dataclass
class ModelUnderTest:
    name: str
    model: Any
    tokenizer: Any
    tags: list[str]
    aggregation: str = "first"


def tags_for(labels: Sequence[str]) -> list[str]:
    return ["O"] + [f"{p}-{label}" for label in labels for p in ("B", "I")]


def load_model_under_test(args: argparse.Namespace, labels: Sequence[str]) -> ModelUnderTest:
    import torch

    from nerkit.models import BUNDLED_MINILM, load_token_classifier, load_tokenizer

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


# --- measuring ---------------------------------------------------------------------------


class PeakRSS:
    """Peak resident memory of this process while a block runs (sampled every 5 ms)."""

    def __init__(self) -> None:
        import psutil

        self._process = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(0.005)

    def __enter__(self) -> PeakRSS:
        self.peak = self._process.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def reset_gpu_peak(device: Any) -> None:
    import torch

    if torch.device(device).type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)


def gpu_peak(device: Any) -> dict[str, float]:
    import torch

    if torch.device(device).type != "cuda":
        return {}
    return {"peak_gpu_mib": torch.cuda.max_memory_allocated(device) / 2**20}


def synchronize(device: Any) -> None:
    import torch

    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


def matmul_gflops(dtype: Any, device: Any, size: int, reps: int, trials: int = 3) -> float:
    """The machine's dense matmul rate, GFLOP/s, for square ``size`` matrices.

    The best of ``trials`` timings of ``reps`` products: on a shared machine the best is
    the closest to what the hardware can do.
    """
    import torch

    a = torch.randn(size, size, device=device).to(dtype)
    b = torch.randn(size, size, device=device).to(dtype)
    a @ b  # warm-up: kernels chosen, memory touched
    synchronize(device)
    best = math.inf
    for _ in range(trials):
        started = time.perf_counter()
        for _ in range(reps):
            a @ b
        synchronize(device)
        best = min(best, time.perf_counter() - started)
    return 2 * size**3 * reps / best / 1e9


def forward_flops(config: Any, window_lengths: Sequence[int], n_params_body: int) -> float:
    """Estimated forward FLOPs over windows of the given lengths (special tokens included).

    Every weight is used in one multiply-add per token (2 FLOPs); attention adds
    ``QK^T`` and ``AV``: 2 x 2 x L^2 x hidden per layer and window.
    """
    tokens = sum(window_lengths)
    layers = int(getattr(config, "num_hidden_layers", 0))
    hidden = int(getattr(config, "hidden_size", 0))
    attention = 4.0 * layers * hidden * sum(n * n for n in window_lengths)
    return 2.0 * n_params_body * tokens + attention


def body_parameters(model: Any) -> int:
    """Parameters used as matmul weights per token (embedding tables excluded)."""
    return sum(p.numel() for name, p in model.named_parameters() if "embeddings" not in name)


def exact_f1(gold: Sequence[Document], predicted: Sequence[Sequence[Span]]) -> float:
    """Micro F1 over exact ``(start, end, label)`` matches."""
    tp = n_pred = n_gold = 0
    for doc, pred in zip(gold, predicted, strict=True):
        g, p = set(doc.spans), set(pred)
        tp += len(g & p)
        n_pred += len(p)
        n_gold += len(g)
    if tp == 0:
        return 0.0
    precision, recall = tp / n_pred, tp / n_gold
    return 2 * precision * recall / (precision + recall)


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


@contextmanager
def timed_forward(predictor: Any) -> Iterator[list[float]]:
    """Accumulate the time spent in the model's forward passes (softmax and copy included)."""
    spent = [0.0]
    original: Callable[..., Any] = predictor._forward

    def forward(inputs: Any) -> Any:
        started = time.perf_counter()
        out = original(inputs)  # ends with .cpu(): the device has finished
        spent[0] += time.perf_counter() - started
        return out

    predictor._forward = forward
    try:
        yield spent
    finally:
        predictor._forward = original


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


def window_lengths(predictor: Any, texts: Sequence[str]) -> list[int]:
    """Lengths (special tokens included) of every window the engine reads."""
    from nerkit.windows import document_windows, tokenize_documents

    n_special = predictor.special.count
    out: list[int] = []
    for tok in tokenize_documents(predictor.tokenizer, texts):
        ranges = document_windows(len(tok), predictor.window, n_special, predictor.max_windows)
        out.extend((ranges[:, 1] - ranges[:, 0] + n_special).tolist())
    return out


# --- report ------------------------------------------------------------------------------


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


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.throughput",
        description="Throughput of the nerkit engine against the Hugging Face pipeline.",
    )
    parser.add_argument("--model", help="a nerkit bundle folder (default: bundled MiniLM)")
    parser.add_argument(
        "--random-model",
        choices=["bert-base"],
        help="instead of --model: a randomly initialised model of this size",
    )
    parser.add_argument("--data", help="a labelled file (default: the built-in corpus test split)")
    parser.add_argument("--n-docs", type=int, default=6, help="documents to read (default 6)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--window", type=int, default=256, help="tokens per window")
    parser.add_argument("--overlap", type=int, default=32, help="tokens shared by neighbours")
    parser.add_argument(
        "--precision", default="fp32,bf16,int8", help="comma-separated engine precisions"
    )
    parser.add_argument(
        "--batch-tokens",
        default="2048",
        help="comma-separated token budgets per batch (default 2048: a small CPU's caches "
        "favour small batches; GPUs want 16384 or more)",
    )
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="timed passes per reading within a round; the fastest counts",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="rounds through all readings, interleaved so that a busy spell on a shared "
        "machine hits every reading alike; each reading's fastest round counts",
    )
    parser.add_argument("--no-pipeline", action="store_true", help="skip the HF pipeline")
    parser.add_argument(
        "--pipeline-batch-sizes",
        default="1,4,8,16",
        help="comma-separated batch_size values for the pipeline; the fastest counts",
    )
    parser.add_argument(
        "--compile",
        action="store_true",
        help="also read with torch.compile (fp32/bf16/fp16; compiling is not timed)",
    )
    parser.add_argument("--matmul-size", type=int, default=0, help="0: 2048 on CPU, 8192 on CUDA")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run every reading in this process (faster; peak memory then mixes readings)",
    )
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--only", help=argparse.SUPPRESS)  # one reading, in a child process
    args = parser.parse_args(argv)
    if args.model and args.random_model:
        parser.error("give --model or --random-model, not both")
    return args


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: how busy the machine was around the run."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def model_description(args: argparse.Namespace) -> str:
    if args.model:
        return f"bundle {args.model}"
    if args.random_model:
        return f"{args.random_model} (random weights)"
    return "bundled MiniLM (random head)"


def reading_specs(args: argparse.Namespace, precisions: Sequence[str]) -> list[str]:
    """``pipeline:<precision>:<batch size>`` and ``engine:<precision>:<batch tokens>[:compile]``
    for every reading: the pipeline at every precision the engine reads in."""
    from bench.fair import pipeline_specs

    budgets = [int(b) for b in args.batch_tokens.split(",") if b.strip()]
    specs = [] if args.no_pipeline else pipeline_specs(args, precisions)
    specs += [f"engine:{p}:{b}" for p in precisions for b in budgets]
    if args.compile:
        specs += [f"engine:{p}:{b}:compile" for p in precisions if p != "int8" for b in budgets]
    return specs


def matmul_rates(args: argparse.Namespace, device: Any) -> dict[str, float]:
    """fp32 (and bf16 where the device runs it) matmul GFLOP/s on ``device``."""
    import torch

    from nerkit.devices import check_precision

    size = args.matmul_size or (8192 if device.type == "cuda" else 2048)
    reps = 20 if device.type == "cuda" else 5
    rates = {"fp32": matmul_gflops(torch.float32, device, size, reps)}
    try:
        check_precision("bf16", device)
        rates["bf16"] = matmul_gflops(torch.bfloat16, device, size, reps)
    except ValueError:
        pass
    return rates


def format_rates(rates: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.1f} GFLOP/s" for k, v in rates.items())


def run_reading(args: argparse.Namespace, spec: str) -> Reading:
    """One reading, in this process, with the matmul rate measured just before it.

    On a shared machine the rate of the moment varies; the report divides by the best
    rate seen during the whole run, the closest to what the hardware can do.
    """
    from nerkit.devices import resolve_device

    docs, _ = load_benchmark_documents(args.data, args.n_docs, args.seed)
    labels = sorted({s.label for d in docs for s in d.spans}) or DEFAULT_LABELS
    mut = load_model_under_test(args, labels)
    rates = matmul_rates(args, resolve_device(args.device))
    if spec.startswith("pipeline:"):
        from bench.fair import run_pipeline

        _, precision, batch_size = spec.split(":")
        reading = run_pipeline(mut, docs, args, precision, int(batch_size))
    else:
        _, precision, budget, *options = spec.split(":")
        reading = run_engine(mut, docs, args, precision, int(budget), "compile" in options)
    reading.extra["matmul_gflops"] = rates
    return reading


def run_isolated(argv: Sequence[str], spec: str) -> Reading:
    """One reading in a child process, so its peak memory is its own."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "reading.json"
        command = [sys.executable, "-m", "bench.throughput", *argv, "--only", spec]
        command += ["--json", str(out)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not out.is_file():
            sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
            raise RuntimeError(f"the {spec} reading failed (exit {done.returncode})")
        return Reading(**json.loads(out.read_text(encoding="utf-8")))


def main(argv: Sequence[str] | None = None) -> int:
    import torch

    from nerkit.devices import check_precision, limit_cpu_threads, resolve_device

    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    device = resolve_device(args.device)
    threads = limit_cpu_threads() if device.type == "cpu" else torch.get_num_threads()
    if args.only:
        reading = run_reading(args, args.only)
        Path(args.json).write_text(json.dumps(asdict(reading)), encoding="utf-8")
        return 0

    precisions = []
    for precision in (p.strip() for p in args.precision.split(",") if p.strip()):
        if precision == "auto":
            from nerkit.devices import resolve_precision

            precision = resolve_precision("auto", device)
            print(f"precision auto on {device}: {precision}")
            if precision in precisions:
                continue
        try:
            check_precision(precision, device)
            precisions.append(precision)
        except ValueError as err:
            print(f"skipping {precision}: {err}")
    docs, source = load_benchmark_documents(args.data, args.n_docs, args.seed)
    rates = matmul_rates(args, device)
    characters = sum(len(d.text) for d in docs)
    print(
        f"model: {model_description(args)}; device: {device} ({threads} CPU threads); "
        f"window {args.window}, overlap {args.overlap}"
    )
    print(f"documents: {len(docs)} from {source} ({characters} characters)")
    print("matmul rate at start: " + format_rates(rates))

    print(f"load average before: {load_average()}")
    fastest: dict[str, Reading] = {}
    for round_number in range(1, args.rounds + 1):
        for spec in reading_specs(args, precisions):
            started = time.perf_counter()
            reading = run_isolated(argv, spec) if not args.in_process else run_reading(args, spec)
            if spec not in fastest or reading.seconds < fastest[spec].seconds:
                fastest[spec] = reading
            for kind, rate in reading.extra.get("matmul_gflops", {}).items():
                rates[kind] = max(rates.get(kind, 0.0), rate)
            took = time.perf_counter() - started
            print(f"  round {round_number} {spec}: {reading.seconds:.1f} s ({took:.0f} s in all)")
    print(f"load average after: {load_average()}")
    readings = list(fastest.values())
    from bench.fair import best_by_precision, fair_table

    # The "x pipeline" column divides by the pipeline's best fp32 reading; the fair ratios
    # (same precision, and best / best) are in the table after it.
    baseline = best_by_precision(readings, "HF pipeline").get("fp32")
    print("matmul rate, best seen during the run: " + format_rates(rates))
    print()
    print(format_table(readings, baseline, rates))
    print()
    print(fair_table(readings))
    if args.json:
        payload = {
            "model": model_description(args),
            "device": str(device),
            "threads": threads,
            "documents": len(docs),
            "source": source,
            "rounds": args.rounds,
            "repeats": args.repeats,
            "window": args.window,
            "overlap": args.overlap,
            "matmul_gflops": rates,
            "readings": [
                asdict(r)
                | {
                    "word_pieces_per_second": r.word_pieces_per_second,
                    "documents_per_second": r.documents_per_second,
                    "vs_pipeline": (
                        r.word_pieces_per_second / baseline.word_pieces_per_second
                        if baseline
                        else None
                    ),
                }
                for r in readings
            ],
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
