"""Label Studio JSON: the export of a text NER project, and files it can import.

A task is ``{"data": {"text": ...}, "annotations": [{"result": [...]}, ...]}``. Each
result of type ``labels`` is one span (``value.start``, ``value.end``, ``value.text``,
``value.labels``). When a task has several annotations, the newest one that was not
cancelled is used and the choice is logged. Offsets are code points, as Label Studio has
stored them since 2022; older exports made with UTF-16 offsets show up as mismatches
between ``value.text`` and the text, which are reported, not repaired.

The writer stores the document id in ``data.doc_id``, so it survives an import,
annotation and export cycle (Label Studio assigns its own task ids on import).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nerkit.documents import Document, ProblemCollector, Span
from nerkit.formats import (
    check_before_writing,
    check_documents,
    parse_json,
    prepare_output,
    read_text,
)

logger = logging.getLogger("nerkit.formats")

ID_FIELD = "doc_id"
_OLDEST = datetime.min.replace(tzinfo=UTC)


class _TaskReader:
    """Reads one file's tasks, sending every problem to one collector."""

    def __init__(self, path: Path, collector: ProblemCollector) -> None:
        self.source = str(path)
        self.stem = path.stem
        self.collector = collector

    def problem(self, number: int, doc_id: str | None, message: str) -> None:
        self.collector.add(self.source, f"task {number}", doc_id, message)

    def read(self, number: int, task: Any) -> Document | None:
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            self.problem(number, None, "a task must be an object with a 'data' object")
            return None
        data = task["data"]
        doc_id = str(data.get(ID_FIELD, task.get("id", f"{self.stem}-{number}")))
        text = data.get("text")
        if not isinstance(text, str):
            self.problem(number, doc_id, "data.text is missing or not a string")
            return None
        annotation = self.choose_annotation(number, doc_id, task.get("annotations"))
        if annotation is None:
            return None
        spans = self.spans(number, doc_id, text, annotation.get("result"))
        extra = {k: v for k, v in data.items() if k not in ("text", ID_FIELD)}
        meta: dict[str, Any] = {"annotation_id": annotation.get("id")}
        if extra:
            meta["labelstudio_data"] = extra
        return Document(doc_id, text, spans, meta)

    def choose_annotation(self, number: int, doc_id: str, annotations: Any) -> dict | None:
        if not isinstance(annotations, list):
            self.problem(number, doc_id, "'annotations' is missing or not a list")
            return None
        usable = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")]
        if not usable:
            self.problem(
                number,
                doc_id,
                f"no completed annotation ({len(annotations)} cancelled or malformed); "
                "finish or remove the task before exporting",
            )
            return None
        ranked = sorted(enumerate(usable), key=lambda pair: self.recency(number, doc_id, *pair))
        chosen = ranked[-1][1]
        ignored = len(annotations) - 1
        if ignored:
            logger.info(
                "%s, task %d (document %r): using annotation %s (updated %s); ignored %d other "
                "annotation(s), %d of them cancelled",
                self.source,
                number,
                doc_id,
                chosen.get("id"),
                _when(chosen),
                ignored,
                len(annotations) - len(usable),
            )
        return chosen

    def recency(self, number: int, doc_id: str, position: int, annotation: dict) -> tuple:
        """Sort key: time of last change, then annotation id, then order in the file."""
        stamp = _when(annotation)
        moment = _OLDEST
        if stamp is not None:
            try:
                moment = datetime.fromisoformat(str(stamp))
            except ValueError:
                self.problem(
                    number,
                    doc_id,
                    f"annotation {annotation.get('id')} has an unreadable timestamp {stamp!r}",
                )
            if moment.tzinfo is None:  # Label Studio writes UTC; naive stamps are UTC too
                moment = moment.replace(tzinfo=UTC)
        identifier = annotation.get("id")
        return moment, identifier if isinstance(identifier, int) else -1, position

    def spans(self, number: int, doc_id: str, text: str, results: Any) -> list[Span]:
        if not isinstance(results, list):
            self.problem(number, doc_id, "the annotation's 'result' is missing or not a list")
            return []
        spans: list[Span] = []
        other_types: set[str] = set()
        for item in results:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind != "labels":
                other_types.add(str(kind))
                continue
            span = self.span(number, doc_id, text, item.get("value"), item.get("id"))
            if span is not None:
                spans.append(span)
        if other_types:
            logger.debug(
                "%s, task %d: skipped results of type %s (not text spans)",
                self.source,
                number,
                ", ".join(sorted(other_types)),
            )
        return spans

    def span(self, number: int, doc_id: str, text: str, value: Any, rid: Any) -> Span | None:
        where = f"result {rid!r}"
        if not isinstance(value, dict):
            self.problem(number, doc_id, f"{where}: 'value' is missing")
            return None
        start: Any = value.get("start")
        end: Any = value.get("end")
        labels = value.get("labels")
        if not (_is_int(start) and _is_int(end)):
            self.problem(
                number, doc_id, f"{where}: start/end must be integers, got {start!r}/{end!r}"
            )
            return None
        if not (isinstance(labels, list) and len(labels) == 1 and isinstance(labels[0], str)):
            self.problem(number, doc_id, f"{where}: needs exactly one label, got {labels!r}")
            return None
        surface = value.get("text")
        if surface is not None and 0 <= start <= end <= len(text) and surface != text[start:end]:
            self.problem(
                number,
                doc_id,
                f"{where}: value.text {surface!r} differs from the text "
                f"at [{start}, {end}): {text[start:end]!r}",
            )
        return Span(start, end, labels[0])


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _when(annotation: dict) -> Any:
    return annotation.get("updated_at") or annotation.get("created_at")


