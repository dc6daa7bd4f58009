"""Chunks: the unit the streaming engine (:mod:`nerkit.stream`) moves between its stages.

A chunk is a run of consecutive documents read together; each stage (prepare, forward,
finish) leaves what the next one needs on it, so a chunk is handed from thread to thread
without sharing anything else. How many characters a chunk holds is the engine's choice
(:func:`nerkit.stream.chunk_chars`); the document cap here bounds the memory one chunk
of many short documents can take.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nerkit.windows import TokenizedText

MAX_CHUNK_DOCS = 256


@dataclass
class Chunk:
    """Documents read together, and what each stage leaves for the next."""

    ids: list[Any]
    texts: list[str]
    errors: list[BaseException | None] = field(default_factory=list)
    tokenized: list[TokenizedText] = field(default_factory=list)
    ranges: list[np.ndarray] = field(default_factory=list)
    batches: list[tuple[np.ndarray, dict[str, Any]]] = field(default_factory=list)
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    doc_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # per batch read: (window indices, probabilities (rows, length, tags))
    outputs: list[tuple[np.ndarray, Any]] = field(default_factory=list)
    ready: Any = None  # a CUDA event recorded after the last copy back, else None
    batch_error: BaseException | None = None


def iter_chunks(
    items: Iterable[tuple[Any, str]], max_chars: int, max_docs: int = MAX_CHUNK_DOCS
) -> Iterator[Chunk]:
    """Consecutive documents grouped until ``max_chars`` characters or ``max_docs``."""
    ids: list[Any] = []
    texts: list[str] = []
    size = 0
    for item in items:
        doc_id, text = item
        ids.append(doc_id)
        texts.append(text)
        size += len(text) if isinstance(text, str) else 0
        if size >= max_chars or len(ids) >= max_docs:
            yield Chunk(ids, texts)
            ids, texts, size = [], [], 0
    if ids:
        yield Chunk(ids, texts)
