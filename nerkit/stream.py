"""Streaming documents through the engine, host work in parallel with the forward passes.

Documents arrive as ``(id, text)`` pairs from any iterable and are cut into *chunks*
(:mod:`nerkit.chunks`: a few hundred thousand characters, or a few batches' worth of
windows on a GPU). Each chunk goes through three stages:

1. **prepare** (a host worker thread): tokenise (the Rust tokenizer releases the GIL, so
   workers tokenise in parallel), cut windows, plan batches by padded length under the
   token budget and assemble each batch's input arrays; on CUDA the arrays are pinned.
2. **forward** (the calling thread, which alone touches the model): each batch is copied
   to the device (non-blocking from pinned memory on CUDA), run, and soft-maxed there in
   fp32; on CUDA the probabilities come back by a non-blocking copy and a CUDA event, so
   the thread goes on to the next chunk while the GPU still works.
3. **finish** (a host worker thread): waits for the chunk's probabilities, stitches each
   document's windows and decodes its entities.

While chunk *n* is on the model, chunk *n+1* is being prepared and chunk *n-1* finished.
Results come back in input order. At most ``max_docs_in_flight`` documents are held at
any time (read but not yet yielded), so a job of millions of documents runs in bounded
memory. A document whose text cannot be tokenised, stitched or decoded, or whose batch
failed on the model, comes back with its ``error`` set; the stream goes on.

Entities never depend on the chunking: windows are padded by their own length, never by
their batch companions (see :mod:`nerkit.predictor`), so a document reads the same in any
chunk, alone or among others.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from nerkit.batching import (
    DocumentPrediction,
    TokenProbabilities,
    plan_batches,
    stitched_reading,
)
from nerkit.chunks import Chunk, iter_chunks
from nerkit.devices import available_cpus
from nerkit.windows import TokenizedText, document_encoder, document_windows, tokenize_documents

__all__ = [
    "DEFAULT_DOCS_IN_FLIGHT",
    "StreamEngine",
    "StreamResult",
    "chunk_chars",
    "default_workers",
    "tokenize_each",
]

log = logging.getLogger(__name__)

# A chunk of CPU work: big enough that per-chunk overhead vanishes (about 50,000
# word-pieces), small enough that the first results come back within a second.
CHUNK_CHARS = 200_000
CHUNK_BATCHES = 4  # on a GPU, a chunk holds about this many full batches of windows
CHARS_PER_TOKEN = 4  # contracts run 4.5-5 characters per word-piece; err towards small
DEFAULT_DOCS_IN_FLIGHT = 1024


@dataclass
class StreamResult:
    """One document's outcome: ``prediction``, or the ``error`` that stopped it."""

    id: Any
    text: str
    prediction: DocumentPrediction | None = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def default_workers(device: Any) -> int:
    """Host worker threads: on CUDA every CPU but the one driving the GPU; on CPU one.

    On a CPU the forward pass already runs on every core through torch's threads and host
    work is a few percent of the time, so one worker overlaps it without taking cores
    from the matrix multiplies.
    """
    if getattr(device, "type", str(device)) == "cpu":
        return 1
    return max(1, available_cpus() - 1)


def chunk_chars(batch_tokens: int, device: Any) -> int:
    """Characters per chunk for a token budget: ``CHUNK_CHARS`` on CPU, a few batches on CUDA."""
    if getattr(device, "type", str(device)) == "cpu":
        return CHUNK_CHARS
    return max(CHUNK_CHARS, CHUNK_BATCHES * batch_tokens * CHARS_PER_TOKEN)


