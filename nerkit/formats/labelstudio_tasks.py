"""One Label Studio task to one Document: which annotation, which text field, which spans.

See :mod:`nerkit.formats.labelstudio` for the rules; this module applies them to a task
and sends every problem to a collector and every skip or repair to the load report.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from nerkit.documents import Document, ProblemCollector, Span
from nerkit.formats.labelstudio_config import LabelConfig
from nerkit.formats.labelstudio_fields import FieldChooser
from nerkit.formats.report import LoadReport
from nerkit.formats.spans import same_but_whitespace

logger = logging.getLogger("nerkit.formats")

ID_FIELD = "doc_id"
ANNOTATION_CHOICES = ("newest", "oldest", "first", "last")
RESULT_SOURCES = ("auto", "annotations", "predictions")
# Keys a JSON-MIN export adds to the data fields of a task.
MINIMAL_META = frozenset(
    {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", ID_FIELD}
)
_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Where:
    """A task's place in the file, its document id, and where its problems go."""

    number: int
    doc_id: str
    collector: ProblemCollector
    source: str

    @property
    def location(self) -> str:
        return f"task {self.number}"

    def problem(self, message: str) -> None:
        self.collector.add(self.source, self.location, self.doc_id, message)


class TaskReader:
    """Reads one file's tasks; predictions-only tasks are kept aside until the end."""

    def __init__(
        self,
        source: str,
        stem: str,
        report: LoadReport,
        config: LabelConfig | None,
        text_field: str | None,
        annotation: str,
    ) -> None:
        self.source, self.stem, self.report = source, stem, report
        self.fields = FieldChooser(config, text_field, report)
        self.annotation = annotation

    def entries(self, where: Where, task: dict, key: str) -> tuple[list[dict], int] | None:
        """The usable (not cancelled) annotations or predictions, and how many there are.

        None when the list is malformed (reported).
        """
        found = task.get(key)
        if key == "annotations" and found is None:
            found = task.get("completions")  # Label Studio before 1.0
        if found is None:
            return [], 0
        if not isinstance(found, list):
            where.problem(f"{key!r} must be a list, got {type(found).__name__}")
            return None
        usable = [a for a in found if isinstance(a, dict) and not a.get("was_cancelled")]
        return usable, len(found)

    def choose(self, where: Where, usable: list[dict], total: int) -> dict:
        """The annotation the ``annotation`` option names (see ANNOTATION_CHOICES)."""
        if self.annotation in ("first", "last"):
            chosen = usable[0] if self.annotation == "first" else usable[-1]
        else:
            ranked = sorted(enumerate(usable), key=lambda pair: self.recency(where, *pair))
            chosen = ranked[-1 if self.annotation == "newest" else 0][1]
        if total > 1:
            logger.info(
                "%s, task %d (document %r): using annotation %s (%s, updated %s); ignored %d "
                "other annotation(s), %d of them cancelled",
                self.source,
                where.number,
                where.doc_id,
                chosen.get("id"),
                self.annotation,
                _when(chosen),
                total - 1,
                total - len(usable),
            )
            self.report.skip(
                f"other annotations of a task (annotation={self.annotation})",
                where.location,
                where.doc_id,
            )
        return chosen

    def recency(self, where: Where, position: int, annotation: dict) -> tuple:
        """Sort key: time of last change, then annotation id, then order in the file."""
        moment = _moment(_when(annotation))
        if moment is None:
            where.problem(
                f"annotation {annotation.get('id')} has an unreadable timestamp "
                f"{_when(annotation)!r}"
            )
            moment = _OLDEST
        identifier = annotation.get("id")
        return moment, identifier if isinstance(identifier, int) else -1, position

    def document(self, where: Where, data: dict, results: Any, extra: dict) -> Document | None:
        """The document of one task's data and chosen results."""
        if not isinstance(results, list):
            where.problem("the annotation's 'result' is missing or not a list")
            return None
        spans_found = [r for r in results if isinstance(r, dict) and _is_span_result(r)]
        key = self.fields.choose(where, data, spans_found)
        if key is None:
            return None
        spans: list[Span] = []
        for item in results:
            spans.extend(self.result_spans(where, data, key, item))
        meta: dict[str, Any] = dict(extra)
        rest = {k: v for k, v in data.items() if k not in (key, ID_FIELD)}
        if rest:
            meta["labelstudio_data"] = rest
        return Document(where.doc_id, data[key], spans, meta)

    def result_spans(self, where: Where, data: dict, key: str, item: Any) -> list[Span]:
        kind = item.get("type") if isinstance(item, dict) else None
        if kind is None and isinstance(item, dict) and _is_span_result(item):
            kind = "labels"  # JSON-MIN items carry no type
        if kind != "labels":
            if isinstance(kind, str) and kind.endswith("labels"):
                where.problem(
                    f"result {item.get('id')!r} is of type {kind!r}: its offsets point into "
                    "HTML or paragraphs, which nerkit cannot place in plain text; label the "
                    "text with <Labels> on a <Text> field, or remove these results"
                )
            else:
                self.report.skip(
                    f"results that are not spans (type {kind})", where.location, where.doc_id
                )
            return []
        if not self.fields.targets(item, key, data):
            self.report.skip(
                f"spans on another text field than {key!r}", where.location, where.doc_id
            )
            return []
        return self.spans(where, data[key], item.get("value", item), item.get("id"))

    def spans(self, where: Where, text: str, value: Any, rid: Any) -> list[Span]:
        name = f"result {rid!r}"
        if not isinstance(value, dict):
            where.problem(f"{name}: 'value' is missing")
            return []
        start: Any = value.get("start")
        end: Any = value.get("end")
        labels = value.get("labels")
        if not (_is_int(start) and _is_int(end)):
            where.problem(f"{name}: start/end must be integers, got {start!r}/{end!r}")
            return []
        if not (isinstance(labels, list) and labels and all(isinstance(x, str) for x in labels)):
            where.problem(f"{name}: needs one label or more, got {labels!r}")
            return []
        surface = value.get("text")
        if surface is not None and 0 <= start <= end <= len(text) and surface != text[start:end]:
            if same_but_whitespace(surface, text[start:end]):
                self.report.repair(
                    "value.text differing from the text only in whitespace (offsets kept)",
                    f"{where.location}, {name}",
                    where.doc_id,
                )
            else:
                where.problem(
                    f"{name}: value.text {surface!r} differs from the text "
                    f"at [{start}, {end}): {text[start:end]!r}"
                )
        # Several labels on one region are several spans on the same characters: an
        # overlap, which the overlaps option resolves or reports.
        return [Span(start, end, label) for label in labels]


def _is_span_result(item: dict) -> bool:
    value = item.get("value", item)
    return isinstance(value, dict) and "start" in value and "labels" in value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _when(annotation: dict) -> Any:
    return annotation.get("updated_at") or annotation.get("created_at")


def _moment(stamp: Any) -> datetime | None:
    """A timestamp as Label Studio wrote it: ISO text, or (before 1.0) epoch seconds."""
    if stamp is None:
        return _OLDEST
    if _is_int(stamp) or isinstance(stamp, float):
        seconds = stamp / 1000 if stamp > 1e11 else stamp  # some tools write milliseconds
        return datetime.fromtimestamp(seconds, UTC)
    try:
        moment = datetime.fromisoformat(str(stamp))
    except ValueError:
        return None
    # Label Studio writes UTC; naive stamps are UTC too.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
