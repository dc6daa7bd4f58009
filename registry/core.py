"""The model registry: register a bundle, promote through the gate, roll back, list.

Aliases (DESIGN.md, "Registry contract"):

* ``challenger`` — every newly registered version, once it is fully written (status
  READY) and its bundle's SHA-256 was checked on reading it back from the store (when
  registrations race, the newest verified one keeps it);
* ``champion`` — what serving pulls; moved only by :func:`promote` (through the gate)
  and :func:`rollback`;
* ``previous`` — the champion before the last promotion, for :func:`rollback`.

After a promotion the promoted version loses ``challenger`` (it is the champion now).
A rollback moves ``champion`` back to ``previous`` and clears ``previous`` — it does not
swap them, so a second rollback is refused instead of re-instating the version just
rolled back; the demoted version stays registered and can be promoted again by number.

Everything a decision looked at is written as version tags: ``nerkit.last_decision`` and
a dated ``nerkit.decision.<UTC time>`` entry (JSON: action, outcome, when, what was
compared, why) on every version the decision touched.

Version tags written at registration:

* ``nerkit.bundle_sha256`` — :func:`nerkit.bundle.bundle_sha256` of the bundle;
* ``nerkit.data_fingerprint`` and ``nerkit.test_fingerprint`` — from ``nerkit.json``;
* ``nerkit.figures.<first 16 hex of a test fingerprint>`` — JSON :class:`~registry.gate.Figures`
  (micro F1 and per-type F1 on that test data; the gate reads these; re-scoring adds more);
* ``eval.<name>`` — every figure of the bundle's recorded evaluation, for people;
* ``nerkit.base_model``, ``nerkit.labels``, ``nerkit.registered_at``;
* ``nerkit.state`` — ``registering``, then ``verified`` (or ``failed: ...``). Only a
  ``verified`` version ever receives an alias.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.gate import (
    Comparison,
    Figures,
    compare,
    figures_from_evaluation,
    figures_from_flat,
    flat_tags,
    format_comparison,
    now_iso,
)

log = logging.getLogger("registry")

DEFAULT_MODEL_NAME = "contract-ner"
CHALLENGER = "challenger"
CHAMPION = "champion"
PREVIOUS = "previous"

TAG_SHA = "nerkit.bundle_sha256"
TAG_DATA_FP = "nerkit.data_fingerprint"
TAG_TEST_FP = "nerkit.test_fingerprint"
TAG_FIGURES = "nerkit.figures."
TAG_STATE = "nerkit.state"
TAG_DECISION = "nerkit.decision."
TAG_LAST_DECISION = "nerkit.last_decision"
STATE_REGISTERING = "registering"
STATE_VERIFIED = "verified"

# MLflow's own HTTP client retries 7 times with exponential back-off by default (minutes
# against a dead server); while probing a registry it gets one retry and a short timeout.
PROBE_HTTP_ENV = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "5",
}


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
    """What :func:`promote` or :func:`rollback` did."""

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


def _is_http(uri: str) -> bool:
    return uri.startswith(("http://", "https://"))


@contextlib.contextmanager
def bounded_http(uri: str) -> Iterator[None]:
    """Bound MLflow's own HTTP retries and timeout while ``uri`` is probed."""
    if not _is_http(uri):
        yield
        return
    saved = {key: os.environ.get(key) for key in PROBE_HTTP_ENV}
    os.environ.update(PROBE_HTTP_ENV)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


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


def connect(uri: str, attempts: int = 3, backoff_s: float = 0.5) -> Any:
    """An ``MlflowClient`` for ``uri`` once the store answers; RegistryUnreachable if not.

    Tries ``attempts`` times (waiting ``backoff_s``, then twice that, ...), each probe
    with MLflow's own HTTP retries bounded, so a dead server fails in seconds.
    """
    from mlflow import MlflowClient

    last: BaseException | None = None
    for attempt in range(max(1, attempts)):
        if attempt:
            time.sleep(backoff_s * 2 ** (attempt - 1))
        try:
            with bounded_http(uri), store_init_lock(uri):
                client = MlflowClient(tracking_uri=uri, registry_uri=uri)
                client.search_experiments(max_results=1)
                client.search_registered_models(max_results=1)
            return client
        except Exception as err:
            last = err
            log.debug("registry %s did not answer (attempt %d): %s", uri, attempt + 1, err)
    detail = str(last).strip().splitlines()[0][:300] if last is not None and str(last) else ""
    raise RegistryUnreachable(
        f"the MLflow registry at {uri} cannot be reached or opened (tried {max(1, attempts)} "
        f"times): {type(last).__name__}: {detail}. Check tracking.uri and that the server "
        "is up, then retry"
    ) from last


