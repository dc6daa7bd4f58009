"""The HTTP service: ``create_app(settings, loader=...)`` builds it.

Routes:

* ``POST /v1/ner`` — one document; ``POST /v1/ner/batch`` — several, results in input
  order; ``GET /v1/model`` — what is served (prediction key);
* ``POST /admin/reload`` — re-resolve the alias (or a given alias / version of a
  configured model) and swap atomically; the old model serves on if anything fails
  (admin key);
* ``GET /healthz`` (alive), ``GET /readyz`` (models loaded and warm, not draining),
  ``GET /metrics`` (Prometheus) — open.

The models are loaded in the lifespan (:class:`serve.models.ModelManager`); documents go
through the dynamic batcher (:mod:`serve.batcher`), then the one output path
(:func:`nerkit.output.document_entities`): each model's post-processing chain (the one its
bundle records; ``serve.postprocess`` for bundles that record none), the merge of several
models' entities, and knowledge-base enrichment when asked for.
Prediction and admin routes read their bodies themselves, after the key check: a request
without a valid key is answered 401 before its body is read. Document text never goes
into logs or metrics, and validation errors do not echo it back.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Sequence
from email.message import Message
from typing import Any, TypeVar

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema
from starlette.concurrency import run_in_threadpool

from nerkit.documents import Entity
from nerkit.kb.enrich import Enricher, group_mentions
from nerkit.output import document_entities
from nerkit.postprocess import Chain, build_chain
from serve.batcher import Batcher, BatchFailed, QueueFull, ServiceStopping
from serve.metrics import Metrics, MetricsMiddleware
from serve.models import (
    DefaultLoader,
    LoadedModel,
    Loader,
    ModelManager,
    NotReady,
    ReloadRejected,
    merge_entities,
    shown,
)
from serve.schemas import (
    BatchRequest,
    BatchResponse,
    EntityOut,
    ErrorBody,
    MentionGroup,
    Meta,
    ModelInfo,
    ModelUsed,
    NerRequest,
    NerResponse,
    ReloadRequest,
    ReloadResponse,
    Status,
)
from serve.security import log_exposure, require_admin, require_predict
from serve.settings import Settings

log = logging.getLogger("serve")

T = TypeVar("T", bound=BaseModel)
DISCONNECT_POLL_S = 0.1
CLIENT_CLOSED_REQUEST = 499  # nobody reads it: the client has gone
NOT_READY_RETRY_AFTER_S = 5
REQUEST_MODELS: tuple[type[BaseModel], ...] = (NerRequest, BatchRequest, ReloadRequest)
NO_RULES = Chain([])


class DeadlineExceeded(Exception):
    """The request was not answered within request_timeout_s."""


class ClientGone(Exception):
    """The client disconnected while its documents waited."""


class EnrichmentUnavailable(Exception):
    """enrich=true on a service without a knowledge base configured."""


class PostprocessFailed(Exception):
    """A post-processing rule or the enricher failed (details are logged, not the text)."""


# --- request bodies --------------------------------------------------------------------


def _clean_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Pydantic errors without the input (never echo a document back) and JSON-safe."""
    out = []
    for error in errors:
        item = {
            "type": error.get("type"),
            "loc": ["body", *error.get("loc", ())],
            "msg": error.get("msg"),
        }
        ctx = error.get("ctx")
        if ctx:
            item["ctx"] = {k: v if isinstance(v, int | float) else str(v) for k, v in ctx.items()}
        out.append(item)
    return out


def _is_json(content_type: str) -> bool:
    message = Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


async def read_body(
    request: Request, model: type[T], context: dict[str, Any], allow_empty: bool = False
) -> T:
    """The request body validated as ``model`` (with the service's limits as context).

    413 when it is larger than max_body_bytes (Content-Length or streamed size), 415 when
    it is not JSON, 422 (FastAPI's shape, without the input) when it does not validate —
    invalid UTF-8 and lone surrogates included.
    """
    content_type = request.headers.get("content-type")
    if content_type and not _is_json(content_type):
        raise HTTPException(415, detail="send the body as JSON (Content-Type: application/json)")
    raw = await request.body()
    if allow_empty and not raw.strip():
        raw = b"{}"
    try:
        return model.model_validate_json(raw, context=context)
    except ValidationError as err:
        raise RequestValidationError(
            _clean_errors(err.errors(include_url=False, include_input=False))
        ) from None


