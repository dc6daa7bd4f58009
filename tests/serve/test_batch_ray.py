"""python -m serve.batch engine=ray: on a local Ray with two CPU actors, the same output as
the local engine, and exactly once after a worker is killed mid-job and the job rerun.

Skipped when Ray is not installed; ``make test`` installs the ``ray`` extra, so CI runs
these."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from serve.batch import run
from serve.batch.shards import ERRORS, MANIFEST, read_results
from tests.serve.test_batch import TEXTS, batch_cfg, write_jsonl

ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install -e '.[ray]'")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray instance for the module (two CPUs, as the 2-core CI machine has);
    the job finds it started and leaves it running."""
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}},
        logging_level="WARNING",
    )
    yield
    ray.shutdown()


def corpus(n: int) -> list[dict]:
    texts = list(TEXTS.values())
    return [{"id": f"doc-{i:03d}", "text": texts[i % len(texts)]} for i in range(n)]


def by_id(folder: Path) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for result in read_results(folder):
        assert result["id"] not in found, f"{result['id']} written twice"
        found[result["id"]] = result
    return found


def write_input(records: list[dict], folder: Path, kind: str) -> Path:
    if kind == "jsonl":
        return write_jsonl(folder / "in.jsonl", records)
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / "in.parquet"
    pq.write_table(pa.Table.from_pylist(records), path, row_group_size=7)
    return path


@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
def test_two_cpu_actors_write_what_the_local_engine_writes(serve_bundle, tmp_path, local_ray, kind):
    records = corpus(24)
    records.insert(5, {"id": "doc-003", "text": "a duplicate id"})
    records.insert(9, {"id": "blank", "text": " "})
    source = write_input(records, tmp_path, kind)
    local = run(batch_cfg(serve_bundle, source, tmp_path / "local", "shard_docs=5"))
    figures = run(
        batch_cfg(
            serve_bundle,
            source,
            tmp_path / "ray",
            "engine=ray",
            "ray.actors=2",
            "ray.batch_size=4",
            "shard_docs=5",
        )
    )
    assert by_id(tmp_path / "ray") == by_id(tmp_path / "local")
    assert len(by_id(tmp_path / "ray")) == 24
    ray_errors = (tmp_path / "ray" / ERRORS).read_text().splitlines()
    assert ray_errors == (tmp_path / "local" / ERRORS).read_text().splitlines()
    where = "line" if kind == "jsonl" else "row"
    assert [json.loads(e)[where] for e in ray_errors] == [6, 10]
    assert figures["device"].startswith("ray: 2 CPU actors")
    for key in ("written", "failed", "wordpieces", "entities"):
        assert figures[key] == local[key], key


def actor_pids() -> list[int]:
    found = subprocess.run(
        ["pgrep", "-f", "ray::MapWorker"], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in found.stdout.split()]


def test_a_worker_killed_mid_job_and_the_job_rerun_leave_every_document_once(
    serve_bundle, tmp_path, local_ray
):
    records = corpus(80)
    source = write_jsonl(tmp_path / "in.jsonl", records)
    output = tmp_path / "out"
    settings = ("engine=ray", "ray.actors=2", "ray.batch_size=2", "shard_docs=4")
    killed: list[int] = []

    def kill_a_worker_after_the_first_commit() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            manifest = output / MANIFEST
            if manifest.exists() and manifest.read_bytes().count(b"\n") >= 2:
                for pid in actor_pids()[:1]:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
            time.sleep(0.05)

    killer = threading.Thread(target=kill_a_worker_after_the_first_commit)
    killer.start()
    # Ray retries the lost actor's batch, or gives the job up: either way the rerun finishes.
    with contextlib.suppress(Exception):
        run(batch_cfg(serve_bundle, source, output, *settings))
    killer.join()
    assert killed, "no actor was running when the first shards were committed"
    first = len(by_id(output)) if (output / MANIFEST).exists() else 0
    assert first >= 8

    again = run(batch_cfg(serve_bundle, source, output, *settings))
    results = by_id(output)  # raises on an id written twice
    assert sorted(results) == sorted(r["id"] for r in records)
    assert again["skipped"] + again["written"] == len(records)
    reference = run(batch_cfg(serve_bundle, source, tmp_path / "local"))
    assert reference["written"] == len(records)
    assert results == by_id(tmp_path / "local")
