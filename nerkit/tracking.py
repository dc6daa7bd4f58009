"""The one MLflow adapter: everything nerkit writes to or reads from MLflow goes through here.

Nothing happens at import time: the tracking URI is set when a run starts.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import warnings
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
    """The commit of the checkout nerkit runs from, or None outside a git work tree."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=repo or Path(__file__).resolve().parents[1],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def quiet_mlflow() -> None:
    """Silence MLflow's messages that say nothing to a nerkit user.

    The integer-column hint concerns pandas inputs with missing values, which nerkit's
    datasets and its model signature (text in, entity records out) never have; the
    database-creation and input-example lines are routine.
    """
    warnings.filterwarnings(
        "ignore", message="Hint: Inferred schema contains integer column", category=UserWarning
    )
    for name in ("mlflow.store.db.utils", "mlflow.pyfunc", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # nerkit's pyfunc object holds no state (its artifacts are the bundle), so the pickle
    # MLflow warns about is a reference to the installed class nerkit.pyfunc_model.
    pyfunc_log = logging.getLogger("mlflow.pyfunc")
    if not any(isinstance(f, _DropPickleWarning) for f in pyfunc_log.filters):
        pyfunc_log.addFilter(_DropPickleWarning())


class _DropPickleWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "as `python_model`" not in record.getMessage()


def configure(uri: str, experiment: str, artifact_location: str | None = None) -> str:
    """Point MLflow at ``uri`` and make sure ``experiment`` exists; returns its id."""
    import mlflow

    quiet_mlflow()
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
    import mlflow.data.pandas_dataset
    import pandas as pd

    frame = pd.DataFrame(
        {
            "id": [d.id for d in docs],
            "chars": [len(d.text) for d in docs],
            "entities": [len(d.spans) for d in docs],
        }
    )
    dataset = mlflow.data.pandas_dataset.from_pandas(frame, name=name, digest=fingerprint[:16])
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


def download_bundle(uri: str, dst: str | Path, tracking_uri: str | None = None) -> Path:
    """Download the artifacts behind ``uri`` (``runs:/...``) into ``dst``; the bundle folder.

    ``dst`` should be a fresh folder: nothing is cached by URI here (a run's artifacts are
    found again by :func:`nerkit.modelref.resolve_bundle`, which checks what it reads).
    """
    import mlflow.artifacts

    with bounded_http():
        local = mlflow.artifacts.download_artifacts(
            artifact_uri=uri, dst_path=str(dst), tracking_uri=tracking_uri
        )
    return find_bundle_dir(Path(local))


# --- the one retry policy ----------------------------------------------------------------


def retrying(attempts: int = 3, backoff_s: float = 0.5, what: str = "an MLflow call") -> Any:
    """The retry policy of every MLflow call nerkit repeats (tenacity).

    ``attempts`` tries in all, waiting ``backoff_s``, then twice that, ... (at most 5 s)
    between them; the last error is raised as it was. Use as
    ``for attempt in retrying(...): with attempt: ...`` or ``retrying(...)(fn, *args)``.
    """
    import logging

    from tenacity import (
        Retrying,
        before_sleep_log,
        stop_after_attempt,
        wait_exponential,
    )

    logger = logging.getLogger("nerkit.tracking")
    return Retrying(
        stop=stop_after_attempt(max(1, int(attempts))),
        wait=wait_exponential(multiplier=backoff_s, max=5.0),
        reraise=True,
        before_sleep=before_sleep_log(logger, logging.DEBUG),
    )


# ======================================================================================
# Registered model versions, for serving (added by the serve stage).
#
# ``registered_version`` resolves ``models:/<name>@<alias>`` (or a version number) to a
# version; ``download_registered_bundle`` fetches that version's bundle folder. Lookup
# failures are told apart: ModelVersionNotFound (the store answered: no such model,
# alias or version) versus RegistryUnavailable (the store did not answer or failed).
# ======================================================================================

# MLflow's HTTP client retries 7 times with exponential back-off by default (minutes
# against a dead server); a server that answers no requests should fail in seconds when a
# service starts or reloads, or a registry is probed. Our own retries (retrying()) go on
# top, so MLflow's get one. Values the user set in the environment win.
BOUNDED_HTTP_ENV = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "10",
}


