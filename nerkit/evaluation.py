"""Scoring a model on whole long documents, beside the baselines users compare it with.

The windowed reading goes through the one output path that serving uses
(:mod:`nerkit.output`: the engine, then the model's post-processing chain), and is
reported beside the engine's raw entities. Beside it, on the same model and documents:

* the truncated baseline: only the first ``truncate_tokens`` tokens of each document are
  read, as a hosted endpoint with a 512-token limit does;
* the Hugging Face pipeline's own ``stride`` merging, at the same window and overlap.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from nerkit.documents import Document, Span
from nerkit.metrics import flat_metrics, score_documents

log = logging.getLogger("nerkit.evaluation")

MISSED = "(missed)"
SPURIOUS = "(spurious)"


def as_output_path(reader: Any) -> Any:
    """``reader`` as an :class:`~nerkit.output.OutputPath` (a bare predictor: no chain)."""
    from nerkit.output import OutputPath

    return reader if isinstance(reader, OutputPath) else OutputPath(reader)


def run_predictor(reader: Any, docs: Sequence[Document], progress: bool = False) -> dict:
    """Read ``docs`` through the output path; served and raw spans plus speed figures.

    ``reader`` is an :class:`~nerkit.output.OutputPath` (its chain applies) or a bare
    predictor (engine entities only).
    """
    output = as_output_path(reader)
    started = time.perf_counter()
    outputs = output.predict([d.text for d in docs], progress=progress)
    seconds = time.perf_counter() - started
    tokens = sum(int(o.tokens) for o in outputs)
    return {
        "spans": [[e.as_span() for e in o.entities] for o in outputs],
        "raw_spans": [[e.as_span() for e in o.raw] for o in outputs],
        "outputs": outputs,
        "rules": output.rules,
        "seconds": seconds,
        "tokens": tokens,
        "windows": sum(int(o.windows) for o in outputs),
        "tokens_per_second": tokens / seconds if seconds else 0.0,
        "docs_per_second": len(docs) / seconds if seconds else 0.0,
    }


@contextlib.contextmanager
def token_classification_pipeline(
    model: Any, tokenizer: Any, max_length: int, overlap: int, device: Any
) -> Iterator[Any]:
    """``pipeline("token-classification", aggregation_strategy="first", stride=overlap)``
    reading windows of ``max_length`` tokens: the Hugging Face way of reading a long
    document, set up alike wherever it is compared with the engine. The pipeline takes its
    window length from the tokenizer's ``model_max_length``, restored on leaving."""
    from transformers import pipeline

    saved = tokenizer.model_max_length
    tokenizer.model_max_length = max_length
    try:
        yield pipeline(
            "token-classification",
            model=model,
            tokenizer=tokenizer,
            aggregation_strategy="first",
            stride=overlap,
            device=device,
        )
    finally:
        tokenizer.model_max_length = saved


def spans_from_pipeline(found: Sequence[Any]) -> list[Span]:
    """The spans of one document's pipeline output (its aggregated entities), empty ones
    dropped: every comparison with the pipeline scores what this gives."""
    return [
        Span(int(e["start"]), int(e["end"]), str(e["entity_group"]))
        for e in found
        if e["end"] > e["start"]
    ]


def pipeline_spans(
    model: Any, tokenizer: Any, docs: Sequence[Document], max_length: int, overlap: int
) -> list[list[Span]]:
    """Entities from ``pipeline("token-classification", aggregation_strategy="first")``."""
    with token_classification_pipeline(model, tokenizer, max_length, overlap, model.device) as pipe:
        return [spans_from_pipeline(pipe(doc.text)) for doc in docs]


def first_window_end_chars(tokenizer: Any, docs: Sequence[Document], max_tokens: int) -> list[int]:
    """Character offset where a truncated reading of each document stops."""
    from nerkit.windows import tokenize_documents

    usable = max_tokens - tokenizer.num_special_tokens_to_add(pair=False)
    ends = []
    for doc, tokens in zip(
        docs, tokenize_documents(tokenizer, [d.text for d in docs]), strict=True
    ):
        offsets = tokens.offsets
        ends.append(len(doc.text) if len(offsets) <= usable else int(offsets[usable - 1][1]))
    return ends


def unseen_by_truncation(docs: Sequence[Document], stop_chars: Sequence[int]) -> int:
    """Gold entities that end after the truncated reading stops (it never saw them)."""
    return sum(1 for d, stop in zip(docs, stop_chars, strict=True) for s in d.spans if s.end > stop)


