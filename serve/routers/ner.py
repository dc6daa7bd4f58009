"""``/v1/model``, ``/v1/ner`` and ``/v1/ner/batch``: what is served, and its entities."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from serve.dependencies import ServiceDep, read_body, require_capacity
from serve.errors import ERROR_RESPONSES
from serve.openapi import body_spec
from serve.schemas import BatchRequest, BatchResponse, ErrorBody, ModelInfo, NerRequest, NerResponse
from serve.security import require_predict
from serve.service import DocumentIn

router = APIRouter(tags=["ner"])

# What the prediction routes share: the predict key, room in the queue (checked before the
# body is read), the errors they may answer, and no null fields in their answers.
PREDICTION: dict[str, Any] = {
    "response_model_exclude_none": True,
    "dependencies": [Depends(require_predict), Depends(require_capacity)],
    "responses": {**ERROR_RESPONSES, 422: {"model": ErrorBody}},
}


@router.get(
    "/v1/model",
    response_model=ModelInfo,
    response_model_exclude_none=True,
    dependencies=[Depends(require_predict)],
    responses={401: ERROR_RESPONSES[401], 503: {"model": ModelInfo}},
)
async def model_info(service: ServiceDep) -> Any:
    """What is served: name, version, alias, source, device, precision, labels, window."""
    slots = service.models.info()
    body = ModelInfo.model_validate({**slots[0], "models": slots})
    if not service.models.ready:
        return JSONResponse(body.model_dump(exclude_none=True), status_code=503)
    return body


@router.post(
    "/v1/ner", response_model=NerResponse, openapi_extra=body_spec(NerRequest), **PREDICTION
)
async def ner(request: Request, service: ServiceDep) -> Any:
    """Entities of one document, with character offsets into the text as sent."""
    body = await read_body(request, NerRequest, service.limits)
    (result,) = await service.predict(request, [DocumentIn(body.id, body.text)], body.enrich)
    return result


@router.post(
    "/v1/ner/batch",
    response_model=BatchResponse,
    openapi_extra=body_spec(BatchRequest),
    **PREDICTION,
)
async def ner_batch(request: Request, service: ServiceDep) -> Any:
    """Entities of several documents, in input order."""
    body = await read_body(request, BatchRequest, service.limits)
    documents = [DocumentIn(d.id, d.text) for d in body.documents]
    return BatchResponse(results=await service.predict(request, documents, body.enrich))
