"""The registry store: connecting to MLflow, reading versions and aliases, verifying.

Aliases (DESIGN.md, "Registry contract"):

* ``challenger`` — every newly registered version, once it is fully written (status
  READY) and its bundle's SHA-256 was checked on reading it back from the store (when
  registrations race, the newest verified one keeps it);
* ``champion`` — what serving pulls; moved only by :func:`nerkit.registry.promote.promote`
  (through the gate) and :func:`nerkit.registry.promote.rollback`;
* ``previous`` — the champion before the last promotion, for rollback.

Version tags (written by :mod:`nerkit.registry.register` and :mod:`nerkit.registry.promote`):

* ``nerkit.bundle_sha256`` — :func:`nerkit.bundle.bundle_sha256` of the bundle;
* ``nerkit.train_fingerprint`` and ``nerkit.test_fingerprint`` — the data the model was
  trained and tested on, from ``nerkit.json``;
* ``nerkit.postprocess`` and ``nerkit.postprocess_digest`` — the chain the version runs;
* ``nerkit.figures.<first 16 hex of a test fingerprint>`` — JSON :class:`~registry.gate.Figures`
  on that test data: ``source: bundle`` as the bundle claims them (shown, never trusted by
  the gate), ``source: rescored`` as the gate measured them;
* ``eval.<name>`` — every figure of the bundle's recorded evaluation, for people;
* ``nerkit.base_model``, ``nerkit.labels``, ``nerkit.registered_at``;
* ``nerkit.state`` — ``registering``, then ``verified`` (or ``failed: ...``). Only a
  ``verified`` version ever receives an alias;
* ``nerkit.last_decision`` and ``nerkit.decision.<UTC time>`` — JSON of every decision
  that touched the version (action, outcome, when, what was compared, why).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nerkit.modelref import SHA_TAG
from nerkit.registry.gate import Comparison, Figures, format_comparison
from nerkit.registry.settings import shipped

# What nerkit.registry re-exports: aliases, tags, errors, reading and writing versions.
__all__ = [
    "CHALLENGER",
    "CHAMPION",
    "PREVIOUS",
    "TAG_DECISION",
    "TAG_FIGURES",
    "TAG_LAST_DECISION",
    "TAG_POSTPROCESS",
    "TAG_POSTPROCESS_DIGEST",
    "TAG_SHA",
    "TAG_STATE",
    "TAG_TEST_FP",
    "TAG_TRAIN_FP",
    "ChecksumMismatch",
    "Decision",
    "PromotionRefused",
    "RegistrationError",
    "RegistryError",
    "RegistryUnreachable",
    "aliases_of",
    "connect",
    "figures_tag",
    "record_decision",
    "recorded_figures",
    "set_alias",
    "verify_version",
    "version_by_alias",
]

log = logging.getLogger("registry")

CHALLENGER = "challenger"
CHAMPION = "champion"
PREVIOUS = "previous"

TAG_SHA = SHA_TAG
TAG_TRAIN_FP = "nerkit.train_fingerprint"
TAG_TEST_FP = "nerkit.test_fingerprint"
TAG_POSTPROCESS = "nerkit.postprocess"
TAG_POSTPROCESS_DIGEST = "nerkit.postprocess_digest"
TAG_FIGURES = "nerkit.figures."
TAG_STATE = "nerkit.state"
TAG_DECISION = "nerkit.decision."
TAG_LAST_DECISION = "nerkit.last_decision"
STATE_REGISTERING = "registering"
STATE_VERIFIED = "verified"
MAX_TAG_CHARS = 5000


class RegistryError(RuntimeError):
    """A registry operation could not be done; the message says what and why."""


class RegistryUnreachable(RegistryError):
    """The tracking/registry store behind a URI did not answer."""


class RegistrationError(RegistryError):
    """A version could not be registered cleanly; nothing holds an alias to it. Retry."""


class ChecksumMismatch(RegistryError):
    """The bundle read back from the store is not the bundle that was registered."""


class PromotionRefused(RegistryError):
    """The gate refused the challenger; ``table`` is the comparison it made."""

    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison
        self.table = format_comparison(comparison)
        super().__init__(
            f"promotion of v{comparison.challenger_version} refused: "
            + "; ".join(comparison.reasons)
        )


@dataclass
class Decision:
    """What promote or rollback (:mod:`nerkit.registry.promote`) did."""

    action: str
    outcome: str
    champion: str | None
    previous: str | None
    reason: str
    comparison: Comparison | None = None
    record: dict[str, Any] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return format_comparison(self.comparison) if self.comparison else self.reason


# --- connecting ---------------------------------------------------------------------


def _sqlite_path(uri: str) -> Path | None:
    """The database file of a ``sqlite:///`` URI (None for other stores and :memory:)."""
    if not uri.startswith("sqlite:///"):
        return None
    raw = uri[len("sqlite:///") :].split("?", 1)[0]
    if not raw or raw == ":memory:":
        return None
    return Path(raw).expanduser().resolve()


