"""``/healthz``, ``/readyz`` and ``/metrics``: open, for orchestrators and Prometheus."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from serve.dependencies import ServiceDep
from serve.schemas import Status

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Status)
async def healthz() -> Status:
    """The process is alive (says nothing about the model)."""
    return Status(status="ok")


@router.get("/readyz", response_model=Status, responses={503: {"model": Status}})
async def readyz(service: ServiceDep) -> Any:
    """200 when every model is loaded and warm; 503 while loading or draining."""
    if service.ready:
        return Status(status="ready")
    if service.draining:
        return JSONResponse(Status(status="draining").model_dump(), status_code=503)
    reasons = "; ".join(f"{s.spec.name}: {s.error or 'loading'}" for s in service.models.slots)
    return JSONResponse(Status(status="not ready", detail=reasons).model_dump(), status_code=503)


@router.get("/metrics", response_class=Response)
async def prometheus(request: Request) -> Response:
    """Prometheus metrics."""
    metrics = request.app.state.metrics
    return Response(metrics.render(), media_type=metrics.content_type)
