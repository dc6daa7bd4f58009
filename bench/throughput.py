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
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bench.documents import LABELS, load_benchmark_documents
from bench.fair import best_by_precision, fair_table, pipeline_specs, run_pipeline
from bench.measure import format_rates, load_average, matmul_rates
from bench.readings import Reading, format_table, load_model_under_test, run_engine


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.throughput",
        description="Throughput of the nerkit engine against the Hugging Face pipeline.",
    )
    add_what_to_read(parser)
    add_how_to_read(parser)
    add_how_to_measure(parser)
    args = parser.parse_args(argv)
    if args.model and args.random_model:
        parser.error("give --model or --random-model, not both")
    return args


def add_what_to_read(parser: argparse.ArgumentParser) -> None:
    """The model and the documents."""
    group = parser.add_argument_group("what is read")
    group.add_argument("--model", help="a nerkit bundle folder (default: bundled MiniLM)")
    group.add_argument(
        "--random-model",
        choices=["bert-base"],
        help="instead of --model: a randomly initialised model of this size",
    )
    group.add_argument("--data", help="a labelled file (default: the built-in corpus test split)")
    group.add_argument("--n-docs", type=int, default=6, help="documents to read (default 6)")
    group.add_argument("--seed", type=int, default=13)


def add_how_to_read(parser: argparse.ArgumentParser) -> None:
    """The window, precisions, budgets and device of the engine, and the pipeline's sizes."""
    group = parser.add_argument_group("how the engine and the pipeline read")
    group.add_argument("--window", type=int, default=256, help="tokens per window")
    group.add_argument("--overlap", type=int, default=32, help="tokens shared by neighbours")
    group.add_argument(
        "--precision", default="fp32,bf16,int8", help="comma-separated engine precisions"
    )
    group.add_argument(
        "--batch-tokens",
        default="2048",
        help="comma-separated token budgets per batch (default 2048: a small CPU's caches "
        "favour small batches; GPUs want 16384 or more)",
    )
    group.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    group.add_argument("--no-pipeline", action="store_true", help="skip the HF pipeline")
    group.add_argument(
        "--pipeline-batch-sizes",
        default="1,4,8,16",
        help="comma-separated batch_size values for the pipeline; the fastest counts",
    )
    group.add_argument(
        "--compile",
        action="store_true",
        help="also read with torch.compile (fp32/bf16/fp16; compiling is not timed)",
    )


def add_how_to_measure(parser: argparse.ArgumentParser) -> None:
    """Repeats and rounds (a shared machine's timings wander), isolation, output."""
    group = parser.add_argument_group("how it is measured")
    group.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="timed passes per reading within a round; the fastest counts",
    )
    group.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="rounds through all readings, interleaved so that a busy spell on a shared "
        "machine hits every reading alike; each reading's fastest round counts",
    )
    group.add_argument("--matmul-size", type=int, default=0, help="0: 2048 on CPU, 8192 on CUDA")
    group.add_argument(
        "--in-process",
        action="store_true",
        help="run every reading in this process (faster; peak memory then mixes readings)",
    )
    group.add_argument("--json", help="also write the figures to this JSON file")
    group.add_argument("--only", help=argparse.SUPPRESS)  # one reading, in a child process


def model_description(args: argparse.Namespace) -> str:
    if args.model:
        return f"bundle {args.model}"
    if args.random_model:
        return f"{args.random_model} (random weights)"
    return "bundled MiniLM (random head)"


def reading_specs(args: argparse.Namespace, precisions: Sequence[str]) -> list[str]:
    """``pipeline:<precision>:<batch size>`` and ``engine:<precision>:<batch tokens>[:compile]``
    for every reading: the pipeline at every precision the engine reads in."""
    budgets = [int(b) for b in args.batch_tokens.split(",") if b.strip()]
    specs = [] if args.no_pipeline else pipeline_specs(args, precisions)
    specs += [f"engine:{p}:{b}" for p in precisions for b in budgets]
    if args.compile:
        specs += [f"engine:{p}:{b}:compile" for p in precisions if p != "int8" for b in budgets]
    return specs


