"""The bulk job against the engine it drives, and its memory, on this machine.

    python -m bench.batch --bundle outputs/train/contract-ner-builtin/bundle --n-docs 60
    python -m bench.batch --bundle ... --ray-actors 2            # also engine=ray
    python -m bench.batch --memory 1000,20000                    # peak RSS of the job

Throughput: the built-in corpus's contracts (``nerkit.corpus``) as a JSONL file, read by
(1) the engine offline: ``Predictor.predict_stream`` over the texts in memory, nothing
written; (2) ``serve.batch`` with ``engine=local``: the same engine plus reading the
file, the post-processing chain, the response shape and committed shards; (3) with
``--ray-actors N``, ``engine=ray`` on a local Ray instance with N CPU actors of
``cpus_per_actor`` CPUs each (Ray's start and the actors' model loads are inside its
time: a job pays them). The rounds alternate; each figure is the best of its rounds, and
the ratios divide figures of the same run.

Memory: peak RSS of ``python -m serve.batch`` in a fresh process each, over JSONL files of
1,000 and 20,000 passages of 2,000 characters, with a tiny random BERT in a bundle (the
job's own buffering is what grows with the input, not the model; the tokenizer is the
real MiniLM one).
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
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CONF = REPO / "conf"


def write_corpus(path: Path, n_docs: int, seed: int) -> int:
    """The built-in corpus's contracts as JSONL; their characters."""
    from nerkit.corpus import generate_corpus

    docs = generate_corpus(n_docs, seed=seed)
    with path.open("w", encoding="utf-8") as f:
        for doc in docs:
            f.write(json.dumps({"id": doc.id, "text": doc.text}) + "\n")
    return sum(len(doc.text) for doc in docs)


def engine_offline(bundle: Path, source: Path, precision: str) -> dict[str, Any]:
    """The engine alone over the texts in memory: word-pieces/s, nothing written."""
    from nerkit.predictor import Predictor

    texts = [json.loads(line)["text"] for line in source.read_text(encoding="utf-8").splitlines()]
    predictor = Predictor.from_bundle(bundle, device="cpu", precision=precision)
    predictor.predict(texts[:2])  # warm-up, as the job's first documents warm it
    started = time.perf_counter()
    results = predictor.predict_stream(enumerate(texts))
    tokens = sum(r.prediction.tokens for r in results if r.prediction is not None)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "wordpieces": tokens, "precision": predictor.precision}


def job(bundle: Path, source: Path, output: Path, *overrides: str) -> dict[str, Any]:
    """``serve.batch`` in this process, composed from conf/batch.yaml; its figures."""
    from hydra import compose, initialize_config_dir

    from serve.batch import run, store_schema

    store_schema()
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose(
            "batch",
            overrides=[
                f"input={source}",
                f"output={output}",
                f"model_uri={bundle}",
                "device=cpu",
                "resume=false",
                *overrides,
            ],
        )
    return run(cfg)


def throughput(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "contracts.jsonl"
        chars = write_corpus(source, args.n_docs, args.seed)
        print(f"{args.n_docs} built-in contracts, {chars:,} characters; bundle {args.bundle}")
        best: dict[str, float] = {}
        wordpieces = 0
        for round_number in range(1, args.rounds + 1):
            readings = {"engine offline": engine_offline(args.bundle, source, args.precision)}
            wordpieces = readings["engine offline"]["wordpieces"]
            out = Path(tmp) / f"local-{round_number}"
            readings["serve.batch local"] = job(
                args.bundle, source, out, f"precision={args.precision}"
            )
            if args.ray_actors:
                out = Path(tmp) / f"ray-{round_number}"
                readings[f"serve.batch ray ({args.ray_actors} actors)"] = job(
                    args.bundle,
                    source,
                    out,
                    f"precision={args.precision}",
                    "engine=ray",
                    f"ray.actors={args.ray_actors}",
                    f"ray.cpus_per_actor={args.cpus_per_actor}",
                )
            for name, reading in readings.items():
                rate = reading["wordpieces"] / reading["seconds"]
                best[name] = max(best.get(name, 0.0), rate)
                print(f"  round {round_number} {name}: {rate:,.0f} word-pieces/s")
        print_table(best, wordpieces)


def print_table(best: dict[str, float], wordpieces: int) -> None:
    engine = best["engine offline"]
    local = best["serve.batch local"]
    print(f"\n{wordpieces:,} word-pieces a round; best of the rounds:")
    print(f"  {'reader':<34}{'wp/s':>10}{'of engine':>11}{'of local':>10}")
    for name, rate in best.items():
        print(f"  {name:<34}{rate:>10,.0f}{rate / engine:>10.0%}{rate / local:>10.0%}")


def tiny_bundle(folder: Path) -> Path:
    """A bundle of a tiny random BERT with the real MiniLM tokenizer (memory runs)."""
    from bench.host import TAGS
    from nerkit.bundle import BundleMeta, save_bundle
    from nerkit.models import BUNDLED_MINILM, load_tokenizer, tiny_token_classifier

    tokenizer = load_tokenizer(BUNDLED_MINILM)
    model = tiny_token_classifier(TAGS, vocab_size=tokenizer.vocab_size)
    meta = BundleMeta(tags=TAGS, base_model="tiny-bert", max_length=256, overlap=32)
    return save_bundle(folder / "tiny-bundle", model, tokenizer, meta)


def write_passages(path: Path, n_docs: int, chars: int) -> None:
    from nerkit.corpus import generate_corpus

    passages = [
        d.text[i : i + chars]
        for d in generate_corpus(12, seed=13)
        for i in range(0, len(d.text) - chars, chars)
    ]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n_docs):
            f.write(json.dumps({"id": f"p{i}", "text": passages[i % len(passages)]}) + "\n")


PEAK_SCRIPT = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def peak_rss_mib(bundle: Path, source: Path, output: Path) -> float:
    """Peak RSS of ``python -m serve.batch`` over ``source`` (a fresh process)."""
    command = [sys.executable, "-m", "serve.batch", f"input={source}", f"output={output}"]
    command += [f"model_uri={bundle}", "device=cpu", "precision=fp32"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, *command],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def memory(counts: Sequence[int], chars: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bundle = tiny_bundle(Path(tmp))
        print(f"\nPeak RSS of python -m serve.batch, passages of {chars:,} characters:")
        first = None
        for n in counts:
            source = Path(tmp) / f"in-{n}.jsonl"
            write_passages(source, n, chars)
            started = time.perf_counter()
            peak = peak_rss_mib(bundle, source, Path(tmp) / f"out-{n}")
            took = time.perf_counter() - started
            first = first or peak
            size = source.stat().st_size / 2**20
            print(
                f"  {n:>7,} documents ({size:,.0f} MiB of JSONL)   {peak:>7,.0f} MiB   "
                f"{peak / first:.2f}x   ({took:.0f} s)"
            )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, help="a trained bundle folder (throughput)")
    parser.add_argument("--n-docs", type=int, default=60)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--ray-actors", type=int, default=0, help="also engine=ray (0: not)")
    parser.add_argument("--cpus-per-actor", type=float, default=1.0)
    parser.add_argument("--memory", help="document counts for peak RSS, e.g. 1000,20000")
    parser.add_argument("--memory-chars", type=int, default=2000)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.bundle:
        throughput(args)
    if args.memory:
        memory([int(n) for n in args.memory.split(",")], args.memory_chars)
    if not args.bundle and not args.memory:
        raise SystemExit("give --bundle (throughput) and/or --memory (peak RSS)")


if __name__ == "__main__":
    main()
