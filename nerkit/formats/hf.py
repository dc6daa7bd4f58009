"""Hugging Face datasets with ``tokens`` and ``ner_tags`` columns (rows are sentences).

A dataset comes from a ``save_to_disk`` folder (``datasets.load_from_disk``) or, when no
such path exists, from the hub (``datasets.load_dataset``; needs the network). Tag names
come from the ``ner_tags`` ClassLabel feature (string tags are used as they are). Rows
that share a document id column (``document_id`` or ``doc_id``) form one document, in row
order; otherwise each row is a document, named by its ``id`` column when there is one.
Text and spans are built as for CoNLL. Rows are counted from 0, as ``dataset[i]`` does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from nerkit.documents import DataError, Document, Problem, ProblemCollector
from nerkit.formats import check_before_writing, check_documents, prepare_output
from nerkit.formats.conll import (
    TaggedSentence,
    build_document,
    resolve_scheme,
    scheme_note,
    tagged_sentences,
)
from nerkit.formats.report import LoadReport
from nerkit.schemes import check_scheme

logger = logging.getLogger("nerkit.formats")

DOC_ID_COLUMNS = ("document_id", "doc_id")
TAG_PREFIXES = {"IOB1": ("B", "I"), "IOB2": ("B", "I"), "BIOES": ("B", "I", "E", "S")}


def read_hf(
    name_or_path: str | Path,
    scheme: str = "auto",
    labels: Iterable[str] | None = None,
    split: str | None = None,
    doc_id_column: str | None = None,
    report: LoadReport | None = None,
) -> list[Document]:
    """Documents from a ``save_to_disk`` folder or a hub dataset id."""
    dataset, source, stem = _open(str(name_or_path), split)
    _require_columns(dataset, source)
    names = _tag_names(dataset, source)
    group_by = doc_id_column or next((c for c in DOC_ID_COLUMNS if c in dataset.column_names), None)
    wanted = ["tokens", "ner_tags", *[c for c in (group_by, "id") if c in dataset.column_names]]
    columns = dataset.select_columns(wanted).to_dict()
    collector = ProblemCollector()
    grouped = _group_rows(columns, names, group_by, stem, source, collector)
    chosen = resolve_scheme(
        scheme, [s for sentences, _ in grouped.values() for s in sentences], source
    )
    if report is not None:
        detected = " (detected)" if str(scheme).lower() == "auto" else ""
        report.setting("scheme", f"{chosen}{detected}")
    known = set(labels) if labels is not None else None
    note = scheme_note(scheme, chosen)
    located = [
        (build_document(doc_id, sentences, chosen, source, collector, known, note), where)
        for doc_id, (sentences, where) in grouped.items()
    ]
    check_documents(collector, source, located, None)
    collector.raise_if_any()
    return [doc for doc, _ in located]


def _open(name: str, split: str | None) -> tuple[Any, str, str]:
    """The dataset (one split), a name for messages, and a stem for default ids."""
    import datasets

    if Path(name).exists():
        loaded = datasets.load_from_disk(name)
        stem = Path(name).name
    else:
        loaded = datasets.load_dataset(name, split=split)
        stem = name.rsplit("/", 1)[-1]
    if isinstance(loaded, datasets.DatasetDict):
        split = _pick_split(name, list(loaded), split)
        loaded = loaded[split]
    source = f"{name}[{split}]" if split else name
    return loaded, source, f"{stem}-{split}" if split else stem


def _pick_split(name: str, splits: list[str], split: str | None) -> str:
    if split is None and len(splits) == 1:
        return splits[0]
    if split not in splits:
        raise ValueError(f"{name}: choose a split with split=, one of {', '.join(splits)}")
    return split


def _require_columns(dataset: Any, source: str) -> None:
    missing = [c for c in ("tokens", "ner_tags") if c not in dataset.column_names]
    if missing:
        raise DataError(
            [
                Problem(
                    source,
                    "columns",
                    None,
                    f"missing column(s) {', '.join(missing)}; the dataset has "
                    f"{', '.join(dataset.column_names)}",
                )
            ]
        )


def _tag_names(dataset: Any, source: str) -> list[str] | None:
    """Names for integer tags (None when the tags are strings already)."""
    import datasets

    inner = getattr(dataset.features["ner_tags"], "feature", None)
    if isinstance(inner, datasets.ClassLabel):
        return list(inner.names)
    if isinstance(inner, datasets.Value) and inner.dtype in ("string", "large_string"):
        return None
    raise DataError(
        [
            Problem(
                source,
                "column ner_tags",
                None,
                f"ner_tags is {dataset.features['ner_tags']}; it needs ClassLabel "
                "names (or string tags) to know what the numbers mean",
            )
        ]
    )


def _group_rows(
    columns: dict[str, list],
    names: list[str] | None,
    group_by: str | None,
    stem: str,
    source: str,
    collector: ProblemCollector,
) -> dict[str, tuple[list[TaggedSentence], str]]:
    """``doc id -> (sentences, location of the first row)`` in order of first appearance."""
    grouped: dict[str, tuple[list[TaggedSentence], str]] = {}
    for row, (tokens, tags) in enumerate(zip(columns["tokens"], columns["ner_tags"], strict=True)):
        if group_by is not None:
            doc_id = str(columns[group_by][row])
        elif "id" in columns:
            doc_id = str(columns["id"][row])
        else:
            doc_id = f"{stem}-{row}"
        sentence = _row_sentence(row, tokens, tags, names, doc_id, source, collector)
        grouped.setdefault(doc_id, ([], f"row {row}"))[0].append(sentence)
    return grouped


def _row_sentence(
    row: int,
    tokens: Sequence[str],
    tags: Sequence[Any],
    names: list[str] | None,
    doc_id: str,
    source: str,
    collector: ProblemCollector,
) -> TaggedSentence:
    if len(tokens) != len(tags):
        collector.add(source, f"row {row}", doc_id, f"{len(tokens)} tokens but {len(tags)} tags")
        # Keep the words (untagged) so the document is not also reported as empty.
        return TaggedSentence.of(tokens, ["O"] * len(tokens), [f"row {row}"] * len(tokens))
    strings = [names[t] if names is not None else str(t) for t in tags]
    return TaggedSentence.of(tokens, strings, [f"row {row}, token {i}" for i in range(len(tokens))])


def write_hf(docs: Sequence[Document], path: str | Path, scheme: str = "IOB2") -> None:
    """``save_to_disk`` one row per sentence: id, document_id, tokens, ner_tags (ClassLabel)."""
    import datasets

    path = Path(path)
    chosen = check_scheme(scheme)
    collector = check_before_writing(docs, path)
    rows: dict[str, list] = {"id": [], "document_id": [], "tokens": [], "ner_tags": []}
    for number, doc in enumerate(docs, start=1):
        sentences = tagged_sentences(doc, chosen, str(path), f"document {number}", collector)
        for index, sentence in enumerate(sentences):
            rows["id"].append(f"{doc.id}-{index}")
            rows["document_id"].append(doc.id)
            rows["tokens"].append([token for token, _ in sentence])
            rows["ner_tags"].append([tag for _, tag in sentence])
    collector.raise_if_any()
    tag_names = ["O"] + [
        f"{p}-{label}"
        for label in sorted({s.label for d in docs for s in d.spans})
        for p in TAG_PREFIXES[chosen]
    ]
    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "document_id": datasets.Value("string"),
            "tokens": datasets.Sequence(datasets.Value("string")),
            "ner_tags": datasets.Sequence(datasets.ClassLabel(names=tag_names)),
        }
    )
    prepare_output(path)
    datasets.Dataset.from_dict(rows, features=features).save_to_disk(str(path))
