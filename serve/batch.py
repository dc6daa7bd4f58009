"""python -m serve.batch input=<jsonl | .txt folder | labelled file> output=<jsonl> [model=...]

Bulk jobs on one machine (``engine=local``): documents are read lazily from the input
and streamed through the engine (:meth:`nerkit.predictor.Predictor.predict_stream`: host
work in parallel workers, at most ``max_docs_in_flight`` documents held), then the same
post-processing chain and enrichment as ``python -m serve``; each document becomes one
JSONL line shaped like the service's ``NerResponse`` (``{"id", "entities", "meta",
"groups"?}``), in input order, appended and made durable (fsync) every ``chunk_docs``
documents.

* Bad records (invalid JSON or UTF-8, missing, empty or non-string text, a duplicate id,
  text over ``max_chars``) do not stop the job: each goes to ``<output>.errors.jsonl``
  with its file, line, id (when known) and the reason, and is counted.
* ``resume=true`` (default) skips the ids already in the output, after cutting off an
  incomplete last line left by an interrupted job; ``resume=false`` refuses to start on
  an existing output.
* Document text is never logged: only ids, lengths and counts.

Exit status 2: the job could not start (a bad configuration, input, output or model),
reported before any document is read.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import hydra
from omegaconf import DictConfig, OmegaConf

from nerkit.formats import HF_MARKERS
from nerkit.settings import REQUIRED, RegistrySettings, TrackingSettings
from serve.settings import PostprocessSettings

log = logging.getLogger("serve.batch")

ENGINES = ("local",)
EXIT_STARTUP_FAILED = 2
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
ERRORS_SUFFIX = ".errors.jsonl"
LOGGED_PROBLEMS = 10  # bad records logged one by one; the rest only go to the errors file
BLOCK_BYTES = 1 << 20
RESULT_PREFIX = b'{"id": '  # how every output line starts (json.dumps of the result)


class BatchError(ValueError):
    """The job cannot start: a bad setting, input, output or model (said with where/why)."""


# --- the Hydra schema ------------------------------------------------------------------


@dataclass
class BatchSettings:
    """``conf/batch.yaml``; registered as ``batch_schema`` so a misspelt key fails."""

    input: str = REQUIRED
    output: str = REQUIRED
    model_uri: str | None = None
    engine: str = "local"
    device: str = "auto"
    precision: str = "auto"
    batch_tokens: int | None = None
    compile: bool = False
    workers: int | None = None
    max_docs_in_flight: int = 1024
    chunk_docs: int = 64
    enrich: bool = False
    resume: bool = True
    max_chars: int = 5_000_000
    cache_dir: str = ".cache/models"
    tracking: TrackingSettings = field(default_factory=TrackingSettings)
    registry: RegistrySettings = field(default_factory=RegistrySettings)
    kb: dict[str, Any] | None = None
    postprocess: PostprocessSettings = field(default_factory=PostprocessSettings)


def store_schema() -> None:
    """Register :class:`BatchSettings` with Hydra's ConfigStore (``batch_schema``)."""
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name="batch_schema", node=BatchSettings)


def model_argument_as_uri(argv: list[str]) -> list[str]:
    """Read ``model=X`` as ``model_uri=X`` (``model`` is the training model group)."""
    return [f"model_uri={a[len('model=') :]}" if a.startswith("model=") else a for a in argv]


# --- input records ---------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One document to read. ``position`` counts input lines / files / records so far."""

    id: str
    text: str
    file: str
    line: int | None
    position: int


@dataclass(frozen=True)
class BadRecord:
    """An input record that cannot be read; the reason never quotes the text."""

    file: str
    line: int | None
    id: str | None
    reason: str
    position: int

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "id": self.id, "reason": self.reason}

    def where(self) -> str:
        line = f" line {self.line}" if self.line is not None else ""
        doc = f" (id {self.id!r})" if self.id is not None else ""
        return f"{self.file}{line}{doc}"


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type (for messages)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    names: dict[type, str] = {dict: "object", list: "array", str: "string"}
    return names.get(type(value), type(value).__name__)


