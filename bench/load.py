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
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.documents import corpus_passages
from bench.load_phases import abandoned_request, closed_loop, open_loop, print_row
from bench.load_service import (
    check_loopback,
    refusals_on_server,
    start_service,
    tiny_bundle,
    wait_ready,
)

# The targets the verdicts check (see the module doc).
REFUSAL_BUDGET_S = 0.050
OVERLOAD_P99_RATIO = 1.5
SERVICE_VS_ENGINE = 0.8


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
            before = refusals_on_server((await client.get("/metrics")).text, REFUSAL_BUDGET_S)
            phase = await open_loop(client, texts, 2 * best, args, headers)
            after = refusals_on_server((await client.get("/metrics")).text, REFUSAL_BUDGET_S)
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
