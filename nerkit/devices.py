"""Which device and numeric precision a model runs in, and whether the hardware can.

A precision the hardware cannot run is refused with a ValueError; nothing is silently
changed, so a figure measured "in bf16" really was.

- ``fp32`` runs everywhere; on CPU, a model the predictor owns (loaded from a bundle) has
  its ``nn.Linear`` layers run by oneDNN with packed weights (:func:`use_onednn_linear`);
- ``bf16`` on CUDA devices that support it and on CPUs with native bf16 (AVX512-BF16 or
  AMX) — elsewhere it would be emulated and slower than fp32;
- ``fp16`` on CUDA only (CPU fp16 matmuls are emulated);
- ``int8``: dynamic quantisation of the ``nn.Linear`` layers, on CPU only.
"""

from __future__ import annotations

import functools
import os
import warnings
from typing import Any

from nerkit.choices import Precision

PRECISIONS = tuple(p for p in Precision if p is not Precision.auto)


def resolve_device(spec: str = "auto") -> Any:
    """``auto`` (CUDA when present, else CPU), ``cpu``, ``cuda`` or ``cuda:N``."""
    import torch

    spec = str(spec).strip().lower()
    if spec == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if spec == "cpu":
        return torch.device("cpu")
    if spec == "cuda" or spec.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise ValueError(f"device {spec!r} asked for but CUDA is not available; use cpu")
        device = torch.device(spec)
        count = torch.cuda.device_count()
        if device.index is not None and device.index >= count:
            raise ValueError(f"device {spec!r} does not exist: {count} CUDA device(s) found")
        return device
    raise ValueError(f"unknown device {spec!r}: use auto, cpu, cuda or cuda:N")


@functools.lru_cache(maxsize=1)
def cpu_supports_bf16() -> bool:
    """Whether this CPU runs bf16 matmuls natively (and a tiny one actually works)."""
    import torch

    native = False
    check = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
    if check is not None:
        native = bool(check())
    else:  # older torch: look for the instruction set ourselves
        try:
            with open("/proc/cpuinfo", encoding="utf-8") as f:
                flags = f.read()
            native = "avx512_bf16" in flags or "amx_bf16" in flags
        except OSError:
            native = False
    if not native:
        return False
    try:
        a = torch.ones(4, 4, dtype=torch.bfloat16)
        return bool(torch.isfinite((a @ a).float()).all())
    except RuntimeError:
        return False


def check_precision(precision: str, device: Any) -> None:
    """Raise ValueError when ``precision`` cannot run on ``device``."""
    import torch

    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r} is not one of {', '.join(PRECISIONS)}")
    kind = torch.device(device).type
    if precision == "fp16" and kind != "cuda":
        raise ValueError("precision fp16 runs on CUDA only; on CPU use bf16 (if supported) or int8")
    if precision == "int8" and kind != "cpu":
        raise ValueError(
            "precision int8 (dynamic quantisation) runs on CPU only; on CUDA use bf16 or fp16"
        )
    if precision == "bf16":
        if kind == "cuda" and not torch.cuda.is_bf16_supported():
            raise ValueError("this CUDA device has no bf16 support; use fp16 or fp32")
        if kind == "cpu" and not cpu_supports_bf16():
            raise ValueError(
                "this CPU has no native bf16 (AVX512-BF16 or AMX); use int8 or fp32 on it"
            )


def resolve_precision(precision: str, device: Any) -> str:
    """``auto``: bf16 on CUDA devices that have it, else fp16 on CUDA; fp32 on CPU.

    On CPU ``auto`` keeps fp32 even where bf16 is native: bf16 reads faster there but
    changes the numbers, and CPU results must match what was scored in fp32.
    Any other value is returned as it is (and checked by :func:`check_precision`).
    """
    if precision != "auto":
        return precision
    import torch

    if torch.device(device).type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "fp32"


def torch_dtype(precision: str) -> Any:
    """The floating dtype the weights are held in (int8 keeps fp32 outside the Linears)."""
    import torch

    return {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision, torch.float32)


