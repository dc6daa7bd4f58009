"""Which reader a file needs, told from its content first and its suffix second.

The first megabyte is enough: a JSON array of tasks (Label Studio, also JSON-MIN), a
JSON object or objects one a line (a Label Studio task; doccano or spaCy-style records,
whatever the suffix: ``.json``, ``.json1``, ``.jsonl``), or lines of columns with a tag
in one of them (CoNLL, whatever the suffix). When none fits, the error says what each
reader found and which ``format=`` to pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nerkit.documents import DataError, Problem
from nerkit.formats.conll_layout import COLUMNS, DOCSTART, is_tag
from nerkit.formats.jsonstream import first_values

HEAD_CHARS = 1 << 20
SNIFFED_RECORDS = 50
CONLL_SUFFIXES = frozenset(
    {".conll", ".conllu", ".txt", ".iob", ".iob1", ".iob2", ".bio", ".bioes", ".iobes", ".tsv"}
)
JSONL_SUFFIXES = frozenset({".jsonl", ".json1", ".ndjson"})
LABELSTUDIO_KEYS = frozenset({"data", "annotations", "completions", "predictions"})
DOCCANO_KEYS = frozenset({"label", "labels"})
SPACY_KEYS = frozenset({"entities", "spans"})


def sniff(path: Path) -> tuple[str, str]:
    """``(format, why)`` for a file; ValueError naming what each reader found otherwise."""
    head, whole = _head(path)
    if not head.strip():
        raise DataError([Problem(str(path), "line 1", None, "the file is empty")])
    suffix = path.suffix.lower()
    if head.lstrip()[0] in "[{":
        found, why = _sniff_json(path, head, whole)
        if found:
            return found, why
        json_finding = why
    else:
        json_finding = "does not start with '[' or '{'"
    conll_finding = _sniff_conll(head)
    if conll_finding is None:
        return "conll", "lines of columns with a tag column"
    if suffix in CONLL_SUFFIXES and json_finding.startswith("does not start"):
        return "conll", f"the suffix {suffix} (its lines are reported by the CoNLL reader)"
    raise ValueError(
        f"{path}: cannot tell the format. As JSON: {json_finding}. As CoNLL: {conll_finding}. "
        f"{formats_hint()}"
    )


def formats_hint() -> str:
    from nerkit.formats import FORMATS

    return (
        f"Pass format= one of {', '.join(FORMATS)} (conll: token and tag columns; labelstudio: "
        "a JSON export; doccano or spacy: JSON records, one a line; hf: a save_to_disk folder)"
    )


def _head(path: Path) -> tuple[str, bool]:
    """The first HEAD_CHARS characters, and whether that is the whole file."""
    with path.open(encoding="utf-8-sig", errors="replace", newline=None) as handle:
        head = handle.read(HEAD_CHARS)
        return head, not handle.read(1)


def _sniff_json(path: Path, head: str, whole: bool) -> tuple[str | None, str]:
    shape, values, complete = first_values(head, SNIFFED_RECORDS)
    if not values and not complete and not whole:
        # The first value is longer than the head: read it all (still linear).
        shape, values, complete = first_values(path.read_text("utf-8-sig"), SNIFFED_RECORDS)
    if not values:
        if shape == "array" and complete:
            return "labelstudio", "an empty JSON array (no tasks)"
        return None, "not valid JSON at its start"
    kinds = [_record_kind(v) for v in values]
    for kind in ("labelstudio", "doccano", "spacy"):
        if kind in kinds:
            if kind != "labelstudio" and shape == "array":
                return kind, f"a JSON array of {kind} records"
            return kind, _why(kind, shape)
    if "text" in kinds:
        # Records with a text and no spans: unlabelled JSON-MIN tasks, or doccano records.
        return ("labelstudio", "a JSON-MIN array") if shape == "array" else ("doccano", "records")
    keys = sorted({k for v in values if isinstance(v, dict) for k in v})
    return None, (
        f"{shape} of values with keys {keys[:12]} (no 'data' or 'annotations' for Label "
        "Studio, no 'text' with 'label' or 'entities' for doccano or spaCy)"
    )


def _why(kind: str, shape: str) -> str:
    if kind == "labelstudio":
        return f"Label Studio tasks ({'one a line' if shape == 'lines' else shape})"
    return f"{kind} records ({'one a line' if shape == 'lines' else shape})"


def _record_kind(record: Any) -> str | None:
    if not isinstance(record, dict):
        return None
    if "data" in record or (LABELSTUDIO_KEYS & record.keys() and "text" not in record):
        return "labelstudio"
    if any(_is_minimal_result(v) for v in record.values()):
        return "labelstudio"  # JSON-MIN: a list of {"start", "end", "labels"}
    if "text" not in record:
        return None
    if DOCCANO_KEYS & record.keys() or "annotations" in record:
        return "doccano"
    for key in SPACY_KEYS & record.keys():
        items = record[key]
        first = items[0] if isinstance(items, list) and items else None
        # doccano 1.6+ writes entities as objects with start_offset / end_offset.
        return "doccano" if isinstance(first, dict) and "start_offset" in first else "spacy"
    return "text"


def _is_minimal_result(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and isinstance(value[0], dict)
        and "labels" in value[0]
        and "start" in value[0]
    )


def _sniff_conll(head: str) -> str | None:
    """None when the head looks like CoNLL, else what was found instead."""
    rows = 0
    tagged = 0
    for line in head.split("\n")[:-1] or head.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", DOCSTART)):
            continue
        rows += 1
        fields = line.split("\t") if "\t" in line else COLUMNS.split(stripped)
        if len(fields) >= 2 and any(is_tag(f.strip()) for f in fields[1:] + fields[:1]):
            tagged += 1
    if rows and tagged * 2 > rows:
        return None
    if not rows:
        return "no token lines"
    return f"only {tagged} of {rows} lines have two or more columns, one of them a tag"