def check_record(
    doc_id: str, text: Any, file: str, line: int | None, position: int, max_chars: int
) -> Record | BadRecord:
    """A record when ``text`` is a readable document, else why it is not."""

    def bad(reason: str) -> BadRecord:
        return BadRecord(file, line, doc_id, reason, position)

    if text is None:
        return bad("'text' is missing")
    if not isinstance(text, str):
        return bad(f"'text' is a JSON {json_type(text)}, not a string")
    if not text.strip():
        return bad("'text' is empty (or only whitespace): there is nothing to read")
    if len(text) > max_chars:
        return bad(f"text has {len(text)} characters, above max_chars={max_chars}")
    for name, value in (("id", doc_id), ("text", text)):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            return bad(f"{name!r} holds a lone surrogate at character {err.start}")
    return Record(doc_id, text, file, line, position)


def count_lines(path: Path) -> int:
    """Lines in a file (a last line without a newline counts), read in blocks."""
    lines, last = 0, b"\n"
    with path.open("rb") as f:
        for block in iter(lambda: f.read(BLOCK_BYTES), b""):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def read_jsonl(path: Path, max_chars: int) -> Iterator[Record | BadRecord]:
    """Records of a JSONL file, one line at a time; blank lines are skipped.

    The id is the record's ``id`` (a string or an integer), else ``<file stem>-<n>`` with
    ``n`` counting non-blank lines, as :mod:`nerkit.formats.jsonl` names them.
    """
    source = str(path)
    record_number = 0
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # a UTF-8 byte-order mark
            if not raw.strip():
                continue
            record_number += 1
            yield parse_jsonl_line(raw, f"{path.stem}-{record_number}", source, number, max_chars)


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
    raw_id = record.get("id")
    if raw_id is None:
        doc_id = default_id
    elif isinstance(raw_id, str) and raw_id.strip():
        doc_id = raw_id
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
        doc_id = str(raw_id)
    elif isinstance(raw_id, str):
        return bad("'id' is empty")
    else:
        return bad(f"'id' must be a non-empty string or an integer, not a JSON {json_type(raw_id)}")
    return check_record(doc_id, record.get("text"), source, number, number, max_chars)


def text_files(folder: Path) -> list[Path]:
    """The ``.txt`` files under ``folder`` (recursively), sorted by relative path."""
    return sorted(
        (p for p in folder.rglob("*.txt") if p.is_file()),
        key=lambda p: p.relative_to(folder).as_posix(),
    )


def read_text_folder(
    folder: Path, files: Sequence[Path], max_chars: int
) -> Iterator[Record | BadRecord]:
    """One record per file; the id is its path relative to ``folder``."""
    for position, path in enumerate(files, start=1):
        doc_id = path.relative_to(folder).as_posix()
        try:
            size = path.stat().st_size
            if size > 4 * max_chars:  # UTF-8: at most 4 bytes a character
                yield BadRecord(
                    str(path), None, doc_id, f"{size} bytes, above max_chars={max_chars}", position
                )
                continue
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as err:
            yield BadRecord(
                str(path), None, doc_id, f"not valid UTF-8 (byte {err.start + 1})", position
            )
            continue
        except OSError as err:
            reason = f"cannot be read: {err.strerror or type(err).__name__}"
            yield BadRecord(str(path), None, doc_id, reason, position)
            continue
        yield check_record(doc_id, text, str(path), None, position, max_chars)


def read_labelled(
    documents: Sequence[Any], source: str, max_chars: int
) -> Iterator[Record | BadRecord]:
    """Records of documents read by :func:`nerkit.formats.load_documents` (labels ignored)."""
    for position, doc in enumerate(documents, start=1):
        yield check_record(str(doc.id), doc.text, source, None, position, max_chars)


@dataclass
class InputSource:
    """What the input is, how many records (lines, files) it holds, and its records."""

    kind: str
    total: int | None
    records: Iterator[Record | BadRecord]