def require_capacity(request: Request) -> None:
    """429 before the body is read when the queue is already full (headers only)."""
    service: Service = request.app.state.service
    if not service.batcher.has_room():
        service.metrics.rejected.labels("queue_full").inc()
        raise QueueFull(service.batcher.retry_after())


# --- the service -----------------------------------------------------------------------


@dataclasses.dataclass
class DocumentIn:
    id: str | None
    text: str


class Service:
    """Everything behind the routes: models, batcher, post-processing, enrichment."""

    def __init__(self, settings: Settings, loader: Loader, metrics: Metrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.batcher = Batcher(
            settings.batch_tokens,
            settings.max_wait_ms,
            settings.max_queue_windows,
            metrics,
            request_timeout_s=settings.request_timeout_s,
            max_queue_s=settings.max_queue_s,
        )
        self.models = ModelManager(settings, loader, self.batcher, metrics)
        # Built now, so a bad rule fails when the app is created, not on the first request.
        # It runs for models whose bundle records no chain of its own (nerkit.output).
        self.chain = build_chain(settings.postprocess_rules)
        self.enricher: Enricher | None = None
        self.draining = False
        self.limits = {"max_chars": settings.max_chars, "max_batch_docs": settings.max_batch_docs}

    async def start(self) -> None:
        self.draining = False
        if self.settings.kb is not None and self.enricher is None:
            self.enricher = await asyncio.to_thread(Enricher.from_config, self.settings.kb)
        self.batcher.start()
        await self.models.start()

    async def stop(self) -> None:
        self.draining = True
        await self.models.stop()
        await asyncio.to_thread(self.batcher.stop)

    @property
    def ready(self) -> bool:
        return self.models.ready and not self.draining and self.batcher.running

    def begin_drain(self) -> None:
        """SIGTERM: /readyz answers 503 from now on; requests in flight still finish."""
        if not self.draining:
            log.info("draining: readiness is now 503; in-flight requests will finish")
        self.draining = True
        self.metrics.ready.set(0)

    async def predict(
        self, request: Request, documents: list[DocumentIn], enrich: bool | None
    ) -> list[NerResponse]:
        enrich = self.settings.enrich_default if enrich is None else enrich
        if enrich and self.enricher is None:
            raise EnrichmentUnavailable()
        models = self.models.serving()
        deadline = time.monotonic() + self.settings.request_timeout_s
        texts = [d.text for d in documents]
        jobs = []
        self.batcher.admit(len(documents))  # 429 now, before spending time tokenising
        try:
            try:
                for model in models:
                    tokenized = await run_in_threadpool(model.tokenize, texts)
                    jobs.append(self.batcher.submit(model, tokenized, deadline))
            finally:
                self.batcher.release(len(documents))
            readings = await self._wait(request, jobs, deadline)
        except BaseException:
            for job in jobs:
                job.cancel("error")
            raise
        return await run_in_threadpool(self._finish, documents, models, readings, enrich)

    async def _wait(self, request: Request, jobs: list[Any], deadline: float) -> list[Any]:
        """The jobs' readings; ClientGone / DeadlineExceeded drop what is not read yet."""
        gathered = asyncio.gather(*(job.future for job in jobs), return_exceptions=True)
        watcher = asyncio.ensure_future(self._watch_disconnect(request))
        try:
            waiting: set[asyncio.Future[Any]] = {gathered, watcher}
            done, _ = await asyncio.wait(
                waiting,
                timeout=max(0.0, deadline - time.monotonic()),
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            watcher.cancel()
        if gathered not in done:
            reason = "client_gone" if watcher in done else "deadline"
            for job in jobs:
                job.cancel(reason)
            gathered.cancel()
            if watcher in done:
                raise ClientGone()
            raise DeadlineExceeded()
        results = gathered.result()
        for result in results:
            if isinstance(result, asyncio.CancelledError):
                raise DeadlineExceeded()
            if isinstance(result, BaseException):
                raise result
        return list(results)

    @staticmethod
    async def _watch_disconnect(request: Request) -> None:
        while not await request.is_disconnected():
            await asyncio.sleep(DISCONNECT_POLL_S)

    def _finish(
        self,
        documents: list[DocumentIn],
        models: list[LoadedModel],
        readings: list[list[Any]],
        enrich: bool,
    ) -> list[NerResponse]:
        """Decode, post-process, merge and enrich (in a worker thread, off the loop)."""
        try:
            texts = [doc.text for doc in documents]
            found = [
                model.predictor.decode_many(texts, model_readings)
                for model, model_readings in zip(models, readings, strict=True)
            ]
            return [
                self._document(i, doc, models, readings, found, enrich)
                for i, doc in enumerate(documents)
            ]
        except Exception as err:
            # The message may quote the document (offsets checks do): log the type only.
            log.error(
                "post-processing failed: %s (message withheld: it may quote the document)",
                type(err).__name__,
            )
            raise PostprocessFailed() from None

    def _chain_of(self, model: LoadedModel) -> Any:
        """The model's chain (its bundle's), else the service's configured one."""
        return model.chain if model.chain is not None else self.chain

    def _document(
        self,
        index: int,
        doc: DocumentIn,
        models: list[LoadedModel],
        readings: list[list[Any]],
        found: list[list[list[Entity]]],
        enrich: bool,
    ) -> NerResponse:
        several = len(models) > 1
        enricher = self.enricher if enrich else None
        if several:
            # Each model's own chain (nerkit.output), then the merge, then enrichment.
            groups: list[tuple[int, list[Entity]]] = []
            for model, model_found in zip(models, found, strict=True):
                entities = document_entities(doc.text, model_found[index], self._chain_of(model))
                tag = {"model": model.name, "version": model.version}
                entities = [dataclasses.replace(e, extra={**e.extra, **tag}) for e in entities]
                groups.append((model.slot.priority, entities))
            merged = merge_entities(groups, self.settings.merge)
            entities = document_entities(doc.text, merged, NO_RULES, enricher)
        else:
            entities = document_entities(
                doc.text, found[0][index], self._chain_of(models[0]), enricher
            )
        mention_groups = None
        if enrich:
            mention_groups = [MentionGroup(**g) for g in group_mentions(entities)]
        first = readings[0][index]
        used = None
        if several:
            used = [
                ModelUsed(
                    model=m.name,
                    version=m.version,
                    tokens=r[index].tokens,
                    windows=r[index].windows,
                )
                for m, r in zip(models, readings, strict=True)
            ]
        return NerResponse(
            id=doc.id,
            entities=[EntityOut.from_entity(e) for e in entities],
            meta=Meta(
                model=models[0].name,
                version=models[0].version,
                tokens=first.tokens,
                windows=first.windows,
                models=used,
            ),
            groups=mention_groups,
        )


# --- errors ----------------------------------------------------------------------------


def _error(status: int, detail: str, retry_after: int | None = None) -> JSONResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI, settings: Settings) -> None:
    retry = max(1, round(settings.retry_s)) if settings.retry_s else NOT_READY_RETRY_AFTER_S

    @app.exception_handler(RequestValidationError)
    async def validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k != "input"} for e in exc.errors()]
        return JSONResponse({"detail": _clean_json(errors)}, status_code=422)

    @app.exception_handler(NotReady)
    async def not_ready(_: Request, exc: NotReady) -> JSONResponse:
        return _error(503, f"not ready: {exc}", min(retry, 60))

    @app.exception_handler(QueueFull)
    async def queue_full(_: Request, exc: QueueFull) -> JSONResponse:
        return _error(429, "too many documents are waiting for the model", exc.retry_after)

    @app.exception_handler(ServiceStopping)
    async def stopping(_: Request, exc: ServiceStopping) -> JSONResponse:
        return _error(503, str(exc), NOT_READY_RETRY_AFTER_S)

    @app.exception_handler(DeadlineExceeded)
    async def deadline(_: Request, exc: DeadlineExceeded) -> JSONResponse:
        return _error(
            504, f"not answered within request_timeout_s={settings.request_timeout_s:g} s"
        )

    @app.exception_handler(ClientGone)
    async def gone(_: Request, exc: ClientGone) -> JSONResponse:
        return _error(CLIENT_CLOSED_REQUEST, "the client closed the request")

    @app.exception_handler(BatchFailed)
    async def batch_failed(_: Request, exc: BatchFailed) -> JSONResponse:
        if exc.out_of_memory:
            return _error(
                503,
                f"the model ran out of memory on the batch this request was in ({exc.reason});"
                " the service keeps serving: retry, or send smaller documents",
                1,
            )
        return _error(
            500,
            f"inference failed for the batch this request was in ({exc.reason}); "
            "the service keeps serving",
        )

    @app.exception_handler(EnrichmentUnavailable)
    async def no_kb(_: Request, exc: EnrichmentUnavailable) -> JSONResponse:
        return _error(422, "enrich=true: no knowledge base is configured on this service (kb)")

    @app.exception_handler(PostprocessFailed)
    async def postprocess(_: Request, exc: PostprocessFailed) -> JSONResponse:
        return _error(500, "post-processing or enrichment failed; the service keeps serving")

    @app.exception_handler(ReloadRejected)
    async def rejected(_: Request, exc: ReloadRejected) -> JSONResponse:
        return _error(422, str(exc))


