"""Logging a model bundle as an MLflow pyfunc model: signature, example, requirements.

The model class itself is :class:`nerkit.pyfunc_model.NerkitPyfunc` (it must be importable
wherever MLflow loads the model, so it lives in the installed package). What gets logged:

* ``artifacts/<bundle folder name>/`` — the bundle, byte for byte (its SHA-256 is checked
  after registration);
* ``code/nerkit/`` — the nerkit package the model was logged with (``code_paths``);
* a signature: input one ``text`` column (string); output one ``entities`` column,
  ``Array(Object(label: string, start: long, end: long, text: string, score: double))``;
* an input example (a short contract sentence) — MLflow runs it through the model when
  logging, so a bundle that cannot predict is never logged;
* pinned pip requirements: nerkit's runtime dependencies at their installed versions
  (local version labels such as ``+cpu`` dropped), plus pandas and cloudpickle.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path
from typing import Any

from nerkit.pyfunc_model import (
    BUNDLE_ARTIFACT,
    ENTITIES_COLUMN,
    TEXT_COLUMN,
    NerkitPyfunc,
)

__all__ = [
    "BUNDLE_ARTIFACT",
    "EXAMPLE_TEXT",
    "MODEL_ARTIFACT_NAME",
    "NerkitPyfunc",
    "input_example",
    "log_pyfunc",
    "model_signature",
    "pinned_requirements",
]

MODEL_ARTIFACT_NAME = "model"
EXAMPLE_TEXT = (
    "This Loan Agreement is made on March 3, 2024 between Acme Holdings, Inc. and "
    "Jane Doe for USD 1,250,000, governed by the laws of the State of New York."
)
# Needed to load a pickled PythonModel, whatever nerkit declares.
EXTRA_REQUIREMENTS = ("mlflow", "pandas", "cloudpickle")
FALLBACK_REQUIREMENTS = (
    "torch",
    "transformers",
    "tokenizers",
    "safetensors",
    "numpy",
    "tqdm",
)


def model_signature() -> Any:
    """Input ``text`` (string); output ``entities`` (array of entity objects)."""
    from mlflow.models import ModelSignature
    from mlflow.types.schema import Array, ColSpec, Object, Property, Schema

    entity = Object(
        [
            Property("label", "string"),
            Property("start", "long"),
            Property("end", "long"),
            Property("text", "string"),
            Property("score", "double"),
        ]
    )
    return ModelSignature(
        inputs=Schema([ColSpec("string", TEXT_COLUMN)]),
        outputs=Schema([ColSpec(Array(entity), ENTITIES_COLUMN)]),
    )


def input_example() -> Any:
    import pandas as pd

    return pd.DataFrame({TEXT_COLUMN: [EXAMPLE_TEXT]})


def _requirement_name(requirement: str) -> str | None:
    """The distribution name of a requirement string, or None for extras-only ones."""
    if ";" in requirement and "extra" in requirement.split(";", 1)[1]:
        return None
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return match.group(1) if match else None


def _public_version(version: str) -> str:
    """``2.13.0+cpu`` -> ``2.13.0``: local labels are not installable from an index."""
    return version.split("+", 1)[0]


def pinned_requirements(distribution: str = "nerkit") -> list[str]:
    """``name==version`` for every runtime dependency of ``distribution`` that is installed."""
    try:
        declared = metadata.requires(distribution) or []
        names = [n for n in (_requirement_name(r) for r in declared) if n]
    except metadata.PackageNotFoundError:
        names = list(FALLBACK_REQUIREMENTS)
    pins: dict[str, str] = {}
    for name in [*names, *EXTRA_REQUIREMENTS]:
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in pins:
            continue
        try:
            pins[key] = f"{name}=={_public_version(metadata.version(name))}"
        except metadata.PackageNotFoundError:
            continue
    return sorted(pins.values(), key=str.lower)


def nerkit_code_path() -> str:
    """The folder of the nerkit package, shipped with every model as ``code/nerkit``."""
    import nerkit

    return str(Path(nerkit.__file__).resolve().parent)


def log_pyfunc(
    bundle_dir: str | Path,
    metadata_fields: dict[str, Any] | None = None,
    name: str = MODEL_ARTIFACT_NAME,
) -> Any:
    """Log ``bundle_dir`` as a pyfunc model into the active run; returns MLflow's ModelInfo."""
    import mlflow.pyfunc

    return mlflow.pyfunc.log_model(
        name=name,
        python_model=NerkitPyfunc(),
        artifacts={BUNDLE_ARTIFACT: str(Path(bundle_dir).resolve())},
        code_paths=[nerkit_code_path()],
        signature=model_signature(),
        input_example=input_example(),
        pip_requirements=pinned_requirements(),
        metadata=metadata_fields or {},
        model_config={"device": "auto", "precision": "fp32"},
    )
