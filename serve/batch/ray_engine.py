"""``engine=ray``: the same job on Ray Data actor pools, one machine or a cluster.

The input's pieces (:mod:`serve.batch.inputs`) become a Ray Dataset; read tasks turn them
into records with the same readers as the local job, skipping what the output already
holds; an actor pool (``map_batches`` with a callable class: one model load per actor,
``num_gpus`` per actor on GPU machines, CPU actors otherwise, ``batch_size`` explicit)
runs the predictor and the service's output path; and the driver writes the results with
the same shard-and-manifest output. Ray restarts a lost actor and retries its batch (at
least once); the output keeps the first answer for an id and the manifest decides what
is committed, so the job, and a resumed job, write every document exactly once.

Each actor resolves the model itself, pinned to the version the driver verified, and
checks that it got the same bundle (a cluster's nodes do not share the driver's disk).
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from serve.batch.inputs import BadRecord, BatchError, Record, open_input, read_piece
from serve.batch.job import Event, Job, Skipped, Written
from serve.batch.settings import BatchSettings

log = logging.getLogger("serve.batch")

ROOT = Path(__file__).resolve().parents[2]  # serve/ and nerkit/ live here
ROW_FIELDS = ("kind", "id", "text", "file", "line", "row", "position", "reason", "result")
_done_cache: dict[str, set[str]] = {}


def row_schema() -> Any:
    """The rows' one schema (a block whose rows all lack a value would otherwise say
    ``null`` for that column, and the actors' answers would not fit it)."""
    import pyarrow as pa

    text = ("kind", "id", "text", "file", "reason", "result")
    return pa.schema(
        [(name, pa.int64() if name not in text else pa.string()) for name in ROW_FIELDS]
    )


# --- read tasks ------------------------------------------------------------------------


def row_of(item: Record | BadRecord, kind: str) -> dict[str, Any]:
    """A record as a Ray row (every field, so every block has one schema)."""
    text = item.text if isinstance(item, Record) and kind == "read" else None
    reason = item.reason if isinstance(item, BadRecord) else None
    return {
        "kind": kind,
        "id": item.id,
        "text": text,
        "file": item.file,
        "line": item.line,
        "row": item.row,
        "position": item.position,
        "reason": reason,
        "result": None,
    }


def read_rows(entry: dict[str, Any], max_chars: int, done: list[Any]) -> Iterator[dict]:
    """One piece's records as rows; ids the output already holds are marked ``skip``
    (their text is not carried). ``done`` wraps the object ref of the set of those ids."""
    import ray

    key = done[0].hex()
    if key not in _done_cache:  # one fetch per worker process, not one per piece
        _done_cache.clear()
        _done_cache[key] = ray.get(done[0])
    finished = _done_cache[key]
    for item in read_piece(json.loads(entry["piece"]), max_chars):
        if isinstance(item, BadRecord):
            yield row_of(item, "bad")
        else:
            yield row_of(item, "skip" if item.id in finished else "read")


# --- the actors ------------------------------------------------------------------------


class NerActor:
    """One model per actor: its output path (predictor, chain, enricher), loaded once."""

    def __init__(self, spec: dict[str, Any]) -> None:
        import torch

        from nerkit.modelref import resolve_bundle
        from nerkit.predictor import Predictor
        from serve.batch.results import output_path

        bundle = resolve_bundle(
            spec["uri"],
            spec["tracking_uri"],
            spec["cache_dir"],
            spec["model_name"],
            cache_keep=spec["cache_keep"],
        )
        if bundle.version != spec["version"]:
            raise BatchError(
                f"{spec['uri']} resolved to {bundle.version} on this worker, not to "
                f"{spec['version']} as on the driver: the registry changed during the job"
            )
        if not torch.cuda.is_available():
            torch.set_num_threads(max(1, int(spec["cpus_per_actor"])))
        self.name, self.version = bundle.name, bundle.version
        predictor = Predictor.from_bundle(
            bundle.path,
            **spec["engine"],
            workers=1,
            max_docs_in_flight=spec["batch_size"],
        )
        where = f"{bundle.name} {bundle.version}"
        self.served = output_path(predictor, spec["rules"], spec["kb"], spec["enrich"], where)

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        from serve.batch.results import outcome

        rows = batch.to_pylist()
        records = [
            Record(r["id"], r["text"], r["file"], r["line"], r["position"], r["row"])
            for r in rows
            if r["kind"] == "read"
        ]
        stream = self.served.predictor.predict_stream((r, r.text) for r in records)
        answers = {
            result.id.position: outcome(result, self.served, self.name, self.version)
            for result in stream
        }
        out = [answer_row(row, answers.get(row["position"])) for row in rows]
        return pa.Table.from_pylist(out, schema=row_schema())


def answer_row(row: dict[str, Any], answer: dict[str, Any] | BadRecord | None) -> dict:
    """The row sent back to the driver: its result (JSON) or why it failed; no text."""
    row = dict(row, text=None)
    if isinstance(answer, BadRecord):
        return row | {"kind": "bad", "reason": answer.reason}
    if answer is not None:
        return row | {"kind": "result", "result": json.dumps(answer, ensure_ascii=False)}
    return row


# --- the driver ------------------------------------------------------------------------


def start_ray(cfg: BatchSettings) -> bool:
    """Connect to ``ray.address`` or start a local instance; True when this job started
    it (and so shuts it down). Workers import ``serve`` from this checkout."""
    import ray

    if ray.is_initialized():
        return False
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    runtime_env: dict[str, Any] = {"env_vars": {"PYTHONPATH": path}}
    if cfg.ray.working_dir:  # a cluster whose nodes do not have this checkout
        runtime_env = {"working_dir": cfg.ray.working_dir, "excludes": [".venv", ".git"]}
    try:
        ray.init(
            address=cfg.ray.address or None,
            runtime_env=runtime_env,
            include_dashboard=False,
            logging_level=logging.WARNING,
            configure_logging=True,
        )
    except (ConnectionError, RuntimeError, ValueError) as err:
        raise BatchError(f"ray.address={cfg.ray.address!r}: cannot connect: {err}") from None
    return True


