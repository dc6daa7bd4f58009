"""``python -m registry``: one function per action, dispatched by ``run(cfg)``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from nerkit.choices import Precision
from nerkit.registry import (
    RegistryError,
    format_versions,
    gate_keywords,
    list_versions,
    promote,
    register_bundle,
    rollback,
)
from nerkit.settings import typed
from registry.settings import RegistryStageSettings

log = logging.getLogger("registry")


def run(config: Any) -> dict[str, Any]:
    """Do the config's ``action``; returns what was done (printed as well). ``config`` is
    the composed ``conf/registry.yaml`` (or a :class:`RegistryStageSettings`).

    Raises PromotionRefused when the gate says no (``__main__`` exits 2) and RegistryError
    for anything else that stops an action (exit 1).
    """
    cfg = typed(config, RegistryStageSettings)
    action = cfg.action.value
    if action not in ACTIONS:
        raise RegistryError(f"unknown action {action!r}: use register, promote, rollback or list")
    return {"action": action, **ACTIONS[action](cfg)}


def register(cfg: RegistryStageSettings) -> dict[str, Any]:
    if not cfg.bundle:
        raise RegistryError("action=register needs bundle=PATH (a model bundle folder)")
    name, uri = cfg.registry.model_name, cfg.tracking.uri
    version = register_bundle(
        cfg.bundle,
        uri,
        name,
        run_id=cfg.run_id or None,
        experiment=cfg.tracking.experiment,
        artifact_location=cfg.tracking.artifact_location,
        await_s=cfg.registry.await_s,
        connect_attempts=cfg.registry.connect_attempts,
        postprocess=cfg.postprocess.rules,
    )
    print(f"registered {name} v{version} (@challenger) at {uri}")
    return {"version": version}


def promote_challenger(cfg: RegistryStageSettings) -> dict[str, Any]:
    if cfg.precision not in (Precision.auto, Precision.fp32) or cfg.compile:
        log.warning(
            "the gate reads both versions in fp32 without compile; precision=%s and "
            "compile=%s are not used by registry",
            cfg.precision,
            cfg.compile,
        )
    name = cfg.registry.model_name
    decision = promote(
        cfg.tracking.uri,
        name,
        **gate_keywords(asdict(cfg.registry)),
        version=cfg.version,
        data=cfg.data,
        split=cfg.split,
        device=cfg.device,
        batch_tokens=cfg.batch_tokens,
        connect_attempts=cfg.registry.connect_attempts,
    )
    if decision.comparison is not None:
        print(decision.table)
    print(f"{name} v{decision.champion} is @champion: {decision.reason}")
    return {"champion": decision.champion, "previous": decision.previous}


def roll_back(cfg: RegistryStageSettings) -> dict[str, Any]:
    decision = rollback(
        cfg.tracking.uri, cfg.registry.model_name, connect_attempts=cfg.registry.connect_attempts
    )
    print(decision.reason)
    return {"champion": decision.champion}


def list_all(cfg: RegistryStageSettings) -> dict[str, Any]:
    name = cfg.registry.model_name
    rows = list_versions(cfg.tracking.uri, name, connect_attempts=cfg.registry.connect_attempts)
    print(format_versions(name, rows))
    return {"versions": rows}


ACTIONS: dict[str, Callable[[RegistryStageSettings], dict[str, Any]]] = {
    "register": register,
    "promote": promote_challenger,
    "rollback": roll_back,
    "list": list_all,
}