def open_input(path: Path, max_chars: int) -> InputSource:
    """The input as a stream of records; BatchError when it cannot be read at all."""
    if not path.exists():
        raise BatchError(
            f"input {str(path)!r} not found: give a JSONL file, a folder of .txt files or a "
            "labelled file"
        )
    if path.is_dir() and not any((path / marker).is_file() for marker in HF_MARKERS):
        files = text_files(path)
        if not files:
            raise BatchError(f"input {path} is a folder without .txt files (nor a datasets folder)")
        return InputSource("txt folder", len(files), read_text_folder(path, files, max_chars))
    if path.is_file() and path.suffix.lower() in JSONL_SUFFIXES:
        return InputSource("jsonl", count_lines(path), read_jsonl(path, max_chars))
    from nerkit.formats import load_documents

    try:
        documents = load_documents(path)
    except (ValueError, OSError) as err:  # DataError is a ValueError: every problem at once
        raise BatchError(f"input {path} cannot be read: {err}") from None
    return InputSource("labelled", len(documents), read_labelled(documents, str(path), max_chars))


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
            yield "bad", BadRecord(item.file, item.line, item.id, reason, item.position)
            continue
        seen.add(item.id)
        yield ("skip" if item.id in done else "read"), item


# --- the output ------------------------------------------------------------------------


def errors_path(output: Path) -> Path:
    return output.with_name(output.name + ERRORS_SUFFIX)


@dataclass
class ExistingOutput:
    """What an earlier run left in the output: its ids and the models that wrote them."""

    ids: set[str] = field(default_factory=set)
    models: set[tuple[str, str]] = field(default_factory=set)
    cut_bytes: int = 0


def complete_length(output: Path) -> int:
    """Bytes of ``output`` up to and including its last newline (all, when it ends in one)."""
    size = output.stat().st_size
    with output.open("rb") as f:
        position = size
        while position > 0:
            step = min(BLOCK_BYTES, position)
            position -= step
            f.seek(position)
            newline = f.read(step).rfind(b"\n")
            if newline >= 0:
                return position + newline + 1
    return 0


def scan_output(output: Path) -> ExistingOutput:
    """Ids (and models) in an existing output; an incomplete last line (a job killed while
    writing) is cut off, once everything before it has been checked to be result lines."""
    found = ExistingOutput()
    keep = complete_length(output)
    with output.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            if not raw.endswith(b"\n"):  # only the last line can be without one
                if raw[: len(RESULT_PREFIX)] != RESULT_PREFIX[: len(raw)]:
                    raise BatchError(
                        f"output {output} line {number} is incomplete and not a result line of "
                        "serve.batch: give another output, or repair or delete it"
                    )
                found.cut_bytes = len(raw)
                break
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                doc_id = record["id"]
                meta = record["meta"]
                found.models.add((str(meta["model"]), str(meta["version"])))
            except (ValueError, KeyError, TypeError):
                raise BatchError(
                    f"output {output} line {number} is not a result line of serve.batch "
                    "(JSON with id and meta): give another output, or repair or delete it"
                ) from None
            if not isinstance(doc_id, str):
                raise BatchError(f"output {output} line {number}: 'id' is not a string")
            found.ids.add(doc_id)
    if found.cut_bytes:
        with output.open("rb+") as f:
            f.truncate(keep)
            f.flush()
            os.fsync(f.fileno())
    return found


def check_output(output: Path, input_path: Path, resume: bool) -> ExistingOutput:
    """What the output already holds; BatchError when it must not be written to."""
    if output.resolve() == input_path.resolve():
        raise BatchError(f"output {output} is the input: give another output path")
    if output.is_dir():
        raise BatchError(f"output {output} is a folder: give a file path (e.g. {output}/out.jsonl)")
    if not output.exists():
        return ExistingOutput()
    if not resume:
        raise BatchError(
            f"output {output} already exists: delete it, or set resume=true to continue it "
            "(ids already in it are skipped)"
        )
    return scan_output(output)


class ErrorLog:
    """``<output>.errors.jsonl``, rewritten by every run (the whole input is re-checked)."""

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


# --- the model -------------------------------------------------------------------------


