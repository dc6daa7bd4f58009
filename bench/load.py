"""Load test of the HTTP service on loopback: throughput and latency percentiles.

    python -m bench.load --bundle outputs/train/x/bundle   a trained bundle
    python -m bench.load                                   a tiny random model (service only)
    python -m bench.load --url http://127.0.0.1:8000       a service already running here

The requests are passages of the built-in corpus' test split (contracts the demo model
never trained on), ``--words`` words each, cut at line breaks. First the engine reads
them offline in this process (``Predictor.predict``, same bundle, precision and token
budget): the reference throughput. Then ``python -m serve`` starts on 127.0.0.1 (unless
``--url`` names a loopback service) and, for each concurrency level (default 1, 8, 32),
that many clients keep a request in flight for ``--duration`` seconds (at most
``--max-requests`` requests); the table gives requests and word-pieces per second and
p50 / p95 / p99 latency. Last, requests are offered open loop at twice the best measured
rate: the excess should get 429 within 50 ms, the admitted ones' p99 stay within 1.5x the
steady-state p99 (at the highest concurrency), and nothing fail otherwise. The verdict on
each target is printed at the end. Nothing leaves the machine: other hosts are refused.
The client shares the CPUs with the service, so on a small machine the service figures
are a lower bound; report them with the machine they came from.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
REFUSAL_BUDGET_S = 0.050
OVERLOAD_P99_RATIO = 1.5
SERVICE_VS_ENGINE = 0.8


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


def corpus_passages(n: int, words: int, seed: int = 13) -> list[str]:
    """``n`` passages of about ``words`` words from the built-in corpus' test split, cut at
    line breaks, taken from the whole of each contract (not only the preambles)."""
    from bench.throughput import corpus_test_documents

    passages: list[str] = []
    for document in corpus_test_documents(9, seed):
        lines = [line for line in document.text.split("\n") if line.strip()]
        current: list[str] = []
        count = 0
        for line in lines:
            current.append(line)
            count += len(line.split())
            if count >= words:
                passages.append("\n".join(current))
                current, count = [], 0
    random.Random(seed).shuffle(passages)
    if len(passages) < n:
        passages = (passages * (n // max(1, len(passages)) + 1))[:n]
    return passages[:n]


def engine_throughput(bundle: Path, texts: list[str], args: argparse.Namespace) -> float:
    """Word-pieces per second of the engine reading ``texts`` offline in this process (the
    fastest of ``--engine-repeats`` passes), with the service's precision and budget."""
    from nerkit.predictor import Predictor

    predictor = Predictor.from_bundle(
        bundle,
        device=args.device or "auto",
        precision=args.precision or "auto",
        batch_tokens=args.batch_tokens,
        threads=args.cpu_threads,
    )
    predictor.predict(texts[:4])  # warm-up
    best = 0.0
    for _ in range(args.engine_repeats):
        started = time.perf_counter()
        found = predictor.predict(texts)
        elapsed = time.perf_counter() - started
        best = max(best, sum(p.tokens for p in found) / elapsed)
    del predictor
    return best


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
        "serve.retry_s=0",
        f"hydra.run.dir={workdir / 'hydra'}",
    ]
    # The service's own defaults unless a setting is given here on purpose.
    overrides = {
        "device": args.device,
        "precision": args.precision,
        "batch_tokens": args.batch_tokens,
        "max_wait_ms": args.max_wait_ms,
        "max_queue_windows": args.max_queue_windows,
        "cpu_threads": args.cpu_threads,
    }
    command += [f"serve.{k}={v}" for k, v in overrides.items() if v is not None]
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


