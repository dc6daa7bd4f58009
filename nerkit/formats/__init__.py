"""Readers and writers for labelled data; every one produces or consumes Documents.

``load_documents`` picks the reader from the file's content (``nerkit.formats.detect``)
or ``format=``, passes it the reader's own options, and every reader validates what it
read the same way: all problems in a file are reported together in one
:class:`~nerkit.documents.DataError`, each with its file, line or record, and document
id. What a reader skips or repairs on purpose is counted in a
:class:`~nerkit.formats.report.LoadReport` (``report=``), never done silently.
``python -m nerkit.formats check FILE`` prints that report.

The format modules are imported when used, so importing this package does not pull in
``datasets``.
"""

from __future__ import annotations

import errno
import json
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nerkit.documents import DataError, Document, Problem, ProblemCollector, document_problems
from nerkit.schemes import check_scheme

if TYPE_CHECKING:
    from nerkit.formats.report import LoadReport

logger = logging.getLogger("nerkit.formats")

FORMATS: tuple[str, ...] = ("conll", "labelstudio", "doccano", "spacy", "hf")
HF_MARKERS = ("dataset_info.json", "state.json", "dataset_dict.json")
# The options each reader takes besides scheme and labels (see each module's docstring).
READER_OPTIONS: dict[str, tuple[str, ...]] = {
    "conll": ("token_column", "tag_column", "separator"),
    "labelstudio": ("label_config", "text_field", "annotation", "results", "overlaps"),
    "doccano": ("overlaps",),
    "spacy": ("overlaps",),
    "hf": ("doc_id_column",),
}

__all__ = [
    "FORMATS",
    "READER_OPTIONS",
    "detect_format",
    "load_documents",
    "write_documents",
]


def load_documents(
    path: str | Path,
    format: str = "auto",
    scheme: str = "auto",
    labels: Iterable[str] | None = None,
    split: str | None = None,
    report: LoadReport | None = None,
    **options: Any,
) -> list[Document]:
    """Read labelled documents from a file, a ``save_to_disk`` folder or (``format="hf"``) a hub id.

    ``scheme`` applies to token-tagged formats (CoNLL, Hugging Face); ``labels``, when
    given, is the set of entity types allowed; ``split`` picks a Hugging Face split;
    ``report`` is filled with what was detected, skipped and repaired; ``options`` are
    the reader's own (READER_OPTIONS), e.g. ``overlaps="longest"`` or ``tag_column=2``.
    """
    from nerkit.formats.report import LoadReport

    if str(scheme).lower() != "auto":
        check_scheme(scheme)  # an unknown name is an error even where no tags are read
    known = list(labels) if labels is not None else None
    report = report if report is not None else LoadReport()
    report.source = str(path)
    if format == "hf" and _looks_like_hub_id(path):
        return _read(str(path), "hf", scheme, known, split, report, options)
    path = existing_path(path)
    if format == "auto":
        name, why = _detect(path)
        report.setting("detected", why)
    else:
        name = _known_format(format)
    if split is not None and name != "hf":
        raise ValueError(f"{path}: split= applies to Hugging Face datasets, not {name} files")
    return _read(path, name, scheme, known, split, report, options)


def _read(
    path: str | Path,
    name: str,
    scheme: str,
    known: list[str] | None,
    split: str | None,
    report: LoadReport,
    options: dict[str, Any],
) -> list[Document]:
    report.format = name
    given = {k: v for k, v in options.items() if v is not None}
    unknown = sorted(set(given) - set(READER_OPTIONS[name]))
    if unknown:
        raise ValueError(
            f"{path}: option(s) {', '.join(unknown)} do not apply to {name} files; "
            f"{name} takes {', '.join(READER_OPTIONS[name]) or 'none'}"
        )
    if name == "conll":
        from nerkit.formats import conll

        return conll.read_conll(path, scheme=scheme, labels=known, report=report, **given)
    if name == "labelstudio":
        from nerkit.formats import labelstudio

        return labelstudio.read_labelstudio(path, labels=known, report=report, **given)
    if name in ("doccano", "spacy"):
        from nerkit.formats import jsonl

        return jsonl.read_jsonl(path, flavour=name, labels=known, report=report, **given)
    from nerkit.formats import hf

    return hf.read_hf(str(path), scheme=scheme, labels=known, split=split, report=report, **given)