def resolved_model(uri: str, tracking_uri: str, default_name: str, cache_dir: str) -> Any:
    """The verified local bundle behind ``uri`` (:func:`nerkit.modelref.resolve_bundle`:
    a folder as is, ``runs:/`` and ``models:/`` downloaded into ``cache_dir`` and checked
    against the registered SHA-256); every failure is a BatchError saying what to fix."""
    from nerkit import tracking
    from nerkit.modelref import BundleChecksumError, resolve_bundle

    try:
        return resolve_bundle(uri, tracking_uri, cache_dir, default_name)
    except ValueError as err:
        raise BatchError(
            f"model {uri!r}: {err}; give a bundle folder, runs:/<run id>/bundle, "
            "models:/<name>@<alias> or models:/<name>/<version>"
        ) from None
    except (
        tracking.ModelVersionNotFound,
        tracking.RegistryUnavailable,
        BundleChecksumError,
        FileNotFoundError,
    ) as err:
        raise BatchError(str(err)) from None


# --- documents to result lines ---------------------------------------------------------


def document_result(
    doc_id: str,
    text: str,
    prediction: Any,
    chain: Callable[[str, list[Any]], list[Any]],
    enricher: Any,
    model: Any,
) -> dict[str, Any]:
    """One output line, as ``POST /v1/ner`` answers for this document (one model):
    entities -> post-processing chain -> enrichment -> mention groups."""
    from nerkit.kb.enrich import group_mentions
    from nerkit.output import document_entities
    from serve.schemas import EntityOut, MentionGroup, Meta, NerResponse

    entities = document_entities(text, prediction.entities, chain, enricher)
    groups = None
    if enricher is not None:
        groups = [MentionGroup(**g) for g in group_mentions(entities)]
    response = NerResponse(
        id=doc_id,
        entities=[EntityOut.from_entity(e) for e in entities],
        meta=Meta(
            model=model.name,
            version=model.version,
            tokens=prediction.tokens,
            windows=prediction.windows,
            models=None,
        ),
        groups=groups,
    )
    return response.model_dump(mode="json", exclude_none=True)


# --- the job ---------------------------------------------------------------------------


def check_settings(cfg: DictConfig) -> None:
    """Settings that are wrong whatever the input (BatchError, before anything is read)."""
    from nerkit.devices import PRECISIONS

    engine = str(cfg.engine)
    if engine == "ray":
        raise BatchError(
            "engine=ray: the Ray engine is not built yet; run on one machine with engine=local"
        )
    if engine not in ENGINES:
        raise BatchError(f"engine={engine!r} is not known: use engine=local")
    if int(cfg.chunk_docs) < 1:
        raise BatchError(f"chunk_docs={cfg.chunk_docs} must be 1 or more")
    if cfg.workers is not None and int(cfg.workers) < 1:
        raise BatchError(f"workers={cfg.workers} must be 1 or more (or null: by device)")
    if int(cfg.max_docs_in_flight) < 1:
        raise BatchError(f"max_docs_in_flight={cfg.max_docs_in_flight} must be 1 or more")
    if int(cfg.max_chars) < 1:
        raise BatchError(f"max_chars={cfg.max_chars} must be 1 or more")
    if cfg.batch_tokens is not None and int(cfg.batch_tokens) < 1:
        raise BatchError(f"batch_tokens={cfg.batch_tokens} must be positive (or null: by device)")
    if str(cfg.precision) != "auto" and str(cfg.precision) not in PRECISIONS:
        raise BatchError(
            f"precision={cfg.precision!r} is not auto or one of {', '.join(PRECISIONS)}"
        )
    if cfg.enrich and cfg.kb is None:
        raise BatchError("enrich=true needs a knowledge base: use kb=default (conf/kb)")


def format_summary(figures: Mapping[str, Any]) -> str:
    """The end-of-job summary, one screen."""
    rows = [
        ("documents written", f"{figures['written']:,}"),
        ("skipped (resumed)", f"{figures['skipped']:,}"),
        ("failed records", f"{figures['failed']:,}"),
        ("word-pieces", f"{figures['wordpieces']:,}"),
        ("seconds", f"{figures['seconds']:,.1f}"),
        ("word-pieces/s", f"{figures['wordpieces_per_second']:,.0f}"),
    ]
    lines = [f"serve.batch: {figures['model']} {figures['version']} on {figures['device']}"]
    lines += [f"  {name:<20}{value:>14}" for name, value in rows]
    lines.append(f"  output              {figures['output']}")
    lines.append(f"  errors              {figures['errors'] or 'none'}")
    return "\n".join(lines)


