"""Promoting through the gate, and rolling back.

The gate checks for itself (:func:`promote`): the challenger and the champion are both
fetched from the store (SHA-256 checked against their tags), read in this process through
the one output path (:mod:`nerkit.output`: the engine, then each version's own
post-processing chain) on the same test documents, and scored. The figures their bundles
claim are shown beside the measured ones but never used. A paired bootstrap over the test
documents (:func:`nerkit.scoring.paired_bootstrap`, 1,000 resamples, seeded) gives the
interval of the F1 difference; ``min_delta`` applies to its lower bound
(:func:`nerkit.registry.gate.compare`). The decision tags name the documents (fingerprint,
count), both chains and the interval.

After a promotion the promoted version loses ``challenger`` (it is the champion now). A
rollback moves ``champion`` back to ``previous`` and clears ``previous`` — it does not
swap them, so a second rollback is refused instead of re-instating the version just
rolled back; the demoted version stays registered and can be promoted again by number.
"""

from __future__ import annotations

import functools
import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nerkit.registry.gate import (
    Figures,
    compare,
    figures_from_evaluation,
    figures_from_flat,
    now_iso,
)
from nerkit.registry.settings import shipped_split
from nerkit.registry.store import (
    CHALLENGER,
    CHAMPION,
    PREVIOUS,
    TAG_SHA,
    ChecksumMismatch,
    Decision,
    PromotionRefused,
    RegistryError,
    connect,
    figures_tag,
    is_not_found,
    record_decision,
    set_alias,
    verify_version,
    version_by_alias,
)

log = logging.getLogger("registry")


@dataclass
class Scored:
    """One version read by the gate: measured figures, served spans, chain, claims."""

    version: str
    figures: Figures
    spans: list[Any]
    rules: str
    digest: str
    claimed_f1: float | None


def score_version(
    tracking_uri: str,
    name: str,
    version: str,
    docs: Sequence[Any],
    cache_dir: str | Path,
    device: str = "auto",
    batch_tokens: int | None = None,
) -> Scored:
    """Fetch a version (SHA-256 checked) and score it on ``docs`` through the output path."""
    from nerkit.bundle import read_bundle_meta
    from nerkit.documents import data_fingerprint
    from nerkit.evaluation import served_spans, summary_metrics
    from nerkit.modelref import BundleCache, BundleChecksumError, resolve_registered
    from nerkit.scoring import score_bundle

    if not docs:
        raise RegistryError("no documents to re-score on: the test split is empty")
    try:
        found = resolve_registered(tracking_uri, name, BundleCache(cache_dir), version=version)
    except BundleChecksumError as err:
        raise ChecksumMismatch(str(err)) from err
    if not found.verified:
        raise ChecksumMismatch(
            f"{name} v{version} has no {TAG_SHA} tag: it was not registered by nerkit "
            "(python -m registry action=register), so its bundle cannot be verified"
        )
    meta = read_bundle_meta(found.path)
    report = score_bundle(
        found.path,
        docs,
        device=device,
        batch_tokens=batch_tokens,
        compare_pipeline=False,
        progress=False,
        baseline=False,
    )
    fingerprint = data_fingerprint(docs)
    figures = figures_from_flat(summary_metrics(report), fingerprint, source="rescored")
    if figures is None:
        raise RegistryError(f"scoring {name} v{version} gave no micro F1")
    claimed = figures_from_evaluation(meta.evaluation, meta.test_fingerprint)
    return Scored(
        str(version),
        figures,
        served_spans(report),
        report["postprocess"]["rules"],
        report["postprocess"]["digest"],
        claimed.f1 if claimed is not None else None,
    )


def rescore_version(
    client: Any,
    name: str,
    version: str,
    docs: Sequence[Any],
    device: str = "auto",
    batch_tokens: int | None = None,
) -> Figures:
    """Score a registered version on ``docs`` as the gate does; record it as a tag.

    The figures are written to the version as ``nerkit.figures.<fingerprint>`` (source
    ``rescored``), for people and ``python -m registry action=list``.
    """
    with tempfile.TemporaryDirectory(prefix="nerkit-rescore-") as tmp:
        scored = score_version(
            client.tracking_uri, name, str(version), docs, tmp, device, batch_tokens
        )
    _record_figures(client, name, scored)
    return scored.figures


