"""The one output path: a model version's entities, exactly as every consumer gets them.

::

    engine (Predictor) -> the post-processing chain recorded with the model
                       -> knowledge-base enrichment (when asked for)

The service, the bulk job, the MLflow pyfunc model, ``python -m evaluate``, the test
scoring at the end of ``python -m train`` and the registry gate all call
:func:`document_entities` (directly or through :class:`OutputPath`), so the figure a
model is promoted on is the figure of what users get.

Which chain runs (:func:`rules_for`): the one recorded in the bundle (``nerkit.json``
``postprocess``; the registry records the configured one when it registers a bundle that
has none); for a bundle that records none, the consumer's configured rules. ``evaluate``
may score another chain on purpose (``postprocess=...`` on its command line).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nerkit.documents import Entity
from nerkit.postprocess import Chain, build_chain

Rules = list[Any]


def entity_record(entity: Entity) -> dict[str, Any]:
    """The five core fields of one entity (the pyfunc output, the golden comparisons)."""
    return {
        "label": str(entity.label),
        "start": int(entity.start),
        "end": int(entity.end),
        "text": str(entity.text),
        "score": float(entity.score),
    }


def rules_for(meta: Any, configured: Sequence[Any] | None = None) -> Rules:
    """The rules a model runs: its bundle's recorded chain, else ``configured``."""
    recorded = getattr(meta, "postprocess", None)
    if recorded is not None:
        return list(recorded)
    return list(configured or [])


def describe_rules(rules: Sequence[Any] | None) -> str:
    """The rules as canonical JSON (for MLflow tags and decision records)."""
    return json.dumps(list(rules or []), sort_keys=True, default=repr)


def rules_digest(rules: Sequence[Any] | None) -> str:
    """A short fingerprint of a chain: equal digests, equal rules."""
    return hashlib.sha256(describe_rules(rules).encode()).hexdigest()[:16]


def document_entities(
    text: str,
    entities: Sequence[Entity],
    chain: Callable[[str, list[Entity]], list[Entity]],
    enricher: Any = None,
) -> list[Entity]:
    """One document's entities as users get them: ``chain``, then ``enricher`` if given."""
    found = chain(text, list(entities))
    if enricher is not None:
        found = enricher.enrich(text, found)
    return found


@dataclass
class DocumentOutput:
    """One document through the output path; ``raw`` is the engine's reading before it."""

    entities: list[Entity]
    raw: list[Entity]
    tokens: int
    windows: int


class OutputPath:
    """A predictor with the chain (and optionally the enricher) its model is served with."""

    def __init__(
        self, predictor: Any, rules: Sequence[Any] | None = None, enricher: Any = None
    ) -> None:
        self.predictor = predictor
        self.rules: Rules = list(rules or [])
        self.chain: Chain = build_chain(self.rules)
        self.enricher = enricher

    @classmethod
    def for_predictor(
        cls,
        predictor: Any,
        configured: Sequence[Any] | None = None,
        override: Sequence[Any] | None = None,
        enricher: Any = None,
    ) -> OutputPath:
        """The output path of ``predictor``'s model: ``override`` when given, else the
        chain its bundle records, else ``configured`` (see the module docstring)."""
        meta = getattr(predictor, "meta", None)
        rules = list(override) if override is not None else rules_for(meta, configured)
        return cls(predictor, rules, enricher)

    @classmethod
    def from_bundle(
        cls,
        path: str | Path,
        configured: Sequence[Any] | None = None,
        override: Sequence[Any] | None = None,
        enricher: Any = None,
        **engine: Any,
    ) -> OutputPath:
        """Load the bundle into a predictor (``engine``: device, precision, ...)."""
        from nerkit.predictor import Predictor

        predictor = Predictor.from_bundle(path, **engine)
        return cls.for_predictor(predictor, configured, override, enricher)

    def finish(self, text: str, entities: Sequence[Entity], enrich: bool = False) -> list[Entity]:
        """The engine's entities of one document -> what users get."""
        return document_entities(text, entities, self.chain, self.enricher if enrich else None)

    def predict(
        self, texts: Sequence[str], progress: bool = False, enrich: bool = False
    ) -> list[DocumentOutput]:
        """Every text through engine, chain and (``enrich``) enrichment, in input order."""
        if enrich and self.enricher is None:
            raise ValueError("enrich=True needs an enricher (nerkit.kb.enrich.Enricher)")
        predictions = self.predictor.predict(list(texts), progress=progress) if texts else []
        return [
            DocumentOutput(
                self.finish(text, p.entities, enrich), list(p.entities), p.tokens, p.windows
            )
            for text, p in zip(texts, predictions, strict=True)
        ]
