"""End to end: ``python -m serve`` under uvicorn on 127.0.0.1, a real MLflow registry.

Two versions registered the way ``python -m registry`` does; the service pulls
``@champion``, takes concurrent traffic, reloads to the new champion mid-traffic without a
failed request, and on SIGTERM turns readiness off, finishes the request in flight and
exits 0.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
MODEL = "e2e-contract-ner"
PREDICT_KEY = "e2e-predict-key-0123456789"
ADMIN_KEY = "e2e-admin-key-0123456789"
SECRET_TEXT = "Quux Confidential Holdings pays Zebediah Marchbanks"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the service exited with {process.returncode} while starting")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise AssertionError("the service did not become ready in time")


@pytest.mark.slow
def test_serve_end_to_end(mlflow_store, serve_bundle, second_bundle, tmp_path):
    from nerkit.registry import register_bundle

    versions = [
        str(
            register_bundle(
                bundle,
                mlflow_store.uri,
                MODEL,
                experiment="serve-e2e",
                artifact_location=mlflow_store.artifacts,
            )
        )
        for bundle in (serve_bundle, second_bundle)
    ]
    v1, v2 = versions
    mlflow_store.set_alias(MODEL, "champion", v1)

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    env = {
        **os.environ,
        "NERKIT_API_KEY": PREDICT_KEY,
        "NERKIT_ADMIN_KEY": ADMIN_KEY,
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable,
        "-m",
        "serve",
        f"tracking.uri={mlflow_store.uri}",
        f"registry.model_name={MODEL}",
        f"serve.port={port}",
        f"serve.cache_dir={tmp_path / 'cache'}",
        "serve.device=cpu",
        "serve.batch_tokens=2048",
        "serve.max_wait_ms=5",
        "serve.retry_s=0",
        "serve.drain_s=1",
        f"hydra.run.dir={tmp_path / 'hydra'}",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_ready(url, process)
        predict = {"X-API-Key": PREDICT_KEY}
        admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
        info = httpx.get(f"{url}/v1/model", headers=predict).json()
        assert (info["version"], info["alias"], info["source"]) == (v1, "champion", "registry")
        assert httpx.post(f"{url}/v1/ner", json={"text": "x"}).status_code == 401

        # Concurrent traffic, and a reload to the new champion in the middle of it.
        stop = threading.Event()
        reloaded_at: list[float] = []
        seen: list[tuple[float, float, int, str | None]] = []
        lock = threading.Lock()

        def traffic(worker: int) -> None:
            with httpx.Client(base_url=url, headers=predict, timeout=30) as client:
                i = 0
                while not stop.is_set():
                    text = f"{SECRET_TEXT} {worker}-{i} " * (1 + i % 7)
                    started = time.monotonic()
                    if i % 3 == 0:
                        body = {"documents": [{"id": "a", "text": text}, {"id": "b", "text": "y"}]}
                        response = client.post("/v1/ner/batch", json=body)
                        version = (
                            response.json()["results"][0]["meta"]["version"]
                            if response.status_code == 200
                            else None
                        )
                    else:
                        response = client.post("/v1/ner", json={"text": text})
                        version = (
                            response.json()["meta"]["version"]
                            if response.status_code == 200
                            else None
                        )
                    with lock:
                        seen.append((started, time.monotonic(), response.status_code, version))
                    i += 1

        workers = [threading.Thread(target=traffic, args=(w,)) for w in range(6)]
        for w in workers:
            w.start()
        time.sleep(1.5)
        mlflow_store.set_alias(MODEL, "champion", v2)
        response = httpx.post(f"{url}/admin/reload", headers=admin, timeout=120)
        reloaded_at.append(time.monotonic())
        assert response.status_code == 200, response.text
        (outcome,) = response.json()["results"]
        assert (outcome["previous_version"], outcome["version"], outcome["changed"]) == (
            v1,
            v2,
            True,
        )
        time.sleep(1.5)
        stop.set()
        for w in workers:
            w.join(60)

        statuses = [s for _, _, s, _ in seen]
        assert statuses and all(s == 200 for s in statuses), sorted(set(statuses))
        assert {v for *_, v in seen} == {v1, v2}
        after = [v for started, _, _, v in seen if started > reloaded_at[0]]
        assert after and set(after) == {v2}  # once the reload answered, only v2 answers
        info = httpx.get(f"{url}/v1/model", headers=predict).json()
        assert info["version"] == v2 and info["window"]["max_length"] == 48
        metrics = httpx.get(f"{url}/metrics").text
        labels = f'alias="champion",name="{MODEL}",slot="{MODEL}",source="registry",version="{v2}"'
        assert f"nerkit_model_info{{{labels}}} 1.0" in metrics

        # SIGTERM with a request in flight: readiness off at once, the request finishes, exit 0.
        long_result: dict[str, int] = {}

        def long_request() -> None:
            text = " ".join(["The borrower shall repay the loan in full."] * 12000)
            r = httpx.post(f"{url}/v1/ner", json={"text": text}, headers=predict, timeout=120)
            long_result["status"] = r.status_code

        in_flight = threading.Thread(target=long_request)
        in_flight.start()
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        time.sleep(0.1)
        assert httpx.get(f"{url}/readyz", timeout=5).status_code == 503
        in_flight.join(120)
        assert long_result.get("status") == 200
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    logged = log_path.read_text(errors="replace")
    assert "Uvicorn running" in logged or "Application startup complete" in logged
    for secret in (PREDICT_KEY, ADMIN_KEY, "Zebediah", "borrower shall repay"):
        assert secret not in logged
