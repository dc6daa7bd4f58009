"""From a data config to train/dev/test documents: the built-in corpus or labelled files.

Each labelled file is loaded with the reader options of ``data.options`` (a mapping:
``overlaps``, ``label_config``, ``text_field``, ``annotation``, ``results``,
``token_column``, ``tag_column``, ``separator``; see ``nerkit.formats.READER_OPTIONS``)
and its check summary (``python -m nerkit.formats check``) is logged, so a training log
says what was read from every input, and what was skipped or repaired.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nerkit.documents import Document

log = logging.getLogger("nerkit.data")

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
        train = _get(settings, "train")
        if not train or train == "???":
            raise ValueError(
                f"data.source={source} needs data.train=PATH (and optionally data.dev, data.test)"
            )
        return _load_files(settings, "hf" if source == "hf" else _get(settings, "format", "auto"))
    raise ValueError(f"unknown data.source {source!r}: use builtin, files or hf")


def load_eval_documents(settings: Any, split: str = "test") -> list[Document]:
    """The documents of one split (``all`` for every split together)."""
    splits = load_data(settings)
    if split == "all":
        return [d for name in SPLITS for d in splits.get(name, [])]
    if split not in splits:
        raise ValueError(f"unknown split {split!r}: use train, dev, test or all")
    return splits[split]


def _load_files(settings: Any, format: str) -> dict[str, list[Document]]:
    """Train/dev/test from their own files where given, else split off train by document."""
    from nerkit.splits import split_documents

    given = {name: resolve_path(_get(settings, name)) for name in ("dev", "test")}
    splits = split_documents(
        load_file(str(resolve_path(_get(settings, "train"))), settings, format),
        seed=int(_get(settings, "split_seed", 13)),
        dev=0.0 if given["dev"] else float(_get(settings, "dev_ratio", 0.1)),
        test=0.0 if given["test"] else float(_get(settings, "test_ratio", 0.15)),
    )
    for name, path in given.items():
        if path:
            splits[name] = load_file(path, settings, format)
    return splits


def load_file(path: str, settings: Any, format: str = "auto") -> list[Document]:
    """One labelled file with the config's scheme and reader options; logs its check summary."""
    from nerkit.formats import load_documents
    from nerkit.formats.report import LoadReport, log_report

    report = LoadReport(path)
    docs = load_documents(
        path,
        format=format,
        scheme=_get(settings, "scheme", "auto"),
        report=report,
        **reader_options(settings),
    )
    log_report(log, report, docs)
    return docs


def reader_options(settings: Any) -> dict[str, Any]:
    """``data.options`` as a plain dict (empty when the config has none)."""
    options = _get(settings, "options")
    if options is None:
        return {}
    if not isinstance(options, Mapping):  # a Hydra DictConfig is a Mapping
        raise ValueError(
            f"data.options must be a mapping of reader options (overlaps: longest, ...), "
            f"got {options!r}"
        )
    # Options left unset (None) are not passed: each reader refuses options not its own.
    return {str(k): v for k, v in options.items() if v is not None}