def _looks_like_hub_id(path: str | Path) -> bool:
    """A name that is not on disk and not written as a local path (``./``, ``/``, ``~``)."""
    text = str(path)
    local = text.startswith((".", "/", "~")) or isinstance(path, Path)
    return not local and not Path(text).exists()


def write_documents(
    docs: Sequence[Document], path: str | Path, format: str, scheme: str = "IOB2"
) -> Path:
    """Write documents in ``format`` (one of FORMATS); ``scheme`` applies to CoNLL and hf."""
    name = _known_format(format)
    path = Path(path)
    if name == "conll":
        from nerkit.formats import conll

        conll.write_conll(docs, path, scheme=scheme)
    elif name == "labelstudio":
        from nerkit.formats import labelstudio

        labelstudio.write_labelstudio(docs, path)
    elif name in ("doccano", "spacy"):
        from nerkit.formats import jsonl

        jsonl.write_jsonl(docs, path, flavour=name)
    else:
        from nerkit.formats import hf

        hf.write_hf(docs, path, scheme=scheme)
    return path


def detect_format(path: str | Path) -> str:
    """The format of an existing path, from its content (see :mod:`nerkit.formats.detect`)."""
    return _detect(existing_path(path))[0]


def _detect(path: Path) -> tuple[str, str]:
    from nerkit.formats.detect import formats_hint, sniff

    if path.is_dir():
        if any((path / marker).is_file() for marker in HF_MARKERS):
            return "hf", "a Hugging Face save_to_disk folder"
        raise ValueError(
            f"{path}: a folder, but not a Hugging Face save_to_disk folder (no "
            f"{' or '.join(HF_MARKERS)}); {formats_hint()}"
        )
    return sniff(path)


def _known_format(format: str) -> str:
    if format not in FORMATS:
        raise ValueError(f"unknown data format {format!r}; known formats: {', '.join(FORMATS)}")
    return format


# ---------------------------------------------------------------------------------------
# Helpers shared by the format modules.


def existing_path(path: str | Path) -> Path:
    """The path, or FileNotFoundError naming it."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(errno.ENOENT, "no such data file or folder", str(path))
    return path


def read_text(path: str | Path) -> str:
    """A data file's text (UTF-8, byte-order mark dropped); an empty file is a DataError."""
    path = existing_path(path)
    # newline=None turns \r\n and \r into \n, and nothing else: Unicode line separators
    # inside tokens or texts stay as they are.
    with path.open(encoding="utf-8-sig", newline=None) as handle:
        text = handle.read()
    if not text.strip():
        raise DataError([Problem(str(path), "line 1", None, "the file is empty")])
    return text


def parse_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(
            [Problem(str(path), f"line {error.lineno}", None, f"not valid JSON: {error.msg}")]
        ) from None


def check_documents(
    collector: ProblemCollector,
    source: str,
    located: Iterable[tuple[Document, str]],
    labels: Iterable[str] | None,
) -> None:
    """Add every document problem, and every repeated document id, to ``collector``."""
    known = list(labels) if labels is not None else None
    first_seen: dict[str, str] = {}
    for doc, location in located:
        for message in document_problems(doc, known):
            collector.add(source, location, doc.id, message)
        if doc.id in first_seen:
            collector.add(
                source, location, doc.id, f"document id already used at {first_seen[doc.id]}"
            )
        else:
            first_seen[doc.id] = location


def check_before_writing(docs: Sequence[Document], path: Path) -> ProblemCollector:
    """A collector holding what is wrong with documents about to be written."""
    collector = ProblemCollector()
    located = ((doc, f"document {i}") for i, doc in enumerate(docs, start=1))
    check_documents(collector, str(path), located, None)
    return collector


def prepare_output(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