def available_cpus() -> int:
    """CPUs this process may run on (respects affinity masks, unlike ``os.cpu_count``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def limit_cpu_threads() -> int:
    """Cap torch's intra-op threads at the CPUs this process may use; returns the count.

    Torch counts the machine's cores, which in a container or under ``taskset`` can be far
    more than the process may use; oversubscribed threads slow every matmul down.
    """
    import torch

    cpus = available_cpus()
    if torch.get_num_threads() > cpus:
        torch.set_num_threads(cpus)
    return torch.get_num_threads()


def set_cpu_threads(threads: int | None) -> int:
    """Torch's intra-op threads: ``threads`` when given, else :func:`limit_cpu_threads`."""
    import torch

    if threads is None:
        return limit_cpu_threads()
    torch.set_num_threads(int(threads))
    return torch.get_num_threads()


def quantize_linear_int8(model: Any, inplace: bool = False) -> Any:
    """``model`` (a copy unless ``inplace``) with int8 dynamic quantisation of its Linears.

    Weights are quantised per output channel, not per tensor: one scale for a whole
    matrix let a few large weights flatten the rest, and cost the demo model 1.1 points of
    entity F1 against fp32; per channel it scores the same as fp32 at the same speed.
    """
    import torch

    with warnings.catch_warnings():
        # torch.ao.quantization is deprecated in favour of torchao, which is not a
        # dependency; the eager dynamic path still works and is what we measure.
        warnings.simplefilter("ignore")
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        return quantize_dynamic(
            model,
            {torch.nn.Linear: per_channel_dynamic_qconfig},
            dtype=torch.qint8,
            inplace=inplace,
        )


# Rows the packed weights are laid out for; oneDNN picks its kernel per call, this only
# tunes the layout (the engine's CPU batches hold about 2048 tokens).
PACKING_ROWS = 2048


def onednn_linear_available() -> bool:
    """Whether this torch build has oneDNN's fused linear (x86 CPU builds do)."""
    import torch

    return bool(getattr(torch.backends.mkldnn, "is_available", lambda: False)()) and hasattr(
        torch.ops.mkldnn, "_linear_pointwise"
    )


@functools.cache
def _packed_linear_class() -> type:
    """The ``nn.Module`` that replaces ``nn.Linear`` (built once; torch imports lazily)."""
    import torch

    class PackedLinear(torch.nn.Module):
        """``nn.Linear`` for fp32 CPU inference: oneDNN, weights packed once, bias fused."""

        def __init__(self, linear: torch.nn.Linear) -> None:
            super().__init__()
            self.in_features = linear.in_features
            self.out_features = linear.out_features
            weight = linear.weight.detach()
            packed = torch.ops.mkldnn._reorder_linear_weight(weight, PACKING_ROWS)
            self.register_buffer("packed", packed)
            bias = linear.bias.detach() if linear.bias is not None else None
            self.register_buffer("bias", bias)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.ops.mkldnn._linear_pointwise(x, self.packed, self.bias, "none", [], "")

    return PackedLinear


def use_onednn_linear(model: Any) -> int:
    """Replace, in place, the ``nn.Linear`` layers of an fp32 CPU model kept for inference
    by oneDNN linears with weights packed once; returns how many were replaced (0 when
    this torch lacks the op or a layer does not give ``F.linear``'s result).

    ``nn.Linear`` on CPU runs ``addmm``, which first copies the bias into every output
    row; with packed weights oneDNN adds the bias inside the matrix multiply. On the
    2-core reference CPU that made MiniLM's forward 12-17% faster. The op is the one
    ``torch.compile`` lowers linears to on CPU; it is private, so each layer is checked
    against ``F.linear`` before it is swapped and nothing changes if that fails.
    """
    import torch

    if not onednn_linear_available():
        return 0
    replaced = 0
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if type(child) is not torch.nn.Linear or child.weight.dtype != torch.float32:
                continue
            try:
                packed = _packed_linear_class()(child)
                probe = torch.randn(3, child.in_features)
                with torch.inference_mode():
                    same = torch.allclose(packed(probe), child(probe), rtol=1e-4, atol=1e-4)
            except (RuntimeError, TypeError, AttributeError):
                return replaced
            if not same:
                return replaced
            setattr(parent, name, packed)
            replaced += 1
    return replaced
