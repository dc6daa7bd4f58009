"""A model version as a slot serves it: loaded, warmed up, with its post-processing chain."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nerkit.windows import TokenizedText, tokenize_documents
from serve.loaders import BundleRef
from serve.settings import Settings, SlotSpec


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(eq=False)
class LoadedModel:
    """One model version, loaded and warm, as a slot serves it."""

    slot: SlotSpec
    ref: BundleRef
    predictor: Any
    # The model's post-processing chain (nerkit.output): the one its bundle records, else
    # the service's configured rules. None: the service's chain.
    chain: Any = None
    loaded_at: str = dataclasses.field(default_factory=_now)
    _tokenize_lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    @property
    def name(self) -> str:
        return self.ref.name

    @property
    def version(self) -> str:
        return self.ref.version

    def tokenize(self, texts: Sequence[str]) -> list[TokenizedText]:
        """Whole texts to tokens (one tokenizer call at a time: fast tokenizers are not
        guaranteed to be thread-safe)."""
        with self._tokenize_lock:
            return tokenize_documents(self.predictor.tokenizer, list(texts))

    def info(self) -> dict[str, Any]:
        meta = getattr(self.predictor, "meta", None)
        window = self.predictor.window
        labels = list(getattr(meta, "labels", None) or [])
        if not labels:
            labels = list(
                dict.fromkeys(t.split("-", 1)[1] for t in self.predictor.tags if t != "O")
            )
        return {
            "slot": self.slot.name,
            "ready": True,
            "name": self.ref.name,
            "version": self.ref.version,
            "alias": self.ref.alias,
            "source": self.ref.source,
            "note": self.ref.note,
            "device": str(self.predictor.device),
            "precision": str(self.predictor.precision),
            "labels": labels,
            "window": {"max_length": window.max_length, "overlap": window.overlap},
            "aggregation": str(self.predictor.aggregation),
            "loaded_at": self.loaded_at,
        }


def warm_up(predictor: Any, batch_tokens: int) -> None:
    """Read one batch at the full token budget (allocations, kernels, caches)."""
    from serve.worker_jobs import read_documents

    window = predictor.window
    n_special = predictor.special.count
    usable = window.usable(n_special)
    rows = max(1, batch_tokens // window.max_length)
    n_tokens = usable + (rows - 1) * (usable - window.overlap)
    sample = predictor.tokenizer("This agreement is made between the parties.")
    ids = [i for i in sample["input_ids"] if i not in predictor.tokenizer.all_special_ids] or [0]
    input_ids = np.resize(np.asarray(ids, dtype=np.int64), n_tokens)
    starts = np.arange(n_tokens, dtype=np.int64) * 2
    tokenized = TokenizedText(
        input_ids,
        np.stack([starts, starts + 1], axis=1),
        np.arange(n_tokens, dtype=np.int64),
        np.ones(n_tokens, dtype=np.int64),  # token shapes, for models that read them
    )
    read_documents(predictor, [tokenized])


def model_chain(predictor: Any, settings: Settings) -> Any:
    """The chain a model runs (nerkit.output.rules_for): its bundle's, else the service's."""
    from nerkit.output import rules_for
    from nerkit.postprocess import build_chain

    return build_chain(rules_for(getattr(predictor, "meta", None), settings.postprocess_rules))
