"""What serve.batch reads: JSONL, a folder of .txt files, Parquet, or any labelled file.

An input is cut into *pieces* (a run of JSONL lines, a slice of the .txt files, one
Parquet row group, a labelled file), each a small picklable dict, and
:func:`read_piece` turns one piece into records. The local job reads the pieces one after
the other; the Ray job hands them to Ray Data, which reads them in parallel tasks. Both
see the same records, with the same ids, lines and positions.

JSONL, .txt folders and Parquet are streamed (a JSONL piece is read line by line from its
byte offset, a Parquet row group in batches); a labelled file (CoNLL, Label Studio,
doccano, a datasets folder) is read whole by :func:`nerkit.formats.load_documents`:
labelled sets are small, and their formats cannot be cut at arbitrary places.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nerkit.formats import HF_MARKERS
from serve.batch.records import (
    BadRecord,
    BatchError,
    Record,
    bad_id_reason,
    check_record,
    id_of,
    json_type,
)

# The record types stay importable from here, where the job and its engines take inputs.
__all__ = ["BadRecord", "BatchError", "InputSource", "Record", "open_input", "read_piece", "select"]

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
# Records in one piece of a JSONL file or .txt folder. The Ray job cuts pieces of one
# actor batch: a piece's records become one block, and blocks are what actors share out.
RECORDS_PER_PIECE = 4096
PARQUET_BATCH_ROWS = 256  # rows decoded at a time from a row group


# --- JSONL -----------------------------------------------------------------------------


def is_blank(raw: bytes) -> bool:
    return not raw or raw.isspace()


def jsonl_pieces(path: Path, lines_per_piece: int = RECORDS_PER_PIECE) -> tuple[int, list[dict]]:
    """The file's line count and its pieces: where each run of lines starts (byte offset,
    line number, records before it: ids default to ``<stem>-<record number>``)."""
    pieces: list[dict] = []
    lines = records = offset = 0
    with path.open("rb") as f:
        for raw in f:
            if lines % lines_per_piece == 0:
                pieces.append(jsonl_piece(path, offset, lines + 1, records, lines_per_piece))
            lines += 1
            offset += len(raw)
            if not is_blank(raw.removeprefix(b"\xef\xbb\xbf") if lines == 1 else raw):
                records += 1
    return lines, pieces


def jsonl_piece(path: Path, offset: int, line: int, records: int, count: int) -> dict:
    return {
        "kind": "jsonl",
        "path": str(path),
        "offset": offset,
        "line": line,
        "records": records,
        "count": count,
    }


def read_jsonl_piece(piece: dict, max_chars: int) -> Iterator[Record | BadRecord]:
    """Records of one run of JSONL lines; blank lines are skipped.

    The id is the record's ``id`` (a string or an integer), else ``<file stem>-<n>`` with
    ``n`` counting non-blank lines, as :mod:`nerkit.formats.jsonl` names them.
    """
    path = Path(piece["path"])
    record_number = int(piece["records"])
    with path.open("rb") as f:
        f.seek(int(piece["offset"]))
        for number in range(int(piece["line"]), int(piece["line"]) + int(piece["count"])):
            raw = f.readline()
            if not raw:
                return
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # a UTF-8 byte-order mark
            if is_blank(raw):
                continue
            record_number += 1
            default_id = f"{path.stem}-{record_number}"
            yield parse_jsonl_line(raw, default_id, str(path), number, max_chars)


def parse_jsonl_line(
    raw: bytes, default_id: str, source: str, number: int, max_chars: int
) -> Record | BadRecord:
    """One JSONL line as a record, or why it is not one (the text is never quoted)."""

    def bad(reason: str) -> BadRecord:
        return BadRecord(source, number, None, reason, number)

    try:
        record = json.loads(raw.rstrip(b"\r\n").decode("utf-8"))
    except UnicodeDecodeError as err:
        return bad(f"not valid UTF-8 (byte {err.start + 1} of the line)")
    except json.JSONDecodeError as err:
        return bad(f"not valid JSON: {err.msg} (column {err.colno})")
    if not isinstance(record, dict):
        return bad(f"a JSON {json_type(record)}, not an object with 'id' and 'text'")
    doc_id = id_of(record.get("id"), default_id)
    if doc_id is None:
        return bad(bad_id_reason(record.get("id")))
    return check_record(doc_id, record.get("text"), source, number, number, max_chars)


# --- a folder of .txt files ------------------------------------------------------------


def text_files(folder: Path) -> list[Path]:
    """The ``.txt`` files under ``folder`` (recursively), sorted by relative path."""
    return sorted(
        (p for p in folder.rglob("*.txt") if p.is_file()),
        key=lambda p: p.relative_to(folder).as_posix(),
    )


def text_pieces(folder: Path, files: Sequence[Path], per_piece: int) -> list[dict]:
    names = [p.relative_to(folder).as_posix() for p in files]
    return [
        {"kind": "txt", "folder": str(folder), "files": names[i : i + per_piece], "first": i}
        for i in range(0, len(names), per_piece)
    ]


def read_text_piece(piece: dict, max_chars: int) -> Iterator[Record | BadRecord]:
    """One record per file; the id is its path relative to the folder."""
    folder = Path(piece["folder"])
    for position, doc_id in enumerate(piece["files"], start=int(piece["first"]) + 1):
        path = folder / doc_id
        try:
            size = path.stat().st_size
            if size > 4 * max_chars:  # UTF-8: at most 4 bytes a character
                reason = f"{size} bytes, above max_chars={max_chars}"
                yield BadRecord(str(path), None, doc_id, reason, position)
                continue
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as err:
            reason = f"not valid UTF-8 (byte {err.start + 1})"
            yield BadRecord(str(path), None, doc_id, reason, position)
            continue
        except OSError as err:
            reason = f"cannot be read: {err.strerror or type(err).__name__}"
            yield BadRecord(str(path), None, doc_id, reason, position)
            continue
        yield check_record(doc_id, text, str(path), None, position, max_chars)


# --- Parquet ---------------------------------------------------------------------------


def parquet_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix.lower() in PARQUET_SUFFIXES)
    return [path]


def parquet_pieces(files: Sequence[Path]) -> tuple[int, list[dict]]:
    """One piece per row group (read from the files' footers only); rows count 1, 2, ...
    in each file, positions across all of them. A row group cannot be read in part: it is
    the unit of parallel reading (Ray splits what one yields into blocks of its size)."""
    import pyarrow.parquet as pq

    pieces: list[dict] = []
    position = 0
    for path in files:
        try:
            meta = pq.ParquetFile(path).metadata
        except (OSError, ValueError) as err:
            raise BatchError(f"input {path} is not a readable Parquet file: {err}") from None
        names = set(meta.schema.names)
        if "text" not in names:
            raise BatchError(
                f"input {path} has no 'text' column (columns: {', '.join(sorted(names))}): "
                "give a Parquet file with 'id' and 'text' columns"
            )
        row = 0
        for group in range(meta.num_row_groups):
            rows = meta.row_group(group).num_rows
            pieces.append(
                {
                    "kind": "parquet",
                    "path": str(path),
                    "group": group,
                    "row": row,
                    "position": position,
                    "has_id": "id" in names,
                }
            )
            row += rows
            position += rows
    return position, pieces


def read_parquet_piece(piece: dict, max_chars: int) -> Iterator[Record | BadRecord]:
    """The rows of one row group, a few hundred at a time; a missing id is
    ``<file stem>-<row number>``."""
    import pyarrow.parquet as pq

    path = Path(piece["path"])
    columns = ["id", "text"] if piece["has_id"] else ["text"]
    row, position = int(piece["row"]), int(piece["position"])
    batches = pq.ParquetFile(path).iter_batches(
        batch_size=PARQUET_BATCH_ROWS, row_groups=[int(piece["group"])], columns=columns
    )
    for batch in batches:
        values = batch.to_pydict()
        ids = values.get("id", [None] * batch.num_rows)
        for raw_id, text in zip(ids, values["text"], strict=True):
            row += 1
            position += 1
            doc_id = id_of(raw_id, f"{path.stem}-{row}")
            if doc_id is None:
                yield BadRecord(str(path), None, None, bad_id_reason(raw_id), position, row)
                continue
            yield check_record(doc_id, text, str(path), None, position, max_chars, row)


# --- labelled files --------------------------------------------------------------------


# Documents :func:`open_labelled` already read, by path: the local job reads them once.
# A Ray worker, another process, finds none here and reads the file itself.
_labelled: dict[str, list[Any]] = {}


def read_labelled_piece(piece: dict, max_chars: int) -> Iterator[Record | BadRecord]:
    """Records of documents read by :func:`nerkit.formats.load_documents` (labels ignored)."""
    from nerkit.formats import load_documents

    source = piece["path"]
    documents = _labelled.pop(source, None)
    if documents is None:
        documents = load_documents(source)
    for position, doc in enumerate(documents, start=1):
        yield check_record(str(doc.id), doc.text, source, None, position, max_chars)


READERS = {
    "jsonl": read_jsonl_piece,
    "txt": read_text_piece,
    "parquet": read_parquet_piece,
    "labelled": read_labelled_piece,
}


def read_piece(piece: dict, max_chars: int) -> Iterator[Record | BadRecord]:
    """The records of one piece of any input."""
    return READERS[piece["kind"]](piece, max_chars)


# --- the input as a whole --------------------------------------------------------------


@dataclass
class InputSource:
    """What the input is, how many records (lines, files, rows) it holds, and its pieces."""

    kind: str
    total: int | None
    pieces: list[dict]

    def records(self, max_chars: int) -> Iterator[Record | BadRecord]:
        for piece in self.pieces:
            yield from read_piece(piece, max_chars)


def open_input(path: Path, records_per_piece: int = RECORDS_PER_PIECE) -> InputSource:
    """The input cut into pieces; BatchError when it cannot be read at all."""
    if not path.exists():
        raise BatchError(
            f"input {str(path)!r} not found: give a JSONL file, a folder of .txt files, a "
            "Parquet file (or folder) or a labelled file"
        )
    if path.suffix.lower() in PARQUET_SUFFIXES or (path.is_dir() and parquet_files(path)):
        files = parquet_files(path)
        if not files:
            raise BatchError(f"input {path} is a folder without .parquet files")
        total, pieces = parquet_pieces(files)
        return InputSource("parquet", total, pieces)
    if path.is_dir() and not any((path / marker).is_file() for marker in HF_MARKERS):
        files = text_files(path)
        if not files:
            raise BatchError(
                f"input {path} is a folder without .txt or .parquet files (nor a datasets folder)"
            )
        return InputSource("txt folder", len(files), text_pieces(path, files, records_per_piece))
    if path.is_file() and path.suffix.lower() in JSONL_SUFFIXES:
        total, pieces = jsonl_pieces(path, records_per_piece)
        return InputSource("jsonl", total, pieces)
    return open_labelled(path)


def open_labelled(path: Path) -> InputSource:
    from nerkit.formats import load_documents

    try:
        documents = load_documents(path)  # every problem of the file at once, up front
    except (ValueError, OSError) as err:  # DataError is a ValueError
        raise BatchError(f"input {path} cannot be read: {err}") from None
    _labelled[str(path)] = documents
    return InputSource("labelled", len(documents), [{"kind": "labelled", "path": str(path)}])


def select(
    records: Iterable[Record | BadRecord], done: set[str]
) -> Iterator[tuple[str, Record | BadRecord]]:
    """``("read" | "skip" | "bad", item)``: duplicates become bad records, ids in ``done``
    (already in the output) are skipped. The first occurrence of an id wins."""
    seen: set[str] = set()
    for item in records:
        if isinstance(item, BadRecord):
            if item.id is not None:
                seen.add(item.id)  # the id is taken: a later record with it is a duplicate
            yield "bad", item
            continue
        if item.id in seen:
            reason = "duplicate id: an earlier record has it (the first one is read)"
            yield "bad", BadRecord(item.file, item.line, item.id, reason, item.position, item.row)
            continue
        seen.add(item.id)
        yield ("skip" if item.id in done else "read"), item