def _record_figures(client: Any, name: str, scored: Scored) -> None:
    figures = scored.figures
    client.set_model_version_tag(
        name, scored.version, figures_tag(figures.fingerprint), figures.to_json()
    )
    log.info(
        "re-scored %s v%s on %s: F1 %.4f",
        name,
        scored.version,
        figures.fingerprint[:16],
        figures.f1,
    )


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


def _challenger(client: Any, name: str, version: int | str | None) -> Any:
    from mlflow.exceptions import MlflowException

    if version is None:
        found = version_by_alias(client, name, CHALLENGER)
        if found is None:
            raise RegistryError(
                f"no version of {name!r} holds @{CHALLENGER}: register one first "
                "(python -m registry action=register bundle=PATH)"
            )
        return found
    try:
        return client.get_model_version(name, str(version))
    except MlflowException as err:
        if is_not_found(err) or "not found" in str(err).lower():
            raise RegistryError(f"{name} has no version {version}") from err
        raise


def _test_documents(docs: Sequence[Any] | None, data: Any, split: str) -> list[Any]:
    if docs is not None:
        return list(docs)
    if data is None:
        raise RegistryError(
            "the gate scores both versions itself and needs the test data: give the data "
            "config (data=<name> [data.test=PATH]), e.g. the data the challenger was trained "
            "with (its test fingerprint is the tag nerkit.test_fingerprint)"
        )
    from nerkit.data import load_eval_documents

    try:
        return load_eval_documents(data, split)
    except (ValueError, FileNotFoundError) as err:
        raise RegistryError(f"the test data could not be loaded: {err}") from err


def _gate_details(docs: Sequence[Any], chal: Scored, champ: Scored, comparison: Any) -> dict:
    """What decided: the documents, both chains, the interval (for the decision tags)."""
    fingerprint = chal.figures.fingerprint
    return {
        "compared": (
            f"challenger v{chal.version} (F1 {chal.figures.f1:.4f}, measured) vs champion "
            f"v{champ.version} (F1 {champ.figures.f1:.4f}, measured) on test data "
            f"{fingerprint[:16]} ({len(docs)} documents)"
        ),
        "test_data": {
            "fingerprint": fingerprint,
            "documents": len(docs),
            "gold_entities": sum(len(d.spans) for d in docs),
            "ids": [d.id for d in docs][:100],
        },
        "chains": {
            "challenger": {"digest": chal.digest, "rules": chal.rules},
            "champion": {"digest": champ.digest, "rules": champ.rules},
        },
        "interval": comparison.interval.to_dict(),
        "comparison": comparison.to_dict(),
    }


