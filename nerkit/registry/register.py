"""Registering a bundle: log it as a pyfunc model, create the version, verify, alias it.

Every new version is created with all its tags at once (:func:`version_tags`, listed in
:mod:`nerkit.registry.store`), awaited until READY, read back from the store and its SHA-256
checked; only then does ``@challenger`` move to it. The post-processing chain in force is
recorded in the bundle (``nerkit.json`` ``postprocess``) before it is hashed, so the
version carries the chain every consumer runs (:mod:`nerkit.output`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from nerkit.registry.gate import Figures, figures_from_evaluation, flat_tags, now_iso
from nerkit.registry.settings import shipped, shipped_experiment
from nerkit.registry.store import (
    CHALLENGER,
    MAX_TAG_CHARS,
    STATE_REGISTERING,
    STATE_VERIFIED,
    TAG_LAST_DECISION,
    TAG_POSTPROCESS,
    TAG_POSTPROCESS_DIGEST,
    TAG_SHA,
    TAG_STATE,
    TAG_TEST_FP,
    TAG_TRAIN_FP,
    RegistrationError,
    RegistryError,
    await_ready,
    connect,
    figures_tag,
    quote,
    set_alias,
    set_state,
    verify_version,
    version_by_alias,
)

log = logging.getLogger("registry")


def version_tags(meta: Any, sha256: str, figures: Figures | None) -> dict[str, str]:
    """The tags every new version is created with (see :mod:`nerkit.registry.store`)."""
    from nerkit.output import describe_rules, rules_digest

    tags = {
        TAG_SHA: sha256,
        TAG_TRAIN_FP: str(meta.train_fingerprint or ""),
        TAG_TEST_FP: str(meta.test_fingerprint or ""),
        TAG_POSTPROCESS: describe_rules(meta.postprocess)[:MAX_TAG_CHARS],
        TAG_POSTPROCESS_DIGEST: rules_digest(meta.postprocess),
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
        found = client.search_model_versions(f"name = '{quote(name)}' and run_id = '{run_id}'")
    except Exception:
        return None
    for mv in found:
        if mv.source == source:
            return mv
    return None


def _create_version(
    client: Any, name: str, info: Any, run_id: str, tags: dict[str, str], attempts: int = 5
) -> str:
    """Create the version (with all its tags at once), retrying transient store errors.

    A retry first looks for a version an earlier attempt did create (its answer was lost).
    """
    from nerkit.tracking import retrying

    tried = 0

    def create() -> str:
        nonlocal tried
        tried += 1
        if tried > 1:
            earlier = _existing_version(client, name, info.model_uri, run_id)
            if earlier is not None:
                return str(earlier.version)
        try:
            _ensure_registered_model(client, name)
            mv = client.create_model_version(
                name, source=info.model_uri, run_id=run_id, tags=tags, model_id=info.model_id
            )
        except Exception as err:
            log.warning("creating a version of %s failed (attempt %d): %s", name, tried, err)
            raise
        return str(mv.version)

    try:
        return str(retrying(attempts, 0.4)(create))
    except Exception as last:
        raise RegistrationError(
            f"could not create a version of {name!r} after {attempts} attempts "
            f"({type(last).__name__}: {str(last).splitlines()[0][:300] if str(last) else ''}); "
            f"the model is logged at {info.model_uri} but no version holds an alias: "
            "register the bundle again"
        ) from last


def _newest_unjudged(client: Any, name: str, at_least: int) -> int:
    """The newest verified version >= ``at_least`` no promotion or rollback has judged yet."""
    newest = at_least
    for mv in client.search_model_versions(f"name = '{quote(name)}'"):
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
    from nerkit.tracking import retrying

    def attempt() -> str:
        target = _newest_unjudged(client, name, int(version))
        current = version_by_alias(client, name, CHALLENGER)
        if current is not None and int(current.version) >= target:
            if int(current.version) > target:
                log.info(
                    "%s v%s registered; v%s keeps @%s", name, version, current.version, CHALLENGER
                )
            return str(current.version)
        # May fail on the store's insert race (someone set it at this moment): retried.
        client.set_registered_model_alias(name, CHALLENGER, str(target))
        raise _Unsettled(str(target))  # read it back on the next attempt

    try:
        return str(retrying(attempts, 0.1)(attempt))
    except _Unsettled as unsettled:
        return unsettled.target
    except Exception as err:
        raise RegistryError(
            f"{name} v{version} is registered and verified, but @{CHALLENGER} could "
            f"not be set ({err}); set it with the MLflow UI or client"
        ) from err


class _Unsettled(Exception):
    """@challenger was just set; it is read back before the registration returns."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