# --- reading versions ---------------------------------------------------------------


def _is_not_found(err: Exception) -> bool:
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
        if _is_not_found(err):
            return None
        raise


def aliases_of(client: Any, name: str) -> dict[str, str]:
    """``alias -> version`` for a registered model (empty when it does not exist)."""
    from mlflow.exceptions import MlflowException

    try:
        model = client.get_registered_model(name)
    except MlflowException as err:
        if _is_not_found(err):
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


def await_ready(client: Any, name: str, version: str, timeout_s: float = 300.0) -> Any:
    """Wait until the version is READY; RegistrationError on failure or time-out."""
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


def _set_state(client: Any, name: str, version: str, state: str) -> None:
    try:
        client.set_model_version_tag(name, version, TAG_STATE, state[:5000])
    except Exception as err:  # recording a failure must not hide the failure
        log.warning("could not tag %s v%s %s=%s: %s", name, version, TAG_STATE, state, err)


# --- registering --------------------------------------------------------------------


def version_tags(meta: Any, sha256: str, figures: Figures | None) -> dict[str, str]:
    """The tags every new version is created with (see the module docstring)."""
    tags = {
        TAG_SHA: sha256,
        TAG_DATA_FP: str(meta.data_fingerprint or ""),
        TAG_STATE: STATE_REGISTERING,
        "nerkit.base_model": str(meta.base_model or ""),
        "nerkit.labels": ",".join(meta.labels),
        "nerkit.registered_at": now_iso(),
    }
    if figures is not None:
        tags[TAG_TEST_FP] = figures.fingerprint
        tags[figures_tag(figures.fingerprint)] = figures.to_json()
    tags.update(flat_tags(meta.evaluation))
    return tags


@contextlib.contextmanager
def _run_for(
    run_id: str | None, experiment_id: str, run_name: str, figures: dict[str, str]
) -> Iterator[str]:
    """The run to log the model into: the active one, ``run_id`` resumed, or a new one."""
    import mlflow

    active = mlflow.active_run()
    if active is not None and run_id in (None, active.info.run_id):
        yield active.info.run_id
        return
    if active is not None:
        raise RegistryError(
            f"run {run_id} was asked for while run {active.info.run_id} is active in this thread"
        )
    if run_id:
        with mlflow.start_run(run_id=run_id) as resumed:
            yield resumed.info.run_id
        return
    with mlflow.start_run(experiment_id=experiment_id, run_name=run_name) as started:
        metrics = {k[len("eval.") :]: float(v) for k, v in figures.items()}
        if metrics:
            mlflow.log_metrics(metrics)
        yield started.info.run_id


def _ensure_registered_model(client: Any, name: str) -> None:
    from mlflow.exceptions import MlflowException

    try:
        client.create_registered_model(
            name, description="nerkit named-entity recognition (python -m registry)"
        )
    except MlflowException as err:
        if str(getattr(err, "error_code", "")) != "RESOURCE_ALREADY_EXISTS":
            raise


def _existing_version(client: Any, name: str, source: str, run_id: str) -> Any | None:
    """A version already created from ``source`` (an earlier attempt that did get through)."""
    try:
        found = client.search_model_versions(f"name = '{_quote(name)}' and run_id = '{run_id}'")
    except Exception:
        return None
    for mv in found:
        if mv.source == source:
            return mv
    return None


def _quote(value: str) -> str:
    return value.replace("'", "\\'")


def _create_version(
    client: Any, name: str, info: Any, run_id: str, tags: dict[str, str], attempts: int = 5
) -> str:
    """Create the version (with all its tags at once), retrying transient store errors."""
    last: Exception | None = None
    for attempt in range(attempts):
        if attempt:
            time.sleep(0.2 * 2**attempt)
            earlier = _existing_version(client, name, info.model_uri, run_id)
            if earlier is not None:
                return str(earlier.version)
        try:
            _ensure_registered_model(client, name)
            mv = client.create_model_version(
                name, source=info.model_uri, run_id=run_id, tags=tags, model_id=info.model_id
            )
            return str(mv.version)
        except Exception as err:
            last = err
            log.warning("creating a version of %s failed (attempt %d): %s", name, attempt + 1, err)
    raise RegistrationError(
        f"could not create a version of {name!r} after {attempts} attempts "
        f"({type(last).__name__}: {str(last).splitlines()[0][:300] if last else ''}); "
        f"the model is logged at {info.model_uri} but no version holds an alias: "
        "register the bundle again"
    ) from last


