"""The dynamic batcher alone: pooling, budget, isolation of failures, bounds, dropping."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch

from nerkit.predictor import Predictor
from nerkit.windows import WindowConfig
from serve.batcher import (
    Batcher,
    BatchFailed,
    QueueFull,
    ServiceStopping,
    job_size,
    read_documents,
)
from serve.models import merge_entities, warm_up


@dataclass(eq=False)
class Model:
    predictor: Any


@pytest.fixture(scope="module")
def model(serve_bundle) -> Model:
    return Model(Predictor.from_bundle(serve_bundle, device="cpu", batch_tokens=1024))


@pytest.fixture(scope="module")
def other_model(second_bundle) -> Model:
    return Model(Predictor.from_bundle(second_bundle, device="cpu", batch_tokens=1024))


def tokenize(model: Model, *texts: str):
    from nerkit.windows import tokenize_documents

    return tokenize_documents(model.predictor.tokenizer, list(texts))


class Recorder:
    """A reader that records what each batch held, and can fail one batch."""

    def __init__(self) -> None:
        self.batches: list[int] = []
        self.models: list[Any] = []
        self.threads: set[str] = set()
        self.fail_next = False

    def __call__(self, predictor, tokenized, alive=None):
        self.threads.add(threading.current_thread().name)
        self.batches.append(len(tokenized))
        self.models.append(predictor)
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("boom")
        return read_documents(predictor, tokenized, alive)


def run(coro):
    return asyncio.run(coro)


def test_job_size_counts_windows_and_padded_tokens(model):
    (short,) = tokenize(model, "Zorblax pays Quentin.")
    (long,) = tokenize(model, " ".join(["agreement"] * 300))
    windows, tokens = job_size(model.predictor, [short])
    assert windows == 1 and tokens == 16  # padded to a multiple of 16
    windows, tokens = job_size(model.predictor, [long])
    assert windows > 1 and tokens == 64 * windows


def test_concurrent_jobs_are_pooled_into_one_batch(model):
    recorder = Recorder()
    batcher = Batcher(4096, max_wait_ms=200, max_queue_windows=100, reader=recorder)

    async def main():
        batcher.start()
        deadline = time.monotonic() + 10
        jobs = [batcher.submit(model, tokenize(model, f"text {i}"), deadline) for i in range(6)]
        results = await asyncio.gather(*(j.future for j in jobs))
        batcher.stop()
        return results

    results = run(main())
    assert recorder.batches == [6]
    assert recorder.threads == {"nerkit-model-worker"}
    assert [len(r) for r in results] == [1] * 6


def test_the_budget_splits_batches_oldest_first(model):
    recorder = Recorder()
    # Each short text costs 16 tokens: a budget of 32 takes two jobs per batch.
    batcher = Batcher(32, max_wait_ms=100, max_queue_windows=100, reader=recorder)
    (huge,) = tokenize(model, " ".join(["agreement"] * 300))

    async def main():
        deadline = time.monotonic() + 10
        jobs = [batcher.submit(model, [huge], deadline)]  # larger than the budget: alone
        jobs += [batcher.submit(model, tokenize(model, f"t{i}"), deadline) for i in range(5)]
        batcher.start()
        await asyncio.gather(*(j.future for j in jobs))
        batcher.stop()

    run(main())
    assert recorder.batches == [1, 2, 2, 1]


def test_without_a_budget_each_model_brings_its_own(serve_bundle):
    recorder = Recorder()
    small = Model(Predictor.from_bundle(serve_bundle, device="cpu", batch_tokens=32))
    batcher = Batcher(None, max_wait_ms=100, max_queue_windows=100, reader=recorder)
    assert batcher.budget(small) == 32
    assert Batcher(64, 0, 1).budget(small) == 64, "a configured budget wins"

    async def main():
        deadline = time.monotonic() + 10
        jobs = [batcher.submit(small, tokenize(small, f"t{i}"), deadline) for i in range(5)]
        batcher.start()
        await asyncio.gather(*(j.future for j in jobs))
        batcher.stop()

    run(main())
    assert recorder.batches == [2, 2, 1]  # 16 tokens each under the predictor's 32


def test_models_are_never_mixed_in_a_batch(model, other_model):
    recorder = Recorder()
    batcher = Batcher(4096, max_wait_ms=100, max_queue_windows=100, reader=recorder)

    async def main():
        deadline = time.monotonic() + 10
        jobs = [
            batcher.submit(m, tokenize(m, "Zorblax pays."), deadline)
            for m in (model, other_model, model, other_model)
        ]
        batcher.start()
        await asyncio.gather(*(j.future for j in jobs))
        batcher.stop()

    run(main())
    assert recorder.batches == [2, 2]
    assert recorder.models == [model.predictor, other_model.predictor]


def test_a_failure_fails_only_its_batch(model, other_model):
    recorder = Recorder()
    recorder.fail_next = True
    batcher = Batcher(4096, max_wait_ms=50, max_queue_windows=100, reader=recorder)

    async def main():
        deadline = time.monotonic() + 10
        failing = [batcher.submit(model, tokenize(model, f"a{i}"), deadline) for i in range(2)]
        fine = batcher.submit(other_model, tokenize(other_model, "b"), deadline)
        batcher.start()
        outcomes = await asyncio.gather(
            *(j.future for j in [*failing, fine]), return_exceptions=True
        )
        later = batcher.submit(model, tokenize(model, "c"), time.monotonic() + 10)
        outcomes.append(await later.future)
        batcher.stop()
        return outcomes

    first, second, fine, later = run(main())
    assert isinstance(first, BatchFailed) and isinstance(second, BatchFailed)
    assert "RuntimeError: boom" in first.reason and not first.out_of_memory
    assert len(fine) == 1 and len(later) == 1


def test_cancelled_and_expired_jobs_are_dropped_before_inference(model):
    recorder = Recorder()
    batcher = Batcher(4096, max_wait_ms=50, max_queue_windows=100, reader=recorder)

    async def main():
        now = time.monotonic()
        gone = batcher.submit(model, tokenize(model, "gone"), now + 10)
        expired = batcher.submit(model, tokenize(model, "expired"), now - 1)
        kept = batcher.submit(model, tokenize(model, "kept"), now + 10)
        gone.cancel()
        batcher.start()
        done = await asyncio.gather(
            gone.future, expired.future, kept.future, return_exceptions=True
        )
        batcher.stop()
        return done

    gone, expired, kept = run(main())
    assert isinstance(gone, asyncio.CancelledError)
    assert isinstance(expired, asyncio.CancelledError)
    assert len(kept) == 1
    assert recorder.batches == [1]


def test_the_queue_is_bounded_in_windows(model):
    batcher = Batcher(4096, max_wait_ms=0, max_queue_windows=3, reader=Recorder())
    (long,) = tokenize(model, " ".join(["agreement"] * 300))

    async def main():
        deadline = time.monotonic() + 10
        alone = batcher.submit(model, [long], deadline)  # over the bound, but the queue is empty
        assert not batcher.has_room()
        with pytest.raises(QueueFull) as full:
            batcher.submit(model, tokenize(model, "one more"), deadline)
        assert full.value.retry_after >= 1
        batcher.start()
        await alone.future
        assert batcher.has_room()
        batcher.submit(model, tokenize(model, "now it fits"), deadline)
        batcher.stop()

    run(main())


def test_stop_fails_what_is_queued_and_refuses_more(model):
    batcher = Batcher(4096, max_wait_ms=0, max_queue_windows=100, reader=Recorder())

    async def main():
        job = batcher.submit(model, tokenize(model, "queued"), time.monotonic() + 10)
        batcher.stop()
        with pytest.raises(ServiceStopping):
            await job.future
        with pytest.raises(ServiceStopping):
            batcher.submit(model, tokenize(model, "late"), time.monotonic() + 10)

    run(main())


def test_calls_run_on_the_worker_thread_and_warm_up_works(model):
    batcher = Batcher(1024, max_wait_ms=0, max_queue_windows=100)

    async def main():
        batcher.start()
        name = await batcher.call(lambda: threading.current_thread().name)
        await batcher.call(lambda: warm_up(model.predictor, 1024))
        with pytest.raises(ZeroDivisionError):
            await batcher.call(lambda: 1 / 0)
        batcher.stop()
        return name

    assert run(main()) == "nerkit-model-worker"


def test_readings_match_the_engine(model):
    texts = ["Zorblax Holdings pays Quentin Farnsworth.", " ".join(["agreement"] * 200)]
    readings = read_documents(model.predictor, tokenize(model, *texts))
    expected = model.predictor.predict_token_probs(texts)
    for got, want in zip(readings, expected, strict=True):
        np.testing.assert_array_equal(got.probs, want.probs)
        assert (got.tokens, got.windows) == (want.tokens, want.windows)


def test_merge_policies():
    from nerkit.documents import Entity

    a = [Entity("ORG", 0, 10, "x" * 10, 0.5), Entity("DATE", 20, 25, "y" * 5, 0.9)]
    b = [Entity("ORG", 5, 15, "z" * 10, 0.8), Entity("MONEY", 30, 35, "w" * 5, 0.1)]
    by_priority = merge_entities([(0, a), (1, b)], "priority")
    assert [(e.start, e.end) for e in by_priority] == [(0, 10), (20, 25), (30, 35)]
    by_score = merge_entities([(0, a), (1, b)], "score")
    assert [(e.start, e.end) for e in by_score] == [(5, 15), (20, 25), (30, 35)]
    tie = merge_entities([(0, [a[0]]), (0, [Entity("PERSON", 0, 10, "x" * 10, 0.5)])], "score")
    assert [e.label for e in tie] == ["ORG"]  # the model configured first


def test_admission_reserves_room_while_documents_are_tokenised():
    batcher = Batcher(4096, max_wait_ms=0, max_queue_windows=4, reader=Recorder())
    batcher.admit(3)
    assert batcher.has_room()
    with pytest.raises(QueueFull):
        batcher.admit(2)
    batcher.admit(1)
    assert not batcher.has_room()
    batcher.release(4)
    assert batcher.has_room()
    batcher.admit(10)  # an empty queue always admits one request, however large


# --- admission by expected work, and dropping between forward passes --------------------


class SlowModel(torch.nn.Module):
    """The tiny model, ``seconds`` slower per forward pass; counts its passes."""

    def __init__(self, model, seconds):
        super().__init__()
        self.model, self.seconds, self.config = model, seconds, model.config
        self.passes = 0

    def forward(self, **inputs):
        self.passes += 1
        time.sleep(self.seconds)
        return self.model(**inputs)


@pytest.fixture()
def slow(tiny_model, tokenizer, contract_tags):
    model = SlowModel(tiny_model, seconds=0.05)
    predictor = Predictor(
        model, tokenizer, contract_tags, WindowConfig(64, 16), device="cpu", batch_tokens=64
    )
    return Model(predictor), model


def test_a_request_abandoned_mid_read_frees_the_worker_within_one_pass(slow):
    """A 1,000,000-character document whose client leaves stops being read at once."""
    model, fake = slow
    huge = tokenize(model, "Zorblax agrees. " * 62_500)  # 1,000,000 characters
    small = tokenize(model, "Quentin Farnsworth signs.")
    batcher = Batcher(None, max_wait_ms=0, max_queue_windows=10**6)

    async def main():
        batcher.start()
        deadline = time.monotonic() + 600
        job = batcher.submit(model, huge, deadline)
        while fake.passes < 3:  # it is being read
            await asyncio.sleep(0.01)
        job.cancel("client_gone")
        cancelled_at = fake.passes
        next_job = batcher.submit(model, small, deadline)
        started = time.monotonic()
        await next_job.future
        waited = time.monotonic() - started
        with pytest.raises(asyncio.CancelledError):
            await job.future
        batcher.stop()
        return cancelled_at, waited

    cancelled_at, waited = run(main())
    windows, _ = job_size(model.predictor, huge)
    assert windows > 5_000  # minutes of reading at 50 ms a pass
    # At most the pass under way when it was dropped, then the next request's one.
    assert fake.passes <= cancelled_at + 2
    assert waited < 2.0


def test_a_deadline_passing_mid_read_stops_the_reading(slow):
    model, fake = slow
    long = tokenize(model, "Zorblax agrees. " * 2000)  # about 200 passes

    async def main():
        batcher = Batcher(None, max_wait_ms=0, max_queue_windows=10**6)
        batcher.start()
        job = batcher.submit(model, long, time.monotonic() + 0.3)
        with pytest.raises(asyncio.CancelledError):
            await job.future
        batcher.stop()

    run(main())
    assert 3 <= fake.passes <= 10  # about 0.3 s of 50 ms passes, not 200


async def measured(batcher, model, doc) -> float:
    """Run one job so the batcher knows its speed; the seconds one ``doc`` takes."""
    batcher.start()
    await batcher.submit(model, doc, time.monotonic() + 30).future
    assert batcher._tokens_per_s > 0
    return job_size(model.predictor, doc)[1] / batcher._tokens_per_s


def test_admission_is_bounded_by_expected_work_against_the_deadline(slow):
    model, _ = slow
    batcher = Batcher(None, max_wait_ms=0, max_queue_windows=10**6)
    doc = tokenize(model, "Zorblax agrees. " * 40)  # a few 50 ms passes

    async def main():
        seconds_each = await measured(batcher, model, doc)
        # Queue about 3 s of work: within a 30 s deadline, but not within 1 s.
        jobs = [batcher.submit(model, doc, time.monotonic() + 30) for _ in range(6)]
        assert batcher.expected_wait() > 1.0
        started = time.monotonic()
        with pytest.raises(QueueFull) as late:
            batcher.submit(model, doc, time.monotonic() + 1.0)
        assert time.monotonic() - started < 0.05  # refused at once, not after a wait
        assert late.value.retry_after >= 1
        admitted = batcher.submit(model, doc, time.monotonic() + 30)  # its deadline allows
        await asyncio.gather(*(j.future for j in [*jobs, admitted]))
        batcher.stop()
        return seconds_each

    assert run(main()) > 0.05


def test_admission_keeps_the_queue_within_max_queue_s(slow):
    model, _ = slow
    batcher = Batcher(
        None, max_wait_ms=0, max_queue_windows=10**6, request_timeout_s=60, max_queue_s=1.0
    )
    doc = tokenize(model, "Zorblax agrees. " * 40)

    async def main():
        seconds_each = await measured(batcher, model, doc)
        assert batcher.has_room()
        jobs = []
        with pytest.raises(QueueFull) as full:
            for _ in range(100):
                jobs.append(batcher.submit(model, doc, time.monotonic() + 60))
        # Admitted while the wait ahead was within 1 s; not one more.
        assert 1.0 - seconds_each <= batcher.expected_wait() <= 1.0 + 2 * seconds_each
        assert len(jobs) < 100 and full.value.retry_after >= 1
        assert not batcher.has_room()  # refused before a body is even read
        with pytest.raises(QueueFull):
            batcher.admit(1)
        await asyncio.gather(*(j.future for j in jobs))
        assert batcher.has_room()
        batcher.admit(1)
        batcher.stop()

    run(main())
