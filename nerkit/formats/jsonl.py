"""One JSON record a line: doccano and spaCy-style span files.

- doccano: ``{"id": ..., "text": ..., "label": [[start, end, label], ...]}`` (or ``"labels"``)
- spaCy-style: ``{"text": ..., "entities": [[start, end, label], ...]}`` or
  ``{"text": ..., "spans": [{"start": ..., "end": ..., "label": ...}, ...]}``

The reader accepts any of the four span keys (one per record) and spans written either
as triples or as objects (``start``/``end`` or doccano's ``start_offset``/``end_offset``);
the flavour only decides what the writer writes. Offsets are code points. Other keys of
a record are kept in ``meta``. The id is the record's ``id``, else ``<file stem>-<n>``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from nerkit.documents import Document, ProblemCollector, Span
from nerkit.formats import (
    check_before_writing,
    check_documents,
    existing_path,
    prepare_output,
    read_text,
)

FLAVOURS = ("doccano", "spacy")
SPAN_KEYS = {"label": "doccano", "labels": "doccano", "entities": "spacy", "spans": "spacy"}
WRITTEN_KEY = {"doccano": "label", "spacy": "entities"}


def detect_flavour(path: str | Path) -> str:
    """``"doccano"`` or ``"spacy"``, from the span key of the first record that has one."""
    with existing_path(path).open(encoding="utf-8-sig") as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # the reader reports it, with its line
            if isinstance(record, dict):
                for key, flavour in SPAN_KEYS.items():
                    if key in record:
                        return flavour
    return "doccano"  # no spans anywhere: both flavours read the same


def read_jsonl(
    path: str | Path, flavour: str = "doccano", labels: Iterable[str] | None = None
) -> list[Document]:
    """Documents from a doccano or spaCy-style JSONL file; all problems in one DataError."""
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown JSONL flavour {flavour!r}; use one of {', '.join(FLAVOURS)}")
    path = Path(path)
    source = str(path)
    collector = ProblemCollector()
    located: list[tuple[Document, str]] = []
    record_number = 0
    for line_number, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        record_number += 1
        where = f"line {line_number}"
        doc = _read_record(line, f"{path.stem}-{record_number}", source, where, collector)
        if doc is not None:
            located.append((doc, where))
    check_documents(collector, source, located, labels)
    collector.raise_if_any()
    return [doc for doc, _ in located]


def _read_record(
    line: str, default_id: str, source: str, where: str, collector: ProblemCollector
) -> Document | None:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        collector.add(source, where, None, f"not valid JSON: {error.msg} (column {error.colno})")
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
    meta = {k: v for k, v in record.items() if k not in ("id", "text", *SPAN_KEYS)}
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
