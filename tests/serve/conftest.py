"""Serve fixtures: tiny-BERT bundles, settings, app clients, a real MLflow SQLite store."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from nerkit.documents import Entity

MODEL_NAME = "contract-ner"
KB = {"organisations": "conf/kb/organisations.csv"}


@pytest.fixture(scope="session")
def serve_bundle(tmp_path_factory, tiny_model, tokenizer, contract_tags) -> Path:
    """A bundle of the tiny random BERT: 64-token windows, 16 shared."""
    from nerkit.bundle import BundleMeta, save_bundle

    meta = BundleMeta(tags=list(contract_tags), base_model="tiny-bert", max_length=64, overlap=16)
    return save_bundle(tmp_path_factory.mktemp("serve") / "bundle-a", tiny_model, tokenizer, meta)


@pytest.fixture(scope="session")
def second_bundle(tmp_path_factory, tokenizer, contract_tags) -> Path:
    """Another tiny BERT (other weights, other window), for reloads and several models."""
    from nerkit.bundle import BundleMeta, save_bundle
    from nerkit.models import tiny_token_classifier

    model = tiny_token_classifier(list(contract_tags), vocab_size=tokenizer.vocab_size, seed=1)
    meta = BundleMeta(tags=list(contract_tags), base_model="tiny-bert", max_length=48, overlap=8)
    return save_bundle(tmp_path_factory.mktemp("serve") / "bundle-b", model, tokenizer, meta)


@pytest.fixture(scope="session")
def corrupt_bundle(tmp_path_factory, serve_bundle) -> Path:
    """A bundle whose nerkit.json is fine but whose weights are cut short."""
    import shutil

    folder = tmp_path_factory.mktemp("serve") / "bundle-corrupt"
    shutil.copytree(serve_bundle, folder)
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    return folder


class PinnedEntities:
    """A post-processing rule that replaces the (random) model's entities by fixed ones:
    every occurrence of each ``(label, fragment)``; makes enrichment checkable."""

    def __init__(self, pins: list[tuple[str, str]]) -> None:
        self.pins = pins

    def __call__(self, text: str, entities: list[Entity]) -> list[Entity]:
        out = []
        for label, fragment in self.pins:
            for match in re.finditer(re.escape(fragment), text):
                out.append(Entity(label, match.start(), match.end(), fragment, 0.9))
        return out


@pytest.fixture(scope="session")
def pinned() -> type[PinnedEntities]:
    return PinnedEntities


@pytest.fixture(scope="session")
def make_settings() -> Callable[..., Any]:
    """``make_settings(bundle, **overrides)``: test defaults (CPU, small budget, no keys)."""
    from serve.settings import Settings, SlotSpec

    def make(bundle: Path | None = None, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "device": "cpu",
            "batch_tokens": 1024,
            "max_wait_ms": 2.0,
            "retry_s": 0.0,
            "kb": KB,
            "postprocess_rules": (),
        }
        if bundle is not None:
            values["models"] = (SlotSpec(name=MODEL_NAME, bundle=bundle),)
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture(scope="session")
def app_client() -> Callable[..., Any]:
    """``with app_client(settings, loader=None) as (client, app):`` (lifespan run)."""
    from fastapi.testclient import TestClient

    from serve.app import create_app

    @contextlib.contextmanager
    def make(settings: Any, loader: Any = None) -> Iterator[tuple[Any, Any]]:
        app = create_app(settings, loader=loader)
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client, app

    return make


@dataclass
class ControlledReader:
    """A batcher reader that can hold the worker (``gate``) or fail on purpose."""

    fail_with: BaseException | None = None
    gate: threading.Event = field(default_factory=threading.Event)
    entered: threading.Event = field(default_factory=threading.Event)
    calls: list[int] = field(default_factory=list)  # documents per call

    def __post_init__(self) -> None:
        self.gate.set()

    def hold(self) -> None:
        self.gate.clear()
        self.entered.clear()

    def release(self) -> None:
        self.gate.set()

    def __call__(self, predictor: Any, tokenized: Any, alive: Any = None) -> Any:
        from serve.batcher import read_documents

        self.entered.set()
        if not self.gate.wait(30):
            raise TimeoutError("the test never released the reader")
        self.calls.append(len(tokenized))
        if self.fail_with is not None:
            error, self.fail_with = self.fail_with, None
            raise error
        return read_documents(predictor, tokenized, alive)


@pytest.fixture()
def controlled_reader() -> ControlledReader:
    return ControlledReader()


@dataclass
class Store:
    """A real MLflow tracking/registry store on SQLite under a temporary folder."""

    uri: str
    artifacts: str
    root: Path

    def register(self, name: str, bundle: Path) -> str:
        """Register ``bundle`` as a new version of ``name`` with plain MLflow calls."""
        import mlflow
        from mlflow import MlflowClient
        from mlflow.exceptions import MlflowException

        client = MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)
        experiment = client.get_experiment_by_name("serve-tests")
        experiment_id = (
            experiment.experiment_id
            if experiment is not None
            else client.create_experiment("serve-tests", artifact_location=self.artifacts)
        )
        run = client.create_run(experiment_id)
        mlflow.set_tracking_uri(self.uri)
        try:
            client.log_artifacts(run.info.run_id, str(bundle), "model/bundle")
        finally:
            client.set_terminated(run.info.run_id)
        with contextlib.suppress(MlflowException):
            client.create_registered_model(name)
        version = client.create_model_version(
            name, source=f"runs:/{run.info.run_id}/model", run_id=run.info.run_id
        )
        return str(version.version)

    def set_alias(self, name: str, alias: str, version: str) -> None:
        from mlflow import MlflowClient

        MlflowClient(tracking_uri=self.uri, registry_uri=self.uri).set_registered_model_alias(
            name, alias, version
        )


@pytest.fixture(scope="session")
def mlflow_store(tmp_path_factory) -> Iterator[Store]:
    """One SQLite store for the session (creating its schema takes seconds); tests use
    their own model names in it."""
    import mlflow
    from mlflow import MlflowClient

    root = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{root}/mlflow.db"
    saved = mlflow.get_tracking_uri()
    MlflowClient(tracking_uri=uri, registry_uri=uri).search_experiments(max_results=1)
    yield Store(uri=uri, artifacts=(root / "artifacts").as_uri(), root=root)
    mlflow.set_tracking_uri(saved)


# --- driving the app from asyncio (concurrency, disconnects, raw bodies) ----------------


@pytest.fixture(scope="session")
def run_app() -> Callable[..., Any]:
    """``run_app(app, scenario)``: run ``await scenario(client)`` inside the app's lifespan,
    with an httpx AsyncClient on the app (ASGI, no network)."""
    import asyncio

    import httpx

    def run(app: Any, scenario: Callable[[Any], Any]) -> Any:
        async def main() -> Any:
            async with app.router.lifespan_context(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                    return await scenario(c)

        return asyncio.run(main())

    return run


@dataclass
class RawResult:
    status: int
    headers: dict[str, str]
    body: bytes
    body_reads: int  # how many times the app asked for body chunks


@pytest.fixture(scope="session")
def raw_request() -> Callable[..., Any]:
    """``await raw_request(app, method, path, chunks, headers, disconnect=False)``: one
    request straight through ASGI, counting the app's body reads; ``disconnect`` makes the
    client go away right after sending the body."""
    import asyncio

    async def call(
        app: Any,
        method: str,
        path: str,
        chunks: list[bytes] | tuple[bytes, ...] = (b"",),
        headers: dict[str, str] | None = None,
        disconnect: bool = False,
    ) -> RawResult:
        pending = list(chunks)
        reads = 0
        started: dict[str, Any] = {}
        body = bytearray()

        async def receive() -> dict[str, Any]:
            nonlocal reads
            if pending:
                reads += 1
                chunk = pending.pop(0)
                return {"type": "http.request", "body": chunk, "more_body": bool(pending)}
            if disconnect:
                return {"type": "http.disconnect"}
            await asyncio.Event().wait()  # the client stays until the response is sent
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                started["status"] = message["status"]
                started["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
            "client": ("127.0.0.1", 1234),
            "server": ("test", 80),
        }
        await app(scope, receive, send)
        return RawResult(started.get("status", 0), started.get("headers", {}), bytes(body), reads)

    return call
