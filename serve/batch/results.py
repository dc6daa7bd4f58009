"""One document's result, as ``POST /v1/ner`` answers it, for the local and the Ray job.

Both jobs run the engine's stream, then :func:`outcome`: the same post-processing chain,
enrichment and response shape as the service (:func:`nerkit.output.document_entities`),
or a :class:`BadRecord` saying why the document failed (never quoting its text).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from serve.batch.inputs import BadRecord, BatchError, Record


def document_result(
    doc_id: str,
    text: str,
    prediction: Any,
    chain: Callable[[str, list[Any]], list[Any]],
    enricher: Any,
    model_name: str,
    model_version: str,
) -> dict[str, Any]:
    """One output record, as ``POST /v1/ner`` answers for this document (one model):
    entities -> post-processing chain -> enrichment -> mention groups."""
    from nerkit.kb.enrich import group_mentions
    from nerkit.output import document_entities
    from serve.schemas import EntityOut, MentionGroup, Meta, NerResponse

    entities = document_entities(text, prediction.entities, chain, enricher)
    groups = None
    if enricher is not None:
        groups = [MentionGroup(**g) for g in group_mentions(entities)]
    response = NerResponse(
        id=doc_id,
        entities=[EntityOut.from_entity(e) for e in entities],
        meta=Meta(
            model=model_name,
            version=model_version,
            tokens=prediction.tokens,
            windows=prediction.windows,
            models=None,
        ),
        groups=groups,
    )
    return response.model_dump(mode="json", exclude_none=True)


def outcome(
    result: Any,
    chain: Callable[[str, list[Any]], list[Any]],
    enricher: Any,
    model_name: str,
    model_version: str,
) -> dict[str, Any] | BadRecord:
    """A stream result (``result.id`` is the :class:`Record`) as the document's output
    record, or the reason it failed."""
    record: Record = result.id
    if result.error is not None:
        reason = f"the engine failed on this document: {type(result.error).__name__}"
    else:
        try:
            return document_result(
                record.id,
                record.text,
                result.prediction,
                chain,
                enricher,
                model_name,
                model_version,
            )
        except Exception as err:
            # The message may quote the document (offset checks do): the type only.
            reason = f"post-processing or enrichment failed: {type(err).__name__}"
    return BadRecord(record.file, record.line, record.id, reason, record.position, record.row)


def build_enricher(kb: dict[str, Any] | None) -> Any:
    """The knowledge-base enricher of ``enrich=true``; BatchError naming what is wrong."""
    from nerkit.kb.enrich import Enricher

    try:
        return Enricher.from_config({str(k): v for k, v in kb.items()} if kb else None)
    except (ValueError, OSError) as err:
        raise BatchError(f"kb: {err}") from None


def build_output_chain(meta: Any, configured: list[Any], where: str) -> Any:
    """The chain recorded with the model, as the service runs it; the configured one else."""
    from nerkit.output import rules_for
    from nerkit.postprocess import build_chain

    try:
        return build_chain(rules_for(meta, configured))
    except (TypeError, ValueError) as err:
        raise BatchError(f"postprocess rules of {where}: {err}") from None