@contextlib.contextmanager
def store_init_lock(uri: str) -> Iterator[None]:
    """Serialise opening a local SQLite store across threads and processes.

    MLflow creates and migrates the schema of a new SQLite file on first use; two
    processes doing that at once break each other's migration. An exclusive ``flock`` on a
    lock file in the temporary folder (keyed by the database path) makes them take turns.
    """
    path = _sqlite_path(uri)
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        path = None
    if path is None:
        yield
        return
    import hashlib

    key = hashlib.sha256(str(path).encode()).hexdigest()[:16]
    lock_path = Path(tempfile.gettempdir()) / f"nerkit-mlflow-{key}.lock"
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def connect(uri: str, attempts: int | None = None, backoff_s: float = 0.5) -> Any:
    """An ``MlflowClient`` for ``uri`` once the store answers; RegistryUnreachable if not.

    Tries ``attempts`` times (None: ``connect_attempts`` of conf/registry/default.yaml;
    :func:`nerkit.tracking.retrying`), each probe with MLflow's own HTTP retries bounded
    (:func:`nerkit.tracking.bounded_http`), so a dead server fails in seconds.
    """
    from mlflow import MlflowClient

    from nerkit.tracking import bounded_http, retrying

    attempts = int(shipped("connect_attempts", attempts))

    def probe() -> Any:
        with bounded_http(), store_init_lock(uri):
            client = MlflowClient(tracking_uri=uri, registry_uri=uri)
            client.search_experiments(max_results=1)
            client.search_registered_models(max_results=1)
        return client

    try:
        return retrying(attempts, backoff_s, f"probing {uri}")(probe)
    except Exception as last:
        detail = str(last).strip().splitlines()[0][:300] if str(last) else ""
        raise RegistryUnreachable(
            f"the MLflow registry at {uri} cannot be reached or opened (tried "
            f"{max(1, attempts)} times): {type(last).__name__}: {detail}. Check tracking.uri "
            "and that the server is up, then retry"
        ) from last


# --- reading versions ---------------------------------------------------------------


def is_not_found(err: Exception) -> bool:
    code = str(getattr(err, "error_code", ""))
    if code in {"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"}:
        return True
    # A missing alias is reported as INVALID_PARAMETER_VALUE "... alias X not found."
    return code == "INVALID_PARAMETER_VALUE" and "not found" in str(err).lower()


def version_by_alias(client: Any, name: str, alias: str) -> Any | None:
    """The version holding ``alias``, or None (also when the model does not exist)."""
    from mlflow.exceptions import MlflowException

    try:
        return client.get_model_version_by_alias(name, alias)
    except MlflowException as err:
        if is_not_found(err):
            return None
        raise


def aliases_of(client: Any, name: str) -> dict[str, str]:
    """``alias -> version`` for a registered model (empty when it does not exist)."""
    from mlflow.exceptions import MlflowException

    try:
        model = client.get_registered_model(name)
    except MlflowException as err:
        if is_not_found(err):
            return {}
        raise
    return {str(k): str(v) for k, v in (model.aliases or {}).items()}


def figures_tag(fingerprint: str) -> str:
    return f"{TAG_FIGURES}{fingerprint[:16]}"


def recorded_figures(version: Any, fingerprint: str) -> Figures | None:
    """The figures a version has for test data ``fingerprint`` (None when it has none)."""
    text = (version.tags or {}).get(figures_tag(fingerprint))
    if not text:
        return None
    try:
        figures = Figures.from_json(text)
    except (ValueError, KeyError, TypeError):
        log.warning("v%s: unreadable %s tag ignored", version.version, figures_tag(fingerprint))
        return None
    return figures if figures.fingerprint == fingerprint else None


