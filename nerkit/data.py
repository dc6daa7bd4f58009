"""From a data config to train/dev/test documents: the built-in corpus or labelled files.

Each labelled file is loaded with the reader options of ``data.options`` (a mapping:
``overlaps``, ``label_config``, ``text_field``, ``annotation``, ``results``,
``token_column``, ``tag_column``, ``separator``; see ``nerkit.formats.READER_OPTIONS``)
and its check summary (``python -m nerkit.formats check``) is logged, so a training log
says what was read from every input, and what was skipped or repaired.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

from nerkit.documents import Document
from nerkit.settings import resolve_path

log = logging.getLogger("nerkit.data")

SPLITS = ("train", "dev", "test")


def _data_path(path: str) -> str:
    """A URI as given; a path through :func:`nerkit.settings.resolve_path` (a hub id, on
    disk nowhere, comes back as given)."""
    return path if "://" in path else str(resolve_path(path))


def _get(settings: Any, key: str, default: Any = None) -> Any:
    """``settings[key]`` (a mapping) or ``settings.key``; ``default`` when absent or None."""
    value = settings.get(key) if isinstance(settings, Mapping) else getattr(settings, key, None)
    return default if value is None else value


def _need(settings: Any, key: str) -> Any:
    """A value the data group must give (conf/data/<name>.yaml holds it, with why)."""
    value = _get(settings, key)
    if value is None or value == "???":
        raise ValueError(f"data.{key} is not set: give it in the data group or as data.{key}=...")
    return value


def load_data(settings: Any) -> dict[str, list[Document]]:
    """Documents by split (``train``, ``dev``, ``test``) for a ``DataSettings``-shaped config."""
    source = _need(settings, "source")
    if source == "builtin":
        from nerkit.corpus import generate_corpus
        from nerkit.splits import split_documents

        docs = generate_corpus(
            n_docs=int(_need(settings, "n_docs")), seed=int(_need(settings, "corpus_seed"))
        )
        return split_documents(
            docs,
            seed=int(_need(settings, "split_seed")),
            dev=float(_need(settings, "dev_ratio")),
            test=float(_need(settings, "test_ratio")),
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

    given = {name: _get(settings, name) for name in ("dev", "test")}
    splits = split_documents(
        load_file(_data_path(_get(settings, "train")), settings, format),
        seed=int(_need(settings, "split_seed")),
        dev=0.0 if given["dev"] else float(_need(settings, "dev_ratio")),
        test=0.0 if given["test"] else float(_need(settings, "test_ratio")),
    )
    for name, path in given.items():
        if path:
            splits[name] = load_file(_data_path(path), settings, format)
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
    if dataclasses.is_dataclass(options) and not isinstance(options, type):
        options = dataclasses.asdict(options)  # nerkit.settings.ReaderOptions
    if not isinstance(options, Mapping):  # a Hydra DictConfig is a Mapping
        raise ValueError(
            f"data.options must be a mapping of reader options (overlaps: longest, ...), "
            f"got {options!r}"
        )
    # Options left unset (None) are not passed: each reader refuses options not its own.
    return {str(k): v for k, v in options.items() if v is not None}
