"""The service under load: started on loopback (or one already running there), and its
own figures read back from ``/metrics``. Nothing here talks to another host."""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def check_loopback(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(
            f"--url must be a loopback address ({', '.join(sorted(LOOPBACK))}), not {host!r}"
        )
    return url.rstrip("/")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tiny_bundle(folder: Path) -> Path:
    """A tiny randomly initialised BERT bundle (measures the service, not a model)."""
    from bench.documents import LABELS
    from nerkit.bundle import BundleMeta, save_bundle
    from nerkit.models import BUNDLED_MINILM, load_tokenizer, tiny_token_classifier

    tags = ["O"] + [f"{p}-{label}" for label in LABELS for p in ("B", "I")]
    tokenizer = load_tokenizer(BUNDLED_MINILM)
    model = tiny_token_classifier(tags, vocab_size=tokenizer.vocab_size)
    meta = BundleMeta(tags=tags, base_model="tiny-bert (random)", max_length=128, overlap=16)
    return save_bundle(folder / "tiny-bundle", model, tokenizer, meta)


def start_service(bundle: Path, args: argparse.Namespace, workdir: Path) -> tuple[Any, str]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "serve",
        f"serve.bundle={bundle}",
        f"serve.port={port}",
        "serve.retry_s=0",
        f"hydra.run.dir={workdir / 'hydra'}",
    ]
    # The service's own defaults unless a setting is given here on purpose.
    overrides = {
        "device": args.device,
        "precision": args.precision,
        "batch_tokens": args.batch_tokens,
        "max_wait_ms": args.max_wait_ms,
        "max_queue_windows": args.max_queue_windows,
        "cpu_threads": args.cpu_threads,
    }
    command += [f"serve.{k}={v}" for k, v in overrides.items() if v is not None]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "NERKIT_API_KEY": "", "NERKIT_ADMIN_KEY": ""}
    log = (workdir / "serve.log").open("w")
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


async def wait_ready(client: Any, timeout: float, process: Any = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"the service exited with {process.returncode}; see its log")
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except Exception:
            pass
        await asyncio.sleep(0.25)
    raise SystemExit("the service did not become ready in time")


def refusals_on_server(metrics_text: str, within_s: float) -> tuple[float, float]:
    """``(429 answers of /v1/ner, of which within within_s)`` from the service's own latency
    histogram (time inside the app, without the client's or the kernel's queues);
    ``within_s`` must be one of the histogram's bucket bounds."""
    from prometheus_client.parser import text_string_to_metric_families

    total = within = 0.0
    for family in text_string_to_metric_families(metrics_text):
        if family.name != "nerkit_http_request_duration_seconds":
            continue
        for sample in family.samples:
            labels = sample.labels
            if labels.get("route") != "/v1/ner" or labels.get("status") != "429":
                continue
            if sample.name.endswith("_count"):
                total += sample.value
            elif sample.name.endswith("_bucket") and float(labels["le"]) == within_s:
                within += sample.value
    return total, within


def rejected_on_server(metrics_text: str, reason: str) -> float:
    """Documents the service dropped for ``reason`` so far (from /metrics)."""
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for family in text_string_to_metric_families(metrics_text):
        if family.name != "nerkit_rejected_documents":
            continue
        for sample in family.samples:
            if sample.name.endswith("_total") and sample.labels.get("reason") == reason:
                total += sample.value
    return total