def tokenize_each(tokenizer: Any, texts: Sequence[Any]) -> tuple[list[TokenizedText], list[Any]]:
    """Tokenised texts and per-text errors: one bad text does not fail its neighbours."""
    empty = TokenizedText(
        np.zeros(0, dtype=np.int64),
        np.zeros((0, 2), dtype=np.int64),
        np.zeros(0, dtype=np.int64),
        np.zeros(0, dtype=np.int64),
    )
    errors: list[BaseException | None] = [None] * len(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            errors[i] = TypeError(f"text must be a string, got {type(text).__name__}")
    good = [i for i, e in enumerate(errors) if e is None]
    tokenized = [empty] * len(texts)
    try:
        for i, tok in zip(
            good, tokenize_documents(tokenizer, [texts[i] for i in good]), strict=True
        ):
            tokenized[i] = tok
    except Exception:  # find which text it was: tokenise them one by one
        for i in good:
            try:
                tokenized[i] = tokenize_documents(tokenizer, [texts[i]])[0]
            except Exception as err:
                errors[i] = err
    return tokenized, errors


class StreamEngine:
    """Runs chunks of documents through a predictor's three stages (see the module doc)."""

    def __init__(self, predictor: Any, workers: int | None, max_docs_in_flight: int) -> None:
        if max_docs_in_flight < 1:
            raise ValueError(f"max_docs_in_flight={max_docs_in_flight} must be 1 or more")
        self.predictor = predictor
        self.workers = int(workers or default_workers(predictor.device))
        if self.workers < 1:
            raise ValueError(f"workers={workers} must be 1 or more")
        self.max_docs_in_flight = int(max_docs_in_flight)
        self.on_cuda = predictor.device.type == "cuda"
        # Seconds spent in each stage (summed over workers) and waited by the driver:
        # where the next bottleneck is (see bench/host.py).
        self.times = dict.fromkeys(("prepare", "forward", "finish", "driver_wait"), 0.0)
        self._times_lock = threading.Lock()
        document_encoder(predictor.tokenizer)  # made once here, not raced for by workers

    # --- stage 1: prepare -----------------------------------------------------------------

    def _timed(self, stage: str, started: float) -> None:
        with self._times_lock:
            self.times[stage] += time.perf_counter() - started

    def prepare(self, chunk: Chunk) -> Chunk:
        """Tokenise, window, plan and assemble the batches of one chunk (a worker)."""
        started = time.perf_counter()
        try:
            return self._prepare(chunk)
        except Exception as err:  # not one document's fault: the chunk fails, the stream goes on
            chunk.batch_error = err
            chunk.batches = []
            return chunk
        finally:
            self._timed("prepare", started)

    def _prepare(self, chunk: Chunk) -> Chunk:
        chunk.tokenized, chunk.errors = tokenize_each(self.predictor.tokenizer, chunk.texts)
        return self._plan(chunk)

    def _plan(self, chunk: Chunk) -> Chunk:
        """Windows, batches by padded length, and their input tensors, for tokenised text."""
        p = self.predictor
        n_special = p.special.count
        chunk.ranges = [
            document_windows(len(t), p.window, n_special, p.max_windows) for t in chunk.tokenized
        ]
        counts = [len(r) for r in chunk.ranges]
        chunk.doc_of = doc_of = np.repeat(np.arange(len(counts)), counts)
        flat = np.concatenate(chunk.ranges) if counts else np.zeros((0, 2), dtype=np.int64)
        chunk.lengths = flat[:, 1] - flat[:, 0]
        plan = plan_batches(
            chunk.lengths + n_special, p.batch_tokens, p.pad_multiple, p.window.max_length
        )
        for size, members in plan:
            inputs = p.batch_for(chunk.tokenized, doc_of, flat, members, size)
            chunk.batches.append((members, self._host_tensors(inputs)))
        return chunk

    def _host_tensors(self, inputs: dict[str, np.ndarray]) -> dict[str, Any]:
        import torch

        tensors = {k: torch.from_numpy(v) for k, v in inputs.items()}
        if self.on_cuda:  # pinned pages copy to the GPU asynchronously
            tensors = {k: v.pin_memory() for k, v in tensors.items()}
        return tensors

    # --- stage 2: forward (the calling thread only) ----------------------------------------

    def forward(self, chunk: Chunk, alive: Callable[[int], bool] | None = None) -> None:
        """Run every batch of the chunk on the model; results land in ``chunk.outputs``.

        ``alive(document index)`` is asked before each batch: the windows of documents no
        longer wanted are left out, and a batch left empty is not run.
        """
        import torch

        device = self.predictor.device
        started = time.perf_counter()
        try:
            with torch.inference_mode():
                for members, tensors in chunk.batches:
                    kept, rows = self._wanted(chunk, members, alive)
                    if len(kept) == 0:
                        continue
                    if rows is not None:  # rows keep their own padding: same numbers
                        tensors = {k: v[rows] for k, v in tensors.items()}
                    on_device = {
                        k: v.to(device, non_blocking=self.on_cuda) for k, v in tensors.items()
                    }
                    chunk.outputs.append((kept, self._probabilities(on_device)))
                if self.on_cuda:
                    chunk.ready = torch.cuda.Event()
                    chunk.ready.record()
        except Exception as err:  # an out-of-memory error included: this chunk only
            chunk.batch_error = err
            chunk.outputs = []
        self._timed("forward", started)

    @staticmethod
    def _wanted(
        chunk: Chunk, members: np.ndarray, alive: Callable[[int], bool] | None
    ) -> tuple[np.ndarray, Any]:
        """The batch's windows still wanted, and the rows to keep (None: all of them)."""
        if alive is None:
            return members, None
        docs = chunk.doc_of[members].tolist()
        keep = np.fromiter((alive(d) for d in docs), dtype=bool, count=len(docs))
        if keep.all():
            return members, None
        import torch

        return members[keep], torch.from_numpy(np.flatnonzero(keep))

    def _probabilities(self, tensors: dict[str, Any]) -> Any:
        import torch

        output = self.predictor._run(**tensors)
        logits = output.logits if hasattr(output, "logits") else output[0]
        # Softmax in fp32 on the device whatever the model ran in, so probabilities sum to one.
        probs = logits.float().softmax(dim=-1)
        if self.on_cuda:
            host = torch.empty(probs.shape, dtype=probs.dtype, pin_memory=True)
            return host.copy_(probs, non_blocking=True)
        return probs

    # --- stage 3: finish -------------------------------------------------------------------

    def finish(self, chunk: Chunk) -> list[StreamResult]:
        """Stitch and decode each document of the chunk (a worker)."""
        started = time.perf_counter()
        try:
            return self._finish(chunk)
        finally:
            self._timed("finish", started)

    def _finish(self, chunk: Chunk) -> list[StreamResult]:
        if chunk.ready is not None:
            chunk.ready.synchronize()
        if chunk.batch_error is not None:
            log.error("a chunk of %d document(s) failed: %r", len(chunk.ids), chunk.batch_error)
            errors = chunk.errors or [None] * len(chunk.ids)
            return [
                StreamResult(i, t, error=e or chunk.batch_error)
                for i, t, e in zip(chunk.ids, chunk.texts, errors, strict=True)
            ]
        window_probs = self._window_probs(chunk)
        return [self._document(chunk, i, window_probs[i]) for i in range(len(chunk.ids))]

    def _window_probs(self, chunk: Chunk) -> list[list[np.ndarray]]:
        """Each document's per-window probabilities, special tokens cut off."""
        n_prefix = len(self.predictor.special.prefix)
        flat: list[np.ndarray | None] = [None] * len(chunk.lengths)
        for members, probs in chunk.outputs:
            array = probs.numpy()
            for row, k in enumerate(members.tolist()):
                flat[k] = array[row, n_prefix : n_prefix + chunk.lengths[k]]
        out: list[list[np.ndarray]] = []
        start = 0
        for ranges in chunk.ranges:
            out.append([p for p in flat[start : start + len(ranges)] if p is not None])
            start += len(ranges)
        return out

    def _document(self, chunk: Chunk, i: int, window_probs: list[np.ndarray]) -> StreamResult:
        doc_id, text = chunk.ids[i], chunk.texts[i]
        if chunk.errors[i] is not None:
            return StreamResult(doc_id, text, error=chunk.errors[i])
        try:
            n_tags = len(self.predictor.scheme.tags)
            reading = stitched_reading(chunk.tokenized[i], chunk.ranges[i], window_probs, n_tags)
            entities = self.predictor.decode(text, reading)
        except Exception as err:
            return StreamResult(doc_id, text, error=err)
        return StreamResult(
            doc_id, text, DocumentPrediction(entities, reading.tokens, reading.windows)
        )

    def read_tokenized(
        self, tokenized: Sequence[TokenizedText], alive: Callable[[int], bool] | None = None
    ) -> list[TokenProbabilities | None]:
        """Stitched readings of already tokenised documents, on the calling thread.

        The service tokenises each request before admitting it (its cost decides the
        admission) and decodes in the request's own thread; its model worker calls this
        for the documents of one dynamic batch: the same windows, batches, forward pass
        and stitching as :meth:`run`. ``alive(i)`` is asked before every forward pass:
        once document ``i`` is no longer wanted (its client left, its deadline passed),
        its remaining windows are dropped and its reading is None. A failed forward pass
        raises.
        """
        chunk = Chunk(list(range(len(tokenized))), [""] * len(tokenized))
        chunk.tokenized = list(tokenized)
        chunk.errors = [None] * len(tokenized)
        self.forward(self._plan(chunk), alive)
        if chunk.ready is not None:
            chunk.ready.synchronize()
        if chunk.batch_error is not None:
            raise chunk.batch_error
        n_tags = len(self.predictor.scheme.tags)
        readings: list[TokenProbabilities | None] = []
        for i, probs in enumerate(self._window_probs(chunk)):
            if alive is not None and not alive(i):
                readings.append(None)
                continue
            readings.append(stitched_reading(chunk.tokenized[i], chunk.ranges[i], probs, n_tags))
        return readings

    # --- the driver ------------------------------------------------------------------------

    def run(self, items: Iterable[tuple[Any, str]]) -> Iterator[StreamResult]:
        """Results in input order; see the module doc for the stages and their overlap."""
        p = self.predictor
        chunks = iter_chunks(items, chunk_chars(p.batch_tokens, p.device))
        prepared: collections.deque[Future[Chunk]] = collections.deque()
        finishing: collections.deque[tuple[int, Future[list[StreamResult]]]] = collections.deque()
        in_flight = 0
        exhausted = False
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="nerkit-host")
        try:
            while True:
                # Keep the workers fed, within the bound on documents held.
                while not exhausted and len(prepared) <= self.workers:
                    if in_flight >= self.max_docs_in_flight and (prepared or finishing):
                        break
                    chunk = next(chunks, None)
                    if chunk is None:
                        exhausted = True
                        break
                    in_flight += len(chunk.ids)
                    prepared.append(pool.submit(self.prepare, chunk))
                if not prepared:
                    break
                waited = time.perf_counter()
                chunk = prepared.popleft().result()
                self._timed("driver_wait", waited)
                self.forward(chunk)
                finishing.append((len(chunk.ids), pool.submit(self.finish, chunk)))
                # Hand back whatever is done; wait for the oldest when too much is held.
                while finishing and (
                    finishing[0][1].done() or in_flight >= self.max_docs_in_flight
                ):
                    count, future = finishing.popleft()
                    in_flight -= count
                    waited = time.perf_counter()
                    done = future.result()
                    self._timed("driver_wait", waited)
                    yield from done
            while finishing:
                yield from finishing.popleft()[1].result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