def window_edge_chars(tokenizer: Any, text: str, max_length: int, overlap: int) -> np.ndarray:
    """Character offsets of the inner window edges of a windowed reading of ``text``."""
    from nerkit.windows import tokenize_document, window_ranges

    tokenized = tokenize_document(tokenizer, text)
    n = len(tokenized.input_ids)
    usable = max_length - tokenizer.num_special_tokens_to_add(pair=False)
    ranges = window_ranges(n, usable, overlap)
    edges = {a for a, _ in ranges[1:]} | {b for _, b in ranges[:-1]}
    if not edges:
        return np.zeros(0, dtype=np.int64)
    offsets = tokenized.offsets
    idx = np.asarray(sorted(edges), dtype=np.int64)
    return offsets[np.clip(idx, 0, n - 1), 0]


def edge_recall(
    tokenizer: Any,
    docs: Sequence[Document],
    predicted: Sequence[Sequence[Span]],
    max_length: int,
    overlap: int,
    margin_chars: int = 40,
) -> dict[str, Any]:
    """Recall of gold entities near a window edge versus elsewhere.

    A stitching regression shows up as a gap between the two.
    """
    hits = Counter[str]()
    totals = Counter[str]()
    for doc, pred in zip(docs, predicted, strict=True):
        edges = window_edge_chars(tokenizer, doc.text, max_length, overlap)
        found = set(pred)
        for span in doc.spans:
            near = bool(
                len(edges)
                and np.any(
                    (edges >= span.start - margin_chars) & (edges <= span.end + margin_chars)
                )
            )
            key = "near_edge" if near else "elsewhere"
            totals[key] += 1
            hits[key] += span in found
    return {
        key: {"gold": totals[key], "recall": hits[key] / totals[key] if totals[key] else None}
        for key in ("near_edge", "elsewhere")
    } | {"margin_chars": margin_chars}


def type_confusion(docs: Sequence[Document], predicted: Sequence[Sequence[Span]]) -> dict:
    """Counts of (gold type, predicted type) over overlapping entities, with missed/spurious."""
    counts = Counter[tuple[str, str]]()
    for doc, pred in zip(docs, predicted, strict=True):
        used: set[Span] = set()
        for g in doc.spans:
            overlapping = [p for p in pred if p.start < g.end and p.end > g.start]
            if not overlapping:
                counts[(g.label, MISSED)] += 1
                continue
            best = max(overlapping, key=lambda p: min(p.end, g.end) - max(p.start, g.start))
            counts[(g.label, best.label)] += 1
            used.update(overlapping)
        for p in pred:
            if p not in used:
                counts[(SPURIOUS, p.label)] += 1
    gold_labels = sorted({g for g, _ in counts if g != SPURIOUS}) + [SPURIOUS]
    pred_labels = sorted({p for _, p in counts if p != MISSED}) + [MISSED]
    matrix = [[counts[(g, p)] for p in pred_labels] for g in gold_labels]
    return {"gold": gold_labels, "predicted": pred_labels, "matrix": matrix}


