"""Train/dev/test splits, always by whole document.

Each document's place comes from a hash of its id and the seed, so the same seed gives
the same split on any machine, and adding a document never moves the others (except in
tiny corpora, where a split that would be empty borrows the nearest document).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from nerkit.documents import Document

SPLITS = ("train", "dev", "test")


def document_position(doc_id: str, seed: int) -> float:
    """A stable number in [0, 1) for a document id under a seed."""
    digest = hashlib.blake2b(
        f"{seed}\x00{doc_id}".encode("utf-8", "surrogatepass"), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big") / 2**64


def split_documents(
    docs: Sequence[Document], seed: int = 13, dev: float = 0.1, test: float = 0.1
) -> dict[str, list[Document]]:
    """``{"train", "dev", "test"}`` lists of whole documents, in their original order.

    A document goes to test when its position is below ``test``, to dev when below
    ``test + dev``, else to train. With three or more documents every split with a
    non-zero share gets at least one.
    """
    _check_ratios(dev, test)
    # Intervals on [0, 1) for each split; a document falls in exactly one.
    bounds = {"test": (0.0, test), "dev": (test, test + dev), "train": (test + dev, 1.0)}
    positions = [document_position(doc.id, seed) for doc in docs]
    assigned = [_split_at(p, bounds) for p in positions]
    wanted = [name for name in SPLITS if bounds[name][1] > bounds[name][0]]
    if len(docs) >= len(wanted):
        _fill_empty_splits(assigned, positions, bounds, wanted)
    return {
        name: [d for d, where in zip(docs, assigned, strict=True) if where == name]
        for name in SPLITS
    }


def _check_ratios(dev: float, test: float) -> None:
    if not (0 <= dev < 1 and 0 <= test < 1 and dev + test < 1):
        raise ValueError(
            f"dev ({dev}) and test ({test}) must be in [0, 1) and leave some documents for training"
        )


def _split_at(position: float, bounds: dict[str, tuple[float, float]]) -> str:
    for name, (low, high) in bounds.items():
        if low <= position < high:
            return name
    return "train"


def _fill_empty_splits(
    assigned: list[str],
    positions: Sequence[float],
    bounds: dict[str, tuple[float, float]],
    wanted: Sequence[str],
) -> None:
    """Move into each empty split the document nearest its interval, from the largest split."""
    for name in wanted:
        if name in assigned:
            continue
        sizes = {n: assigned.count(n) for n in wanted}
        donor = max((n for n in wanted if sizes[n] > 1), key=lambda n: sizes[n])
        low, high = bounds[name]
        candidates = [i for i, where in enumerate(assigned) if where == donor]
        nearest = min(
            candidates, key=lambda i: (min(abs(positions[i] - low), abs(positions[i] - high)), i)
        )
        assigned[nearest] = name


def load_splits(
    train: str | Path,
    dev: str | Path | None = None,
    test: str | Path | None = None,
    format: str = "auto",
    scheme: str = "auto",
    seed: int = 13,
    dev_ratio: float = 0.1,
    test_ratio: float = 0.1,
    labels: Iterable[str] | None = None,
) -> dict[str, list[Document]]:
    """Train/dev/test documents: from their own files where given, else split from train."""
    from nerkit.formats import load_documents

    known = list(labels) if labels is not None else None

    def load(path: str | Path) -> list[Document]:
        return load_documents(path, format=format, scheme=scheme, labels=known)

    given = {"dev": dev, "test": test}
    ratios = {"dev": dev_ratio if dev is None else 0.0, "test": test_ratio if test is None else 0.0}
    splits = split_documents(load(train), seed=seed, dev=ratios["dev"], test=ratios["test"])
    for name, path in given.items():
        if path is not None:
            splits[name] = load(path)
    return splits
