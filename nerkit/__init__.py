"""nerkit: named-entity recognition on whole long documents, as a library.

    from nerkit import OutputPath, generate_corpus, load_documents

    docs = load_documents("contracts.conll")             # CoNLL, Label Studio, doccano, ...
    reader = OutputPath.from_bundle("outputs/train/contract-ner-builtin/bundle")
    for doc in reader.predict([d.text for d in docs]):   # what python -m serve answers
        print([(e.label, e.text) for e in doc.entities])

Names are imported on first use, so ``import nerkit`` stays light (no torch until a
model is needed).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    # documents and data
    "Document": "nerkit.documents",
    "Span": "nerkit.documents",
    "Entity": "nerkit.documents",
    "DataError": "nerkit.documents",
    "load_documents": "nerkit.formats",
    "write_documents": "nerkit.formats",
    "generate_corpus": "nerkit.corpus",
    # models and bundles
    "BundleMeta": "nerkit.bundle",
    "load_bundle": "nerkit.bundle",
    "save_bundle": "nerkit.bundle",
    "TokenTagger": "nerkit.heads",
    "LinearHead": "nerkit.heads",
    "CRFHead": "nerkit.heads",
    "token_shapes": "nerkit.shapes",
    # reading documents
    "WindowConfig": "nerkit.windows",
    "Predictor": "nerkit.predictor",
    "OutputPath": "nerkit.output",
    # scoring
    "score_documents": "nerkit.metrics",
    "paired_bootstrap": "nerkit.scoring",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'nerkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