def run(cfg: DictConfig) -> dict[str, Any]:
    """Read every document of ``cfg.input`` into ``cfg.output``; the job's figures."""
    from tqdm.auto import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm

    from nerkit.output import rules_for
    from nerkit.postprocess import build_chain

    check_settings(cfg)
    input_path = Path(str(cfg.input))
    output = Path(str(cfg.output))
    max_chars = int(cfg.max_chars)
    chunk_docs = int(cfg.chunk_docs)
    existing = check_output(output, input_path, bool(cfg.resume))
    if existing.cut_bytes:
        log.warning(
            "cut off an incomplete last line (%d bytes) of %s, left by an interrupted run",
            existing.cut_bytes,
            output,
        )
    source = open_input(input_path, max_chars)
    configured = OmegaConf.to_container(cfg.postprocess.rules, resolve=True)
    enricher = None
    if cfg.enrich:
        from nerkit.kb.enrich import Enricher

        kb = OmegaConf.to_container(cfg.kb, resolve=True)
        try:
            enricher = Enricher.from_config(
                {str(k): v for k, v in kb.items()} if isinstance(kb, dict) else None
            )
        except (ValueError, OSError) as err:
            raise BatchError(f"kb: {err}") from None

    uri = str(cfg.model_uri or f"models:/{cfg.registry.model_name}@champion")
    started = time.perf_counter()
    model = resolved_model(
        uri, str(cfg.tracking.uri), str(cfg.registry.model_name), str(cfg.cache_dir)
    )
    others = existing.models - {(model.name, model.version)}
    if others:
        wrote = ", ".join(f"{n} {v}" for n, v in sorted(others))
        raise BatchError(
            f"output {output} holds results of {wrote}, not of {model.name} {model.version} "
            "read now: give that model (e.g. models:/<name>/<version>) to continue it, or "
            "another output"
        )
    predictor = _load_predictor(model.path, cfg)
    # The chain recorded with the model, as the service runs it; the configured one else.
    rules = rules_for(predictor.meta, configured if isinstance(configured, list) else [])
    try:
        chain = build_chain(rules)
    except (TypeError, ValueError) as err:
        raise BatchError(f"postprocess rules of {model.name} {model.version}: {err}") from None
    load_seconds = time.perf_counter() - started
    device = f"{predictor.device} {predictor.precision}"
    log.info(
        "reading %s (%s, %s records) with %s %s on %s; writing %s%s",
        input_path,
        source.kind,
        "?" if source.total is None else f"{source.total:,}",
        model.name,
        model.version,
        device,
        output,
        f" ({len(existing.ids):,} ids already there are skipped)" if existing.ids else "",
    )

    output.parent.mkdir(parents=True, exist_ok=True)
    errors = ErrorLog(errors_path(output))
    tally = Tally()
    begun = time.perf_counter()
    try:
        with (
            output.open("ab") as out,
            logging_redirect_tqdm(),
            tqdm(total=source.total, unit="doc", desc="serve.batch", mininterval=1.0) as bar,
        ):
            to_read = records_to_read(select(source.records, existing.ids), errors, tally)
            results = predictor.predict_stream((record, record.text) for record in to_read)
            for block in batched(results, chunk_docs):
                lines = [_result_line(result, chain, enricher, model, errors) for result in block]
                kept = [line for line in lines if line is not None]
                tally.written += len(kept)
                tally.wordpieces += sum(
                    r.prediction.tokens for r in block if r.prediction is not None
                )
                tally.position = max(tally.position, block[-1].id.position)
                _append(out, kept)
                errors.flush()
                _show_progress(bar, tally, errors.count, time.perf_counter() - begun)
            _show_progress(bar, tally, errors.count, time.perf_counter() - begun)
    except KeyboardInterrupt:
        log.warning(
            "interrupted: %d documents are in %s; run again with resume=true to continue",
            tally.written,
            output,
        )
        raise
    finally:
        errors.close()
    written, skipped, wordpieces = tally.written, tally.skipped, tally.wordpieces
    seconds = time.perf_counter() - begun
    figures: dict[str, Any] = {
        "written": written,
        "skipped": skipped,
        "failed": errors.count,
        "wordpieces": wordpieces,
        "seconds": round(seconds, 3),
        "load_seconds": round(load_seconds, 3),
        "wordpieces_per_second": round(wordpieces / seconds, 1) if seconds > 0 else 0.0,
        "model": model.name,
        "version": model.version,
        "device": device,
        "output": str(output),
        "errors": str(errors.path) if errors.count else None,
    }
    print(format_summary(figures))
    return figures