def set_alias(client: Any, name: str, alias: str, version: str, attempts: int = 5) -> None:
    """Point ``alias`` at ``version``, retrying the store's insert race.

    MLflow's SQL store sets an alias by reading, then inserting or updating; two writers
    setting the same new alias at once make one of them fail on the unique key.
    """
    for attempt in range(attempts):
        try:
            client.set_registered_model_alias(name, alias, version)
            return
        except Exception as err:
            if attempt == attempts - 1:
                raise RegistryError(
                    f"could not point @{alias} of {name!r} at v{version}: {err}"
                ) from err
            time.sleep(0.1 * 2**attempt)


def _newest_unjudged(client: Any, name: str, at_least: int) -> int:
    """The newest verified version >= ``at_least`` no promotion or rollback has judged yet."""
    newest = at_least
    for mv in client.search_model_versions(f"name = '{_quote(name)}'"):
        tags = mv.tags or {}
        if (
            int(mv.version) > newest
            and tags.get(TAG_STATE) == STATE_VERIFIED
            and TAG_LAST_DECISION not in tags
        ):
            newest = int(mv.version)
    return newest


def settle_challenger(client: Any, name: str, version: str, attempts: int = 6) -> str:
    """Give ``@challenger`` to ``version`` or to a newer verified, not yet judged version.

    Registrations racing each other each set the alias and read it back until it agrees
    with the newest such version, so whichever writes last leaves it on the newest. A
    newer version already holding it (say one refused by the gate) keeps it. Only
    verified versions are ever candidates. Returns the version holding the alias.
    """
    for attempt in range(attempts):
        target = _newest_unjudged(client, name, int(version))
        current = version_by_alias(client, name, CHALLENGER)
        if current is not None and int(current.version) >= target:
            if int(current.version) > target:
                log.info(
                    "%s v%s registered; v%s keeps @%s", name, version, current.version, CHALLENGER
                )
            return str(current.version)
        try:
            client.set_registered_model_alias(name, CHALLENGER, str(target))
        except Exception as err:  # the store's insert race: someone set it at this moment
            if attempt == attempts - 1:
                raise RegistryError(
                    f"{name} v{version} is registered and verified, but @{CHALLENGER} could "
                    f"not be set ({err}); set it with the MLflow UI or client"
                ) from err
            time.sleep(0.1 * 2**attempt)
    return str(target)


def register_bundle(
    bundle_dir: str | Path,
    tracking_uri: str,
    model_name: str = DEFAULT_MODEL_NAME,
    run_id: str | None = None,
    *,
    experiment: str = "nerkit",
    artifact_location: str | None = None,
    alias: str = CHALLENGER,
    await_s: float = 300.0,
    connect_attempts: int = 3,
) -> int:
    """Log ``bundle_dir`` as a pyfunc model, register it, verify it, alias it; its version.

    The model is logged into the run ``run_id`` (or the active run, or a new run named
    ``register-<model_name>`` in ``experiment``). The new version is created with all its
    tags at once, awaited until READY, its bundle downloaded again and its SHA-256 checked;
    only then does ``alias`` move to it. For ``challenger``, registrations racing each
    other leave it on the newest verified version (:func:`settle_challenger`).

    Raises RegistryUnreachable (store does not answer), RegistrationError (no version, or
    one that never became READY: retry), ChecksumMismatch (stored bundle differs).
    """
    from nerkit import tracking
    from nerkit.bundle import bundle_sha256, read_bundle_meta
    from registry.pyfunc import log_pyfunc

    bundle = Path(bundle_dir)
    try:
        meta = read_bundle_meta(bundle)
    except (FileNotFoundError, ValueError) as err:
        raise RegistryError(str(err)) from err
    sha = bundle_sha256(bundle)
    figures = figures_from_evaluation(meta.evaluation, meta.data_fingerprint)
    if figures is None:
        log.warning(
            "%s records no test figures: promoting it will need the test data (data=...)", bundle
        )
    client = connect(tracking_uri, connect_attempts)
    experiment_id = tracking.configure(tracking_uri, experiment, artifact_location)
    tags = version_tags(meta, sha, figures)
    eval_figures = {k: v for k, v in tags.items() if k.startswith("eval.")}
    with _run_for(run_id, experiment_id, f"register-{model_name}", eval_figures) as used_run:
        try:
            info = log_pyfunc(
                bundle,
                metadata_fields={
                    "nerkit_bundle_sha256": sha,
                    "data_fingerprint": meta.data_fingerprint,
                    "labels": list(meta.labels),
                },
            )
        except Exception as err:
            raise RegistrationError(
                f"logging {bundle} as an MLflow model failed ({type(err).__name__}: "
                f"{str(err).splitlines()[0][:300] if str(err) else ''}); nothing was registered"
            ) from err
    version = _create_version(client, model_name, info, used_run, tags)
    try:
        await_ready(client, model_name, version, await_s)
        verify_version(client, model_name, version)
    except RegistryError as err:
        _set_state(client, model_name, version, f"failed: {err}")
        raise
    _set_state(client, model_name, version, STATE_VERIFIED)
    if alias == CHALLENGER:
        settle_challenger(client, model_name, version)
    else:
        set_alias(client, model_name, alias, version)
    log.info("registered %s v%s (run %s, bundle %s...)", model_name, version, used_run, sha[:12])
    return int(version)


