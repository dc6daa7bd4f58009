"""Batches of windows, and the reading of a document they give once stitched.

Each window is padded to a length that depends only on the window itself (its length
rounded up to a multiple, :func:`padded_length`), never on its batch companions, so a
document's fp32 result is the same whether it is read alone or among many others.
Batches group windows of one padded length under a token budget (rows x padded length,
:func:`plan_batches`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nerkit.decoding import stitch_windows
from nerkit.documents import Entity
from nerkit.windows import SpecialTokens, TokenizedText


@dataclass
class DocumentPrediction:
    """Entities of one document, with how many word-pieces and windows were read."""

    entities: list[Entity]
    tokens: int
    windows: int


@dataclass
class TokenProbabilities:
    """The stitched reading of one document, before decoding."""

    tokenized: TokenizedText
    probs: np.ndarray  # (n_tokens, n_tags); tokens no window read are O with certainty
    tokens: int  # tokens read (fewer than the document's when windows are capped)
    windows: int


def stitched_reading(
    tokenized: TokenizedText, ranges: np.ndarray, window_probs: Sequence[np.ndarray], n_tags: int
) -> TokenProbabilities:
    """One document's windows stitched into its reading (a document without tokens: empty)."""
    if len(ranges) == 0:
        return TokenProbabilities(tokenized, np.zeros((len(tokenized), n_tags)), 0, 0)
    stitched = stitch_windows(len(tokenized), ranges, window_probs)
    # Windows start at token 0 and are contiguous, so the last end is what was read.
    return TokenProbabilities(tokenized, stitched, int(ranges[:, 1].max()), len(ranges))


def padded_length(length: int, multiple: int, cap: int) -> int:
    """``length`` rounded up to ``multiple``, but never past ``cap`` (the window length)."""
    return min(-(-length // multiple) * multiple, max(cap, length))


def plan_batches(
    lengths: np.ndarray, batch_tokens: int, multiple: int, cap: int
) -> list[tuple[int, np.ndarray]]:
    """Batches of window indices as ``(padded_length, indices)``, longest first.

    Windows of one padded length share a batch; each batch holds as many rows as fit in
    ``batch_tokens`` (at least one).
    """
    if len(lengths) == 0:
        return []
    padded = np.asarray([padded_length(int(n), multiple, cap) for n in lengths], dtype=np.int64)
    order = np.lexsort((np.arange(len(lengths)), -padded))
    plan: list[tuple[int, np.ndarray]] = []
    for size in np.unique(padded)[::-1].tolist():
        members = order[padded[order] == size]
        rows = max(1, batch_tokens // size)
        plan.extend((size, members[i : i + rows]) for i in range(0, len(members), rows))
    return plan


def batch_inputs(
    pieces: Sequence[np.ndarray],
    special: SpecialTokens,
    length: int,
    shapes: Sequence[np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """``input_ids``, ``attention_mask`` (and ``token_type_ids``) for windows of content ids,
    and ``shape_ids`` when the windows' token ``shapes`` are given (nerkit.shapes).

    Rows are padded on the right to ``length`` with the tokenizer's pad id.
    """
    rows = len(pieces)
    ids = np.full((rows, length), special.pad_id, dtype=np.int64)
    mask = np.zeros((rows, length), dtype=np.int64)
    types = np.zeros((rows, length), dtype=np.int64)
    n_prefix, n_suffix = len(special.prefix), len(special.suffix)
    for row, piece in enumerate(pieces):
        end = n_prefix + len(piece)
        ids[row, :n_prefix] = special.prefix
        ids[row, n_prefix:end] = piece
        ids[row, end : end + n_suffix] = special.suffix
        mask[row, : end + n_suffix] = 1
        types[row, :n_prefix] = special.prefix_type_ids
        types[row, n_prefix:end] = special.content_type_id
        types[row, end : end + n_suffix] = special.suffix_type_ids
    out = {"input_ids": ids, "attention_mask": mask}
    if special.uses_token_type_ids:
        out["token_type_ids"] = types
    if shapes is not None:
        # Special tokens and padding keep SHAPE_NONE (0), as in training_windows.
        shape_ids = np.zeros((rows, length), dtype=np.int64)
        for row, piece in enumerate(shapes):
            shape_ids[row, n_prefix : n_prefix + len(piece)] = piece
        out["shape_ids"] = shape_ids
    return out
