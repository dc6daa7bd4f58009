"""One document's result, as ``POST /v1/ner`` answers it, for the local and the Ray job.

Both jobs run the engine's stream, then :func:`outcome`: the same output path as the
service (:class:`nerkit.output.OutputPath`: the chain recorded with the model, then
enrichment) and its response shape, or a :class:`BadRecord` saying why the document
failed (never quoting its text).
"""

from __future__ import annotations

from typing import Any

from nerkit.output import OutputPath
from serve.batch.inputs import BadRecord, BatchError, Record


def document_result(
    doc_id: str, text: str, prediction: Any, served: OutputPath, name: str, version: str
) -> dict[str, Any]:
    """One output record, as ``POST /v1/ner`` answers for this document (one model):
    entities -> post-processing chain -> enrichment -> mention groups."""
    from nerkit.kb.enrich import group_mentions
    from serve.schemas import EntityOut, MentionGroup, Meta, NerResponse

    enrich = served.enricher is not None
    entities = served.finish(text, prediction.entities, enrich=enrich)
    groups = [MentionGroup(**g) for g in group_mentions(entities)] if enrich else None
    response = NerResponse(
        id=doc_id,
        entities=[EntityOut.from_entity(e) for e in entities],
        meta=Meta(
            model=name,
            version=version,
            tokens=prediction.tokens,
            windows=prediction.windows,
            models=None,
        ),
        groups=groups,
    )
    return response.model_dump(mode="json", exclude_none=True)


def outcome(result: Any, served: OutputPath, name: str, version: str) -> dict[str, Any] | BadRecord:
    """A stream result (``result.id`` is the :class:`Record`) as the document's output
    record, or the reason it failed."""
    record: Record = result.id
    if result.error is not None:
        reason = f"the engine failed on this document: {type(result.error).__name__}"
    else:
        try:
            return document_result(record.id, record.text, result.prediction, served, name, version)
        except Exception as err:
            # The message may quote the document (offset checks do): the type only.
            reason = f"post-processing or enrichment failed: {type(err).__name__}"
    return BadRecord(record.file, record.line, record.id, reason, record.position, record.row)


def output_path(
    predictor: Any, configured: list[Any], kb: dict[str, Any] | None, enrich: bool, where: str
) -> OutputPath:
    """The predictor with the chain recorded with its model (the configured one else) and,
    with ``enrich``, the knowledge base: the service's output path. BatchError says what
    is wrong."""
    enricher = None
    if enrich:
        from nerkit.kb.enrich import Enricher

        try:
            enricher = Enricher.from_config(kb)
        except (ValueError, OSError) as err:
            raise BatchError(f"kb: {err}") from None
    try:
        return OutputPath.for_predictor(predictor, configured, enricher=enricher)
    except (TypeError, ValueError) as err:
        raise BatchError(f"postprocess rules of {where}: {err}") from None
