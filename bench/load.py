"""Load test of the HTTP service on loopback: throughput and latency percentiles.

    python -m bench.load                                   a tiny random model (service only)
    python -m bench.load --bundle outputs/train/x/bundle   a real bundle
    python -m bench.load --url http://127.0.0.1:8000       a service already running here

Starts ``python -m serve`` on 127.0.0.1 (unless ``--url`` names a loopback service),
then, for each concurrency level (default 1, 8, 32), keeps that many requests in flight
for ``--duration`` seconds (at most ``--max-requests`` requests) and reports requests
and word-pieces per second and p50 / p95 / p99 latency. Last, it offers twice the best
throughput measured, open loop, and reports how many requests got 429 and how fast
(the service should refuse within 50 ms). Nothing leaves the machine: other hosts are
refused. The client runs on the same CPUs as the service, so on a small machine the
figures are a lower bound; report them with the machine they came from.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
VOCABULARY = (
    "agreement party hereby shall payment notice term clause schedule lender borrower "
    "Zorblax Holdings Limited Quentin Farnsworth Delaware March 2021 USD 1,250,000.00 "
    "indemnify warrant covenant Inc. LLC GmbH governed laws State New York"
)
WORDS = VOCABULARY.split(" ")
REFUSAL_BUDGET_S = 0.050


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


def refusals_on_server(metrics_text: str) -> tuple[float, float]:
    """``(429 answers of /v1/ner, of which within 50 ms)`` from the service's own latency
    histogram (time inside the app, without the client's or the kernel's queues)."""
    from prometheus_client.parser import text_string_to_metric_families

    total = within = 0.0
    for family in text_string_to_metric_families(metrics_text):
        if family.name != "nerkit_http_request_duration_seconds":
            continue
        for sample in family.samples:
            labels = sample.labels
            if labels.get("route") != "/v1/ner" or labels.get("status") != "429":
                continue
            if sample.name.endswith("_count"):
                total += sample.value
            elif sample.name.endswith("_bucket") and float(labels["le"]) == REFUSAL_BUDGET_S:
                within += sample.value
    return total, within


def make_texts(n: int, words: int, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(words)) for _ in range(n)]


def check_loopback(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(
            f"--url must be a loopback address ({', '.join(sorted(LOOPBACK))}), not {host!r}"
        )
    return url.rstrip("/")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tiny_bundle(folder: Path) -> Path:
    """A tiny randomly initialised BERT bundle (measures the service, not a model)."""
    from nerkit.bundle import BundleMeta, save_bundle
    from nerkit.models import BUNDLED_MINILM, load_tokenizer, tiny_token_classifier

    labels = ["DATE", "JURISDICTION", "MONEY", "ORG", "PERSON"]
    tags = ["O"] + [f"{p}-{label}" for label in labels for p in ("B", "I")]
    tokenizer = load_tokenizer(BUNDLED_MINILM)
    model = tiny_token_classifier(tags, vocab_size=tokenizer.vocab_size)
    meta = BundleMeta(tags=tags, base_model="tiny-bert (random)", max_length=128, overlap=16)
    return save_bundle(folder / "tiny-bundle", model, tokenizer, meta)


def start_service(bundle: Path, args: argparse.Namespace, workdir: Path) -> tuple[Any, str]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "serve",
        f"serve.bundle={bundle}",
        f"serve.port={port}",
        f"serve.device={args.device}",
        f"serve.precision={args.precision}",
        f"serve.batch_tokens={args.batch_tokens}",
        f"serve.max_wait_ms={args.max_wait_ms}",
        f"serve.max_queue_windows={args.max_queue_windows}",
        "serve.retry_s=0",
        f"hydra.run.dir={workdir / 'hydra'}",
    ]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "NERKIT_API_KEY": "", "NERKIT_ADMIN_KEY": ""}
    log = (workdir / "serve.log").open("w")
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


async def wait_ready(client: Any, timeout: float, process: Any = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"the service exited with {process.returncode}; see its log")
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except Exception:
            pass
        await asyncio.sleep(0.25)
    raise SystemExit("the service did not become ready in time")


async def one_request(client: Any, text: str, phase: Phase, headers: dict[str, str]) -> None:
    started = time.perf_counter()
    try:
        response = await client.post("/v1/ner", json={"text": text}, headers=headers)
    except Exception as err:
        phase.errors[type(err).__name__] = phase.errors.get(type(err).__name__, 0) + 1
        return
    latency = time.perf_counter() - started
    tokens = response.json()["meta"]["tokens"] if response.status_code == 200 else 0
    phase.record(response.status_code, latency, tokens)


async def closed_loop(
    client: Any, texts: list[str], concurrency: int, args: argparse.Namespace, headers: dict
) -> Phase:
    """``concurrency`` clients, each sending its next request when the last one is answered."""
    phase = Phase(f"concurrency {concurrency}")
    budget = {"left": args.max_requests}
    stop_at = time.perf_counter() + args.duration

    async def worker(w: int) -> None:
        i = w
        while time.perf_counter() < stop_at and budget["left"] > 0:
            budget["left"] -= 1
            await one_request(client, texts[i % len(texts)], phase, headers)
            i += concurrency

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


async def measure(url: str, args: argparse.Namespace, process: Any = None) -> list[dict]:
    import httpx

    headers = {"X-API-Key": args.key} if args.key else {}
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        await wait_ready(client, args.start_timeout, process)
        model = (await client.get("/v1/model", headers=headers)).json()
        print(
            f"model: {model.get('name')} {model.get('version')} on {model.get('device')} "
            f"({model.get('precision')}), window {model.get('window')}"
        )
        texts = make_texts(64, args.words)
        await closed_loop(
            client, texts, 2, argparse.Namespace(**{**vars(args), "duration": 1.0}), headers
        )
        results = []
        best = 0.0
        for level in args.levels:
            phase = await closed_loop(client, texts, level, args, headers)
            results.append(phase.summary())
            best = max(best, results[-1]["requests_per_s"])
            print_row(results[-1])
        if best > 0 and not args.no_overload:
            before = refusals_on_server((await client.get("/metrics")).text)
            phase = await open_loop(client, texts, 2 * best, args, headers)
            after = refusals_on_server((await client.get("/metrics")).text)
            summary = phase.summary()
            refused, within = after[0] - before[0], after[1] - before[1]
            summary["server_429"] = refused
            summary["server_429_within_50ms"] = round(within / refused, 4) if refused else None
            results.append(summary)
            print_row(summary)
            if refused:
                print(
                    f"{'':<36} in the service: {int(refused)} answers 429, "
                    f"{100 * within / refused:.1f}% within {REFUSAL_BUDGET_S * 1000:.0f} ms"
                )
    return results


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


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a service already running on loopback")
    parser.add_argument("--bundle", help="bundle folder to serve (default: a tiny random model)")
    parser.add_argument("--key", default=os.environ.get("NERKIT_API_KEY"), help="prediction key")
    parser.add_argument("--levels", default="1,8,32", help="concurrency levels")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase")
    parser.add_argument(
        "--max-requests", type=int, default=5000, help="requests per phase, at most"
    )
    parser.add_argument("--words", type=int, default=300, help="words per document")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--precision", default="fp32")
    parser.add_argument("--batch-tokens", type=int, default=16384)
    parser.add_argument("--max-wait-ms", type=float, default=5.0)
    parser.add_argument("--max-queue-windows", type=int, default=64)
    parser.add_argument("--start-timeout", type=float, default=180.0)
    parser.add_argument("--no-overload", action="store_true", help="skip the 2x-capacity phase")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    args.levels = [int(x) for x in str(args.levels).split(",") if x.strip()]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="nerkit-load-") as tmp:
        workdir = Path(tmp)
        process = None
        if args.url:
            url = check_loopback(args.url)
        else:
            bundle = Path(args.bundle) if args.bundle else tiny_bundle(workdir)
            print(f"serving {bundle}{'' if args.bundle else ' (tiny random model)'}")
            process, url = start_service(bundle, args, workdir)
        try:
            results = asyncio.run(measure(url, args, process))
        finally:
            if process is not None:
                process.terminate()
                process.wait(60)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
