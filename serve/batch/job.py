"""The bulk job: check everything, then read the input into the output folder.

:func:`run` resolves and verifies the model, opens the input (:mod:`serve.batch.inputs`)
and the output folder (:mod:`serve.batch.shards`), then hands the records to an engine:
``local`` streams them through :meth:`nerkit.predictor.Predictor.predict_stream` in this
process; ``ray`` through Ray Data actor pools (:mod:`serve.batch.ray_engine`). Both yield
the same events, which this module writes: results into shards, bad records into the
errors file, and a progress bar (documents/s, word-pieces/s, ETA) on the way.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nerkit.choices import Engine
from nerkit.settings import typed
from serve.batch.inputs import BadRecord, BatchError, InputSource, Record, open_input, select
from serve.batch.results import outcome, output_path
from serve.batch.settings import BatchSettings, check_settings
from serve.batch.shards import ERRORS, SUMMARY, ErrorLog, ShardedOutput, output_format

log = logging.getLogger("serve.batch")


@dataclass(frozen=True)
class Written:
    """A document's result, ready for the output."""

    result: dict[str, Any]
    position: int


@dataclass(frozen=True)
class Skipped:
    """A record whose id an earlier run already committed."""

    position: int


Event = Written | Skipped | BadRecord


@dataclass
class Tally:
    """Counts of the job so far; ``position`` is how far into the input it has read."""

    written: int = 0
    skipped: int = 0
    retried: int = 0
    wordpieces: int = 0
    position: int = 0
    entities: Counter = field(default_factory=Counter)


@dataclass
class Job:
    """What a run needs once every check has passed."""

    cfg: BatchSettings
    input_path: Path
    source: InputSource
    output: ShardedOutput
    model: Any  # nerkit.modelref.ResolvedBundle
    uri: str
    max_chars: int


def resolved_model(uri: str, cfg: BatchSettings) -> Any:
    """The verified local bundle behind ``uri`` (:func:`nerkit.modelref.resolve_bundle`:
    a folder as is, ``runs:/`` and ``models:/`` downloaded into ``cfg.cache_dir`` and checked
    against the registered SHA-256, the newest ``cfg.cache_keep`` versions kept); every
    failure is a BatchError saying what to fix."""
    from nerkit import tracking
    from nerkit.modelref import BundleChecksumError, resolve_bundle

    try:
        return resolve_bundle(
            uri,
            cfg.tracking.uri,
            cfg.cache_dir,
            cfg.registry.model_name,
            cache_keep=cfg.cache_keep,
        )
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


def prepare(cfg: BatchSettings) -> Job:
    """Every check that can fail before a document is read (BatchError says which)."""
    check_settings(cfg)
    input_path, folder = Path(cfg.input), Path(cfg.output)
    if folder.resolve() == input_path.resolve():
        raise BatchError(f"output {folder} is the input: give another output folder")
    fmt = output_format(folder, cfg.format)
    output = ShardedOutput.open(folder, fmt, cfg.resume, cfg.shard_docs, cfg.shard_seconds)
    source = open_input(input_path)  # the Ray job cuts it again by its actors' batch size
    uri = cfg.model_uri or f"models:/{cfg.registry.model_name}@champion"
    model = resolved_model(uri, cfg)
    others = output.models() - {(model.name, model.version)}
    if others:
        wrote = ", ".join(f"{n} {v}" for n, v in sorted(others))
        raise BatchError(
            f"output {folder} holds results of {wrote}, not of {model.name} {model.version} "
            "read now: give that model (e.g. models:/<name>/<version>) to continue it, or "
            "another output"
        )
    return Job(cfg, input_path, source, output, model, uri, cfg.max_chars)


def load_predictor(path: Path, cfg: BatchSettings) -> Any:
    from nerkit.predictor import Predictor

    try:
        return Predictor.from_bundle(
            path,
            **cfg.engine_options(),
            workers=cfg.workers,
            max_docs_in_flight=cfg.max_docs_in_flight,
        )
    except ValueError as err:
        raise BatchError(f"model {path}: {err}") from None


def records_to_read(
    items: Iterable[tuple[str, Record | BadRecord]], side: deque[Event]
) -> Iterator[Record]:
    """The records to read, in order; skipped and bad ones go to ``side`` on the way
    (a deque: the stream may read its input from another thread)."""
    for kind, item in items:
        if kind == "read":
            assert isinstance(item, Record)
            yield item
        elif kind == "skip":
            side.append(Skipped(item.position))
        else:
            assert isinstance(item, BadRecord)
            side.append(item)


def local_events(job: Job) -> tuple[str, Iterator[Event]]:
    """The local engine: this process's predictor over the input's records."""
    cfg = job.cfg
    name, version = job.model.name, job.model.version
    predictor = load_predictor(job.model.path, cfg)
    served = output_path(predictor, cfg.postprocess.rules, cfg.kb, cfg.enrich, f"{name} {version}")

    def events() -> Iterator[Event]:
        side: deque[Event] = deque()
        records = select(job.source.records(job.max_chars), job.output.done)
        stream = predictor.predict_stream((r, r.text) for r in records_to_read(records, side))
        for result in stream:
            while side:
                yield side.popleft()
            done = outcome(result, served, name, version)
            yield done if isinstance(done, BadRecord) else Written(done, result.id.position)
        while side:
            yield side.popleft()

    return f"{predictor.device} {predictor.precision}", events()


