"""Dynamic batching: the windows of concurrent requests pooled into forward passes.

One worker thread owns the model device. Requests are tokenised (off the event loop)
and submitted as jobs: a job is the documents of one request for one model, with their
window count and token cost (windows x padded length, the unit of the budget). The
worker takes the oldest job, waits at most ``max_wait_ms`` (from when that job arrived)
for company, then takes every queued job of the same model, oldest first, while the
pooled cost stays within ``batch_tokens`` (the first job always goes, however large).
Their windows are read together by the streaming engine's stages
(:meth:`nerkit.stream.StreamEngine.read_tokenized`: packed by padded length, read,
soft-maxed on the device), stitched per document, and each job's asyncio
future is resolved from the worker thread with ``loop.call_soon_threadsafe``: the event
loop never waits on the model.

* Admission is bounded by expected work: the worker measures its reading speed (padded
  word-pieces per second, a moving average over recent batches), and
  :meth:`Batcher.submit` raises :class:`QueueFull` at once (the service answers 429 with
  ``Retry-After``) when a job would wait more than ``max_queue_s`` behind the work queued
  ahead of it, or when that work plus its own would not be done before the job's
  deadline. The same horizon (``max_queue_s``, or ``request_timeout_s`` when shorter)
  refuses a request before it is even read (:meth:`Batcher.has_room`,
  :meth:`Batcher.admit`). A window count
  (``max_queue_windows``) caps memory, and is the only bound until the first batch has
  given a speed.
* A job whose client went away, or whose deadline passed, is dropped: before inference,
  and between the forward passes of its batch (its remaining windows are never read), so
  an abandoned long document frees the model within one forward pass.
* An exception inside a batch (an out-of-memory error included) fails only the jobs of
  that batch, with :class:`BatchFailed`; the worker goes on with the next batch.
* :meth:`Batcher.call` runs any callable on the worker thread (model warm-up), in queue
  order, so nothing else touches the device meanwhile.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from nerkit.predictor import TokenProbabilities
from nerkit.windows import TokenizedText
from serve.worker_jobs import (
    BatchFailed,
    Call,
    Job,
    QueueFull,
    ServiceStopping,
    free_device_memory,
    is_out_of_memory,
    job_size,
    read_documents,
    settle,
)

# The errors callers catch, and the reading helpers tests and the warm-up use, from here.
__all__ = [
    "BatchFailed",
    "Batcher",
    "QueueFull",
    "ServiceStopping",
    "job_size",
    "read_documents",
]

log = logging.getLogger("serve.batcher")

MAX_RETRY_AFTER_S = 60
EWMA_WEIGHT = 0.3


class Batcher:
    """The model worker thread and its bounded queue of jobs."""

    def __init__(
        self,
        batch_tokens: int | None,
        max_wait_ms: float,
        max_queue_windows: int,
        metrics: Any = None,
        reader: Callable[..., list[TokenProbabilities | None]] = read_documents,
        request_timeout_s: float | None = None,
        max_queue_s: float | None = None,
    ) -> None:
        # None: each model's own budget (its predictor's, chosen by device).
        self.batch_tokens = None if batch_tokens is None else int(batch_tokens)
        self.max_wait_s = float(max_wait_ms) / 1000.0
        self.max_queue_windows = int(max_queue_windows)
        # The longest expected wait a request is admitted into (inf: no bound but deadlines).
        horizons = [float(x) for x in (request_timeout_s, max_queue_s) if x is not None]
        self.horizon_s = min(horizons, default=math.inf)
        self._active_tokens = 0  # tokens of the jobs the worker is reading now
        self.metrics = metrics
        self.reader = reader
        self._cond = threading.Condition()
        self._queue: collections.deque[Job | Call] = collections.deque()
        self._pending_windows = 0
        self._pending_tokens = 0
        self._pending_docs = 0
        self._admitted = 0  # documents admitted, still being tokenised
        self._tokens_per_s = 0.0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.batches = 0  # batches read so far (tests and figures)

    # --- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="nerkit-model-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Fail what is still queued (ServiceStopping), let the current batch end, join."""
        with self._cond:
            self._stopping = True
            left = list(self._queue)
            self._queue.clear()
            self._pending_windows = self._pending_tokens = self._pending_docs = 0
            self._cond.notify_all()
        for item in left:
            if isinstance(item, Job):
                self._count_rejected("shutdown", len(item.tokenized))
            settle(item.loop, item.future, error=ServiceStopping("the service is shutting down"))
        self._update_gauges()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stopping

    # --- submitting ----------------------------------------------------------------------

    @property
    def pending_windows(self) -> int:
        return self._pending_windows

    def has_room(self) -> bool:
        """Whether a new request may start: the queue would be read within a request's
        timeout, and queued windows plus admitted documents are under the window cap."""
        within_cap = self._pending_windows + self._admitted < self.max_queue_windows
        return within_cap and self.expected_wait() < self.horizon_s

    def expected_wait(self, extra_tokens: int = 0) -> float:
        """Seconds until the queued work (plus ``extra_tokens``) is read; 0 before any batch
        has measured the speed."""
        speed = self._tokens_per_s
        if speed <= 0:
            return 0.0
        return (self._pending_tokens + self._active_tokens + extra_tokens) / speed

    def admit(self, documents: int) -> None:
        """Reserve room for documents about to be tokenised (at least a window each), so an
        overload is refused up front rather than after tokenising; QueueFull when full.
        Call :meth:`release` once they are submitted (or abandoned)."""
        with self._cond:
            taken = self._pending_windows + self._admitted
            over_cap = taken + documents > self.max_queue_windows
            too_slow = self.expected_wait() >= self.horizon_s
            if taken and (over_cap or too_slow):
                self._count_rejected("queue_full", documents)
                raise QueueFull(self.retry_after())
            self._admitted += documents

    def release(self, documents: int) -> None:
        with self._cond:
            self._admitted = max(0, self._admitted - documents)

    def retry_after(self) -> int:
        """Seconds until the queue has likely drained, from the recent reading speed."""
        return max(1, min(MAX_RETRY_AFTER_S, math.ceil(self.expected_wait())))

    def submit(self, model: Any, tokenized: list[TokenizedText], deadline: float) -> Job:
        """Queue documents for ``model`` (call from the event loop); QueueFull when full."""
        loop = asyncio.get_running_loop()
        windows, tokens = job_size(model.predictor, tokenized)
        job = Job(model, tokenized, windows, tokens, deadline, loop, loop.create_future())
        with self._cond:
            if self._stopping:
                raise ServiceStopping("the service is shutting down")
            queued = self._pending_windows or self._active_tokens
            over_cap = self._pending_windows + windows > self.max_queue_windows
            # Work ahead of it plus its own, against what its deadline leaves.
            left = deadline - time.monotonic()
            too_slow = self._tokens_per_s > 0 and (
                self.expected_wait() > self.horizon_s or self.expected_wait(tokens) > left
            )
            if queued and (over_cap or too_slow):
                self._count_rejected("queue_full", len(tokenized))
                raise QueueFull(self.retry_after())
            self._queue.append(job)
            self._pending_windows += windows
            self._pending_tokens += tokens
            self._pending_docs += len(tokenized)
            self._cond.notify_all()
        self._update_gauges()
        return job

    async def call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the worker thread, in queue order; its result (or exception)."""
        loop = asyncio.get_running_loop()
        item = Call(fn, loop, loop.create_future())
        with self._cond:
            if self._stopping or self._thread is None:
                raise ServiceStopping("the model worker is not running")
            self._queue.append(item)
            self._cond.notify_all()
        return await item.future

    # --- the worker ------------------------------------------------------------------------

    def budget(self, model: Any) -> int:
        """Tokens per batch for ``model``: the configured budget, else its predictor's."""
        return self.batch_tokens or int(model.predictor.batch_tokens)

    def _same_model_tokens(self, model: Any) -> int:
        return sum(j.tokens for j in self._queue if isinstance(j, Job) and j.model is model)

    def _take(self, head: Job) -> list[Job]:
        """Jobs of head's model, oldest first, within the token budget (head always)."""
        taken: list[Job] = []
        kept: collections.deque[Job | Call] = collections.deque()
        tokens = 0
        full = False
        budget = self.budget(head.model)
        for item in self._queue:
            if (
                not full
                and isinstance(item, Job)
                and item.model is head.model
                and (not taken or tokens + item.tokens <= budget)
            ):
                taken.append(item)
                tokens += item.tokens
                full = tokens >= budget
            else:
                kept.append(item)
        self._queue = kept
        for job in taken:
            self._pending_windows -= job.windows
            self._pending_tokens -= job.tokens
            self._pending_docs -= len(job.tokenized)
        self._active_tokens = tokens
        return taken

    def _next(self) -> list[Job] | Call | None:
        """Block until there is work: a call, or a batch of jobs (None: stop)."""
        with self._cond:
            while not self._queue:
                if self._stopping:
                    return None
                self._cond.wait()
            head = self._queue[0]
            if isinstance(head, Call):
                self._queue.popleft()
                return head
            wait_until = head.enqueued + self.max_wait_s
            budget = self.budget(head.model)
            while not self._stopping and self._same_model_tokens(head.model) < budget:
                remaining = wait_until - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            if not self._queue or self._queue[0] is not head:  # stop() emptied the queue
                return []
            return self._take(head)

    def _run(self) -> None:
        while True:
            work = self._next()
            if work is None:
                return
            if isinstance(work, Call):
                try:
                    result = work.fn()
                except BaseException as err:
                    settle(work.loop, work.future, error=err)
                else:
                    settle(work.loop, work.future, result=result)
                continue
            if work:
                self._update_gauges()
                self._process(work)

    @staticmethod
    def _dropped(job: Job, now: float) -> str | None:
        """Why a job is no longer wanted (``client_gone``, ``deadline``...), else None."""
        if job.cancelled or job.future.done():
            return job.cancel_reason
        if now > job.deadline:
            return "deadline"
        return None

    def _drop(self, job: Job, reason: str) -> None:
        self._count_rejected(reason, len(job.tokenized))
        settle(job.loop, job.future, cancel=True)

    def _process(self, jobs: list[Job]) -> None:
        now = time.monotonic()
        live: list[Job] = []
        for job in jobs:
            reason = self._dropped(job, now)
            if reason is None:
                live.append(job)
            else:
                self._drop(job, reason)
        if not live:
            self._active_tokens = 0
            return
        predictor = live[0].model.predictor
        tokenized = [t for job in live for t in job.tokenized]
        job_of = [job for job in live for _ in job.tokenized]

        def alive(document: int) -> bool:  # asked before every forward pass
            return self._dropped(job_of[document], time.monotonic()) is None

        started = time.perf_counter()
        try:
            readings = self.reader(predictor, tokenized, alive)
        except Exception as err:
            self._fail(live, err)
            return
        finally:
            self._active_tokens = 0
        elapsed = max(time.perf_counter() - started, 1e-9)
        self.batches += 1
        if all(r is not None for r in readings):  # a cut-short batch says nothing of speed
            self._observe_speed(sum(job.tokens for job in live) / elapsed)
        self._record(readings, elapsed)
        self._settle_jobs(live, readings)

    def _settle_jobs(self, jobs: list[Job], readings: Sequence[TokenProbabilities | None]) -> None:
        position = 0
        for job in jobs:
            mine = readings[position : position + len(job.tokenized)]
            position += len(job.tokenized)
            if any(r is None for r in mine):  # dropped between forward passes
                self._drop(job, self._dropped(job, time.monotonic()) or job.cancel_reason)
            else:
                settle(job.loop, job.future, result=list(mine))

    def _fail(self, jobs: list[Job], err: Exception) -> None:
        oom = is_out_of_memory(err)
        lines = str(err).strip().splitlines()
        reason = f"{type(err).__name__}: {lines[0][:300] if lines else ''}"
        log.error(
            "inference failed for a batch of %d document(s) in %d request(s): %s",
            sum(len(job.tokenized) for job in jobs),
            len(jobs),
            reason,
        )
        if oom:
            free_device_memory()
        for job in jobs:
            self._count_rejected("batch_failed", len(job.tokenized))
            settle(job.loop, job.future, error=BatchFailed(reason, out_of_memory=oom))

    def _observe_speed(self, speed: float) -> None:
        self._tokens_per_s = (
            speed
            if self._tokens_per_s <= 0
            else (1 - EWMA_WEIGHT) * self._tokens_per_s + EWMA_WEIGHT * speed
        )

    def _record(self, readings: Sequence[TokenProbabilities | None], elapsed: float) -> None:
        if self.metrics is None:
            return
        read = [r for r in readings if r is not None]
        tokens_read = sum(r.tokens for r in read)
        self.metrics.batch_documents.observe(len(readings))
        self.metrics.batch_windows.observe(sum(r.windows for r in read))
        self.metrics.batch_seconds.observe(elapsed)
        self.metrics.tokens.inc(tokens_read)
        self.metrics.tokens_per_second.set(tokens_read / elapsed)

    def _count_rejected(self, reason: str, documents: int) -> None:
        if self.metrics is not None:
            self.metrics.rejected.labels(reason).inc(documents)

    def _update_gauges(self) -> None:
        if self.metrics is not None:
            self.metrics.queue_windows.set(self._pending_windows)
            self.metrics.queue_documents.set(self._pending_docs)