def rejected_on_server(metrics_text: str, reason: str) -> float:
    """Documents the service dropped for ``reason`` so far (from /metrics)."""
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for family in text_string_to_metric_families(metrics_text):
        if family.name != "nerkit_rejected_documents":
            continue
        for sample in family.samples:
            if sample.name.endswith("_total") and sample.labels.get("reason") == reason:
                total += sample.value
    return total


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
        texts = args.texts
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
        if args.abandon_chars > 0:
            await asyncio.sleep(args.duration / 2)  # the overload drains
            abandoned = await abandoned_request(client, texts, args, headers)
            results.append(abandoned)
            print(
                f"{abandoned['phase']:<36} next request answered {abandoned['next_status']} "
                f"{abandoned['next_latency_ms']} ms after the client left "
                f"({abandoned['refused_meanwhile']} x 429 before); dropped as client_gone "
                "in the service: "
                f"{int(abandoned['server_client_gone'])}"
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
    parser.add_argument("--words", type=int, default=200, help="words per passage")
    parser.add_argument("--passages", type=int, default=64, help="distinct passages sent")
    parser.add_argument(
        "--cpu-threads",
        type=int,
        help="torch threads, for the service and the offline engine alike "
        "(default: the service's own default, and all CPUs for the engine)",
    )
    parser.add_argument("--engine-repeats", type=int, default=3)
    # Every service setting below defaults to None: the service's own default (conf/serve.yaml).
    parser.add_argument("--device", default=None)
    parser.add_argument("--precision", default=None)
    parser.add_argument(
        "--batch-tokens", type=int, help="tokens per batch (default: the service's, by device)"
    )
    parser.add_argument("--max-wait-ms", type=float, default=None)
    parser.add_argument("--max-queue-windows", type=int, default=None)
    parser.add_argument(
        "--abandon-chars",
        type=int,
        default=1_000_000,
        help="characters of the request whose client goes away mid-read (0: skip that phase)",
    )
    parser.add_argument("--start-timeout", type=float, default=180.0)
    parser.add_argument("--no-overload", action="store_true", help="skip the 2x-capacity phase")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    args.levels = [int(x) for x in str(args.levels).split(",") if x.strip()]
    return args


def verdicts(results: list[dict[str, Any]], engine_tps: float | None) -> list[str]:
    """One line per target of the issue, each saying met or missed with the figures."""
    lines = []
    steady = [r for r in results if r["phase"].startswith("concurrency")]
    overload = [r for r in results if r["phase"].startswith("open loop")]
    abandoned = [r for r in results if r["phase"].startswith("abandoned")]
    if steady and engine_tps:
        top = steady[-1]
        ratio = top["tokens_per_s"] / engine_tps
        lines.append(
            f"{'met' if ratio >= SERVICE_VS_ENGINE else 'MISSED'}: at {top['phase']} the "
            f"service reads {top['tokens_per_s']:.0f} word-pieces/s, {ratio:.2f}x the engine "
            f"offline ({engine_tps:.0f}/s; target >= {SERVICE_VS_ENGINE})"
        )
    if steady and overload:
        top, over = steady[-1], overload[0]
        share = over.get("server_429_within_50ms")
        lines.append(
            f"{'met' if share == 1.0 else 'MISSED'}: under 2x overload "
            f"{int(over.get('server_429') or 0)} requests got 429, "
            f"{'-' if share is None else f'{100 * share:.1f}%'} within "
            f"{REFUSAL_BUDGET_S * 1000:.0f} ms in the service (client-side p99 "
            f"{over['refusal_p99_ms']} ms)"
        )
        if top["p99_ms"] and over["p99_ms"]:
            ratio = over["p99_ms"] / top["p99_ms"]
            lines.append(
                f"{'met' if ratio <= OVERLOAD_P99_RATIO else 'MISSED'}: admitted p99 under "
                f"overload {over['p99_ms']:.0f} ms, {ratio:.2f}x the steady p99 "
                f"{top['p99_ms']:.0f} ms (target <= {OVERLOAD_P99_RATIO}x)"
            )
        failed = sum(over["errors"].values()) + sum(sum(r["errors"].values()) for r in steady)
        lines.append(f"{'met' if failed == 0 else 'MISSED'}: {failed} requests failed otherwise")
        timeouts = over["errors"].get("504", 0)
        lines.append(
            f"{'met' if timeouts == 0 else 'MISSED'}: {timeouts} answers 504 under overload"
        )
    if steady and abandoned:
        alone, gone = steady[0], abandoned[0]
        from serve.service import DISCONNECT_POLL_S

        # The service's poll that notices the disconnect, the pass under way, then the short
        # request's own reading.
        bound = 2 * (alone["p99_ms"] or 0) + 1000 * DISCONNECT_POLL_S
        freed = gone["next_status"] == 200 and gone["next_latency_ms"] <= bound
        lines.append(
            f"{'met' if freed else 'MISSED'}: after a client left its "
            f"{gone['phase'].split()[1]} request, the next request was answered "
            f"{gone['next_latency_ms']:.0f} ms after it left (target <= the disconnect poll "
            f"plus 2x the concurrency-1 p99, {bound:.0f} ms: one pass in flight plus its own)"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"python {platform.python_version()}"
    )
    args.texts = corpus_passages(args.passages, args.words)
    print(
        f"requests: {len(args.texts)} passages of the built-in corpus test split, "
        f"~{args.words} words"
    )
    with tempfile.TemporaryDirectory(prefix="nerkit-load-") as tmp:
        workdir = Path(tmp)
        process = None
        engine_tps = None
        bundle = Path(args.bundle) if args.bundle else None
        if args.url:
            url = check_loopback(args.url)
        else:
            if bundle is None:
                bundle = tiny_bundle(workdir)
                print(f"serving {bundle} (tiny random model)")
            else:
                print(f"serving {bundle}")
        if bundle is not None:
            engine_tps = engine_throughput(bundle, args.texts, args)
            print(f"{'engine offline (same passages)':<36} {'':>8}       {engine_tps:>10.1f} tok/s")
        if not args.url:
            assert bundle is not None
            process, url = start_service(bundle, args, workdir)
        try:
            results = asyncio.run(measure(url, args, process))
        finally:
            if process is not None:
                process.terminate()
                process.wait(60)
    lines = verdicts(results, engine_tps)
    if lines:
        print()
        print("\n".join(lines))
    if args.json:
        figures = {"engine_tokens_per_s": engine_tps, "phases": results, "verdicts": lines}
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