# --- promoting and rolling back -----------------------------------------------------


def _decision_key() -> str:
    return TAG_DECISION + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")


def record_decision(client: Any, name: str, versions: Sequence[str], record: dict) -> None:
    """Write a decision as ``nerkit.decision.<UTC time>`` and ``nerkit.last_decision``."""
    text = json.dumps(record, sort_keys=True, default=str)
    key = _decision_key()
    for version in dict.fromkeys(versions):
        client.set_model_version_tag(name, version, key, text)
        client.set_model_version_tag(name, version, TAG_LAST_DECISION, text)


def rescore_version(
    client: Any,
    name: str,
    version: str,
    docs: Sequence[Any],
    device: str = "auto",
    batch_tokens: int | None = None,
) -> Figures:
    """Score a registered version on ``docs`` as ``python -m evaluate`` does; record it.

    The figures are written to the version as ``nerkit.figures.<fingerprint>`` (source
    ``rescored``), so the next comparison on the same data reads them instead.
    """
    from evaluate.run import score_model
    from nerkit.bundle import bundle_sha256, load_bundle
    from nerkit.documents import data_fingerprint
    from nerkit.evaluation import summary_metrics

    if not docs:
        raise RegistryError("no documents to re-score on: the test split is empty")
    fingerprint = data_fingerprint(docs)
    expected = (client.get_model_version(name, version).tags or {}).get(TAG_SHA)
    with tempfile.TemporaryDirectory(prefix="nerkit-rescore-") as tmp:
        bundle = download_version_bundle(client, name, version, tmp)
        if expected and bundle_sha256(bundle) != expected:
            raise ChecksumMismatch(f"{name} v{version}: stored bundle differs from its tag")
        model, tokenizer, meta = load_bundle(bundle)
        report = score_model(
            model,
            tokenizer,
            meta,
            list(docs),
            device=device,
            batch_tokens=batch_tokens,
            compare_pipeline=False,
            progress=False,
        )
    figures = figures_from_flat(summary_metrics(report), fingerprint, source="rescored")
    if figures is None:
        raise RegistryError(f"scoring {name} v{version} gave no micro F1")
    client.set_model_version_tag(name, version, figures_tag(fingerprint), figures.to_json())
    log.info("re-scored %s v%s on %s: F1 %.4f", name, version, fingerprint[:16], figures.f1)
    return figures


def _figures_for(
    client: Any,
    name: str,
    mv: Any,
    role: str,
    fingerprint: str,
    docs: Sequence[Any] | None,
    device: str,
    batch_tokens: int | None,
) -> Figures:
    found = recorded_figures(mv, fingerprint)
    if found is not None:
        return found
    if docs is None:
        raise RegistryError(
            f"the {role} {name} v{mv.version} has no figures for the test data "
            f"{fingerprint[:16]}: give the data config (data=<name> [data.test=PATH]) "
            "so it can be re-scored on the challenger's test data"
        )
    return rescore_version(client, name, str(mv.version), docs, device, batch_tokens)


def _verify_or_record(client: Any, name: str, version: str, record: dict[str, Any]) -> None:
    """verify_version, recording a failed check as the decision before raising it."""
    try:
        verify_version(client, name, version)
    except RegistryError as err:
        failed = record | {"outcome": "refused", "why": f"verification failed: {err}"}
        record_decision(client, name, [version], failed)
        raise