def engine_precisions(args: argparse.Namespace, device: Any) -> list[str]:
    """The precisions of ``--precision`` this device runs (``auto`` resolved), each once;
    the others are skipped, saying why."""
    from nerkit.devices import check_precision, resolve_precision

    precisions: list[str] = []
    for precision in (p.strip() for p in args.precision.split(",") if p.strip()):
        if precision == "auto":
            precision = resolve_precision("auto", device)
            print(f"precision auto on {device}: {precision}")
            if precision in precisions:
                continue
        try:
            check_precision(precision, device)
            precisions.append(precision)
        except ValueError as err:
            print(f"skipping {precision}: {err}")
    return precisions


def run_reading(args: argparse.Namespace, spec: str) -> Reading:
    """One reading, in this process, with the matmul rate measured just before it.

    On a shared machine the rate of the moment varies; the report divides by the best
    rate seen during the whole run, the closest to what the hardware can do.
    """
    from nerkit.devices import resolve_device

    docs, _ = load_benchmark_documents(args.data, args.n_docs, args.seed)
    labels = sorted({s.label for d in docs for s in d.spans}) or LABELS
    mut = load_model_under_test(args, labels)
    rates = matmul_rates(resolve_device(args.device), args.matmul_size)
    if spec.startswith("pipeline:"):
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


def run_rounds(
    args: argparse.Namespace, argv: Sequence[str], specs: Sequence[str], rates: dict[str, float]
) -> list[Reading]:
    """Every reading ``--rounds`` times, interleaved; each reading's fastest round. The
    best matmul rate seen meanwhile is kept in ``rates``."""
    fastest: dict[str, Reading] = {}
    for round_number in range(1, args.rounds + 1):
        for spec in specs:
            started = time.perf_counter()
            reading = run_isolated(argv, spec) if not args.in_process else run_reading(args, spec)
            if spec not in fastest or reading.seconds < fastest[spec].seconds:
                fastest[spec] = reading
            for kind, rate in reading.extra.get("matmul_gflops", {}).items():
                rates[kind] = max(rates.get(kind, 0.0), rate)
            took = time.perf_counter() - started
            print(f"  round {round_number} {spec}: {reading.seconds:.1f} s ({took:.0f} s in all)")
    return list(fastest.values())


def main(argv: Sequence[str] | None = None) -> int:
    import torch

    from nerkit.devices import limit_cpu_threads, resolve_device

    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    device = resolve_device(args.device)
    threads = limit_cpu_threads() if device.type == "cpu" else torch.get_num_threads()
    if args.only:
        reading = run_reading(args, args.only)
        Path(args.json).write_text(json.dumps(asdict(reading)), encoding="utf-8")
        return 0

    precisions = engine_precisions(args, device)
    docs, source = load_benchmark_documents(args.data, args.n_docs, args.seed)
    rates = matmul_rates(device, args.matmul_size)
    characters = sum(len(d.text) for d in docs)
    print(
        f"model: {model_description(args)}; device: {device} ({threads} CPU threads); "
        f"window {args.window}, overlap {args.overlap}"
    )
    print(f"documents: {len(docs)} from {source} ({characters} characters)")
    print("matmul rate at start: " + format_rates(rates))

    print(f"load average before: {load_average()}")
    readings = run_rounds(args, argv, reading_specs(args, precisions), rates)
    print(f"load average after: {load_average()}")
    # The "x pipeline" column divides by the pipeline's best fp32 reading; the fair ratios
    # (same precision, and best / best) are in the table after it.
    baseline = best_by_precision(readings, "HF pipeline").get("fp32")
    print("matmul rate, best seen during the run: " + format_rates(rates))
    print()
    print(format_table(readings, baseline, rates))
    print()
    print(fair_table(readings))
    if args.json:
        figures = {"model": model_description(args), "device": str(device), "threads": threads}
        figures |= {"documents": len(docs), "source": source}
        payload = figures | json_figures(args, rates, readings, baseline)
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


def json_figures(
    args: argparse.Namespace,
    rates: dict[str, float],
    readings: Sequence[Reading],
    baseline: Reading | None,
) -> dict[str, Any]:
    """The settings of the run, the matmul rates and every reading with its rates and its
    ratio to the pipeline's fp32 reading (what ``bench.cost`` reads)."""
    return {
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
                    r.word_pieces_per_second / baseline.word_pieces_per_second if baseline else None
                ),
            }
            for r in readings
        ],
    }


if __name__ == "__main__":
    raise SystemExit(main())
