"""Scoring predicted entities against gold spans on whole documents.

Two views, both reported:

* seqeval entity-level precision/recall/F1 in strict IOB2 mode, computed on a word
  tokenisation of the text that does not depend on the model's tokenizer (so models with
  different tokenizers are scored on the same words);
* exact character-span precision/recall/F1: an entity counts only when its start, end
  and label all equal a gold span's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from nerkit.documents import Document, Span

WORD_PATTERN = re.compile(r"\w+|[^\w\s]")


def word_offsets(text: str) -> np.ndarray:
    """(n, 2) array of character offsets of the words and punctuation marks of ``text``."""
    bounds = [(m.start(), m.end()) for m in WORD_PATTERN.finditer(text)]
    return np.asarray(bounds, dtype=np.int64).reshape(-1, 2)


def spans_to_word_tags(words: np.ndarray, spans: Iterable[Span]) -> list[str]:
    """IOB2 tags of ``words`` for ``spans``: a word is tagged when it overlaps a span."""
    tags = ["O"] * len(words)
    if len(words) == 0:
        return tags
    starts, ends = words[:, 0], words[:, 1]
    for span in sorted(spans):
        inside = np.flatnonzero((starts < span.end) & (ends > span.start))
        free = [i for i in inside.tolist() if tags[i] == "O"]
        if not free:
            continue
        tags[free[0]] = f"B-{span.label}"
        for i in free[1:]:
            tags[i] = f"I-{span.label}"
    return tags


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": n_gold}


def exact_span_scores(
    gold: Sequence[Iterable[Span]], predicted: Sequence[Iterable[Span]]
) -> dict[str, Any]:
    """Exact character-span precision/recall/F1, micro and per label."""
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for gold_spans, pred_spans in zip(gold, predicted, strict=True):
        g = set(gold_spans)
        p = set(pred_spans)
        for s in g:
            n_gold[s.label] += 1
        for s in p:
            n_pred[s.label] += 1
            if s in g:
                tp[s.label] += 1
    labels = sorted(set(n_gold) | set(n_pred))
    per_type = {lab: _prf(tp[lab], n_pred[lab], n_gold[lab]) for lab in labels}
    micro = _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    return {"micro": micro, "per_type": per_type}


def exact_f1(docs: Sequence[Document], predicted: Sequence[Iterable[Span]]) -> float:
    """Micro F1 over exact ``(start, end, label)`` matches: the one figure benchmarks print."""
    return float(exact_span_scores([d.spans for d in docs], predicted)["micro"]["f1"])


def seqeval_scores(docs: Sequence[Document], predicted: Sequence[Iterable[Span]]) -> dict[str, Any]:
    """seqeval strict IOB2 entity-level scores: micro, macro and per type."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    y_true: list[list[str]] = []
    y_pred: list[list[str]] = []
    for doc, pred_spans in zip(docs, predicted, strict=True):
        words = word_offsets(doc.text)
        y_true.append(spans_to_word_tags(words, doc.spans))
        y_pred.append(spans_to_word_tags(words, pred_spans))
    report = classification_report(
        y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0
    )
    per_type = {
        label: {
            "precision": float(v["precision"]),
            "recall": float(v["recall"]),
            "f1": float(v["f1-score"]),
            "support": int(v["support"]),
        }
        for label, v in report.items()
        if label not in {"micro avg", "macro avg", "weighted avg"}
    }

    def avg(key: str) -> dict[str, float]:
        v = report.get(key, {})
        return {
            "precision": float(v.get("precision", 0.0)),
            "recall": float(v.get("recall", 0.0)),
            "f1": float(v.get("f1-score", 0.0)),
            "support": int(v.get("support", 0)),
        }

    return {"micro": avg("micro avg"), "macro": avg("macro avg"), "per_type": per_type}


def score_documents(
    docs: Sequence[Document], predicted: Sequence[Iterable[Span]]
) -> dict[str, Any]:
    """Both views for one prediction of ``docs``; ``predicted[i]`` belongs to ``docs[i]``."""
    spans = [list(p) for p in predicted]
    return {
        "seqeval": seqeval_scores(docs, spans),
        "exact": exact_span_scores([d.spans for d in docs], spans),
        "documents": len(docs),
        "gold_entities": sum(len(d.spans) for d in docs),
        "predicted_entities": sum(len(p) for p in spans),
    }


def flat_metrics(scores: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """The figures people compare, as a flat ``name -> value`` mapping (for MLflow)."""
    out = {
        f"{prefix}f1": scores["seqeval"]["micro"]["f1"],
        f"{prefix}precision": scores["seqeval"]["micro"]["precision"],
        f"{prefix}recall": scores["seqeval"]["micro"]["recall"],
        f"{prefix}macro_f1": scores["seqeval"]["macro"]["f1"],
        f"{prefix}exact_f1": scores["exact"]["micro"]["f1"],
    }
    for label, v in scores["seqeval"]["per_type"].items():
        out[f"{prefix}f1_{label}"] = v["f1"]
    return out