def evaluate_predictors(
    docs: Sequence[Document],
    windowed: Any,
    truncated: Any | None = None,
    pipeline: tuple[Any, Any] | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """The full report: served and raw scores, the baselines, edge recall, confusion.

    ``windowed`` is an :class:`~nerkit.output.OutputPath` (or a bare predictor): its
    post-processed entities are the ``windowed`` reading (what users get), its engine
    entities the ``raw`` one. ``truncated`` is a predictor; ``pipeline`` is
    ``(model, tokenizer)`` for the Hugging Face stride-merging comparison. The served
    entities per document are under ``outputs`` (not JSON: pop them before writing).
    """
    from nerkit.output import describe_rules, entity_record, rules_digest

    if not docs:
        raise ValueError("no documents to evaluate: the split is empty")
    output = as_output_path(windowed)
    tokenizer = output.predictor.tokenizer
    window = output.predictor.window
    report: dict[str, Any] = {
        "documents": len(docs),
        "gold_entities": sum(len(d.spans) for d in docs),
    }

    run = run_predictor(output, docs, progress=progress)
    report["windowed"] = score_documents(docs, run["spans"]) | _speed(run)
    report["raw"] = score_documents(docs, run["raw_spans"])
    report["postprocess"] = {
        "rules": describe_rules(run["rules"]),
        "digest": rules_digest(run["rules"]),
    }
    report["edges"] = edge_recall(tokenizer, docs, run["spans"], window.max_length, window.overlap)
    report["confusion"] = type_confusion(docs, run["spans"])
    report["window"] = {"max_length": window.max_length, "overlap": window.overlap}
    report["outputs"] = [
        {"id": d.id, "entities": [entity_record(e) for e in o.entities]}
        for d, o in zip(docs, run["outputs"], strict=True)
    ]

    if truncated is not None:
        trunc = run_predictor(truncated, docs, progress=progress)
        stops = first_window_end_chars(tokenizer, docs, truncated.window.max_length)
        report["truncated"] = score_documents(docs, trunc["spans"]) | _speed(trunc)
        report["truncated"]["max_tokens"] = truncated.window.max_length
        report["truncated"]["unseen_gold_entities"] = unseen_by_truncation(docs, stops)

    if pipeline is not None:
        model, tok = pipeline
        started = time.perf_counter()
        spans = pipeline_spans(model, tok, docs, window.max_length, window.overlap)
        report["pipeline"] = score_documents(docs, spans)
        report["pipeline"]["seconds"] = time.perf_counter() - started
    return report


def served_spans(report: dict[str, Any]) -> list[list[Span]]:
    """The served entities of a report, per document, as spans (for paired comparisons)."""
    return [
        [Span(int(e["start"]), int(e["end"]), str(e["label"])) for e in doc["entities"]]
        for doc in report["outputs"]
    ]


def _speed(run: dict[str, Any]) -> dict[str, Any]:
    return {
        k: run[k] for k in ("seconds", "tokens", "windows", "tokens_per_second", "docs_per_second")
    }


def summary_metrics(report: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Flat figures for MLflow: served, raw, truncated and pipeline F1, per type, speed."""
    out = flat_metrics(report["windowed"], prefix)
    out[f"{prefix}tokens_per_second"] = report["windowed"]["tokens_per_second"]
    if "raw" in report:
        out[f"{prefix}raw_f1"] = report["raw"]["seqeval"]["micro"]["f1"]
    if "truncated" in report:
        out[f"{prefix}truncated_f1"] = report["truncated"]["seqeval"]["micro"]["f1"]
        out[f"{prefix}windowed_minus_truncated_f1"] = (
            out[f"{prefix}f1"] - out[f"{prefix}truncated_f1"]
        )
        out[f"{prefix}truncated_unseen_gold"] = report["truncated"]["unseen_gold_entities"]
    if "pipeline" in report:
        out[f"{prefix}pipeline_f1"] = report["pipeline"]["seqeval"]["micro"]["f1"]
    for key in ("near_edge", "elsewhere"):
        recall = report["edges"][key]["recall"]
        if recall is not None:
            out[f"{prefix}recall_{key}"] = recall
    return out


def format_report(report: dict[str, Any]) -> str:
    """A one-screen table of the report."""
    rows = [("reading", "P", "R", "F1", "exact F1")]
    for name in ("windowed", "raw", "truncated", "pipeline"):
        if name in report:
            s = report[name]
            m = s["seqeval"]["micro"]
            rows.append(
                (
                    name,
                    f"{m['precision']:.3f}",
                    f"{m['recall']:.3f}",
                    f"{m['f1']:.3f}",
                    f"{s['exact']['micro']['f1']:.3f}",
                )
            )
    lines = [" ".join(f"{c:>10}" for c in row) for row in rows]
    lines.append(
        "windowed: the engine, then the post-processing chain (what users get); raw: the "
        f"engine alone. Chain {report.get('postprocess', {}).get('digest', '-')}: "
        f"{report.get('postprocess', {}).get('rules', '[]')}"
    )
    lines.append("")
    lines.append(f"{'type':>14} {'windowed F1':>12} {'truncated F1':>13} {'support':>8}")
    trunc = report.get("truncated", {}).get("seqeval", {}).get("per_type", {})
    for label, v in sorted(report["windowed"]["seqeval"]["per_type"].items()):
        t = trunc.get(label, {}).get("f1")
        t_text = f"{t:.3f}" if t is not None else "-"
        lines.append(f"{label:>14} {v['f1']:>12.3f} {t_text:>13} {v['support']:>8}")
    lines.append("")
    w = report["windowed"]
    lines.append(
        f"{report['documents']} documents, {report['gold_entities']} gold entities, "
        f"{w['tokens']} word-pieces in {w['windows']} windows, "
        f"{w['tokens_per_second']:.0f} word-pieces/s"
    )
    if "truncated" in report:
        lines.append(
            f"truncated reading ({report['truncated']['max_tokens']} tokens) never saw "
            f"{report['truncated']['unseen_gold_entities']} of {report['gold_entities']} "
            "gold entities"
        )
    e = report["edges"]
    lines.append(
        "recall near window edges: "
        + (f"{e['near_edge']['recall']:.3f}" if e["near_edge"]["recall"] is not None else "-")
        + f" ({e['near_edge']['gold']} gold), elsewhere: "
        + (f"{e['elsewhere']['recall']:.3f}" if e["elsewhere"]["recall"] is not None else "-")
        + f" ({e['elsewhere']['gold']} gold)"
    )
    return "\n".join(lines)