def _move_to_champion(client: Any, name: str, version: str, old: str | None) -> None:
    if old is not None and old != version:
        set_alias(client, name, PREVIOUS, old)
    set_alias(client, name, CHAMPION, version)
    holder = version_by_alias(client, name, CHALLENGER)
    if holder is not None and str(holder.version) == version:
        client.delete_registered_model_alias(name, CHALLENGER)


def promote(
    tracking_uri: str,
    model_name: str = DEFAULT_MODEL_NAME,
    *,
    min_delta: float = 0.0,
    max_type_drop: float = 0.02,
    version: int | str | None = None,
    docs: Sequence[Any] | None = None,
    data: Any = None,
    split: str = "test",
    device: str = "auto",
    batch_tokens: int | None = None,
    connect_attempts: int = 3,
) -> Decision:
    """Promote the challenger (or ``version``) to champion if it passes the gate.

    Both are compared on one test fingerprint: that of ``docs`` (or of the ``data``
    config's ``split``) when given, else the challenger's recorded test data. A version
    without figures for it is re-scored on ``docs`` (needed then). With no champion yet
    the challenger becomes champion. Raises PromotionRefused (aliases unchanged) when the
    gate says no; every outcome is recorded as tags on the versions involved.
    """
    client = connect(tracking_uri, connect_attempts)
    if version is not None:
        from mlflow.exceptions import MlflowException

        try:
            challenger = client.get_model_version(model_name, str(version))
        except MlflowException as err:
            if _is_not_found(err) or "not found" in str(err).lower():
                raise RegistryError(f"{model_name} has no version {version}") from err
            raise
    else:
        challenger = version_by_alias(client, model_name, CHALLENGER)
        if challenger is None:
            raise RegistryError(
                f"no version of {model_name!r} holds @{CHALLENGER}: register one first "
                "(python -m registry action=register bundle=PATH)"
            )
    chal_v = str(challenger.version)
    champion = version_by_alias(client, model_name, CHAMPION)
    champ_v = str(champion.version) if champion is not None else None
    if champ_v == chal_v:
        raise RegistryError(f"{model_name} v{chal_v} is already @{CHAMPION}")
    base: dict[str, Any] = {
        "action": "promote",
        "when": now_iso(),
        "challenger": chal_v,
        "champion": champ_v,
    }

    if champion is None or champ_v is None:
        _verify_or_record(client, model_name, chal_v, base)
        _move_to_champion(client, model_name, chal_v, None)
        reason = "no champion yet: the first challenger becomes champion"
        record = base | {"outcome": "promoted", "compared": "nothing (no champion)", "why": reason}
        record_decision(client, model_name, [chal_v], record)
        return Decision("promote", "promoted", chal_v, None, reason, None, record)

    if docs is None and data is not None:
        from nerkit.data import load_eval_documents

        try:
            docs = load_eval_documents(data, split)
        except (ValueError, FileNotFoundError) as err:
            raise RegistryError(f"the test data could not be loaded: {err}") from err
    if docs is not None:
        from nerkit.documents import data_fingerprint

        fingerprint = data_fingerprint(docs)
    else:
        fingerprint = (challenger.tags or {}).get(TAG_TEST_FP, "")
        if not fingerprint:
            raise RegistryError(
                f"the challenger {model_name} v{chal_v} records no test figures: give the "
                "data config (data=<name>) so both versions are scored on the same test data"
            )
    chal_figs = _figures_for(
        client, model_name, challenger, "challenger", fingerprint, docs, device, batch_tokens
    )
    champ_figs = _figures_for(
        client, model_name, champion, "champion", fingerprint, docs, device, batch_tokens
    )
    comparison = compare(champ_figs, chal_figs, min_delta, max_type_drop, champ_v, chal_v)
    compared = (
        f"challenger v{chal_v} (F1 {chal_figs.f1:.4f}, {chal_figs.source}) vs champion "
        f"v{champ_v} (F1 {champ_figs.f1:.4f}, {champ_figs.source}) on test data "
        f"{fingerprint[:16]}"
    )
    details = {"compared": compared, "comparison": comparison.to_dict()}
    if not comparison.passed:
        why = "; ".join(comparison.reasons)
        record = base | details | {"outcome": "refused", "why": why}
        record_decision(client, model_name, [chal_v, champ_v], record)
        raise PromotionRefused(comparison)
    _verify_or_record(client, model_name, chal_v, base | details)
    _move_to_champion(client, model_name, chal_v, champ_v)
    why = (
        f"micro F1 {chal_figs.f1:.4f} >= {champ_figs.f1:.4f} + min_delta {min_delta:.4f} "
        f"and no type dropped more than {max_type_drop:.4f}"
    )
    record = base | details | {"outcome": "promoted", "why": why}
    record_decision(client, model_name, [chal_v, champ_v], record)
    return Decision("promote", "promoted", chal_v, champ_v, why, comparison, record)


