"""The HTTP service: ``create_app(settings, loader=...)`` builds it.

Routes:

* ``POST /v1/ner`` — one document; ``POST /v1/ner/batch`` — several, results in input
  order; ``GET /v1/model`` — what is served (prediction key);
* ``POST /admin/reload`` — re-resolve the alias (or a given alias / version of a
  configured model) and swap atomically; the old model serves on if anything fails
  (admin key);
* ``GET /healthz`` (alive), ``GET /readyz`` (models loaded and warm, not draining),
  ``GET /metrics`` (Prometheus) — open.

The pieces: :mod:`serve.service` (the Service behind the routes), :mod:`serve.errors`
(exceptions, handlers, documented error responses), :mod:`serve.dependencies` (what the
routes depend on), :mod:`serve.routers` (one APIRouter per route group) and
:mod:`serve.openapi`; ``create_app`` assembles them.

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

import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from serve.errors import install_error_handlers
from serve.metrics import Metrics, MetricsMiddleware
from serve.models import DefaultLoader, Loader, shown
from serve.openapi import install_openapi
from serve.routers import admin, health, ner
from serve.security import log_exposure
from serve.service import Service
from serve.settings import Settings

log = logging.getLogger("serve")


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
    install_error_handlers(app, settings)
    install_openapi(app)

    for router in (health.router, ner.router, admin.router):
        app.include_router(router)
    return app
