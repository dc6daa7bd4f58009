"""From a data config to train/dev/test documents: the built-in corpus or labelled files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nerkit.documents import Document

REPO_ROOT = Path(__file__).resolve().parents[1]
SPLITS = ("train", "dev", "test")


def resolve_path(path: str | None) -> str | None:
    """A relative path is taken from the working directory, else from the repository root."""
    if path is None or "://" in path:
        return path
    candidate = Path(path).expanduser()
    if candidate.is_absolute() or candidate.exists():
        return str(candidate)
    from_root = REPO_ROOT / candidate
    return str(from_root) if from_root.exists() else str(candidate)


def _get(settings: Any, key: str, default: Any = None) -> Any:
    if isinstance(settings, Mapping):
        return settings.get(key, default)
    return getattr(settings, key, default)


def load_data(settings: Any) -> dict[str, list[Document]]:
    """Documents by split (``train``, ``dev``, ``test``) for a ``DataSettings``-shaped config."""
    source = _get(settings, "source", "builtin")
    if source == "builtin":
        from nerkit.corpus import generate_corpus
        from nerkit.splits import split_documents

        docs = generate_corpus(
            n_docs=int(_get(settings, "n_docs", 60)), seed=int(_get(settings, "corpus_seed", 13))
        )
        return split_documents(
            docs,
            seed=int(_get(settings, "split_seed", 13)),
            dev=float(_get(settings, "dev_ratio", 0.1)),
            test=float(_get(settings, "test_ratio", 0.15)),
        )
    if source in {"files", "hf"}:
        from nerkit.splits import load_splits

        train = _get(settings, "train")
        if not train or train == "???":
            raise ValueError(
                f"data.source={source} needs data.train=PATH (and optionally data.dev, data.test)"
            )
        return load_splits(
            train=str(resolve_path(train)),
            dev=resolve_path(_get(settings, "dev")),
            test=resolve_path(_get(settings, "test")),
            format="hf" if source == "hf" else _get(settings, "format", "auto"),
            scheme=_get(settings, "scheme", "auto"),
            seed=int(_get(settings, "split_seed", 13)),
            dev_ratio=float(_get(settings, "dev_ratio", 0.1)),
            test_ratio=float(_get(settings, "test_ratio", 0.15)),
        )
    raise ValueError(f"unknown data.source {source!r}: use builtin, files or hf")


def load_eval_documents(settings: Any, split: str = "test") -> list[Document]:
    """The documents of one split (``all`` for every split together)."""
    splits = load_data(settings)
    if split == "all":
        return [d for name in SPLITS for d in splits.get(name, [])]
    if split not in splits:
        raise ValueError(f"unknown split {split!r}: use train, dev, test or all")
    return splits[split]
