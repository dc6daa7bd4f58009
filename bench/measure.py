"""Measuring instruments of the benchmarks: memory, device rates, FLOPs, where time goes.

Each is small and reads one thing: the peak resident memory of a block (sampled), the GPU's
peak allocation, the machine's dense matmul rate, the forward FLOPs of the windows a model
reads, the time spent in the engine's forward passes, the load on a shared machine.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any


class PeakRSS:
    """Peak resident memory of this process while a block runs (sampled every 5 ms)."""

    def __init__(self) -> None:
        import psutil

        self._process = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(0.005)

    def __enter__(self) -> PeakRSS:
        self.peak = self._process.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def reset_gpu_peak(device: Any) -> None:
    import torch

    if torch.device(device).type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)


def gpu_peak(device: Any) -> dict[str, float]:
    import torch

    if torch.device(device).type != "cuda":
        return {}
    return {"peak_gpu_mib": torch.cuda.max_memory_allocated(device) / 2**20}


def synchronize(device: Any) -> None:
    import torch

    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


def matmul_gflops(dtype: Any, device: Any, size: int, reps: int, trials: int = 3) -> float:
    """The machine's dense matmul rate, GFLOP/s, for square ``size`` matrices.

    The best of ``trials`` timings of ``reps`` products: on a shared machine the best is
    the closest to what the hardware can do.
    """
    import torch

    a = torch.randn(size, size, device=device).to(dtype)
    b = torch.randn(size, size, device=device).to(dtype)
    a @ b  # warm-up: kernels chosen, memory touched
    synchronize(device)
    best = math.inf
    for _ in range(trials):
        started = time.perf_counter()
        for _ in range(reps):
            a @ b
        synchronize(device)
        best = min(best, time.perf_counter() - started)
    return 2 * size**3 * reps / best / 1e9


def forward_flops(config: Any, window_lengths: Sequence[int], n_params_body: int) -> float:
    """Estimated forward FLOPs over windows of the given lengths (special tokens included).

    Every weight is used in one multiply-add per token (2 FLOPs); attention adds
    ``QK^T`` and ``AV``: 2 x 2 x L^2 x hidden per layer and window.
    """
    tokens = sum(window_lengths)
    layers = int(getattr(config, "num_hidden_layers", 0))
    hidden = int(getattr(config, "hidden_size", 0))
    attention = 4.0 * layers * hidden * sum(n * n for n in window_lengths)
    return 2.0 * n_params_body * tokens + attention


def body_parameters(model: Any) -> int:
    """Parameters used as matmul weights per token (embedding tables excluded)."""
    return sum(p.numel() for name, p in model.named_parameters() if "embeddings" not in name)


@contextmanager
def timed_forward(predictor: Any) -> Iterator[list[float]]:
    """Accumulate the time spent in the model's forward passes (softmax and copy included)."""
    spent = [0.0]
    original: Callable[..., Any] = predictor._forward

    def forward(inputs: Any) -> Any:
        started = time.perf_counter()
        out = original(inputs)  # ends with .cpu(): the device has finished
        spent[0] += time.perf_counter() - started
        return out

    predictor._forward = forward
    try:
        yield spent
    finally:
        predictor._forward = original


def window_lengths(predictor: Any, texts: Sequence[str]) -> list[int]:
    """Lengths (special tokens included) of every window the engine reads."""
    from nerkit.windows import document_windows, tokenize_documents

    n_special = predictor.special.count
    out: list[int] = []
    for tok in tokenize_documents(predictor.tokenizer, texts):
        ranges = document_windows(len(tok), predictor.window, n_special, predictor.max_windows)
        out.extend((ranges[:, 1] - ranges[:, 0] + n_special).tolist())
    return out


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: how busy the machine was around the run."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def matmul_rates(device: Any, size: int = 0) -> dict[str, float]:
    """fp32 (and bf16 where the device runs it) matmul GFLOP/s on ``device``, for square
    matrices of ``size`` (0: 2048 on CPU, 8192 on CUDA)."""
    import torch

    from nerkit.devices import check_precision

    size = size or (8192 if device.type == "cuda" else 2048)
    reps = 20 if device.type == "cuda" else 5
    rates = {"fp32": matmul_gflops(torch.float32, device, size, reps)}
    try:
        check_precision("bf16", device)
        rates["bf16"] = matmul_gflops(torch.bfloat16, device, size, reps)
    except ValueError:
        pass
    return rates


def format_rates(rates: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.1f} GFLOP/s" for k, v in rates.items())
