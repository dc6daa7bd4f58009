"""Label Studio exports, as every version writes them, and files it imports.

Read:

- **JSON** (1.x): ``[{"data": {...}, "annotations": [{"result": [...]}, ...]}, ...]``;
  before 1.0 the list was called ``completions`` and ``created_at`` was epoch seconds.
- **JSON-MIN**: ``[{"id": 1, "text": "...", "label": [{"start", "end", "text",
  "labels"}]}]``: data fields at the top, each labelling tag's spans under its name.
- **Predictions** (pre-annotations, and nerkit's ``write_labelstudio(kind="predictions")``):
  read when no task of the file has an annotation (``results=auto``), or always with
  ``results=predictions``; ``results=annotations`` never reads them.
- A single task object, or tasks one a line, as well as a list.

Rules, each applied the same way to every task:

- The text field: see :mod:`nerkit.formats.labelstudio_fields` (``text_field=``,
  ``label_config=``, the spans' ``to_name``, the only text field).
- Which annotation, when a task has several that were not cancelled: ``annotation=``
  ``newest`` (default: latest ``updated_at``, then ``created_at``, then id), ``oldest``,
  ``first`` or ``last`` (order in the file). The others are counted in the report.
- Unlabelled tasks (``"annotations": []``, as "export all tasks" writes them) and tasks
  whose every annotation was cancelled are skipped and counted.
- Span results (type ``labels``) become spans; several labels on one region are several
  spans (an overlap, see ``overlaps=``). Results of a span kind nerkit cannot place in
  plain text (``hypertextlabels``, ``paragraphlabels``...) are errors, never dropped;
  other results (choices, text areas, relations) are counted and left.
- A ``value.text`` that differs from the text only in whitespace is accepted (the
  offsets are right; a known Label Studio quirk) and counted; any other difference is an
  error. Offsets are code points, as Label Studio has stored them since 2022.

The writer stores the document id in ``data.doc_id``, so it survives an import,
annotation and export cycle (Label Studio assigns its own task ids on import).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nerkit.documents import Document, ProblemCollector
from nerkit.formats import check_before_writing, check_documents, prepare_output, read_text
from nerkit.formats.jsonstream import iter_values
from nerkit.formats.labelstudio_config import load_label_config
from nerkit.formats.labelstudio_fields import NOT_TEXT
from nerkit.formats.labelstudio_tasks import (
    ANNOTATION_CHOICES,
    ID_FIELD,
    RESULT_SOURCES,
    TaskReader,
    Where,
)
from nerkit.formats.report import LoadReport
from nerkit.formats.spans import apply_overlaps, check_overlaps_policy

OPTIONS = ("label_config", "text_field", "annotation", "results", "overlaps")
UNLABELLED = "unlabelled tasks (no annotation)"


@dataclass
class _Outcome:
    """Documents read so far, and predictions-only tasks kept aside until the end."""

    located: list[tuple[Document, str]] = field(default_factory=list)
    predicted: list[tuple[Document, str]] = field(default_factory=list)
    annotated: int = 0


def read_labelstudio(
    path: str | Path,
    labels: Iterable[str] | None = None,
    report: LoadReport | None = None,
    label_config: str | Path | None = None,
    text_field: str | None = None,
    annotation: str = "newest",
    results: str = "auto",
    overlaps: str = "error",
) -> list[Document]:
    """Documents from a Label Studio export (see the module docstring for the rules)."""
    path = Path(path)
    source = str(path)
    _check_choice("annotation", annotation, ANNOTATION_CHOICES)
    _check_choice("results", results, RESULT_SOURCES)
    check_overlaps_policy(overlaps)
    report = report if report is not None else LoadReport(source, "labelstudio")
    config = load_label_config(label_config) if label_config is not None else None
    if config is not None:
        report.setting("config", f"text fields {config.describe()}")
    reader = TaskReader(source, path.stem, report, config, text_field, annotation)
    collector, aside = ProblemCollector(), ProblemCollector()
    outcome = _Outcome()
    for number, (_, task) in enumerate(iter_values(path, read_text(path)), start=1):
        _read_task(reader, number, task, (collector, aside), results, outcome)
    located = _settle_predictions(outcome, report, collector, aside)
    apply_overlaps(located, overlaps, report)
    check_documents(collector, source, located, labels)
    collector.raise_if_any()
    return [doc for doc, _ in located]


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")


def _read_task(
    reader: TaskReader,
    number: int,
    task: Any,
    collectors: tuple[ProblemCollector, ProblemCollector],
    results: str,
    outcome: _Outcome,
) -> None:
    collector, aside = collectors
    default_id = f"{reader.stem}-{number}"
    if not isinstance(task, dict):
        collector.add(reader.source, f"task {number}", None, "a task must be a JSON object")
        return
    if "data" not in task and not {"annotations", "completions", "predictions"} & task.keys():
        _read_minimal(reader, Where(number, default_id, collector, reader.source), task, outcome)
        return
    data = task.get("data")
    if not isinstance(data, dict):
        collector.add(
            reader.source, f"task {number}", None, "a task must be an object with a 'data' object"
        )
        return
    doc_id = str(data.get(ID_FIELD, task.get("id", default_id)))
    where = Where(number, doc_id, collector, reader.source)
    if results != "predictions" and _read_annotated(reader, where, task, outcome):
        return
    if results != "annotations":
        target = outcome.located if results == "predictions" else outcome.predicted
        if _read_predicted(
            reader,
            Where(number, doc_id, aside if results == "auto" else collector, reader.source),
            task,
            target,
        ):
            return
    reader.report.skip(UNLABELLED, where.location, doc_id)


def _read_annotated(reader: TaskReader, where: Where, task: dict, outcome: _Outcome) -> bool:
    """Read the task's annotation; False when it has none (not even a cancelled one)."""
    found = reader.entries(where, task, "annotations")
    if found is None:
        return True
    usable, total = found
    if not usable:
        if total:
            reader.report.skip(
                "tasks whose every annotation was cancelled", where.location, where.doc_id
            )
        return bool(total)
    outcome.annotated += 1
    chosen = reader.choose(where, usable, total)
    doc = reader.document(
        where, task["data"], chosen.get("result"), {"annotation_id": chosen.get("id")}
    )
    if doc is not None:
        outcome.located.append((doc, where.location))
    return True


