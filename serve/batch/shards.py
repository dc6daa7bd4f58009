"""What serve.batch writes: a folder of shards, a manifest, an errors file, a summary.

```
<output>/
  part-000000.jsonl     results, one line per document (or part-000000.parquet)
  part-000001.jsonl
  _manifest.jsonl       one line per committed shard: name, documents, bytes, SHA-256, model
  _errors.jsonl         the records that could not be read, with file, line and reason
  _summary.json         the figures of the last run that finished
```

(The leading ``_`` keeps the side files out of readers of the folder as a dataset:
``pyarrow.parquet.read_table(folder)``, Spark and Ray skip ``_`` and ``.`` names.)

Exactly once, even after ``kill -9`` at any moment: a shard is written to a hidden
temporary file, made durable (fsync), renamed to its name (atomic), the folder made
durable, and only then listed in the manifest with one appended, fsync'ed line. The
manifest, not the files present, decides what is committed: on resume, a temporary file,
a shard the manifest does not list (a kill between rename and listing) and a torn last
manifest line are discarded, and the ids in the listed shards are skipped. Within a run
an id is written once whatever a worker retried.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from serve.batch.inputs import BadRecord, BatchError

log = logging.getLogger("serve.batch")

FORMATS = ("jsonl", "parquet")
MANIFEST = "_manifest.jsonl"
ERRORS = "_errors.jsonl"
SUMMARY = "_summary.json"
SHARD_NAME = re.compile(r"^part-(\d{6})\.(jsonl|parquet)$")
TEMPORARY_PREFIX = ".tmp-"
LOGGED_PROBLEMS = 10  # bad records logged one by one; the rest only go to the errors file


def output_format(output: Path, configured: str) -> str:
    """``auto``: parquet when the folder's name ends in .parquet, else jsonl."""
    if configured == "auto":
        return "parquet" if output.suffix.lower() == ".parquet" else "jsonl"
    if configured not in FORMATS:
        raise BatchError(f"format={configured!r} is not auto, jsonl or parquet")
    return configured


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX: the directory entry is data too)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- shard files -----------------------------------------------------------------------


