"""What the model worker thread is handed, and how it answers the event loop.

A :class:`Job` is the documents of one request for one model; a :class:`Call` is any
callable to run on the worker (model warm-up). Each carries the asyncio future its caller
awaits, which the worker resolves with :func:`settle`: through
``loop.call_soon_threadsafe``, so the worker never waits on the event loop. The errors
are what a job's caller may get instead of its readings (:mod:`serve.batcher` decides).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nerkit.predictor import TokenProbabilities, padded_length
from nerkit.windows import TokenizedText, document_windows


class QueueFull(Exception):
    """The queue holds too many windows; try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the model queue is full; retry in {retry_after} s")
        self.retry_after = retry_after


class ServiceStopping(Exception):
    """The batcher is stopping: no new work."""


class BatchFailed(Exception):
    """Inference failed for the batch this job was in (other batches are unaffected)."""

    def __init__(self, reason: str, out_of_memory: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.out_of_memory = out_of_memory


@dataclass(eq=False)
class Job:
    """The documents of one request for one model, waiting to be read."""

    model: Any  # has .predictor (a nerkit Predictor)
    tokenized: list[TokenizedText]
    windows: int
    tokens: int
    deadline: float  # time.monotonic()
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[list[TokenProbabilities]]
    enqueued: float = field(default_factory=time.monotonic)
    cancelled: bool = False
    cancel_reason: str = "client_gone"

    def cancel(self, reason: str = "client_gone") -> None:
        """Drop this job if it has not been read yet (``client_gone``, ``deadline``...)."""
        if not self.cancelled:
            self.cancel_reason = reason
        self.cancelled = True


@dataclass(eq=False)
class Call:
    fn: Callable[[], Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]


def settle(
    loop: asyncio.AbstractEventLoop,
    future: asyncio.Future[Any],
    result: Any = None,
    error: BaseException | None = None,
    cancel: bool = False,
) -> None:
    """Resolve an asyncio future from the worker thread (never blocks on the loop)."""

    def apply() -> None:
        if future.done():
            return
        if cancel:
            future.cancel()
        elif error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
        loop.call_soon_threadsafe(apply)


def is_out_of_memory(err: BaseException) -> bool:
    try:
        import torch

        oom = getattr(torch.cuda, "OutOfMemoryError", None)
        if oom is not None and isinstance(err, oom):
            return True
    except ImportError:  # pragma: no cover
        pass
    return isinstance(err, MemoryError) or "out of memory" in str(err).lower()


def free_device_memory() -> None:
    """Hand cached GPU memory back after an out-of-memory error (best effort)."""
    try:
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    except Exception:  # pragma: no cover - best effort
        pass


def job_size(predictor: Any, tokenized: Sequence[TokenizedText]) -> tuple[int, int]:
    """``(windows, tokens)`` of documents: tokens are padded rows, the batch budget's unit."""
    n_special = predictor.special.count
    windows = tokens = 0
    for tok in tokenized:
        ranges = document_windows(len(tok), predictor.window, n_special, predictor.max_windows)
        windows += len(ranges)
        for start, end in ranges.tolist():
            tokens += padded_length(
                end - start + n_special, predictor.pad_multiple, predictor.window.max_length
            )
    return windows, tokens


def read_documents(
    predictor: Any,
    tokenized: Sequence[TokenizedText],
    alive: Callable[[int], bool] | None = None,
) -> list[TokenProbabilities | None]:
    """Window, read, and stitch already tokenised documents (one pooled call) through the
    streaming engine's stages (:meth:`nerkit.stream.StreamEngine.read_tokenized`), the
    same windows, batches, forward pass and stitching as ``predict_stream``; documents
    for which ``alive(i)`` turns false stop being read (their reading is None)."""
    return predictor.stream_engine().read_tokenized(tokenized, alive)