def _read_predicted(
    reader: TaskReader, where: Where, task: dict, target: list[tuple[Document, str]]
) -> bool:
    found = reader.entries(where, task, "predictions")
    if not found or not found[0]:
        return found is None
    chosen = reader.choose(where, *found)
    meta = {"model_version": chosen.get("model_version")}
    doc = reader.document(where, task["data"], chosen.get("result"), meta)
    if doc is not None:
        target.append((doc, where.location))
    return True


def _read_minimal(reader: TaskReader, where: Where, task: dict, outcome: _Outcome) -> None:
    """A JSON-MIN row: data fields and, under each labelling tag's name, its spans."""
    doc_id = str(task.get(ID_FIELD, task.get("id", where.doc_id)))
    where = Where(where.number, doc_id, where.collector, where.source)
    keys = [k for k, v in task.items() if _minimal_spans(v)]
    if not keys and "annotation_id" not in task:
        reader.report.skip(UNLABELLED, where.location, doc_id)
        return
    outcome.annotated += 1
    data = {k: v for k, v in task.items() if k not in keys and k not in NOT_TEXT}
    result = [item for k in keys for item in task[k]]
    doc = reader.document(where, data, result, {"annotation_id": task.get("annotation_id")})
    if doc is not None:
        outcome.located.append((doc, where.location))


def _minimal_spans(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and "labels" in v and "start" in v for v in value)
    )


def _settle_predictions(
    outcome: _Outcome, report: LoadReport, collector: ProblemCollector, aside: ProblemCollector
) -> list[tuple[Document, str]]:
    """Predictions are the data only when no task has an annotation; else they are skipped."""
    if outcome.predicted and not outcome.annotated:
        report.setting("results", "predictions (no task in the file has an annotation)")
        for problem in aside.problems:
            collector.add(problem.source, problem.location, problem.doc_id, problem.message)
        return outcome.predicted
    for doc, location in outcome.predicted:
        report.skip(f"{UNLABELLED}, with predictions nobody reviewed", location, doc.id)
    return outcome.located


# ---------------------------------------------------------------------------------------
# Writing


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