def rollback(
    tracking_uri: str, model_name: str = DEFAULT_MODEL_NAME, *, connect_attempts: int = 3
) -> Decision:
    """Move ``champion`` back to ``previous`` and clear ``previous`` (see module docstring)."""
    client = connect(tracking_uri, connect_attempts)
    previous = version_by_alias(client, model_name, PREVIOUS)
    if previous is None:
        raise RegistryError(
            f"no version of {model_name!r} holds @{PREVIOUS}: there is nothing to roll back to"
        )
    prev_v = str(previous.version)
    champion = version_by_alias(client, model_name, CHAMPION)
    champ_v = str(champion.version) if champion is not None else None
    _verify_or_record(
        client,
        model_name,
        prev_v,
        {"action": "rollback", "when": now_iso(), "champion": champ_v, "previous": prev_v},
    )
    set_alias(client, model_name, CHAMPION, prev_v)
    client.delete_registered_model_alias(model_name, PREVIOUS)
    why = f"rollback: v{champ_v} stood down, v{prev_v} (@{PREVIOUS}) is champion again"
    record = {
        "action": "rollback",
        "outcome": "rolled back",
        "when": now_iso(),
        "champion": prev_v,
        "demoted": champ_v,
        "compared": "nothing (rollback is not gated)",
        "why": why,
    }
    record_decision(client, model_name, [v for v in (prev_v, champ_v) if v], record)
    return Decision("rollback", "rolled back", prev_v, None, why, None, record)


# --- listing ------------------------------------------------------------------------


def list_versions(
    tracking_uri: str, model_name: str = DEFAULT_MODEL_NAME, *, connect_attempts: int = 3
) -> list[dict[str, Any]]:
    """Every version, newest first: aliases, status, state, figures, last decision."""
    client = connect(tracking_uri, connect_attempts)
    by_version: dict[str, list[str]] = {}
    for alias, version in aliases_of(client, model_name).items():
        by_version.setdefault(version, []).append(alias)
    versions = client.search_model_versions(f"name = '{_quote(model_name)}'")
    rows = []
    for mv in sorted(versions, key=lambda m: int(m.version), reverse=True):
        tags = mv.tags or {}
        fingerprint = tags.get(TAG_TEST_FP, "")
        figures = recorded_figures(mv, fingerprint) if fingerprint else None
        last = {}
        with contextlib.suppress(ValueError, TypeError):
            last = json.loads(tags.get(TAG_LAST_DECISION, "{}"))
        rows.append(
            {
                "version": int(mv.version),
                "aliases": sorted(by_version.get(str(mv.version), [])),
                "status": str(mv.status),
                "state": tags.get(TAG_STATE, ""),
                "f1": figures.f1 if figures else None,
                "per_type": figures.per_type if figures else {},
                "test_fingerprint": fingerprint,
                "created": dt.datetime.fromtimestamp(mv.creation_timestamp / 1000, dt.UTC)
                .isoformat(timespec="seconds")
                .replace("+00:00", "Z"),
                "last_decision": f"{last.get('action', '')} {last.get('outcome', '')}".strip(),
                "sha256": tags.get(TAG_SHA, ""),
            }
        )
    return rows


def format_versions(model_name: str, rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return f"no versions of {model_name!r} are registered"
    header = (
        f"{'version':>7}  {'aliases':<22} {'status':<8} {'state':<11} {'F1':>7}  "
        f"{'test data':<12} {'created':<20}  last decision"
    )
    lines = [f"{model_name}", header]
    for r in rows:
        f1 = f"{r['f1']:.4f}" if r["f1"] is not None else "-"
        state = r["state"] if len(r["state"]) <= 11 else r["state"][:10] + "…"
        lines.append(
            f"{r['version']:>7}  {','.join(r['aliases']) or '-':<22} {r['status']:<8} "
            f"{state:<11} {f1:>7}  {r['test_fingerprint'][:12] or '-':<12} "
            f"{r['created']:<20}  {r['last_decision'] or '-'}"
        )
    return "\n".join(lines)