def register_bundle(
    bundle_dir: str | Path,
    tracking_uri: str,
    model_name: str,
    run_id: str | None = None,
    *,
    experiment: str | None = None,
    artifact_location: str | None = None,
    alias: str = CHALLENGER,
    await_s: float | None = None,
    connect_attempts: int | None = None,
    postprocess: Sequence[Any] | None = None,
) -> int:
    """Log ``bundle_dir`` as a pyfunc model, register it, verify it, alias it; its version.

    ``postprocess`` (the configured rules) is written into the bundle's ``nerkit.json``
    first when the bundle records no chain of its own (:func:`record_chain`). The stages
    pass their configured ``experiment``, ``await_s`` and ``connect_attempts``; None
    reads the shipped value (:mod:`nerkit.registry.settings`).

    The model is logged into the run ``run_id`` (or the active run, or a new run named
    ``register-<model_name>`` in ``experiment``). The new version is created with all its
    tags at once, awaited until READY, its bundle downloaded again and its SHA-256 checked;
    only then does ``alias`` move to it. For ``challenger``, registrations racing each
    other leave it on the newest verified version (:func:`settle_challenger`).

    Raises RegistryUnreachable (store does not answer), RegistrationError (no version, or
    one that never became READY: retry), ChecksumMismatch (stored bundle differs).
    """
    from nerkit import tracking
    from nerkit.bundle import bundle_sha256

    bundle = Path(bundle_dir)
    try:
        meta = record_chain(bundle, postprocess)
    except (FileNotFoundError, ValueError) as err:
        raise RegistryError(str(err)) from err
    sha = bundle_sha256(bundle)
    figures = figures_from_evaluation(meta.evaluation, meta.test_fingerprint)
    client = connect(tracking_uri, connect_attempts)
    experiment_id = tracking.configure(
        tracking_uri, shipped_experiment(experiment), artifact_location
    )
    tags = version_tags(meta, sha, figures)
    eval_figures = {k: v for k, v in tags.items() if k.startswith("eval.")}
    with _run_for(run_id, experiment_id, f"register-{model_name}", eval_figures) as used_run:
        info = _log_model(bundle, meta, sha)
    version = _create_version(client, model_name, info, used_run, tags)
    _verify_then_alias(client, model_name, version, alias, shipped("await_s", await_s))
    log.info("registered %s v%s (run %s, bundle %s...)", model_name, version, used_run, sha[:12])
    return int(version)


def _log_model(bundle: Path, meta: Any, sha: str) -> Any:
    """Log the bundle as a pyfunc model into the active run; its model info."""
    from nerkit.registry.pyfunc import log_pyfunc

    try:
        return log_pyfunc(
            bundle,
            metadata_fields={
                "nerkit_bundle_sha256": sha,
                "train_fingerprint": meta.train_fingerprint,
                "test_fingerprint": meta.test_fingerprint,
                "postprocess": list(meta.postprocess or []),
                "labels": list(meta.labels),
            },
        )
    except Exception as err:
        raise RegistrationError(
            f"logging {bundle} as an MLflow model failed ({type(err).__name__}: "
            f"{str(err).splitlines()[0][:300] if str(err) else ''}); nothing was registered"
        ) from err


def _verify_then_alias(client: Any, name: str, version: str, alias: str, await_s: float) -> None:
    """Await READY and check the stored bundle's SHA-256; only a verified version gets
    ``alias`` (a failed check is recorded in its state tag, and raised)."""
    try:
        await_ready(client, name, version, await_s)
        verify_version(client, name, version)
    except RegistryError as err:
        set_state(client, name, version, f"failed: {err}")
        raise
    set_state(client, name, version, STATE_VERIFIED)
    if alias == CHALLENGER:
        settle_challenger(client, name, version)
    else:
        set_alias(client, name, alias, version)


def record_chain(bundle: Path, postprocess: Sequence[Any] | None) -> Any:
    """The bundle's metadata, with ``postprocess`` recorded in it when it records none.

    A bundle that already records a chain keeps it: that is the chain it was scored with.
    """
    from nerkit.bundle import read_bundle_meta, write_bundle_meta

    meta = read_bundle_meta(bundle)
    if meta.postprocess is None and postprocess is not None:
        meta.postprocess = list(postprocess)
        write_bundle_meta(bundle, meta)
        log.info(
            "%s: recorded the post-processing chain in force (%d rules)",
            bundle,
            len(meta.postprocess),
        )
    return meta
