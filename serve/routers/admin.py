"""``/admin/reload``: re-resolve aliases and swap models atomically (admin key)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from serve.dependencies import ServiceDep, read_body
from serve.errors import ERROR_RESPONSES, error_response
from serve.openapi import body_spec
from serve.schemas import ErrorBody, ReloadRequest, ReloadResponse
from serve.security import require_admin

router = APIRouter(tags=["admin"])

FAILURE_STATUS = {"rejected": 422, "not_found": 404, "unavailable": 502}


@router.post(
    "/admin/reload",
    response_model=ReloadResponse,
    response_model_exclude_none=True,
    dependencies=[Depends(require_admin)],
    openapi_extra=body_spec(ReloadRequest, required=False),
    responses={
        401: ERROR_RESPONSES[401],
        403: {"model": ErrorBody, "description": "a prediction key on an admin route"},
        404: {"model": ReloadResponse, "description": "no such alias or version"},
        422: {"model": ErrorBody},
        500: {"model": ReloadResponse, "description": "loading failed; old model serves"},
        502: {"model": ReloadResponse, "description": "registry unreachable"},
    },
)
async def reload(request: Request, service: ServiceDep) -> Any:
    """Re-resolve the alias (or the given alias / version) and swap models atomically.

    The new version loads and warms up beside the old one, which serves until the
    swap; when anything fails the old one keeps serving and the reason is returned.
    """
    body = await read_body(request, ReloadRequest, {}, allow_empty=True)
    if service.draining:
        return error_response(503, "the service is shutting down")
    outcomes = await service.models.reload(
        body.model, body.alias, None if body.version is None else str(body.version)
    )
    status = 200
    for outcome in outcomes:
        if not outcome["ok"]:
            code = FAILURE_STATUS.get(str(outcome.get("kind")), 500)
            status = max(status, code) if status != 200 else code
    response = ReloadResponse.model_validate(
        {"results": [{k: v for k, v in o.items() if k != "kind"} for o in outcomes]}
    )
    if status == 200:
        return response
    return JSONResponse(response.model_dump(exclude_none=True), status_code=status)
