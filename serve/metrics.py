"""Prometheus metrics of one app (its own CollectorRegistry, so tests can build many apps).

Nothing here ever sees a document's text: labels are route templates, methods, status
codes, model names and versions.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
COUNT_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
UNMATCHED_ROUTE = "unmatched"


class Metrics:
    """Every metric the service exports."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        by_request = ["route", "method", "status"]
        self.requests = self._counter(
            "nerkit_http_requests",
            "HTTP requests answered, by route template, method and status code",
            by_request,
        )
        self.latency = self._histogram(
            "nerkit_http_request_duration_seconds",
            "Time from request start to the end of the response, by route template and status",
            LATENCY_BUCKETS,
            by_request,
        )
        # The size of each pooled batch, in documents and in windows.
        self.batch_documents, self.batch_windows = (
            self._histogram(
                f"nerkit_batch_{unit}",
                f"{unit.capitalize()} read together in one pooled batch",
                COUNT_BUCKETS,
            )
            for unit in ("documents", "windows")
        )
        self.batch_seconds = self._histogram(
            "nerkit_batch_inference_seconds",
            "Model time of one pooled batch (forward passes and stitching)",
            LATENCY_BUCKETS,
        )
        # What waits for the model, in windows and in documents.
        self.queue_windows, self.queue_documents = (
            self._gauge(f"nerkit_queue_{unit}", f"{unit.capitalize()} waiting for the model")
            for unit in ("windows", "documents")
        )
        self.tokens = self._counter(
            "nerkit_tokens_read", "Word-pieces read by the model (windows overlap)"
        )
        self.tokens_per_second = self._gauge(
            "nerkit_tokens_per_second", "Word-pieces per second of model time, over the last batch"
        )
        self.rejected = self._counter(
            "nerkit_rejected_documents",
            "Documents not read: queue_full (a request refused before its body is read counts"
            " one), deadline, client_gone, batch_failed, shutdown, error",
            ["reason"],
        )
        self.model_info = self._gauge(
            "nerkit_model_info",
            "The model version each slot serves (value 1)",
            ["slot", "name", "version", "alias", "source"],
        )
        self.ready = self._gauge("nerkit_ready", "1 when every model is loaded and warm")
        self._model_labels: dict[str, tuple[str, ...]] = {}

    def _counter(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Counter:
        return Counter(name, documentation, labels, registry=self.registry)

    def _gauge(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Gauge:
        return Gauge(name, documentation, labels, registry=self.registry)

    def _histogram(
        self, name: str, documentation: str, buckets: Sequence[float], labels: Sequence[str] = ()
    ) -> Histogram:
        return Histogram(name, documentation, labels, buckets=buckets, registry=self.registry)

    def set_model(self, slot: str, name: str, version: str, alias: str, source: str) -> None:
        labels = (slot, name, version, alias, source)
        previous = self._model_labels.get(slot)
        if previous is not None and previous != labels:
            self.model_info.remove(*previous)
        self.model_info.labels(*labels).set(1)
        self._model_labels[slot] = labels

    def render(self) -> bytes:
        return generate_latest(self.registry)


def route_of(scope: dict[str, Any]) -> str:
    """The route template that handled a request (never the raw path: no cardinality blow-up)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else UNMATCHED_ROUTE


class MetricsMiddleware:
    """Pure ASGI middleware counting requests by route and status, and timing them."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = route_of(scope)
            method = str(scope.get("method", ""))
            self.metrics.requests.labels(route, method, str(status)).inc()
            elapsed = time.perf_counter() - started
            self.metrics.latency.labels(route, method, str(status)).observe(elapsed)
