"""Unlabelled documents for pretraining: .txt files and JSONL lines, with errors that name
the file and line, and the held-out split by document."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nerkit.documents import DataError, Document, Problem

log = logging.getLogger("train.pretrain")

SUFFIXES = (".txt", ".jsonl")
WHAT_TO_GIVE = (
    "give data.unlabelled=PATH: a folder of .txt files (one document each), "
    'a .jsonl file with one {"text": ...} object a line, or a folder of .jsonl files'
)
MAX_PROBLEMS = 50


# ---------------------------------------------------------------- unlabelled documents


def unlabelled_files(path: str | Path) -> list[Path]:
    """The .txt and .jsonl files of ``path`` (a file, or a folder searched recursively)."""
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(
            f"data.unlabelled={str(path)!r}: no such file or folder; " + WHAT_TO_GIVE
        )
    if root.is_file():
        if root.suffix.lower() not in SUFFIXES:
            raise ValueError(
                f"data.unlabelled={str(path)!r}: a {root.suffix or 'suffix-less'} file; "
                + WHAT_TO_GIVE
            )
        return [root]
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    if not files:
        raise ValueError(
            f"data.unlabelled={str(path)!r}: no .txt or .jsonl files in this folder; "
            + WHAT_TO_GIVE
        )
    return files


@dataclass
class _Reading:
    root: Path
    text_field: str
    docs: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)

    def problem(self, source: Path, location: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(str(source), location, None, message))

    def doc_name(self, path: Path) -> str:
        return path.name if self.root.is_file() else path.relative_to(self.root).as_posix()


def read_unlabelled(path: str | Path, text_field: str = "text") -> list[Document]:
    """Unlabelled documents: each .txt file whole, each .jsonl line's ``text_field``.

    Every problem of every file (a line that is not JSON, a record without a text string, a
    file that is not UTF-8) is reported at once in a DataError naming file and line, before
    any training. Blank documents are skipped (and counted in the log).
    """
    reading = _Reading(Path(path), text_field)
    for file in unlabelled_files(path):
        try:
            with file.open(encoding="utf-8-sig", newline=None) as handle:
                content = handle.read()
        except UnicodeDecodeError as err:
            reading.problem(file, f"byte {err.start}", "not UTF-8 text; save the file as UTF-8")
            continue
        if file.suffix.lower() == ".txt":
            _add(reading, reading.doc_name(file), content)
        else:
            _read_jsonl(reading, file, content)
    if reading.problems:
        raise DataError(reading.problems, truncated=len(reading.problems) >= MAX_PROBLEMS)
    if reading.empty:
        log.warning(
            "%d blank document(s) skipped: %s",
            len(reading.empty),
            ", ".join(reading.empty[:5]) + (" ..." if len(reading.empty) > 5 else ""),
        )
    if not reading.docs:
        raise ValueError(f"data.unlabelled={str(path)!r}: every document is blank; " + WHAT_TO_GIVE)
    return reading.docs


def _add(reading: _Reading, doc_id: str, text: str) -> None:
    if text.strip():
        reading.docs.append(Document(doc_id, text))
    else:
        reading.empty.append(doc_id)


def _read_jsonl(reading: _Reading, file: Path, content: str) -> None:
    key = reading.text_field
    example = json.dumps({key: "..."})
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            reading.problem(
                file,
                where,
                f"not valid JSON ({err.msg}, column {err.colno}); "
                f"each line must be one JSON object such as {example}",
            )
            continue
        if not isinstance(record, dict) or not isinstance(record.get(key), str):
            found = (
                f"keys {sorted(record)[:8]}" if isinstance(record, dict) else type(record).__name__
            )
            reading.problem(
                file,
                where,
                f"no {key!r} string (found {found}); each line must be one JSON object "
                f"such as {example}",
            )
            continue
        doc_id = str(record.get("id", f"{reading.doc_name(file)}:{number}"))
        _add(reading, doc_id, record[key])


def heldout_split(
    docs: Sequence[Document], ratio: float, seed: int
) -> tuple[list[Document], list[Document]]:
    """``(train, heldout)`` by whole documents: ``ratio`` of them held out, at least one, and
    at least one left to train on; each keeps the input order."""
    if not 0.0 < ratio < 1.0:
        raise ValueError(f"pretrain.heldout_ratio={ratio}: give a share between 0 and 1, e.g. 0.1")
    if len(docs) < 2:
        raise ValueError(
            f"data.unlabelled holds {len(docs)} document(s); pretraining needs at least 2 "
            "(one to train on, one held out for the eval loss): give more documents"
        )
    n_heldout = min(len(docs) - 1, max(1, round(len(docs) * ratio)))
    chosen = set(random.Random(seed).sample(range(len(docs)), n_heldout))
    train = [d for i, d in enumerate(docs) if i not in chosen]
    heldout = [d for i, d in enumerate(docs) if i in chosen]
    return train, heldout


# ---------------------------------------------------------------- windows and masking