class RegistryUnavailable(RuntimeError):
    """The model registry (or its artifact store) did not answer or failed."""


class ModelVersionNotFound(LookupError):
    """The registry answered: the model, alias or version does not exist."""


class RegisteredVersion:
    """One version of a registered model, as the registry describes it."""

    __slots__ = ("aliases", "name", "run_id", "tags", "version")

    def __init__(
        self,
        name: str,
        version: str,
        aliases: tuple[str, ...] = (),
        tags: dict[str, str] | None = None,
        run_id: str | None = None,
    ) -> None:
        self.name = name
        self.version = version
        self.aliases = aliases
        self.tags = dict(tags or {})
        self.run_id = run_id

    def __repr__(self) -> str:
        return f"RegisteredVersion({self.name!r}, v{self.version}, aliases={list(self.aliases)})"


@contextlib.contextmanager
def bounded_http() -> Iterator[None]:
    """Bound MLflow's HTTP retries and timeout (values already set by the user win)."""
    import os

    added = {k: v for k, v in BOUNDED_HTTP_ENV.items() if k not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)


def _not_found(err: Exception) -> bool:
    code = str(getattr(err, "error_code", ""))
    if code in {"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"}:
        return True
    # A missing alias is reported as INVALID_PARAMETER_VALUE "... alias X not found".
    return code == "INVALID_PARAMETER_VALUE" and "not found" in str(err).lower()


def redact_uri(uri: str) -> str:
    """``uri`` without a password in it (for messages and logs)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0][:300] if text else ''}"


def registered_version(
    uri: str, name: str, alias: str | None = None, version: str | int | None = None
) -> RegisteredVersion:
    """The version of ``name`` holding ``alias`` (or the given ``version``) in the store at ``uri``.

    Give exactly one of ``alias`` and ``version``. Raises ModelVersionNotFound when the store
    answered that it has no such model, alias or version, RegistryUnavailable when it did
    not answer.
    """
    from mlflow import MlflowClient

    if (alias is None) == (version is None):
        raise ValueError("give exactly one of alias and version")
    what = f"models:/{name}@{alias}" if alias is not None else f"models:/{name}/{version}"
    where = redact_uri(uri)
    try:
        with bounded_http():
            client = MlflowClient(tracking_uri=uri, registry_uri=uri)
            if alias is not None:
                mv = client.get_model_version_by_alias(name, alias)
            else:
                mv = client.get_model_version(name, str(version))
    except Exception as err:
        if _not_found(err):
            raise ModelVersionNotFound(f"{what} does not exist in the registry at {where}") from err
        raise RegistryUnavailable(
            f"the registry at {where} could not resolve {what}: {_first_line(err)}"
        ) from err
    if str(getattr(mv, "status", "READY")) not in ("READY", "ModelVersionStatus.READY"):
        raise ModelVersionNotFound(f"{what} is v{mv.version}, whose status is {mv.status}")
    return RegisteredVersion(
        name=name,
        version=str(mv.version),
        aliases=tuple(str(a) for a in (getattr(mv, "aliases", None) or ())),
        tags={str(k): str(v) for k, v in (mv.tags or {}).items()},
        run_id=getattr(mv, "run_id", None),
    )


def download_registered_bundle(uri: str, name: str, version: str | int, dst: str | Path) -> Path:
    """Download ``models:/<name>/<version>`` into ``dst``; returns its bundle folder.

    Works for nerkit's pyfunc models (the bundle is an artifact inside) and for versions
    whose artifacts are a bundle folder. RegistryUnavailable when the download fails.
    """
    import os

    import mlflow.artifacts

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    try:
        with bounded_http():
            local = mlflow.artifacts.download_artifacts(
                artifact_uri=f"models:/{name}/{version}",
                dst_path=str(dst),
                tracking_uri=uri,
                registry_uri=uri,
            )
    except Exception as err:
        if _not_found(err):
            raise ModelVersionNotFound(
                f"models:/{name}/{version} does not exist in the registry at {redact_uri(uri)}"
            ) from err
        raise RegistryUnavailable(
            f"downloading models:/{name}/{version} from {redact_uri(uri)} failed: "
            f"{_first_line(err)}"
        ) from err
    return find_bundle_dir(Path(local))
