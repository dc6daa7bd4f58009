"""The windowed inference engine: many documents in, entities with character offsets out.

Every document is tokenised once and cut into overlapping windows
(:mod:`nerkit.windows`). The windows of all documents given in one call are pooled,
grouped by padded length and packed into batches under a token budget (rows x padded
length <= ``batch_tokens``), so little compute goes to padding. Each window is padded to
a length that depends only on the window itself (its length rounded up to
``pad_multiple``), never on its batch companions: a document's fp32 result is then the
same whether it is read alone or among many others. The per-window probabilities (softmax
in fp32) are scattered back, stitched and decoded per document (:mod:`nerkit.decoding`),
and results come back in input order.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterable, Iterator, Sequence, Sized
from pathlib import Path
from typing import Any

import numpy as np

from nerkit.batching import (
    DocumentPrediction,
    TokenProbabilities,
    batch_inputs,
    padded_length,
    plan_batches,
    stitched_reading,
)
from nerkit.decoding import AGGREGATIONS, TagScheme, decode_entities, decode_many
from nerkit.devices import (
    check_precision,
    quantize_linear_int8,
    resolve_device,
    resolve_precision,
    set_cpu_threads,
    torch_dtype,
    use_onednn_linear,
)
from nerkit.documents import Entity
from nerkit.models import model_max_tokens
from nerkit.stream import DEFAULT_DOCS_IN_FLIGHT, StreamEngine, StreamResult
from nerkit.windows import (
    TokenizedText,
    WindowConfig,
    document_windows,
    special_tokens,
    tokenize_documents,
)

__all__ = [
    "CPU_BATCH_TOKENS",
    "GPU_BATCH_TOKENS",
    "DocumentPrediction",
    "Predictor",
    "TokenProbabilities",
    "batch_inputs",
    "default_batch_tokens",
    "padded_length",
    "plan_batches",
    "stitched_reading",
]

# Token budget per forward pass when none is given, by device. On a small CPU, batches of
# about 2048 tokens are fastest (activations stay in cache: 2048 read 1.16x faster in fp32 than
# 16384 on the 2-core reference machine); GPUs need large batches to fill their cores.
CPU_BATCH_TOKENS = 2048
GPU_BATCH_TOKENS = 16384
DEFAULT_PAD_MULTIPLE = 16


def default_batch_tokens(device: Any) -> int:
    """The token budget per forward pass for a device (``CPU_BATCH_TOKENS`` on CPU)."""
    return CPU_BATCH_TOKENS if getattr(device, "type", str(device)) == "cpu" else GPU_BATCH_TOKENS


def use_sdpa(model: Any) -> None:
    """Switch an eager-attention model to PyTorch SDPA where the model supports it.

    Transformers 5 changes it at run time with ``set_attn_implementation``; the maths is
    the same, only faster.
    """
    config = getattr(model, "config", None)
    if getattr(config, "_attn_implementation", None) != "eager":
        return
    if getattr(model, "_supports_sdpa", False) and hasattr(model, "set_attn_implementation"):
        # Keep eager when the switch fails: correctness does not depend on it.
        with contextlib.suppress(ValueError, ImportError):
            model.set_attn_implementation("sdpa")


def _parameter(model: Any) -> Any | None:
    return next(iter(model.parameters()), None)


def prepare_model(
    model: Any, device: Any, precision: str, owned: bool = False, compiled: bool = False
) -> Any:
    """The model as it will run: eval mode, SDPA, on ``device`` in ``precision``.

    A change of dtype (or int8 quantisation) happens on a copy unless ``owned``, so the
    caller's model keeps its weights; a device move happens in place, as in Hugging Face
    pipelines. An owned fp32 CPU model that will not be ``compiled`` gets oneDNN linears
    (``torch.compile`` lowers linears its own way and cannot trace the packed ones).
    """
    check_precision(precision, device)
    model.eval()
    use_sdpa(model)
    if precision == "int8":
        return quantize_linear_int8(model.to("cpu"), inplace=owned).eval()
    dtype = torch_dtype(precision)
    param = _parameter(model)
    if param is not None and param.dtype != dtype and not owned:
        model = copy.deepcopy(model)
    model = model.to(device=device, dtype=dtype)
    on_cpu = getattr(device, "type", str(device)) == "cpu"
    if owned and not compiled and precision == "fp32" and on_cpu:
        # Only a model no one else holds: its Linears are replaced in place.
        use_onednn_linear(model)
    return model


def compile_model(model: Any, precision: str) -> Any:
    """``torch.compile`` of the model, with dynamic shapes so batch rows and window
    lengths do not each trigger a new compilation."""
    import torch

    if precision == "int8":
        raise ValueError(
            "compile=True works with fp32, bf16 and fp16; int8 dynamic quantisation does not "
            "compile (use one or the other)"
        )
    return torch.compile(model, dynamic=True)


class Predictor:
    """Windowed, batched, stitched NER over whole documents.

    ``max_windows=1`` reads only the first ``window.max_length`` tokens of each document
    (the truncated baseline of a hosted endpoint). ``batch_tokens`` bounds rows x padded
    length per forward pass (default by device: 2048 on CPU, where small batches stay in
    cache, 16384 on CUDA). ``threads`` sets torch's CPU threads (default: no more than the
    CPUs this process may use). ``owns_model=True`` (as :meth:`from_bundle` does) lets the
    predictor change the model in place rather than a copy: cast it, quantise it, or, in
    fp32 on CPU, pack its Linears for oneDNN. ``compile=True`` runs the model through
    ``torch.compile`` (fp32/bf16/fp16): the first batch takes tens of seconds to compile,
    later ones run faster (fused element-wise kernels).
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        tags: Sequence[str],
        window: WindowConfig | None = None,
        aggregation: str = "first",
        device: str = "auto",
        precision: str = "fp32",
        batch_tokens: int | None = None,
        max_windows: int | None = None,
        *,
        threads: int | None = None,
        pad_multiple: int = DEFAULT_PAD_MULTIPLE,
        compile: bool = False,
        owns_model: bool = False,
        workers: int | None = None,
        max_docs_in_flight: int = DEFAULT_DOCS_IN_FLIGHT,
    ) -> None:
        if aggregation not in AGGREGATIONS:
            raise ValueError(f"aggregation {aggregation!r} is not one of {', '.join(AGGREGATIONS)}")
        if batch_tokens is not None and batch_tokens < 1:
            raise ValueError(f"batch_tokens={batch_tokens} must be positive")
        if max_windows is not None and max_windows < 1:
            raise ValueError(f"max_windows={max_windows} must be 1 or more (or None for all)")
        self.scheme = TagScheme.from_tags(tags)
        n_labels = getattr(getattr(model, "config", None), "num_labels", len(self.scheme.tags))
        if n_labels != len(self.scheme.tags):
            raise ValueError(
                f"the model predicts {n_labels} classes but {len(self.scheme.tags)} tags were given"
            )
        self.tokenizer = tokenizer
        self.special = special_tokens(tokenizer)
        self.window = window or WindowConfig()
        self.window.validate(model_max_tokens(model), self.special.count)
        self.aggregation = aggregation
        self.device = resolve_device(device)
        self.precision = precision = resolve_precision(precision, self.device)
        self.workers = workers
        self.max_docs_in_flight = int(max_docs_in_flight)
        self.batch_tokens = int(batch_tokens or default_batch_tokens(self.device))
        self.max_windows = max_windows
        self.pad_multiple = int(pad_multiple)
        self.meta: Any = None  # the BundleMeta when built from a bundle
        if self.device.type == "cpu":
            set_cpu_threads(threads)
        from nerkit.heads import transition_scores

        # Read before any cast or quantisation: the decoder works in float64.
        self.transitions = transition_scores(model)
        self.reads_shapes = bool(getattr(model, "uses_shapes", False))
        self.model = prepare_model(
            model, self.device, precision, owned=owns_model, compiled=compile
        )
        self.compiled = compile
        self._run: Any = compile_model(self.model, precision) if compile else self.model

    def batch_for(
        self,
        tokenized: Sequence[TokenizedText],
        doc_of: np.ndarray,
        flat: np.ndarray,
        members: np.ndarray,
        size: int,
    ) -> dict[str, np.ndarray]:
        """The model's inputs for windows ``members`` (rows of ``flat``, token ranges of
        documents ``doc_of``), padded to ``size``; token shapes when the model reads them."""
        rows = [(tokenized[doc_of[k]], flat[k, 0], flat[k, 1]) for k in members.tolist()]
        pieces = [tok.input_ids[start:end] for tok, start, end in rows]
        shapes = None
        if self.reads_shapes:
            shapes = [_shapes(tok)[start:end] for tok, start, end in rows]
        return batch_inputs(pieces, self.special, size, shapes)

    @property
    def tags(self) -> list[str]:
        return list(self.scheme.tags)

    @classmethod
    def from_bundle(
        cls,
        path: str | Path,
        device: str = "auto",
        precision: str = "fp32",
        batch_tokens: int | None = None,
        max_windows: int | None = None,
        **kwargs: Any,
    ) -> Predictor:
        """A predictor run as the bundle says (tags, window, aggregation)."""
        from nerkit.bundle import load_bundle

        resolved = resolve_device(device)
        precision = resolve_precision(precision, resolved)
        check_precision(precision, resolved)
        # Load straight into a float dtype; int8 quantises from fp32 weights.
        dtype = torch_dtype(precision) if precision in ("bf16", "fp16") else None
        model, tokenizer, meta = load_bundle(path, device="cpu", dtype=dtype)
        predictor = cls(
            model,
            tokenizer,
            meta.tags,
            meta.window,
            aggregation=meta.aggregation,
            device=str(resolved),
            precision=precision,
            batch_tokens=batch_tokens,
            max_windows=max_windows,
            owns_model=True,
            **kwargs,
        )
        predictor.meta = meta
        return predictor

    def _forward(self, inputs: dict[str, np.ndarray]) -> np.ndarray:
        """Class probabilities ``(rows, length, n_tags)`` in fp32 for one batch."""
        import torch

        tensors = {k: torch.from_numpy(v).to(self.device) for k, v in inputs.items()}
        output = self._run(**tensors)
        logits = output.logits if hasattr(output, "logits") else output[0]
        # Softmax in fp32 whatever the model ran in, so probabilities sum to one.
        return logits.float().softmax(dim=-1).cpu().numpy()

    def predict_window_probs(
        self, tokenized: Sequence[TokenizedText], progress: bool = False
    ) -> tuple[list[np.ndarray], list[list[np.ndarray]]]:
        """Window ranges and per-window probabilities for already tokenised documents."""
        import torch
        from tqdm.auto import tqdm

        ranges = [
            document_windows(len(t), self.window, self.special.count, self.max_windows)
            for t in tokenized
        ]
        counts = [len(r) for r in ranges]
        doc_of = np.repeat(np.arange(len(tokenized)), counts)
        flat = np.concatenate(ranges) if ranges else np.zeros((0, 2), dtype=np.int64)
        lengths = flat[:, 1] - flat[:, 0]
        plan = plan_batches(
            lengths + self.special.count,
            self.batch_tokens,
            self.pad_multiple,
            self.window.max_length,
        )
        results: list[np.ndarray | None] = [None] * len(flat)
        n_prefix = len(self.special.prefix)
        with torch.inference_mode():
            for size, members in tqdm(
                plan, desc="Reading windows", unit="batch", disable=not progress
            ):
                inputs = self.batch_for(tokenized, doc_of, flat, members, size)
                probs = self._forward(inputs)
                for row, k in enumerate(members.tolist()):
                    results[k] = probs[row, n_prefix : n_prefix + lengths[k]]
        window_probs: list[list[np.ndarray]] = []
        start = 0
        for count in counts:
            window_probs.append([p for p in results[start : start + count] if p is not None])
            start += count
        return ranges, window_probs

    def predict_token_probs(
        self, texts: Sequence[str], progress: bool = False
    ) -> list[TokenProbabilities]:
        """Stitched per-token probabilities for each text, in input order."""
        if isinstance(texts, str):
            raise TypeError("predict takes a sequence of texts; wrap a single text in a list")
        tokenized = tokenize_documents(self.tokenizer, texts)
        ranges, window_probs = self.predict_window_probs(tokenized, progress)
        n_tags = len(self.scheme.tags)
        return [
            stitched_reading(tok, doc_ranges, probs, n_tags)
            for tok, doc_ranges, probs in zip(tokenized, ranges, window_probs, strict=True)
        ]

    def decode(self, text: str, reading: TokenProbabilities) -> list[Entity]:
        """Entities of one document from its stitched reading."""
        tok = reading.tokenized
        return decode_entities(
            text,
            reading.probs,
            tok.word_ids,
            tok.offsets,
            self.scheme,
            self.aggregation,
            self.transitions,
        )

    def decode_many(
        self, texts: Sequence[str], readings: Sequence[TokenProbabilities]
    ) -> list[list[Entity]]:
        """Entities of many documents; the same as :meth:`decode` on each, only faster."""
        return decode_many(
            texts,
            [r.probs for r in readings],
            [r.tokenized.word_ids for r in readings],
            [r.tokenized.offsets for r in readings],
            self.scheme,
            self.aggregation,
            self.transitions,
        )

    def stream_engine(self) -> StreamEngine:
        """The staged engine over this predictor (:mod:`nerkit.stream`)."""
        return StreamEngine(self, self.workers, self.max_docs_in_flight)

    def predict_stream(
        self, items: Iterable[tuple[Any, str]], progress: bool = False
    ) -> Iterator[StreamResult]:
        """Entities of ``(id, text)`` pairs from any iterable, yielded in input order.

        Host work (tokenising, batch assembly, stitching, decoding) runs in ``workers``
        threads, overlapped with the forward passes (:mod:`nerkit.stream`); at most
        ``max_docs_in_flight`` documents are held at once. A document that fails comes
        back with ``error`` set and the stream goes on.
        """
        from tqdm.auto import tqdm

        total = len(items) if isinstance(items, Sized) else None
        results = self.stream_engine().run(items)
        if progress:
            results = iter(tqdm(results, total=total, desc="Reading documents", unit="doc"))
        return results

    def predict(self, texts: Sequence[str], progress: bool = False) -> list[DocumentPrediction]:
        """Entities of every text, in input order; the first failing document raises."""
        if isinstance(texts, str):
            raise TypeError("predict takes a sequence of texts; wrap a single text in a list")
        out: list[DocumentPrediction] = []
        for result in self.predict_stream(enumerate(texts), progress=progress):
            if result.error is not None:
                raise result.error
            assert result.prediction is not None
            out.append(result.prediction)
        return out


def _shapes(tokenized: TokenizedText) -> np.ndarray:
    if tokenized.shapes is None:
        raise ValueError(
            "this model reads token shapes, but the document was tokenised without them "
            "(use nerkit.windows.tokenize_documents)"
        )
    return tokenized.shapes
