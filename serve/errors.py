"""The service's errors: exceptions, their handlers and the documented error responses."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from serve.batcher import BatchFailed, QueueFull, ServiceStopping
from serve.models import NotReady, ReloadRejected
from serve.schemas import ErrorBody
from serve.settings import Settings

CLIENT_CLOSED_REQUEST = 499  # nobody reads it: the client has gone
NOT_READY_RETRY_AFTER_S = 5


class DeadlineExceeded(Exception):
    """The request was not answered within request_timeout_s."""


class ClientGone(Exception):
    """The client disconnected while its documents waited."""


class EnrichmentUnavailable(Exception):
    """enrich=true on a service without a knowledge base configured."""


class PostprocessFailed(Exception):
    """A post-processing rule or the enricher failed (details are logged, not the text)."""


def error_response(status: int, detail: str, retry_after: int | None = None) -> JSONResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI, settings: Settings) -> None:
    retry = max(1, round(settings.retry_s)) if settings.retry_s else NOT_READY_RETRY_AFTER_S

    @app.exception_handler(RequestValidationError)
    async def validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k != "input"} for e in exc.errors()]
        return JSONResponse({"detail": clean_json(errors)}, status_code=422)

    @app.exception_handler(NotReady)
    async def not_ready(_: Request, exc: NotReady) -> JSONResponse:
        return error_response(503, f"not ready: {exc}", min(retry, 60))

    @app.exception_handler(QueueFull)
    async def queue_full(_: Request, exc: QueueFull) -> JSONResponse:
        return error_response(429, "too many documents are waiting for the model", exc.retry_after)

    @app.exception_handler(ServiceStopping)
    async def stopping(_: Request, exc: ServiceStopping) -> JSONResponse:
        return error_response(503, str(exc), NOT_READY_RETRY_AFTER_S)

    @app.exception_handler(DeadlineExceeded)
    async def deadline(_: Request, exc: DeadlineExceeded) -> JSONResponse:
        return error_response(
            504, f"not answered within request_timeout_s={settings.request_timeout_s:g} s"
        )

    @app.exception_handler(ClientGone)
    async def gone(_: Request, exc: ClientGone) -> JSONResponse:
        return error_response(CLIENT_CLOSED_REQUEST, "the client closed the request")

    @app.exception_handler(BatchFailed)
    async def batch_failed(_: Request, exc: BatchFailed) -> JSONResponse:
        if exc.out_of_memory:
            return error_response(
                503,
                f"the model ran out of memory on the batch this request was in ({exc.reason});"
                " the service keeps serving: retry, or send smaller documents",
                1,
            )
        return error_response(
            500,
            f"inference failed for the batch this request was in ({exc.reason}); "
            "the service keeps serving",
        )

    @app.exception_handler(EnrichmentUnavailable)
    async def no_kb(_: Request, exc: EnrichmentUnavailable) -> JSONResponse:
        return error_response(
            422, "enrich=true: no knowledge base is configured on this service (kb)"
        )

    @app.exception_handler(PostprocessFailed)
    async def postprocess(_: Request, exc: PostprocessFailed) -> JSONResponse:
        return error_response(
            500, "post-processing or enrichment failed; the service keeps serving"
        )

    @app.exception_handler(ReloadRejected)
    async def rejected(_: Request, exc: ReloadRejected) -> JSONResponse:
        return error_response(422, str(exc))


def clean_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
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
