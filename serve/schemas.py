"""Request and response bodies of the HTTP API (Pydantic).

Request bodies are validated with ``model_validate_json(body, context=limits)``: the
limits (characters per document, documents per batch) are the running service's, passed
in the validation context, and the error names the limit. Offsets in responses index the
text exactly as sent (Python code points), whatever it holds: NUL, emoji, right-to-left
or zero-width characters.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

MAX_ID_CHARS = 256


def check_text(text: str, info: ValidationInfo) -> str:
    """Reject empty (or blank) texts and texts above the service's ``max_chars``."""
    if not text.strip():
        raise ValueError("text is empty (or only whitespace): there is nothing to read")
    limit = (info.context or {}).get("max_chars")
    if limit is not None and len(text) > limit:
        raise ValueError(
            f"text has {len(text)} characters, above this service's limit of "
            f"max_chars={limit}; split the document"
        )
    return text


class NerRequest(BaseModel):
    """One document."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=MAX_ID_CHARS, description="echoed in the response")
    text: str = Field(..., description="the document; offsets in the response index it")
    enrich: bool | None = Field(
        None, description="add knowledge-base links (default: the service's enrich_default)"
    )

    @field_validator("text")
    @classmethod
    def _check_text(cls, text: str, info: ValidationInfo) -> str:
        return check_text(text, info)


class BatchDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=MAX_ID_CHARS)
    text: str

    @field_validator("text")
    @classmethod
    def _check_text(cls, text: str, info: ValidationInfo) -> str:
        return check_text(text, info)


class BatchRequest(BaseModel):
    """Several documents; results come back in input order."""

    model_config = ConfigDict(extra="forbid")

    documents: list[BatchDocument] = Field(..., min_length=1)
    enrich: bool | None = None

    @field_validator("documents")
    @classmethod
    def _count(cls, documents: list[BatchDocument], info: ValidationInfo) -> list[BatchDocument]:
        limit = (info.context or {}).get("max_batch_docs")
        if limit is not None and len(documents) > limit:
            raise ValueError(
                f"{len(documents)} documents, above this service's limit of "
                f"max_batch_docs={limit}; send them in several requests"
            )
        return documents


class ReloadRequest(BaseModel):
    """Which model to reload and to what: an alias or a version of a configured model."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(
        None, max_length=256, description="a configured model name; all models when omitted"
    )
    alias: str | None = Field(
        None,
        pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$",
        description="a registry alias; the configured alias when omitted",
    )
    version: int | None = Field(None, ge=1, description="a version number instead of an alias")


class EntityOut(BaseModel):
    label: str
    start: int = Field(..., description="first character, into the text as sent")
    end: int = Field(..., description="one past the last character")
    text: str = Field(..., description="text[start:end]")
    score: float
    model: str | None = Field(None, description="the model that found it (several models)")
    version: str | None = None
    link: dict[str, Any] | None = Field(None, description="knowledge-base link (enrich)")

    @classmethod
    def from_entity(cls, entity: Any) -> EntityOut:
        """From a ``nerkit.documents.Entity``; model, version and link come from its extra."""
        return cls(
            label=entity.label,
            start=entity.start,
            end=entity.end,
            text=entity.text,
            score=entity.score,
            model=entity.extra.get("model"),
            version=entity.extra.get("version"),
            link=entity.extra.get("link"),
        )


class ModelUsed(BaseModel):
    model: str
    version: str
    tokens: int
    windows: int


class Meta(BaseModel):
    model: str
    version: str
    tokens: int = Field(..., description="word-pieces read")
    windows: int
    models: list[ModelUsed] | None = Field(None, description="each model, when several run")


class MentionGroup(BaseModel):
    id: str
    label: str
    canonical: str
    count: int
    first_offset: int
    texts: list[str]


class NerResponse(BaseModel):
    id: str | None = None
    entities: list[EntityOut]
    meta: Meta
    groups: list[MentionGroup] | None = Field(
        None, description="linked mentions grouped by entity (enrich)"
    )


class BatchResponse(BaseModel):
    results: list[NerResponse]


class WindowOut(BaseModel):
    max_length: int
    overlap: int


class ModelSlotInfo(BaseModel):
    slot: str
    ready: bool
    name: str | None = None
    version: str | None = None
    alias: str | None = None
    source: str | None = Field(None, description="registry | cache | bundle")
    note: str | None = None
    device: str | None = None
    precision: str | None = None
    labels: list[str] | None = None
    window: WindowOut | None = None
    aggregation: str | None = None
    loaded_at: str | None = None
    error: str | None = None


class ModelInfo(ModelSlotInfo):
    """The first model's description, and every model's in ``models``."""

    models: list[ModelSlotInfo]


class ReloadOutcome(BaseModel):
    model: str
    ok: bool
    changed: bool
    previous_version: str | None = None
    version: str | None = None
    alias: str | None = None
    source: str | None = None
    reason: str | None = None


class ReloadResponse(BaseModel):
    results: list[ReloadOutcome]


class Status(BaseModel):
    status: str
    detail: str | None = None


class ErrorBody(BaseModel):
    detail: Any
