"""Cost of a head: seconds per training step and per document read, one run, same machine.

    python -m bench.heads --steps 12 --docs 4

Each variant is the bundled MiniLM with a head (the architecture's own linear head, a
LinearHead with token shapes, a CRFHead, a CRFHead with token shapes), trained on the same
batches of 8 windows of 256 word-pieces from the built-in corpus (AdamW, precision as
``python -m train`` picks it), then reading whole contracts through the engine. Printed
as seconds and as a ratio to the architecture's own head.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from typing import Any

VARIANTS = {
    "own head": (None, False),
    "linear + shapes": ("nerkit.heads.LinearHead", True),
    "crf": ("nerkit.heads.CRFHead", False),
    "crf + shapes": ("nerkit.heads.CRFHead", True),
}


def build(head: str | None, shapes: bool, tags: list[str]) -> Any:
    from nerkit.heads import build_tagger
    from nerkit.models import BUNDLED_MINILM, load_token_classifier

    if head is None:
        return load_token_classifier(BUNDLED_MINILM, tags)
    return build_tagger(BUNDLED_MINILM, tags, {"_target_": head}, shapes)


def train_seconds(model: Any, batches: list[dict[str, Any]], bf16: bool) -> float:
    """Median seconds of one optimiser step over ``batches`` (the first is a warm-up)."""
    import statistics

    import torch

    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    times = []
    for batch in batches:
        started = time.perf_counter()
        autocast = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
        with autocast:
            loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def read_seconds(model: Any, tokenizer: Any, tags: list[str], texts: list[str]) -> float:
    from nerkit.predictor import Predictor

    engine = Predictor(model, tokenizer, tags, device="cpu")
    engine.predict(texts[:1])  # warm-up
    started = time.perf_counter()
    engine.predict(texts)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    import torch

    from nerkit.corpus import generate_corpus
    from nerkit.models import BUNDLED_MINILM, load_tokenizer
    from nerkit.settings import shipped_config
    from train.run import tags_for
    from train.trainer import training_in_bf16
    from train.windows_dataset import build_windows_dataset, collator

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--docs", type=int, default=4)
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    docs = generate_corpus(max(args.docs, 6), seed=7)
    tags = tags_for(sorted({s.label for d in docs for s in d.spans}))
    tokenizer = load_tokenizer(BUNDLED_MINILM)
    from nerkit.windows import WindowConfig

    rows = build_windows_dataset(
        docs, tokenizer, tags, WindowConfig(256, 32), cache_dir=None, shapes=True
    )
    collate = collator(tokenizer)
    columns = ["input_ids", "attention_mask", "token_type_ids", "labels", "shape_ids"]
    batches = [
        collate([{k: rows[i][k] for k in columns if k in rows[i]} for i in range(j, j + 8)])
        for j in range(0, 8 * (args.steps + 1), 8)
        if j + 8 <= len(rows)
    ]
    # The shipped trainer precision, decided as python -m train decides it on a CPU.
    bf16 = training_in_bf16(shipped_config("trainer/default.yaml")["precision"], use_cuda=False)
    texts = [d.text for d in docs[: args.docs]]
    print(
        f"{len(batches) - 1} steps of 8 x 256 word-pieces ({'bf16' if bf16 else 'fp32'}), "
        f"then {len(texts)} contracts read (fp32)"
    )
    base: tuple[float, float] | None = None
    for name, (head, shapes) in VARIANTS.items():
        model = build(head, shapes, tags)
        own = head is None
        feed = [{k: v for k, v in b.items() if not (own and k == "shape_ids")} for b in batches]
        step = train_seconds(model, feed, bf16)
        read = read_seconds(model.eval(), tokenizer, tags, texts)
        base = base or (step, read)
        print(
            f"{name:>16}: {step:.2f} s/step ({step / base[0]:.2f}x), "
            f"read {read:.1f} s ({read / base[1]:.2f}x)"
        )


if __name__ == "__main__":
    main()