def parquet_schema() -> Any:
    """One fixed schema for every shard, so the folder reads as one dataset. Knowledge-base
    links and mention groups vary in shape: they are JSON strings."""
    import pyarrow as pa

    entity = pa.struct(
        [
            ("label", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("text", pa.string()),
            ("score", pa.float64()),
            ("link", pa.string()),
        ]
    )
    return pa.schema(
        [
            ("id", pa.string()),
            ("entities", pa.list_(entity)),
            ("model", pa.string()),
            ("version", pa.string()),
            ("tokens", pa.int64()),
            ("windows", pa.int64()),
            ("groups", pa.string()),
        ]
    )


def parquet_row(result: dict[str, Any]) -> dict[str, Any]:
    """A result (the service's response shape) as one row of :func:`parquet_schema`."""
    meta = result["meta"]
    entities = [
        {
            "label": e["label"],
            "start": e["start"],
            "end": e["end"],
            "text": e["text"],
            "score": e["score"],
            "link": json.dumps(e["link"], ensure_ascii=False) if "link" in e else None,
        }
        for e in result["entities"]
    ]
    groups = result.get("groups")
    return {
        "id": result["id"],
        "entities": entities,
        "model": meta["model"],
        "version": meta["version"],
        "tokens": meta["tokens"],
        "windows": meta["windows"],
        "groups": None if groups is None else json.dumps(groups, ensure_ascii=False),
    }


def write_shard_file(path: Path, results: list[dict[str, Any]], fmt: str) -> None:
    """Write and fsync one shard file."""
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist([parquet_row(r) for r in results], schema=parquet_schema())
        pq.write_table(table, path)
        with path.open("rb+") as f:
            os.fsync(f.fileno())
        return
    with path.open("wb") as f:
        for result in results:
            f.write((json.dumps(result, ensure_ascii=False) + "\n").encode("utf-8"))
        f.flush()
        os.fsync(f.fileno())


def shard_ids(path: Path) -> Iterator[str]:
    """The document ids in one committed shard."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        yield from pq.read_table(path, columns=["id"]).column("id").to_pylist()
        return
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                yield str(json.loads(raw)["id"])
            except (ValueError, KeyError, TypeError):
                raise BatchError(
                    f"{path} line {number} is not a result line of serve.batch: the output "
                    "was changed after it was written; give another output"
                ) from None


# --- the manifest ----------------------------------------------------------------------


def read_manifest(folder: Path) -> list[dict[str, Any]]:
    """The committed shards; a torn last line (a kill while listing) is cut off."""
    path = folder / MANIFEST
    if not path.exists():
        return []
    data = path.read_bytes()
    entries: list[dict[str, Any]] = []
    keep = 0
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            if not raw.endswith(b"\n"):
                raise ValueError("torn")
            entry = json.loads(raw)
            if not isinstance(entry, dict) or not SHARD_NAME.match(str(entry.get("shard"))):
                raise ValueError("not a shard entry")
        except ValueError:
            if keep + len(raw) == len(data):  # only the last line can be torn
                log.warning("cut off a torn last line of %s, left by an interrupted run", path)
                break
            raise BatchError(
                f"{path} line {number} is not a manifest entry of serve.batch: the output was "
                "changed after it was written; give another output"
            ) from None
        entries.append(entry)
        keep += len(raw)
    if keep < len(data):
        with path.open("rb+") as f:
            f.truncate(keep)
            os.fsync(f.fileno())
    return entries


def check_shard(folder: Path, entry: dict[str, Any]) -> None:
    path = folder / entry["shard"]
    if not path.is_file():
        raise BatchError(
            f"{path} is listed in {folder / MANIFEST} but missing: the output was changed "
            "after it was written; give another output"
        )
    if sha256_of(path) != entry["sha256"]:
        raise BatchError(
            f"{path} differs from what {folder / MANIFEST} lists (SHA-256): the output was "
            "changed after it was written; give another output"
        )


# --- the output folder -----------------------------------------------------------------


@dataclass
class ShardedOutput:
    """The output folder of one job: what earlier runs committed, and the shard being
    filled. :meth:`add` results; :meth:`commit` when :meth:`due`."""

    folder: Path
    fmt: str
    shard_docs: int
    shard_seconds: float
    committed: list[dict[str, Any]] = field(default_factory=list)
    done: set[str] = field(default_factory=set)
    pending: list[dict[str, Any]] = field(default_factory=list)
    next_number: int = 0
    opened_at: float = field(default_factory=time.monotonic)
    _manifest: IO[bytes] | None = None

    @classmethod
    def open(cls, folder: Path, fmt: str, resume: bool, shard_docs: int, shard_seconds: float):
        """The output folder, checked and cleaned of what no manifest line commits."""
        check_folder(folder, resume)
        output = cls(folder, fmt, shard_docs, shard_seconds)
        output.committed = read_manifest(folder)
        listed = {entry["shard"] for entry in output.committed}
        output.next_number = discard_uncommitted(folder, listed) if folder.is_dir() else 0
        for entry in output.committed:
            check_shard(folder, entry)
            output.done.update(shard_ids(folder / entry["shard"]))
        return output

    def models(self) -> set[tuple[str, str]]:
        """The models whose results the committed shards hold."""
        return {(str(e["model"]), str(e["version"])) for e in self.committed}

    def add(self, result: dict[str, Any]) -> bool:
        """Queue one document's result; False (and nothing queued) for an id already
        written: a retried worker's second answer."""
        doc_id = result["id"]
        if doc_id in self.done:
            return False
        self.done.add(doc_id)
        self.pending.append(result)
        return True

    def due(self) -> bool:
        if not self.pending:
            return False
        full = len(self.pending) >= self.shard_docs
        return full or time.monotonic() - self.opened_at >= self.shard_seconds

    def commit(self) -> None:
        """Write the pending results as one shard: temporary file, fsync, rename, fsync the
        folder, then list it in the manifest (fsync). Only then is it committed."""
        if not self.pending:
            self.opened_at = time.monotonic()
            return
        name = f"part-{self.next_number:06d}.{self.fmt}"
        temporary = self.folder / f"{TEMPORARY_PREFIX}{name}"
        write_shard_file(temporary, self.pending, self.fmt)
        os.replace(temporary, self.folder / name)
        fsync_folder(self.folder)
        meta = self.pending[0]["meta"]
        entry = {
            "shard": name,
            "documents": len(self.pending),
            "bytes": (self.folder / name).stat().st_size,
            "sha256": sha256_of(self.folder / name),
            "model": meta["model"],
            "version": meta["version"],
        }
        self._append_to_manifest(entry)
        self.committed.append(entry)
        self.pending = []
        self.next_number += 1
        self.opened_at = time.monotonic()

    def _append_to_manifest(self, entry: dict[str, Any]) -> None:
        if self._manifest is None:
            self._manifest = (self.folder / MANIFEST).open("ab")
        self._manifest.write((json.dumps(entry) + "\n").encode("utf-8"))
        self._manifest.flush()
        os.fsync(self._manifest.fileno())

    def close(self) -> None:
        if self._manifest is not None:
            self._manifest.close()
            self._manifest = None

    def documents(self) -> int:
        return sum(int(e["documents"]) for e in self.committed)


def check_folder(folder: Path, resume: bool) -> None:
    """BatchError when ``folder`` must not be written to."""
    if folder.is_file():
        raise BatchError(
            f"output {folder} is a file: serve.batch writes a folder of shards and a manifest; "
            "give a folder path (it is created)"
        )
    if not folder.is_dir() or not any(folder.iterdir()):
        return
    ours = [p for p in folder.iterdir() if is_ours(p.name)]
    if not ours:
        raise BatchError(
            f"output {folder} is a folder that serve.batch did not write (no {MANIFEST}): "
            "give an empty or new folder"
        )
    holds_results = any(p.name != ERRORS and p.name != SUMMARY for p in ours)
    if holds_results and not resume:
        raise BatchError(
            f"output {folder} already holds results: delete it, or set resume=true to continue "
            "it (documents already in it are skipped)"
        )


def is_ours(name: str) -> bool:
    """A file serve.batch writes in an output folder."""
    return (
        name in (MANIFEST, ERRORS, SUMMARY)
        or name.startswith(TEMPORARY_PREFIX)
        or bool(SHARD_NAME.match(name))
    )


def discard_uncommitted(folder: Path, listed: set[str]) -> int:
    """Delete temporary files and shards no manifest line lists; the next shard number."""
    highest = -1
    for path in folder.iterdir():
        match = SHARD_NAME.match(path.name)
        if match:
            highest = max(highest, int(match.group(1)))
        if path.name.startswith(TEMPORARY_PREFIX) or (match and path.name not in listed):
            log.warning("discarded %s: an interrupted run never committed it", path)
            path.unlink()
    return highest + 1


class ErrorLog:
    """``_errors.jsonl`` in the output folder, rewritten by every run (the whole input is
    re-checked, and documents that failed before are read again)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._file: IO[str] | None = None
        if path.exists():
            path.unlink()

    def add(self, problem: BadRecord) -> None:
        if self._file is None:
            self._file = self.path.open("w", encoding="utf-8")
        self._file.write(json.dumps(problem.to_json()) + "\n")
        self.count += 1
        if self.count <= LOGGED_PROBLEMS:
            log.warning("bad record: %s: %s", problem.where(), problem.reason)
        elif self.count == LOGGED_PROBLEMS + 1:
            log.warning("more bad records: see %s", self.path)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def read_results(folder: Path) -> Iterator[dict[str, Any]]:
    """Every committed result of an output folder, in shard order (JSONL shards as
    written; Parquet rows as stored). For tests and for users' scripts."""
    for entry in read_manifest(folder):
        path = folder / entry["shard"]
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            yield from pq.read_table(path).to_pylist()
        else:
            with path.open("rb") as f:
                yield from (json.loads(raw) for raw in f)
