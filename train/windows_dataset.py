"""Training windows as a cached ``datasets.Dataset``, built by the engine's windowing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nerkit.documents import Document, Span, data_fingerprint
from nerkit.windows import WindowConfig, training_windows

CACHE_DIR = Path(".cache") / "windows"


def _cache_key(
    fingerprint: str,
    tokenizer: Any,
    tags: Sequence[str],
    window: WindowConfig,
    all_sub: bool,
    shapes: bool = False,
) -> str:
    spec = {
        "data": fingerprint,
        "tokenizer": getattr(tokenizer, "name_or_path", ""),
        "vocab": len(tokenizer),
        "tags": list(tags),
        "window": [window.max_length, window.overlap],
        "label_all_subtokens": all_sub,
        "shapes": shapes,
        "version": 1,
    }
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:24]


def build_windows_dataset(
    docs: Sequence[Document],
    tokenizer: Any,
    tags: Sequence[str],
    window: WindowConfig,
    label_all_subtokens: bool = False,
    cache_dir: Path | None = CACHE_DIR,
    shapes: bool = False,
) -> Any:
    """One row per window (input_ids, attention_mask, labels, and shape_ids when the model
    reads token shapes), cached by data fingerprint."""
    import datasets

    tag2id = {t: i for i, t in enumerate(tags)}
    rows = {
        "id": [d.id for d in docs],
        "text": [d.text for d in docs],
        "starts": [[s.start for s in d.spans] for d in docs],
        "ends": [[s.end for s in d.spans] for d in docs],
        "labels": [[s.label for s in d.spans] for d in docs],
    }
    source = datasets.Dataset.from_dict(rows)

    def to_windows(batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        columns = zip(
            batch["id"], batch["text"], batch["starts"], batch["ends"], batch["labels"], strict=True
        )
        for doc_id, text, starts, ends, labels in columns:
            spans = [Span(a, b, c) for a, b, c in zip(starts, ends, labels, strict=True)]
            doc = Document(doc_id, text, spans)
            windows = training_windows(
                tokenizer, doc, tag2id, window, label_all_subtokens, shapes=shapes
            )
            for w in windows:
                for key, value in w.items():
                    out.setdefault(key, []).append(value)
        return out

    cache_file = None
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        key = _cache_key(
            data_fingerprint(docs), tokenizer, tags, window, label_all_subtokens, shapes
        )
        cache_file = str(cache_dir / f"{key}.arrow")
    return source.map(
        to_windows,
        batched=True,
        batch_size=8,
        remove_columns=source.column_names,
        cache_file_name=cache_file,
        load_from_cache_file=cache_file is not None,
        desc="Cutting documents into training windows",
    )


def collator(tokenizer: Any) -> Any:
    """Pads windows as ``DataCollatorForTokenClassification`` does, and ``shape_ids``
    (which the tokenizer does not know) with ``SHAPE_NONE``."""
    import torch
    from transformers import DataCollatorForTokenClassification

    from nerkit.shapes import SHAPE_NONE

    base = DataCollatorForTokenClassification(tokenizer)

    def collate(features: list[dict[str, Any]]) -> dict[str, Any]:
        shapes = [f.pop("shape_ids") for f in features] if "shape_ids" in features[0] else None
        batch = base(features)
        if shapes is not None:
            width = batch["input_ids"].shape[1]
            padded = torch.full((len(shapes), width), SHAPE_NONE, dtype=torch.long)
            for row, values in enumerate(shapes):
                padded[row, : len(values)] = torch.as_tensor(values, dtype=torch.long)
            batch["shape_ids"] = padded
        return batch

    return collate
