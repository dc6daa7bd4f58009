"""The engine's host path, measured without a GPU: how fast can it feed one?

    python -m bench.host                          # built-in contracts, 1..all CPUs
    python -m bench.host --baseline-ref b294dc3   # also the real model, before vs after
    python -m bench.host --memory 1000,20000      # also peak memory of predict_stream

1. **Bare tokenizer**: the fast tokenizer's Rust backend alone (``encode_batch``, no
   truncation) on the same texts, split over 1..N threads: the floor of the host cost.
2. **Host path**: ``Predictor.predict_stream`` with a *zero-cost model* (a table lookup
   that returns fixed logits of the right shape instantly), ``workers`` = 1..N: every host
   stage (tokenise, windows, batch assembly, stitching, decoding) with no forward cost.
   Printed beside the bare tokenizer on as many cores, with the time per stage.
3. With ``--baseline-ref``, the real engine on the CPU: MiniLM (the bundled encoder, a
   seeded random head, fp32), ``predict`` on the same texts, this checkout against the
   given git revision, in alternating rounds in fresh processes; entities must be equal.

The zero-cost model maps about one word-piece id in ten to a ``B-`` tag and the rest to
``O``, so decoding has entities to build but no broken tag runs to repair.
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

LABELS = ["DATE", "JURISDICTION", "MONEY", "ORG", "PERSON"]
TAGS = ["O"] + [f"{p}-{label}" for label in LABELS for p in ("B", "I")]
REPO = Path(__file__).resolve().parents[1]


def zero_cost_model(n_tags: int, vocab_size: int) -> Any:
    """A module that answers any batch with fixed logits (one lookup per word-piece)."""
    import torch
    from transformers import PretrainedConfig

    class ZeroCostModel(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            generator = torch.Generator().manual_seed(0)
            table = torch.full((vocab_size, n_tags), -4.0)
            table[:, 0] = 4.0
            entity_ids = torch.randperm(vocab_size, generator=generator)[: vocab_size // 10]
            begin_tags = 1 + 2 * torch.randint(0, (n_tags - 1) // 2, (len(entity_ids),))
            table[entity_ids, 0] = -4.0
            table[entity_ids, begin_tags] = 4.0
            self.table = torch.nn.Parameter(table, requires_grad=False)
            self.config = PretrainedConfig()
            self.config.num_labels = n_tags
            self.config.max_position_embeddings = 512

        def forward(self, input_ids: Any, **_: Any) -> tuple[Any]:
            return (self.table[input_ids],)

    return ZeroCostModel()


def best_rate(work: Any, units: int, rounds: int) -> float:
    """Units per second of the fastest of ``rounds`` runs of ``work()``."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return units / best


def bare_tokenizer_rate(tokenizer: Any, texts: Sequence[str], threads: int, rounds: int) -> float:
    from nerkit.windows import document_encoder

    backend = document_encoder(tokenizer)
    n = sum(len(e.ids) for e in backend.encode_batch(list(texts), add_special_tokens=False))
    slices = [list(texts[i :: threads * 4]) for i in range(threads * 4)]

    def work() -> None:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda s: backend.encode_batch(s, add_special_tokens=False), slices))

    return best_rate(work, n, rounds)


def host_path(
    tokenizer: Any, texts: Sequence[str], workers: int, rounds: int, batch_tokens: int
) -> dict:
    """Word-pieces per second of the stream with the zero-cost model, and stage times."""
    import torch

    from nerkit.predictor import Predictor

    # The zero-cost model stands in for a GPU: its forward pass must not take CPU threads
    # from the host workers, and batches are the size a GPU reads.
    torch.set_num_threads(1)
    model = zero_cost_model(len(TAGS), tokenizer.vocab_size)
    predictor = Predictor(
        model, tokenizer, TAGS, device="cpu", workers=workers, batch_tokens=batch_tokens
    )
    best: dict[str, Any] = {"seconds": float("inf")}
    for _ in range(rounds):
        engine = predictor.stream_engine()
        started = time.perf_counter()
        results = list(engine.run(enumerate(texts)))
        seconds = time.perf_counter() - started
        if seconds < best["seconds"]:
            tokens = sum(r.prediction.tokens for r in results if r.prediction is not None)
            entities = sum(len(r.prediction.entities) for r in results if r.prediction)
            best = {"seconds": seconds, "tokens": tokens, "entities": entities}
            best["stages"] = dict(engine.times)
    best["rate"] = best["tokens"] / best["seconds"]
    return best


ENGINE_SCRIPT = """
import json, sys, time, torch
from nerkit.corpus import generate_corpus
from nerkit.models import BUNDLED_MINILM, load_token_classifier, load_tokenizer
from nerkit.predictor import Predictor
from nerkit.windows import WindowConfig
n_docs, rounds, tags = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
texts = [d.text for d in generate_corpus(n_docs, seed=13)]
torch.manual_seed(0)
model = load_token_classifier(BUNDLED_MINILM, tags)
predictor = Predictor(model, load_tokenizer(BUNDLED_MINILM), tags, WindowConfig(256, 32),
                      device="cpu", owns_model=True)
predictor.predict(texts[:1])  # warm-up
best = float("inf")
for _ in range(rounds):
    t = time.perf_counter()
    out = predictor.predict(texts)
    best = min(best, time.perf_counter() - t)
found = [[(e.label, e.start, e.end) for e in p.entities] for p in out]
print(json.dumps({"rate": sum(p.tokens for p in out) / best, "entities": found,
                  "nerkit": __import__("nerkit").__file__}))
"""


