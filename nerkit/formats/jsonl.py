"""JSON records, one a line (or a JSON array of them): doccano and spaCy-style span files.

- doccano 1.x: ``{"id": ..., "text": ..., "label": [[start, end, label], ...]}``
- doccano before 1.0 (``.json1`` exports): ``"labels"`` instead of ``"label"``
- doccano 1.6 and later: ``"entities": [{"label": ..., "start_offset": ..., "end_offset": ...}]``
- spaCy-style: ``{"text": ..., "entities": [[start, end, label], ...]}`` or
  ``{"text": ..., "spans": [{"start": ..., "end": ..., "label": ...}, ...]}``

The reader accepts any of these span keys (one per record), whatever the file suffix
(``.jsonl``, ``.json1``, or ``.json`` as PaddleNLP names JSON Lines), and spans written
either as triples or as objects (``start``/``end`` or ``start_offset``/``end_offset``);
the flavour only decides what the writer writes. Offsets are code points. Overlapping
(nested or doubly labelled) spans are an error unless ``overlaps=longest`` or ``first``
chooses which to keep (:mod:`nerkit.formats.spans`). Other keys of a record are kept in
``meta``. The id is the record's ``id``, else ``<file stem>-<n>``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from nerkit.documents import Document, ProblemCollector, Span
from nerkit.formats import (
    check_before_writing,
    check_documents,
    prepare_output,
    read_text,
)
from nerkit.formats.jsonstream import iter_values
from nerkit.formats.report import LoadReport
from nerkit.formats.spans import apply_overlaps, check_overlaps_policy

FLAVOURS = ("doccano", "spacy")
SPAN_KEYS = {"label": "doccano", "labels": "doccano", "entities": "spacy", "spans": "spacy"}
OPTIONS = ("overlaps",)
WRITTEN_KEY = {"doccano": "label", "spacy": "entities"}


def read_jsonl(
    path: str | Path,
    flavour: str = "doccano",
    labels: Iterable[str] | None = None,
    report: LoadReport | None = None,
    overlaps: str = "error",
) -> list[Document]:
    """Documents from a doccano or spaCy-style file; all problems in one DataError."""
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown JSONL flavour {flavour!r}; use one of {', '.join(FLAVOURS)}")
    check_overlaps_policy(overlaps)
    path = Path(path)
    source = str(path)
    report = report if report is not None else LoadReport(source, flavour)
    collector = ProblemCollector()
    located: list[tuple[Document, str]] = []
    text = read_text(path)
    records: Iterator[tuple[str, Any]]
    if text.lstrip().startswith("["):
        report.setting("layout", "a JSON array of records")
        records = (
            (f"record {n}", value) for n, (_, value) in enumerate(iter_values(path, text), 1)
        )
    else:
        records = _lines(text)
    for number, (where, record) in enumerate(records, start=1):
        doc = _read_record(record, f"{path.stem}-{number}", source, where, collector)
        if doc is not None:
            located.append((doc, where))
    apply_overlaps(located, overlaps, report)
    check_documents(collector, source, located, labels)
    collector.raise_if_any()
    return [doc for doc, _ in located]


def _lines(text: str) -> Iterator[tuple[str, Any]]:
    """``(line N, record)`` for each non-blank line; a bad line yields its JSON error."""
    for line_number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {line_number}", json.loads(line)
        except json.JSONDecodeError as error:
            yield (
                f"line {line_number}",
                _BadJson(f"not valid JSON: {error.msg} (column {error.colno})"),
            )


class _BadJson(str):
    """A line that is not JSON, carried as its message to where problems are reported."""


def _read_record(
    record: Any, default_id: str, source: str, where: str, collector: ProblemCollector
) -> Document | None:
    if isinstance(record, _BadJson):
        collector.add(source, where, None, str(record))
        return None
    if not isinstance(record, dict):
        collector.add(source, where, None, "a record must be a JSON object")
        return None
    doc_id = str(record.get("id", default_id))
    text = record.get("text")
    if not isinstance(text, str):
        collector.add(source, where, doc_id, "'text' is missing or not a string")
        return None
    present = [key for key in SPAN_KEYS if key in record]
    if not present and isinstance(record.get("annotations"), list):
        present = ["annotations"]  # doccano before 1.0, as its database held them
    if len(present) > 1:
        collector.add(source, where, doc_id, f"several span keys ({', '.join(present)}); keep one")
        return None
    raw_spans = record[present[0]] if present else []
    if not isinstance(raw_spans, list):
        collector.add(source, where, doc_id, f"{present[0]!r} must be a list of spans")
        return None
    spans = []
    for index, item in enumerate(raw_spans):
        span, problem = _parse_span(item)
        if problem:
            collector.add(source, where, doc_id, f"{present[0]}[{index}]: {problem}")
        elif span is not None:
            spans.append(span)
    meta = {k: v for k, v in record.items() if k not in ("id", "text", *present)}
    return Document(doc_id, text, spans, meta)


def _parse_span(item: Any) -> tuple[Span | None, str | None]:
    if isinstance(item, list | tuple):
        if len(item) != 3:
            return None, f"expected [start, end, label], got {item!r}"
        start, end, label = item
    elif isinstance(item, dict):
        start = item.get("start", item.get("start_offset"))
        end = item.get("end", item.get("end_offset"))
        label = item.get("label")
    else:
        return None, f"expected [start, end, label] or an object, got {item!r}"
    if not (_is_int(start) and _is_int(end)):
        return None, f"start and end must be integers, got {start!r} and {end!r}"
    if _is_int(label):
        return None, (
            f"the label is a number ({label}), a doccano label id: export with label names "
            "(doccano's JSONL export), or map the ids to names first"
        )
    if not isinstance(label, str):
        return None, f"the label must be a string, got {label!r}"
    return Span(start, end, label), None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def to_record(doc: Document, flavour: str = "doccano") -> dict[str, Any]:
    spans = [[s.start, s.end, s.label] for s in doc.spans]
    return {"id": doc.id, "text": doc.text, WRITTEN_KEY[flavour]: spans}


def write_jsonl(docs: Sequence[Document], path: str | Path, flavour: str = "doccano") -> None:
    """One record a line: doccano's ``label`` or spaCy-style ``entities`` triples."""
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown JSONL flavour {flavour!r}; use one of {', '.join(FLAVOURS)}")
    path = Path(path)
    check_before_writing(docs, path).raise_if_any()
    prepare_output(path)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for doc in docs:
            # ensure_ascii keeps U+2028 and friends escaped, so one record stays one line
            # for every line splitter.
            handle.write(json.dumps(to_record(doc, flavour), ensure_ascii=True) + "\n")