def _clean_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_json(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing or wrong API key"},
    413: {"model": ErrorBody, "description": "body above max_body_bytes"},
    415: {"model": ErrorBody, "description": "body is not JSON"},
    429: {"model": ErrorBody, "description": "queue full; see Retry-After"},
    503: {"model": ErrorBody, "description": "no model loaded yet, or out of memory"},
    504: {"model": ErrorBody, "description": "not answered within request_timeout_s"},
}


def _body_spec(model: type[BaseModel], required: bool = True) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": ref}}}}


def _install_openapi(app: FastAPI) -> None:
    """The OpenAPI document, with the request bodies the routes validate themselves."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        _, definitions = models_json_schema(
            [(m, "validation") for m in REQUEST_MODELS],
            ref_template="#/components/schemas/{model}",
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in definitions.get("$defs", {}).items():
            components.setdefault(name, definition)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


# --- the factory -----------------------------------------------------------------------


def create_app(settings: Settings, loader: Loader | None = None) -> FastAPI:
    """The service as an ASGI app; models load in its lifespan."""
    metrics = Metrics()
    service = Service(settings, loader or DefaultLoader(settings), metrics)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        log_exposure(settings)
        log.info("starting: %s", settings.describe())
        await service.start()
        if service.ready:
            served = service.models.serving()
            log.info("ready: %s", ", ".join(f"{m.name} {shown(m.version)}" for m in served))
        else:
            log.warning("NOT ready: %s", "; ".join(s.error or "" for s in service.models.slots))
        try:
            yield
        finally:
            await service.stop()
            log.info("stopped")

    app = FastAPI(
        title="nerkit",
        version="1",
        description="Named-entity recognition on whole long documents.",
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,
    )
    app.state.settings = settings
    app.state.service = service
    app.state.metrics = metrics
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    _install_error_handlers(app, settings)
    _install_openapi(app)

    @app.get("/healthz", response_model=Status, tags=["health"])
    async def healthz() -> Status:
        """The process is alive (says nothing about the model)."""
        return Status(status="ok")

    @app.get("/readyz", response_model=Status, tags=["health"], responses={503: {"model": Status}})
    async def readyz() -> Any:
        """200 when every model is loaded and warm; 503 while loading or draining."""
        if service.ready:
            return Status(status="ready")
        if service.draining:
            return JSONResponse(Status(status="draining").model_dump(), status_code=503)
        reasons = "; ".join(f"{s.spec.name}: {s.error or 'loading'}" for s in service.models.slots)
        return JSONResponse(
            Status(status="not ready", detail=reasons).model_dump(), status_code=503
        )

    @app.get("/metrics", tags=["health"], response_class=Response)
    async def prometheus() -> Response:
        """Prometheus metrics."""
        return Response(metrics.render(), media_type=metrics.content_type)

    @app.get(
        "/v1/model",
        response_model=ModelInfo,
        response_model_exclude_none=True,
        dependencies=[Depends(require_predict)],
        responses={401: ERROR_RESPONSES[401], 503: {"model": ModelInfo}},
        tags=["ner"],
    )
    async def model_info() -> Any:
        """What is served: name, version, alias, source, device, precision, labels, window."""
        slots = service.models.info()
        body = ModelInfo.model_validate({**slots[0], "models": slots})
        if not service.models.ready:
            return JSONResponse(body.model_dump(exclude_none=True), status_code=503)
        return body

    @app.post(
        "/v1/ner",
        response_model=NerResponse,
        response_model_exclude_none=True,
        dependencies=[Depends(require_predict), Depends(require_capacity)],
        openapi_extra=_body_spec(NerRequest),
        responses={**ERROR_RESPONSES, 422: {"model": ErrorBody}},
        tags=["ner"],
    )
    async def ner(request: Request) -> Any:
        """Entities of one document, with character offsets into the text as sent."""
        body = await read_body(request, NerRequest, service.limits)
        (result,) = await service.predict(request, [DocumentIn(body.id, body.text)], body.enrich)
        return result

    @app.post(
        "/v1/ner/batch",
        response_model=BatchResponse,
        response_model_exclude_none=True,
        dependencies=[Depends(require_predict), Depends(require_capacity)],
        openapi_extra=_body_spec(BatchRequest),
        responses={**ERROR_RESPONSES, 422: {"model": ErrorBody}},
        tags=["ner"],
    )
    async def ner_batch(request: Request) -> Any:
        """Entities of several documents, in input order."""
        body = await read_body(request, BatchRequest, service.limits)
        documents = [DocumentIn(d.id, d.text) for d in body.documents]
        return BatchResponse(results=await service.predict(request, documents, body.enrich))

    @app.post(
        "/admin/reload",
        response_model=ReloadResponse,
        response_model_exclude_none=True,
        dependencies=[Depends(require_admin)],
        openapi_extra=_body_spec(ReloadRequest, required=False),
        responses={
            401: ERROR_RESPONSES[401],
            403: {"model": ErrorBody, "description": "a prediction key on an admin route"},
            404: {"model": ReloadResponse, "description": "no such alias or version"},
            422: {"model": ErrorBody},
            500: {"model": ReloadResponse, "description": "loading failed; old model serves"},
            502: {"model": ReloadResponse, "description": "registry unreachable"},
        },
        tags=["admin"],
    )
    async def reload(request: Request) -> Any:
        """Re-resolve the alias (or the given alias / version) and swap models atomically.

        The new version loads and warms up beside the old one, which serves until the
        swap; when anything fails the old one keeps serving and the reason is returned.
        """
        body = await read_body(request, ReloadRequest, {}, allow_empty=True)
        if service.draining:
            return _error(503, "the service is shutting down")
        outcomes = await service.models.reload(
            body.model, body.alias, None if body.version is None else str(body.version)
        )
        status = 200
        for outcome in outcomes:
            if not outcome["ok"]:
                kind = outcome.get("kind")
                code = {"rejected": 422, "not_found": 404, "unavailable": 502}.get(str(kind), 500)
                status = max(status, code) if status != 200 else code
        response = ReloadResponse.model_validate(
            {"results": [{k: v for k, v in o.items() if k != "kind"} for o in outcomes]}
        )
        if status == 200:
            return response
        return JSONResponse(response.model_dump(exclude_none=True), status_code=status)

    return app