def run(config: Any) -> dict[str, Any]:
    """Read every document of ``input`` into the ``output`` folder; the figures. ``config``
    is the composed ``conf/batch.yaml`` (or a :class:`BatchSettings`)."""
    started = time.perf_counter()
    cfg = typed(config, BatchSettings)
    job = prepare(cfg)
    if cfg.engine == Engine.ray:
        from serve.batch.ray_engine import ray_events

        device, events = ray_events(job)
    else:
        device, events = local_events(job)
    load_seconds = time.perf_counter() - started
    skipping = f" ({len(job.output.done):,} documents already there are skipped)"
    log.info(
        "reading %s (%s, %s records) with %s %s on %s (engine=%s); writing %s%s",
        job.input_path,
        job.source.kind,
        "?" if job.source.total is None else f"{job.source.total:,}",
        job.model.name,
        job.model.version,
        device,
        cfg.engine,
        job.output.folder,
        skipping if job.output.done else "",
    )
    job.output.folder.mkdir(parents=True, exist_ok=True)
    errors = ErrorLog(job.output.folder / ERRORS)
    tally = Tally()
    begun = time.perf_counter()
    try:
        write_events(events, job, errors, tally, begun)
    except KeyboardInterrupt:
        log.warning(
            "interrupted: %d documents are committed in %s; run again (resume=true) to continue",
            job.output.documents(),
            job.output.folder,
        )
        raise
    finally:
        job.output.commit()  # what is finished is kept, whatever stopped the job
        job.output.close()
        errors.close()
    return finish(job, tally, errors, device, time.perf_counter() - begun, load_seconds)


def write_events(
    events: Iterator[Event], job: Job, errors: ErrorLog, tally: Tally, begun: float
) -> None:
    """Write every event: results into shards (committed when due), the rest counted."""
    from tqdm.auto import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm

    with (
        logging_redirect_tqdm(),
        tqdm(total=job.source.total, unit="doc", desc="serve.batch", mininterval=1.0) as bar,
    ):
        shown = time.perf_counter()
        for event in events:
            count(event, job.output, errors, tally)
            if job.output.due():
                job.output.commit()
                errors.flush()
            if time.perf_counter() - shown >= 0.5:
                show_progress(bar, tally, errors.count, time.perf_counter() - begun)
                shown = time.perf_counter()
        show_progress(bar, tally, errors.count, time.perf_counter() - begun)


def count(event: Event, output: ShardedOutput, errors: ErrorLog, tally: Tally) -> None:
    tally.position = max(tally.position, event.position)
    if isinstance(event, BadRecord):
        errors.add(event)
    elif isinstance(event, Skipped):
        tally.skipped += 1
    elif output.add(event.result):
        tally.written += 1
        tally.wordpieces += int(event.result["meta"]["tokens"])
        tally.entities.update(e["label"] for e in event.result["entities"])
    else:
        tally.retried += 1  # a retried worker's second answer: already written


def show_progress(bar: Any, tally: Tally, failed: int, elapsed: float) -> None:
    rate = tally.wordpieces / max(elapsed, 1e-9)
    bar.set_postfix(
        {"written": tally.written, "failed": failed, "wp/s": f"{rate:,.0f}"}, refresh=False
    )
    bar.update(max(0, tally.position - bar.n))


def finish(
    job: Job, tally: Tally, errors: ErrorLog, device: str, seconds: float, load_seconds: float
) -> dict[str, Any]:
    """The job's figures: printed, written to ``_summary.json`` and returned."""
    figures: dict[str, Any] = {
        "written": tally.written,
        "skipped": tally.skipped,
        "failed": errors.count,
        "retried": tally.retried,
        "documents_in_output": job.output.documents(),
        "shards": len(job.output.committed),
        "entities": dict(sorted(tally.entities.items())),
        "wordpieces": tally.wordpieces,
        "seconds": round(seconds, 3),
        "load_seconds": round(load_seconds, 3),
        "documents_per_second": round(tally.written / seconds, 2) if seconds > 0 else 0.0,
        "wordpieces_per_second": round(tally.wordpieces / seconds, 1) if seconds > 0 else 0.0,
        "model": job.model.name,
        "version": job.model.version,
        "device": device,
        "engine": job.cfg.engine.value,
        "output": str(job.output.folder),
        "errors": str(errors.path) if errors.count else None,
    }
    (job.output.folder / SUMMARY).write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    print(format_summary(figures))
    return figures


def format_summary(figures: Mapping[str, Any]) -> str:
    """The end-of-job summary, one screen."""
    entities = ", ".join(f"{k} {v:,}" for k, v in figures["entities"].items()) or "none"
    rows = [
        ("documents written", f"{figures['written']:,}"),
        ("skipped (resumed)", f"{figures['skipped']:,}"),
        ("failed records", f"{figures['failed']:,}"),
        ("in the output", f"{figures['documents_in_output']:,} in {figures['shards']} shards"),
        ("word-pieces", f"{figures['wordpieces']:,}"),
        ("seconds", f"{figures['seconds']:,.1f}"),
        ("documents/s", f"{figures['documents_per_second']:,.1f}"),
        ("word-pieces/s", f"{figures['wordpieces_per_second']:,.0f}"),
    ]
    head = f"serve.batch: {figures['model']} {figures['version']} on {figures['device']}"
    lines = [f"{head} (engine={figures['engine']})"]
    lines += [f"  {name:<20}{value:>24}" for name, value in rows]
    lines.append(f"  entities            {entities}")
    lines.append(f"  output              {figures['output']}")
    lines.append(f"  errors              {figures['errors'] or 'none'}")
    return "\n".join(lines)
