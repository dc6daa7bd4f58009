"""The one MLflow adapter: everything nerkit writes to or reads from MLflow goes through here.

Nothing happens at import time: the tracking URI is set when a run starts.
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from nerkit.documents import Document

MAX_PARAM_CHARS = 500


def flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}} -> {"a.b": 1}`` (lists are kept whole, as strings)."""
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def git_commit(repo: Path | None = None) -> str | None:
    """The checkout's commit, or None outside a git work tree."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=repo or Path.cwd(),
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def configure(uri: str, experiment: str, artifact_location: str | None = None) -> str:
    """Point MLflow at ``uri`` and make sure ``experiment`` exists; returns its id."""
    import mlflow

    mlflow.set_tracking_uri(uri)
    found = mlflow.get_experiment_by_name(experiment)
    if found is not None:
        return str(found.experiment_id)
    try:
        return str(mlflow.create_experiment(experiment, artifact_location=artifact_location))
    except Exception:  # another process created it between the two calls
        found = mlflow.get_experiment_by_name(experiment)
        if found is None:
            raise
        return str(found.experiment_id)


@contextlib.contextmanager
def run(
    uri: str,
    experiment: str,
    run_name: str,
    artifact_location: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Start an MLflow run (ended, and marked FAILED on an exception); yields its id."""
    import mlflow

    experiment_id = configure(uri, experiment, artifact_location)
    all_tags = dict(tags or {})
    commit = git_commit()
    if commit:
        all_tags.setdefault("mlflow.source.git.commit", commit)
    with mlflow.start_run(experiment_id=experiment_id, run_name=run_name, tags=all_tags) as active:
        yield active.info.run_id


def log_params(params: Mapping[str, Any]) -> None:
    import mlflow

    flat = flatten(params)
    mlflow.log_params({k: str(v)[:MAX_PARAM_CHARS] for k, v in flat.items()})


def log_metrics(metrics: Mapping[str, float], step: int | None = None) -> None:
    import mlflow

    clean = {k: float(v) for k, v in metrics.items() if isinstance(v, int | float)}
    if clean:
        mlflow.log_metrics(clean, step=step)


def set_tags(tags: Mapping[str, Any]) -> None:
    import mlflow

    mlflow.set_tags({k: str(v) for k, v in tags.items()})


def log_dataset(docs: list[Document], fingerprint: str, name: str, context: str) -> None:
    """Record a data split as an MLflow dataset input, identified by its fingerprint."""
    import mlflow
    import pandas as pd

    frame = pd.DataFrame(
        {
            "id": [d.id for d in docs],
            "chars": [len(d.text) for d in docs],
            "entities": [len(d.spans) for d in docs],
        }
    )
    dataset = mlflow.data.from_pandas(frame, name=name, digest=fingerprint[:16])
    mlflow.log_input(dataset, context=context, tags={"fingerprint": fingerprint})


def log_artifacts(path: str | Path, artifact_path: str | None = None) -> None:
    import mlflow

    path = Path(path)
    if path.is_dir():
        mlflow.log_artifacts(str(path), artifact_path=artifact_path)
    else:
        mlflow.log_artifact(str(path), artifact_path=artifact_path)


def log_dict(data: Mapping[str, Any], artifact_file: str) -> None:
    import mlflow

    mlflow.log_dict(dict(data), artifact_file)


def active_run_id() -> str | None:
    import mlflow

    active = mlflow.active_run()
    return active.info.run_id if active else None


def find_bundle_dir(root: Path) -> Path:
    """The folder under ``root`` that holds ``nerkit.json`` (a model bundle)."""
    if (root / "nerkit.json").is_file():
        return root
    found = sorted(root.rglob("nerkit.json"))
    if not found:
        raise FileNotFoundError(f"no model bundle (nerkit.json) under {root}")
    return found[0].parent


def download_bundle(uri: str, cache_dir: str | Path) -> Path:
    """Download the artifacts behind ``uri`` into ``cache_dir`` and return the bundle folder."""
    import hashlib

    import mlflow

    target = Path(cache_dir) / hashlib.sha256(uri.encode()).hexdigest()[:16]
    target.mkdir(parents=True, exist_ok=True)
    local = mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=str(target))
    return find_bundle_dir(Path(local))
