"""Everything behind the routes: models, batcher, post-processing, enrichment."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from nerkit.documents import Entity
from nerkit.kb.enrich import Enricher, group_mentions
from nerkit.output import document_entities
from nerkit.postprocess import Chain, build_chain
from serve.batcher import Batcher
from serve.errors import ClientGone, DeadlineExceeded, EnrichmentUnavailable, PostprocessFailed
from serve.metrics import Metrics
from serve.models import LoadedModel, Loader, ModelManager, merge_entities
from serve.schemas import EntityOut, MentionGroup, Meta, ModelUsed, NerResponse
from serve.settings import Settings

log = logging.getLogger("serve")

DISCONNECT_POLL_S = 0.1
NO_RULES = Chain([])


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