def promote(
    tracking_uri: str,
    model_name: str,
    *,
    min_delta: float,
    max_type_drop: float,
    resamples: int,
    seed: int,
    version: int | str | None = None,
    docs: Sequence[Any] | None = None,
    data: Any = None,
    split: str | None = None,
    device: str = "auto",
    batch_tokens: int | None = None,
    connect_attempts: int | None = None,
) -> Decision:
    """Promote the challenger (or ``version``) to champion if it passes the gate.

    With no champion yet the challenger becomes champion (after its SHA-256 is checked).
    Otherwise both are scored on ``docs`` (or the ``data`` config's ``split``; one of them
    is needed) as the module docstring says. Raises PromotionRefused (aliases unchanged)
    when the gate says no; every outcome is recorded as tags on the versions involved.
    The gate's numbers have no defaults here: conf/registry/default.yaml is their home
    (:func:`nerkit.registry.gate.gate_settings`); ``split`` and ``connect_attempts`` left
    None are the shipped ones (:mod:`nerkit.registry.settings`).
    """
    from nerkit.scoring import paired_bootstrap

    client = connect(tracking_uri, connect_attempts)
    chal_v, champ_v = _contenders(client, model_name, version)
    base = {"action": "promote", "when": now_iso(), "challenger": chal_v, "champion": champ_v}
    if champ_v is None:
        return _first_champion(client, model_name, chal_v, base)
    test_docs = _test_documents(docs, data, shipped_split(split))
    with tempfile.TemporaryDirectory(prefix="nerkit-gate-") as tmp:
        score = functools.partial(
            score_version,
            tracking_uri,
            model_name,
            docs=test_docs,
            cache_dir=tmp,
            device=device,
            batch_tokens=batch_tokens,
        )
        chal = _scored_or_refused(client, model_name, base, "challenger", chal_v, score)
        champ = _scored_or_refused(client, model_name, base, "champion", champ_v, score)
    for one in (chal, champ):
        _record_figures(client, model_name, one)
    comparison = compare(
        champ.figures,
        chal.figures,
        min_delta,
        max_type_drop,
        champ_v,
        chal_v,
        interval=paired_bootstrap(test_docs, champ.spans, chal.spans, resamples, seed),
        claimed={"champion": champ.claimed_f1, "challenger": chal.claimed_f1},
    )
    details = _gate_details(test_docs, chal, champ, comparison)
    return _decide(client, model_name, base | details, comparison)


def _contenders(client: Any, name: str, version: int | str | None) -> tuple[str, str | None]:
    """The challenger's version (``version``, else @challenger's) and the champion's."""
    chal_v = str(_challenger(client, name, version).version)
    champion = version_by_alias(client, name, CHAMPION)
    champ_v = str(champion.version) if champion is not None else None
    if champ_v == chal_v:
        raise RegistryError(f"{name} v{chal_v} is already @{CHAMPION}")
    return chal_v, champ_v


def _first_champion(client: Any, name: str, version: str, base: dict[str, Any]) -> Decision:
    """With no champion there is nothing to gate against: the challenger (its SHA-256
    checked) becomes champion."""
    _verify_or_record(client, name, version, base)
    _move_to_champion(client, name, version, None)
    reason = "no champion yet: the first challenger becomes champion"
    record = base | {"outcome": "promoted", "compared": "nothing (no champion)", "why": reason}
    record_decision(client, name, [version], record)
    return Decision("promote", "promoted", version, None, reason, None, record)


def _scored_or_refused(
    client: Any,
    name: str,
    base: dict[str, Any],
    role: str,
    version: str,
    score: Callable[[str], Scored],
) -> Scored:
    """``score(version)``; a bundle that fails its SHA-256 check refuses the promotion,
    and the refusal is recorded on that version."""
    try:
        return score(version)
    except ChecksumMismatch as err:
        why = f"verification of the {role} v{version} failed: {err}"
        record_decision(client, name, [version], base | {"outcome": "refused", "why": why})
        raise


def _decide(client: Any, name: str, record: dict[str, Any], comparison: Any) -> Decision:
    """Promote when the gate passed, else refuse (PromotionRefused); either way recorded."""
    chal_v, champ_v = comparison.challenger_version, comparison.champion_version
    if not comparison.passed:
        why = "; ".join(comparison.reasons)
        record_decision(
            client, name, [chal_v, champ_v], record | {"outcome": "refused", "why": why}
        )
        raise PromotionRefused(comparison)
    _move_to_champion(client, name, chal_v, champ_v)
    why = (
        f"micro F1 {comparison.challenger.f1:.4f} vs {comparison.champion.f1:.4f}: "
        f"{comparison.interval}, lower bound above min_delta {comparison.min_delta:+.4f}; "
        f"no type dropped more than {comparison.max_type_drop:.4f}"
    )
    record = record | {"outcome": "promoted", "why": why}
    record_decision(client, name, [chal_v, champ_v], record)
    return Decision("promote", "promoted", chal_v, champ_v, why, comparison, record)


def rollback(
    tracking_uri: str, model_name: str, *, connect_attempts: int | None = None
) -> Decision:
    """Move ``champion`` back to ``previous`` and clear ``previous`` (see module docstring;
    ``connect_attempts`` None: the shipped value)."""
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
