"""The engine end to end against its own forward passes alone, on one device.

    python -m bench.device --device cuda --precision bf16 --models minilm,bert-base \\
        --batch-tokens 16384,32768,65536          # what bench/gpu.sh runs
    python -m bench.device --device cpu --n-docs 4 --batch-tokens 2048   # a dry run

For each model and token budget, on the built-in contracts (window 256/32):

* **forward only**: the same batches the engine reads, assembled beforehand and already
  on the device; only the model runs (the ceiling of the engine on this device);
* **end to end**: ``Predictor.predict_stream`` from text to entities, with the time its
  stages took (prepare: tokenise and assemble, on host workers; forward: the driver
  thread launching batches; finish: stitch and decode, on host workers; driver waits:
  the model thread idle, waiting for host work);
* the engine's fraction of the forward-only rate.

``minilm`` is the bundled all-MiniLM-L6-v2 encoder with a seeded random head;
``bert-base`` a BERT-base-sized model with random weights built from a config (same
vocabulary), so nothing is downloaded. Speed does not depend on the weights.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.host import TAGS


def build_model(name: str) -> Any:
    import torch

    from nerkit.models import BUNDLED_MINILM, label_maps, load_token_classifier

    torch.manual_seed(0)
    if name == "minilm":
        return load_token_classifier(BUNDLED_MINILM, TAGS)
    if name == "bert-base":
        from transformers import BertConfig, BertForTokenClassification

        id2label, label2id = label_maps(TAGS)
        labels: dict[str, Any] = {"num_labels": len(TAGS), "id2label": id2label}
        config = BertConfig(label2id=label2id, **labels)
        return BertForTokenClassification(config)
    raise SystemExit(f"unknown model {name!r}: use minilm or bert-base")


def synchronize(device: Any) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)


def forward_only(predictor: Any, texts: Sequence[str], rounds: int) -> tuple[float, int]:
    """Seconds of the model alone on the engine's own batches, inputs already on the device."""
    import torch

    from nerkit.chunks import iter_chunks

    engine = predictor.stream_engine()
    batches = []
    tokens = 0
    for chunk in iter_chunks(enumerate(texts), max_chars=10**12):
        engine.prepare(chunk)
        tokens += sum(int(r[:, 1].max()) for r in chunk.ranges if len(r))
        for _members, tensors in chunk.batches:
            batches.append({k: v.to(predictor.device) for k, v in tensors.items()})
    best = float("inf")
    with torch.inference_mode():
        for _ in range(rounds):
            synchronize(predictor.device)
            started = time.perf_counter()
            for inputs in batches:
                output = predictor._run(**inputs)
                logits = output.logits if hasattr(output, "logits") else output[0]
                logits.float().softmax(dim=-1)
            synchronize(predictor.device)
            best = min(best, time.perf_counter() - started)
    return best, tokens


def end_to_end(predictor: Any, texts: Sequence[str], rounds: int) -> dict[str, Any]:
    best: dict[str, Any] = {"seconds": float("inf")}
    for _ in range(rounds):
        engine = predictor.stream_engine()
        synchronize(predictor.device)
        started = time.perf_counter()
        results = list(engine.run(enumerate(texts)))
        synchronize(predictor.device)
        seconds = time.perf_counter() - started
        if seconds < best["seconds"]:
            tokens = sum(r.prediction.tokens for r in results if r.prediction is not None)
            best = {"seconds": seconds, "tokens": tokens, "stages": dict(engine.times)}
    return best


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto")
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--models", default="minilm,bert-base")
    parser.add_argument("--batch-tokens", default="16384,32768,65536")
    parser.add_argument("--n-docs", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None, help="default: by device")
    parser.add_argument("--json", type=Path, default=None)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    from nerkit.corpus import generate_corpus
    from nerkit.models import BUNDLED_MINILM, load_tokenizer
    from nerkit.predictor import Predictor

    args = parse_args(argv)
    texts = [d.text for d in generate_corpus(args.n_docs, seed=13)]
    tokenizer = load_tokenizer(BUNDLED_MINILM)
    rows: list[dict[str, Any]] = []
    header = (
        f"{'model':<10} {'budget':>7} {'end to end wp/s':>16} {'forward only wp/s':>18} "
        f"{'fraction':>8}   prepare / forward / finish / driver waits (s)"
    )
    for name in args.models.split(","):
        model = build_model(name)
        for budget in [int(b) for b in args.batch_tokens.split(",")]:
            predictor = Predictor(
                model,
                tokenizer,
                TAGS,
                device=args.device,
                precision=args.precision,
                batch_tokens=budget,
                workers=args.workers,
            )
            if not rows:
                print(
                    f"{len(texts)} contracts on {predictor.device} {predictor.precision}, "
                    f"{predictor.stream_engine().workers} host workers\n{header}"
                )
            predictor.predict(texts[:2])  # warm-up: kernels, allocator, tokenizer copy
            seconds, tokens = forward_only(predictor, texts, args.rounds)
            run = end_to_end(predictor, texts, args.rounds)
            engine_rate, forward_rate = run["tokens"] / run["seconds"], tokens / seconds
            s = run["stages"]
            print(
                f"{name:<10} {budget:>7} {engine_rate:>16,.0f} {forward_rate:>18,.0f} "
                f"{engine_rate / forward_rate:>8.0%}   {s['prepare']:.2f} / {s['forward']:.2f} "
                f"/ {s['finish']:.2f} / {s['driver_wait']:.2f}"
            )
            rows.append(
                {
                    "model": name,
                    "batch_tokens": budget,
                    "engine_wps": engine_rate,
                    "forward_wps": forward_rate,
                    "stages": s,
                    "word_pieces": run["tokens"],
                }
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