def read_labelstudio(path: str | Path, labels: Iterable[str] | None = None) -> list[Document]:
    """Documents from a Label Studio JSON export (a list of tasks, or one task)."""
    path = Path(path)
    tasks = parse_json(path, read_text(path))
    if isinstance(tasks, dict):
        tasks = [tasks]
    collector = ProblemCollector()
    if not isinstance(tasks, list):
        collector.add(str(path), "line 1", None, "expected a JSON list of Label Studio tasks")
        collector.raise_if_any()
    reader = _TaskReader(path, collector)
    located: list[tuple[Document, str]] = []
    for number, task in enumerate(tasks, start=1):
        doc = reader.read(number, task)
        if doc is not None:
            located.append((doc, f"task {number}"))
    check_documents(collector, str(path), located, labels)
    collector.raise_if_any()
    return [doc for doc, _ in located]


def to_task(
    doc: Document,
    kind: str = "annotations",
    from_name: str = "label",
    to_name: str = "text",
    model_version: str = "nerkit",
) -> dict[str, Any]:
    """One importable task; ``kind`` is ``"annotations"`` (gold) or ``"predictions"``."""
    result = [
        {
            "id": f"span-{i}",
            "from_name": from_name,
            "to_name": to_name,
            "type": "labels",
            "value": {
                "start": s.start,
                "end": s.end,
                "text": doc.text[s.start : s.end],
                "labels": [s.label],
            },
        }
        for i, s in enumerate(doc.spans)
    ]
    data = {**doc.meta.get("labelstudio_data", {}), "text": doc.text, ID_FIELD: doc.id}
    entry: dict[str, Any] = {"result": result}
    if kind == "predictions":
        entry["model_version"] = model_version
    elif kind != "annotations":
        raise ValueError(f"kind must be 'annotations' or 'predictions', not {kind!r}")
    return {"data": data, kind: [entry]}


def write_labelstudio(
    docs: Sequence[Document],
    path: str | Path,
    kind: str = "annotations",
    from_name: str = "label",
    to_name: str = "text",
) -> None:
    """A JSON list of tasks Label Studio imports; names must match the project's config."""
    path = Path(path)
    check_before_writing(docs, path).raise_if_any()
    tasks = [to_task(doc, kind, from_name, to_name) for doc in docs]
    prepare_output(path)
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
