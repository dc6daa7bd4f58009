"""The phases of the load test: clients in a closed loop, requests offered open loop, and
a client that leaves mid-read; each phase's latencies, refusals and errors."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

from bench.load_service import rejected_on_server


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    refused: list[float] = field(default_factory=list)  # 429 latencies
    errors: dict[str, int] = field(default_factory=dict)
    tokens: int = 0
    elapsed: float = 0.0

    def record(self, status: int, latency: float, tokens: int) -> None:
        if status == 200:
            self.latencies.append(latency)
            self.tokens += tokens
        elif status == 429:
            self.refused.append(latency)
        else:
            self.errors[str(status)] = self.errors.get(str(status), 0) + 1

    def summary(self) -> dict[str, Any]:
        ok = len(self.latencies)
        return {
            "phase": self.name,
            "ok": ok,
            "refused_429": len(self.refused),
            "errors": self.errors,
            "seconds": round(self.elapsed, 2),
            "requests_per_s": round(ok / self.elapsed, 2) if self.elapsed else 0.0,
            "tokens_per_s": round(self.tokens / self.elapsed, 1) if self.elapsed else 0.0,
            "p50_ms": percentile_ms(self.latencies, 50),
            "p95_ms": percentile_ms(self.latencies, 95),
            "p99_ms": percentile_ms(self.latencies, 99),
            "refusal_p50_ms": percentile_ms(self.refused, 50),
            "refusal_p99_ms": percentile_ms(self.refused, 99),
        }


def percentile_ms(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[rank] * 1000, 2)


async def one_request(
    client: Any, text: str, phase: Phase, headers: dict[str, str]
) -> float | None:
    """Send one document; the seconds its answer asks to wait (``Retry-After``), if any."""
    started = time.perf_counter()
    try:
        response = await client.post("/v1/ner", json={"text": text}, headers=headers)
    except Exception as err:
        phase.errors[type(err).__name__] = phase.errors.get(type(err).__name__, 0) + 1
        return None
    latency = time.perf_counter() - started
    tokens = response.json()["meta"]["tokens"] if response.status_code == 200 else 0
    phase.record(response.status_code, latency, tokens)
    retry_after = response.headers.get("Retry-After")
    return float(retry_after) if response.status_code == 429 and retry_after else None


async def closed_loop(
    client: Any, texts: list[str], concurrency: int, args: argparse.Namespace, headers: dict
) -> Phase:
    """``concurrency`` clients, each sending its next request when the last one is answered,
    or, after a 429, when its ``Retry-After`` has passed (as a well-behaved client does)."""
    phase = Phase(f"concurrency {concurrency}")
    budget = {"left": args.max_requests}
    stop_at = time.perf_counter() + args.duration

    async def worker(w: int) -> None:
        i = w
        while time.perf_counter() < stop_at and budget["left"] > 0:
            budget["left"] -= 1
            retry_after = await one_request(client, texts[i % len(texts)], phase, headers)
            i += concurrency
            if retry_after:
                await asyncio.sleep(min(retry_after, max(0.0, stop_at - time.perf_counter())))

    started = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    phase.elapsed = time.perf_counter() - started
    return phase


async def open_loop(
    client: Any, texts: list[str], rate: float, args: argparse.Namespace, headers: dict
) -> Phase:
    """Requests offered at ``rate`` per second whatever the answers (overload)."""
    phase = Phase(f"open loop at {rate:.1f} req/s (2x capacity)")
    tasks = []
    started = time.perf_counter()
    n = 0
    while time.perf_counter() - started < args.duration and n < args.max_requests:
        tasks.append(
            asyncio.create_task(one_request(client, texts[n % len(texts)], phase, headers))
        )
        n += 1
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
    await asyncio.gather(*tasks)
    phase.elapsed = time.perf_counter() - started
    return phase


async def abandoned_request(
    client: Any, texts: list[str], args: argparse.Namespace, headers: dict
) -> dict[str, Any]:
    """A long request whose client leaves mid-read; how soon the model serves the next one.

    The long request is sent, given time to be tokenised and read for a while, then its
    connection is dropped; a short request follows at once, and again every 20 ms while the
    service still answers 429 (it refuses until it has noticed the disconnect, within
    ``DISCONNECT_POLL_S``). With the model freed between forward passes, the first short
    request served is answered about one batch plus its own reading after the client left.
    """
    huge = " ".join(texts * (1 + args.abandon_chars // max(1, len(" ".join(texts)))))
    huge = huge[: args.abandon_chars]
    before = rejected_on_server((await client.get("/metrics")).text, "client_gone")
    task = asyncio.create_task(client.post("/v1/ner", json={"text": huge}, headers=headers))
    await asyncio.sleep(3.0)  # tokenised and being read
    task.cancel()
    with contextlib.suppress(BaseException):
        await task
    left = time.perf_counter()
    refused = 0
    while True:
        response = await client.post("/v1/ner", json={"text": texts[0]}, headers=headers)
        if response.status_code != 429 or time.perf_counter() - left > 60:
            break
        refused += 1
        await asyncio.sleep(0.02)
    latency = time.perf_counter() - left
    await asyncio.sleep(1.0)  # the watcher's poll sees the disconnect well within this
    after = rejected_on_server((await client.get("/metrics")).text, "client_gone")
    return {
        "phase": f"abandoned {len(huge):,}-character request",
        "next_status": response.status_code,
        "next_latency_ms": round(1000 * latency, 1),
        "refused_meanwhile": refused,
        "server_client_gone": after - before,
    }


def print_row(row: dict[str, Any]) -> None:
    refused = (
        f", 429: {row['refused_429']} (p50 {row['refusal_p50_ms']} ms,"
        f" p99 {row['refusal_p99_ms']} ms)"
        if row["refused_429"]
        else ""
    )
    errors = f", errors: {row['errors']}" if row["errors"] else ""
    print(
        f"{row['phase']:<36} {row['requests_per_s']:>8} req/s {row['tokens_per_s']:>10} tok/s  "
        f"p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms  p99 {row['p99_ms']} ms"
        f"  ({row['ok']} ok in {row['seconds']} s{refused}{errors})"
    )