def _load_predictor(path: Path, cfg: DictConfig) -> Any:
    from nerkit.predictor import Predictor

    try:
        return Predictor.from_bundle(
            path,
            device=str(cfg.device),
            precision=str(cfg.precision),
            batch_tokens=None if cfg.batch_tokens is None else int(cfg.batch_tokens),
            compile=bool(cfg.compile),
            workers=None if cfg.workers is None else int(cfg.workers),
            max_docs_in_flight=int(cfg.max_docs_in_flight),
        )
    except ValueError as err:
        raise BatchError(f"model {path}: {err}") from None


@dataclass
class Tally:
    """Counts of the job so far; ``position`` is how far into the input it has read."""

    written: int = 0
    skipped: int = 0
    wordpieces: int = 0
    position: int = 0


def records_to_read(
    items: Iterable[tuple[str, Record | BadRecord]], errors: ErrorLog, tally: Tally
) -> Iterator[Record]:
    """The records to read, in order; skipped ones are counted and bad ones logged on the way."""
    for kind, item in items:
        if kind == "read":
            assert isinstance(item, Record)
            yield item
            continue
        tally.position = max(tally.position, item.position)
        if kind == "skip":
            tally.skipped += 1
        else:
            assert isinstance(item, BadRecord)
            errors.add(item)


def batched(results: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive results, ``size`` at a time (the last block may be shorter)."""
    block: list[Any] = []
    for result in results:
        block.append(result)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


def _append(out: IO[bytes], lines: list[bytes]) -> None:
    """Append lines and make them durable: an interrupted job loses at most one block."""
    if lines:
        out.write(b"".join(lines))
        out.flush()
        os.fsync(out.fileno())


def _show_progress(bar: Any, tally: Tally, failed: int, elapsed: float) -> None:
    rate = tally.wordpieces / max(elapsed, 1e-9)
    bar.set_postfix(
        {"written": tally.written, "failed": failed, "wp/s": f"{rate:,.0f}"}, refresh=False
    )
    bar.update(max(0, tally.position - bar.n))


def _result_line(
    result: Any,
    chain: Callable[[str, list[Any]], list[Any]],
    enricher: Any,
    model: Any,
    errors: ErrorLog,
) -> bytes | None:
    """The document's output line, or None after logging why it failed (no text quoted)."""
    record: Record = result.id
    if result.error is not None:
        reason = f"the engine failed on this document: {type(result.error).__name__}"
    else:
        try:
            line = document_result(
                record.id, record.text, result.prediction, chain, enricher, model
            )
            return (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
        except Exception as err:
            # The message may quote the document (offset checks do): the type only.
            reason = f"post-processing or enrichment failed: {type(err).__name__}"
    errors.add(BadRecord(record.file, record.line, record.id, reason, record.position))
    return None


@hydra.main(version_base="1.3", config_path="../conf", config_name="batch")
def main(cfg: DictConfig) -> None:
    try:
        run(cfg)
    except BatchError as err:
        log.error("%s", err)
        raise SystemExit(EXIT_STARTUP_FAILED) from None


if __name__ == "__main__":
    store_schema()
    sys.argv = model_argument_as_uri(sys.argv)
    main()