def engine_rate(source: Path, n_docs: int, rounds: int) -> dict:
    """The real engine's word-pieces per second, from the code in ``source``, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(source), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", ENGINE_SCRIPT, str(n_docs), str(rounds), json.dumps(TAGS)],
        env=env,
        cwd=source,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if not figures["nerkit"].startswith(str(source)):
        raise RuntimeError(f"{source} ran nerkit from {figures['nerkit']}")
    return figures


def compare_engines(ref: str, n_docs: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(old), ref],
            check=True,
            capture_output=True,
        )
        try:
            readings: dict[str, list[dict]] = {"before": [], "after": []}
            for _ in range(rounds):  # alternate, so drift in the machine's speed hits both
                readings["before"].append(engine_rate(old, n_docs, 1))
                readings["after"].append(engine_rate(REPO, n_docs, 1))
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(old)],
                check=False,
                capture_output=True,
            )
    before = max(r["rate"] for r in readings["before"])
    after = max(r["rate"] for r in readings["after"])
    same = readings["before"][0]["entities"] == readings["after"][0]["entities"]
    print(f"\nReal engine on the CPU (MiniLM fp32, {n_docs} documents, best of {rounds} rounds):")
    print(f"  {ref[:12]:<14} {before:>10,.0f} word-pieces/s")
    print(f"  {'this checkout':<14} {after:>10,.0f} word-pieces/s   {after / before:.2f}x")
    print(f"  entities identical: {same}")
    if not same:
        raise SystemExit("the engines disagree on entities")


MEMORY_SCRIPT = """
import resource, sys
from bench.host import TAGS, zero_cost_model
from nerkit.corpus import generate_corpus
from nerkit.models import BUNDLED_MINILM, load_tokenizer
from nerkit.predictor import Predictor
n_docs, chars = int(sys.argv[1]), int(sys.argv[2])
passages = [d.text[i : i + chars] for d in generate_corpus(12, seed=13)
            for i in range(0, len(d.text) - chars, chars)]
tokenizer = load_tokenizer(BUNDLED_MINILM)
predictor = Predictor(zero_cost_model(len(TAGS), tokenizer.vocab_size), tokenizer, TAGS,
                      device="cpu")
documents = ((i, passages[i % len(passages)]) for i in range(n_docs))  # never all in memory
read = sum(1 for r in predictor.predict_stream(documents) if r.ok)
assert read == n_docs, read
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def peak_rss_mib(n_docs: int, chars: int) -> float:
    """Peak RSS of a fresh process that streams ``n_docs`` passages (zero-cost model)."""
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, str(n_docs), str(chars)],
        env={**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def memory_table(counts: Sequence[int], chars: int) -> None:
    print(f"\nPeak RSS of predict_stream, passages of {chars:,} characters (zero-cost model):")
    peaks = [peak_rss_mib(n, chars) for n in counts]
    for n, peak in zip(counts, peaks, strict=True):
        print(f"  {n:>7,} documents   {peak:>8,.0f} MiB   {peak / peaks[0]:.2f}x")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-docs", type=int, default=60, help="built-in contracts to read")
    parser.add_argument("--rounds", type=int, default=3, help="runs per reading; best kept")
    parser.add_argument(
        "--batch-tokens", type=int, default=16384, help="token budget (the CUDA default)"
    )
    parser.add_argument("--max-workers", type=int, default=None, help="default: every CPU")
    parser.add_argument("--baseline-ref", default=None, help="git revision to compare against")
    parser.add_argument("--engine-docs", type=int, default=6, help="documents for the real model")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--memory",
        default=None,
        help="document counts for the peak-memory table, e.g. 1000,20000 (a process each)",
    )
    parser.add_argument("--memory-chars", type=int, default=2000, help="characters per document")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    from nerkit.corpus import generate_corpus
    from nerkit.devices import available_cpus
    from nerkit.models import BUNDLED_MINILM, load_tokenizer

    args = parse_args(argv)
    cpus = min(args.max_workers or available_cpus(), available_cpus())
    texts = [d.text for d in generate_corpus(args.n_docs, seed=13)]
    tokenizer = load_tokenizer(BUNDLED_MINILM)
    print(
        f"{len(texts)} built-in contracts; {available_cpus()} CPUs; zero-cost model, "
        f"{args.batch_tokens} tokens per batch\n"
    )
    print(
        f"{'cores':>5} {'bare tokenizer wp/s':>20} {'host path wp/s':>15} {'of bare':>8} "
        f"{'x 1 core':>8}   stage seconds (prepare / forward / finish / driver waits)"
    )
    rows = []
    allowed = sorted(os.sched_getaffinity(0))
    for n in range(1, cpus + 1):
        os.sched_setaffinity(0, allowed[:n])  # n cores for every thread of this process
        bare = bare_tokenizer_rate(tokenizer, texts, n, args.rounds)
        host = host_path(tokenizer, texts, n, args.rounds, args.batch_tokens)
        rows.append({"cores": n, "bare": bare, **host})
        s = host["stages"]
        print(
            f"{n:>5} {bare:>20,.0f} {host['rate']:>15,.0f} {host['rate'] / bare:>8.0%} "
            f"{host['rate'] / rows[0]['rate']:>7.2f}x   {s['prepare']:.2f} / {s['forward']:.2f} "
            f"/ {s['finish']:.2f} / {s['driver_wait']:.2f}"
        )
    os.sched_setaffinity(0, allowed)
    print(f"\nword-pieces: {rows[0]['tokens']:,}; entities: {rows[0]['entities']:,}")
    if args.baseline_ref:
        compare_engines(args.baseline_ref, args.engine_docs, args.rounds)
    if args.memory:
        memory_table([int(n) for n in args.memory.split(",")], args.memory_chars)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
