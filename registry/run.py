"""``python -m registry``: one function per action, dispatched by ``run(cfg)``."""

from __future__ import annotations

import logging
from typing import Any

from nerkit.choices import Precision
from nerkit.registry.core import (
    RegistryError,
    format_versions,
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
    uri = cfg.tracking.uri
    name = cfg.registry.model_name
    attempts = cfg.connect_attempts
    if action == "register":
        if not cfg.bundle:
            raise RegistryError("action=register needs bundle=PATH (a model bundle folder)")
        version = register_bundle(
            cfg.bundle,
            uri,
            name,
            run_id=cfg.run_id or None,
            experiment=cfg.tracking.experiment,
            artifact_location=cfg.tracking.artifact_location,
            await_s=cfg.await_s,
            connect_attempts=attempts,
            postprocess=cfg.postprocess.rules,
        )
        print(f"registered {name} v{version} (@challenger) at {uri}")
        return {"action": action, "version": version}
    if action == "promote":
        if cfg.precision not in (Precision.auto, Precision.fp32) or cfg.compile:
            log.warning(
                "the gate reads both versions in fp32 without compile; precision=%s and "
                "compile=%s are not used by registry",
                cfg.precision,
                cfg.compile,
            )
        decision = promote(
            uri,
            name,
            min_delta=cfg.registry.min_delta,
            max_type_drop=cfg.registry.max_type_drop,
            version=cfg.version,
            data=cfg.data,
            split=cfg.split,
            device=cfg.device,
            batch_tokens=cfg.batch_tokens,
            connect_attempts=attempts,
            resamples=cfg.registry.bootstrap_resamples,
            seed=cfg.registry.bootstrap_seed,
        )
        if decision.comparison is not None:
            print(decision.table)
        print(f"{name} v{decision.champion} is @champion: {decision.reason}")
        return {"action": action, "champion": decision.champion, "previous": decision.previous}
    if action == "rollback":
        decision = rollback(uri, name, connect_attempts=attempts)
        print(decision.reason)
        return {"action": action, "champion": decision.champion}
    if action == "list":
        rows = list_versions(uri, name, connect_attempts=attempts)
        print(format_versions(name, rows))
        return {"action": action, "versions": rows}
    raise RegistryError(f"unknown action {action!r}: use register, promote, rollback or list")
