"""What the routes depend on: the service, request bodies read after the key check, and
the queue's room (``Annotated`` aliases for the routes' signatures)."""

from __future__ import annotations

from collections.abc import Sequence
from email.message import Message
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from serve.batcher import QueueFull
from serve.service import Service

T = TypeVar("T", bound=BaseModel)


def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


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
    service = get_service(request)
    if not service.batcher.has_room():
        service.metrics.rejected.labels("queue_full").inc()
        raise QueueFull(service.batcher.retry_after())