CPU_ACTOR_BATCH = 4  # documents per call: a CPU actor reads a contract in about 2 s
GPU_ACTOR_BATCH = 32  # enough windows per call to fill a GPU's token budget


@dataclass(frozen=True)
class Pool:
    actors: int
    cpus: float
    gpus: float
    batch_size: int


def pool_shape(cfg: BatchSettings) -> Pool:
    """Actors, CPUs and GPUs per actor and documents per call: one actor per GPU when the
    cluster has GPUs, else one per ``cpus_per_actor`` CPUs. Small batches on CPU actors
    keep the last ones from waiting on one actor's long batch."""
    import ray

    resources = ray.cluster_resources()
    gpus = float(resources.get("GPU", 0))
    gpus_per_actor = cfg.ray.gpus_per_actor
    if gpus_per_actor is None:
        gpus_per_actor = 1.0 if gpus >= 1 and cfg.device != "cpu" else 0.0
    cpus_per_actor = cfg.ray.cpus_per_actor
    if cfg.ray.actors is not None:
        actors = cfg.ray.actors
    elif gpus_per_actor > 0:
        actors = max(1, int(gpus // gpus_per_actor))
    else:
        actors = max(1, int(float(resources.get("CPU", 1)) // cpus_per_actor))
    batch_size = cfg.ray.batch_size
    if batch_size is None:
        batch_size = GPU_ACTOR_BATCH if gpus_per_actor > 0 else CPU_ACTOR_BATCH
    return Pool(actors, cpus_per_actor, float(gpus_per_actor), int(batch_size))


def actor_spec(job: Job, pool: Pool) -> dict[str, Any]:
    """What every actor needs to load the same model and output path as the driver."""
    cfg, model = job.cfg, job.model
    pinned = job.uri
    if model.source in ("registry", "cache"):
        pinned = f"models:/{model.name}/{model.version}"  # an alias could move mid-job
    return {
        "uri": pinned,
        "version": model.version,
        "tracking_uri": cfg.tracking.uri,
        "cache_dir": str(Path(cfg.cache_dir).resolve()),
        "cache_keep": cfg.cache_keep,
        "model_name": cfg.registry.model_name,
        "engine": cfg.engine_options(),
        "batch_size": pool.batch_size,
        "cpus_per_actor": cfg.ray.cpus_per_actor,
        "rules": cfg.postprocess.rules,
        "kb": cfg.kb,
        "enrich": cfg.enrich,
    }


def ray_events(job: Job) -> tuple[str, Iterator[Event]]:
    """The Ray engine's events, in input order (``preserve_order``: duplicates are
    decided as the local job decides them, the first occurrence wins)."""
    import ray
    import ray.data

    cfg = job.cfg
    started = start_ray(cfg)
    try:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False  # the job's own bar counts documents
        pool = pool_shape(cfg)
        dataset = build_dataset(job, pool)
    except BaseException:
        if started:
            ray.shutdown()
        raise
    where = "GPU" if pool.gpus else "CPU"
    device = f"ray: {pool.actors} {where} actors ({cfg.device} {cfg.precision})"
    return device, driver_events(dataset, started)


def build_dataset(job: Job, pool: Pool) -> Any:
    """Pieces -> read tasks -> the actor pool; nothing runs until the driver iterates."""
    import ray
    import ray.data

    # One piece per actor call: a piece's records become one block, and blocks are what
    # the actors share out.
    source = open_input(job.input_path, pool.batch_size)
    pieces = [{"piece": json.dumps(p)} for p in source.pieces]
    done = [ray.put(job.output.done)]
    return (
        ray.data.from_items(pieces, override_num_blocks=max(1, len(pieces)))
        # Reading is light and bounded by backpressure; with no CPU reserved it cannot
        # wait behind actors that hold every CPU (Ray would deadlock on a small machine),
        # and a few readers keep up (without a bound Ray starts a process per piece).
        .flat_map(
            functools.partial(read_rows, max_chars=job.max_chars, done=done),
            num_cpus=0,
            compute=ray.data.TaskPoolStrategy(size=job.cfg.ray.readers),
        )
        .map_batches(
            NerActor,
            fn_constructor_kwargs={"spec": actor_spec(job, pool)},
            batch_size=pool.batch_size,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=pool.actors),
            num_cpus=pool.cpus,
            num_gpus=pool.gpus,
        )
    )


def driver_events(dataset: Any, started: bool) -> Iterator[Event]:
    """The rows coming back, as the job's events."""
    import ray

    seen: set[str] = set()
    try:
        for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
            for row in batch.to_pylist():
                yield event_of(row, seen)
    finally:
        if started:
            ray.shutdown()


def event_of(row: dict[str, Any], seen: set[str]) -> Event:
    """One row as an event; a second record with an id is a duplicate, as locally."""
    doc_id = row["id"]
    if row["kind"] == "bad":
        if doc_id is not None:
            seen.add(doc_id)
        return BadRecord(
            row["file"], row["line"], doc_id, row["reason"], row["position"], row["row"]
        )
    if doc_id in seen:
        reason = "duplicate id: an earlier record has it (the first one is read)"
        return BadRecord(row["file"], row["line"], doc_id, reason, row["position"], row["row"])
    seen.add(doc_id)
    if row["kind"] == "skip":
        return Skipped(row["position"])
    return Written(json.loads(row["result"]), row["position"])