def download_version_bundle(client: Any, name: str, version: str, dst: str | Path) -> Path:
    """Download a version's model into ``dst``; returns its bundle folder."""
    import mlflow.artifacts
    from mlflow.models import Model

    from nerkit.pyfunc_model import BUNDLE_ARTIFACT
    from nerkit.tracking import find_bundle_dir

    location = client.get_model_version_download_uri(name, version)
    local = Path(
        mlflow.artifacts.download_artifacts(
            artifact_uri=location, dst_path=str(dst), tracking_uri=client.tracking_uri
        )
    )
    try:
        flavor = Model.load(str(local / "MLmodel")).flavors["python_function"]
        return local / flavor["artifacts"][BUNDLE_ARTIFACT]["path"]
    except (OSError, KeyError, TypeError):
        return find_bundle_dir(local / "artifacts")


def await_ready(client: Any, name: str, version: str, timeout_s: float) -> Any:
    """Wait until the version is READY; RegistrationError on failure or time-out
    (``timeout_s``: the configured ``registry.await_s``)."""
    deadline = time.monotonic() + timeout_s
    delay = 0.2
    while True:
        mv = client.get_model_version(name, version)
        status = str(mv.status)
        if status == "READY":
            return mv
        if status == "FAILED_REGISTRATION":
            raise RegistrationError(
                f"{name} v{version} failed registration ({mv.status_message}); "
                "it holds no alias. Register the bundle again"
            )
        if time.monotonic() > deadline:
            raise RegistrationError(
                f"{name} v{version} is still {status} after {timeout_s:.0f} s; "
                "it holds no alias. Register the bundle again"
            )
        time.sleep(delay)
        delay = min(delay * 2, 5.0)


def verify_version(client: Any, name: str, version: str) -> str:
    """Check a version is READY and its stored bundle hashes to its tag; returns the hash."""
    from nerkit.bundle import bundle_sha256

    mv = client.get_model_version(name, version)
    if str(mv.status) != "READY":
        raise RegistryError(
            f"{name} v{version} is {mv.status}, not READY: no alias can point to it"
        )
    expected = (mv.tags or {}).get(TAG_SHA)
    if not expected:
        raise ChecksumMismatch(
            f"{name} v{version} has no {TAG_SHA} tag: it was not registered by nerkit "
            "(python -m registry action=register), so its bundle cannot be verified"
        )
    with tempfile.TemporaryDirectory(prefix="nerkit-verify-") as tmp:
        actual = bundle_sha256(download_version_bundle(client, name, version, tmp))
    if actual != expected:
        raise ChecksumMismatch(
            f"{name} v{version}: the stored bundle hashes to {actual[:16]}..., "
            f"not {expected[:16]}... as registered; the artifacts are incomplete or altered"
        )
    return actual


def set_state(client: Any, name: str, version: str, state: str) -> None:
    try:
        client.set_model_version_tag(name, version, TAG_STATE, state[:5000])
    except Exception as err:  # recording a failure must not hide the failure
        log.warning("could not tag %s v%s %s=%s: %s", name, version, TAG_STATE, state, err)


def quote(value: str) -> str:
    return value.replace("'", "\\'")


def set_alias(client: Any, name: str, alias: str, version: str, attempts: int = 5) -> None:
    """Point ``alias`` at ``version``, retrying the store's insert race.

    MLflow's SQL store sets an alias by reading, then inserting or updating; two writers
    setting the same new alias at once make one of them fail on the unique key.
    """
    from nerkit.tracking import retrying

    try:
        retrying(attempts, 0.1)(client.set_registered_model_alias, name, alias, version)
    except Exception as err:
        raise RegistryError(f"could not point @{alias} of {name!r} at v{version}: {err}") from err


def _decision_key() -> str:
    return TAG_DECISION + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")


def record_decision(client: Any, name: str, versions: Sequence[str], record: dict) -> None:
    """Write a decision as ``nerkit.decision.<UTC time>`` and ``nerkit.last_decision``."""
    text = json.dumps(record, sort_keys=True, default=str)
    key = _decision_key()
    for version in dict.fromkeys(versions):
        client.set_model_version_tag(name, version, key, text)
        client.set_model_version_tag(name, version, TAG_LAST_DECISION, text)
