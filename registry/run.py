"""``python -m registry``: one function per action, dispatched by ``run(cfg)``."""

from __future__ import annotations

import logging
from typing import Any

from nerkit.registry import (
    RegistryError,
    format_versions,
    list_versions,
    promote,
    register_bundle,
    rollback,
)

log = logging.getLogger("registry")


def _action(cfg: Any) -> str:
    action = cfg.action
    return str(getattr(action, "value", action))


def _rules(cfg: Any) -> list[Any] | None:
    """The configured post-processing rules (conf/postprocess), as plain data."""
    from omegaconf import OmegaConf

    section = cfg.get("postprocess")
    if section is None:
        return None
    rules = OmegaConf.to_container(section.rules, resolve=True)
    return list(rules) if isinstance(rules, list) else []


def run(cfg: Any) -> dict[str, Any]:
    """Do ``cfg.action``; returns what was done (printed as well).

    Raises PromotionRefused when the gate says no (``__main__`` exits 2) and RegistryError
    for anything else that stops an action (exit 1).
    """
    action = _action(cfg)
    uri = str(cfg.tracking.uri)
    name = str(cfg.registry.model_name)
    attempts = int(cfg.connect_attempts)
    if action == "register":
        if not cfg.bundle:
            raise RegistryError("action=register needs bundle=PATH (a model bundle folder)")
        version = register_bundle(
            str(cfg.bundle),
            uri,
            name,
            run_id=cfg.run_id or None,
            experiment=str(cfg.tracking.experiment),
            artifact_location=cfg.tracking.artifact_location,
            await_s=float(cfg.await_s),
            connect_attempts=attempts,
            postprocess=_rules(cfg),
        )
        print(f"registered {name} v{version} (@challenger) at {uri}")
        return {"action": action, "version": version}
    if action == "promote":
        decision = promote(
            uri,
            name,
            min_delta=float(cfg.registry.min_delta),
            max_type_drop=float(cfg.registry.max_type_drop),
            version=cfg.version,
            data=cfg.data,
            split=str(cfg.split),
            device=str(cfg.device),
            batch_tokens=None if cfg.batch_tokens is None else int(cfg.batch_tokens),
            connect_attempts=attempts,
            resamples=int(cfg.registry.bootstrap_resamples),
            seed=int(cfg.registry.bootstrap_seed),
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
