"""The MLflow pyfunc wrapper of the nerkit engine (logged by ``python -m registry``).

It lives in the installed ``nerkit`` package so that MLflow can import it when a model is
loaded: the pickled model refers to ``nerkit.pyfunc_model.NerkitPyfunc`` by name, and the
registry also ships the ``nerkit`` package with each model (``code_paths``), so a process
without nerkit installed can load it too.

Input: a DataFrame with a ``text`` column (one document per row). Output: a DataFrame with
one column, ``entities``: per row, a list of ``{"label", "start", "end", "text", "score"}``
dicts with character offsets into that row's text (``text == document[start:end]``) —
the entities of the one output path (:mod:`nerkit.output`): whole documents read in
windows by the engine, then the post-processing chain recorded in the bundle, exactly as
``python -m serve`` answers. The signature declares it as ``Array(Object(...))``.

Load-time options (``mlflow.pyfunc.load_model(uri, model_config={...})``): ``device``
(``auto``, ``cpu``, ``cuda``, ``cuda:1``), ``precision`` (``fp32``, ``bf16``, ``fp16``,
``int8``) and ``batch_tokens``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from mlflow.pyfunc import PythonModel

from nerkit.output import entity_record

__all__ = ["BUNDLE_ARTIFACT", "ENTITIES_COLUMN", "TEXT_COLUMN", "NerkitPyfunc", "entity_record"]

BUNDLE_ARTIFACT = "bundle"
TEXT_COLUMN = "text"
ENTITIES_COLUMN = "entities"
ENTITY_FIELDS = ("label", "start", "end", "text", "score")
DEFAULT_MODEL_CONFIG: dict[str, Any] = {"device": "auto", "precision": "fp32"}


def input_texts(model_input: Any) -> list[str]:
    """The documents of a pyfunc input: a DataFrame/mapping with ``text``, or strings."""
    if isinstance(model_input, str):
        return [model_input]
    columns = getattr(model_input, "columns", None)
    if columns is not None:
        if TEXT_COLUMN not in columns:
            raise ValueError(
                f"the input needs a {TEXT_COLUMN!r} column (got {', '.join(map(str, columns))})"
            )
        values = list(model_input[TEXT_COLUMN])
    elif isinstance(model_input, Mapping):
        raw = model_input.get(TEXT_COLUMN)
        if raw is None:
            raise ValueError(f"the input needs a {TEXT_COLUMN!r} key")
        values = [raw] if isinstance(raw, str) else list(raw)
    else:
        values = list(model_input)
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise ValueError(
                f"row {i}: {TEXT_COLUMN!r} must be a string, got {type(value).__name__}"
            )
    return values


class NerkitPyfunc(PythonModel):
    """A nerkit model bundle behind MLflow's pyfunc interface."""

    def __init__(self) -> None:
        self.output: Any = None

    def load_context(self, context: Any) -> None:
        from nerkit.output import OutputPath
        from nerkit.tracking import find_bundle_dir

        config = {**DEFAULT_MODEL_CONFIG, **(getattr(context, "model_config", None) or {})}
        options: dict[str, Any] = {
            "device": str(config["device"]),
            "precision": str(config["precision"]),
        }
        if config.get("batch_tokens"):
            options["batch_tokens"] = int(config["batch_tokens"])
        bundle = find_bundle_dir(Path(context.artifacts[BUNDLE_ARTIFACT]))
        self.output = OutputPath.from_bundle(bundle, **options)

    # Annotated with DataFrame, MLflow leaves validation to the logged signature.
    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None
    ) -> pd.DataFrame:
        if self.output is None:
            self.load_context(context)
        texts = input_texts(model_input)
        outputs = self.output.predict(texts) if texts else []
        return pd.DataFrame(
            {ENTITIES_COLUMN: [[entity_record(e) for e in o.entities] for o in outputs]}
        )
