"""Model slots: loading, warming and hot-swapping the served models.

A *slot* is one configured model (``serve.models``): a registered model name and alias,
or a bundle folder. Each slot holds at most one :class:`LoadedModel` at a time; a reload
resolves the alias again, loads the new version beside the old one, warms it up on the
model worker thread and then swaps the slot's reference in one assignment. Requests
already queued keep the model they were tokenised for; new requests get the new one. When
anything fails on the way, the old model keeps serving and the reason is reported.

Finding a slot's bundle (a folder, the registry, or at start-up the cache when the
registry cannot be reached) and building its predictor is :mod:`serve.loaders`' work. Each
model runs the post-processing chain its bundle records (``serve.postprocess`` for
bundles that record none: :func:`serve.loaded_model.model_chain`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nerkit.modelref import BundleCache
from serve.loaded_model import LoadedModel, model_chain, warm_up
from serve.loaders import BundleRef, DefaultLoader, Loader, ReloadRejected
from serve.merging import merge_entities
from serve.settings import Settings, SlotSpec

log = logging.getLogger("serve.models")

# What callers import from here; the parts live in serve.loaders (finding and building),
# serve.loaded_model (one loaded version) and serve.merging (several models' answers).
__all__ = [
    "BundleCache",
    "BundleRef",
    "DefaultLoader",
    "LoadedModel",
    "Loader",
    "ModelManager",
    "NotReady",
    "ReloadRejected",
    "merge_entities",
    "shown",
    "warm_up",
]


class NotReady(RuntimeError):
    """No model (or not every model) is loaded yet."""


class _StageFailed(Exception):
    """One stage of bringing up a version failed (the old model keeps serving)."""

    def __init__(self, stage: str, error: Exception) -> None:
        super().__init__(f"{stage} failed")
        self.stage = stage
        self.error = error


def shown(version: str | None) -> str:
    """``v3`` for a registry version, the version itself otherwise (``sha256:...``)."""
    if version is None:
        return "nothing"
    return f"v{version}" if version.isdigit() else version


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0][:400] if text else ''}".rstrip(": ")


@dataclass(eq=False)
class ModelSlot:
    spec: SlotSpec
    current: LoadedModel | None = None
    error: str | None = None
    lock: asyncio.Lock = dataclasses.field(default_factory=asyncio.Lock)

    def info(self) -> dict[str, Any]:
        if self.current is not None:
            out = self.current.info()
            if self.error:
                out["error"] = self.error
            return out
        return {"slot": self.spec.name, "ready": False, "error": self.error or "not loaded yet"}


class ModelManager:
    """Every slot of the service: start-up loading, background retry, reloads."""

    def __init__(self, settings: Settings, loader: Loader, batcher: Any, metrics: Any) -> None:
        self.settings = settings
        self.loader = loader
        self.batcher = batcher
        self.metrics = metrics
        self.slots = [ModelSlot(spec) for spec in settings.models]
        self._retry_task: asyncio.Task[None] | None = None

    @property
    def ready(self) -> bool:
        return all(slot.current is not None for slot in self.slots)

    def slot(self, name: str) -> ModelSlot | None:
        return next((s for s in self.slots if s.spec.name == name), None)

    def serving(self) -> list[LoadedModel]:
        """The current model of every slot (a consistent snapshot); NotReady if one lacks."""
        current = [slot.current for slot in self.slots]
        missing = [s.spec.name for s, c in zip(self.slots, current, strict=True) if c is None]
        if missing:
            reasons = "; ".join(f"{s.spec.name}: {s.error or 'loading'}" for s in self.slots)
            raise NotReady(f"no model loaded for {', '.join(missing)} ({reasons})")
        return [c for c in current if c is not None]

    async def start(self) -> None:
        for slot in self.slots:
            slot.lock = asyncio.Lock()  # bound to this event loop (an app may start twice)
        for slot in self.slots:
            await self.load(slot, startup=True)
        self._update_ready()
        if not self.ready and self.settings.retry_s > 0:
            self._retry_task = asyncio.create_task(self._retry_until_ready())

    async def stop(self) -> None:
        if self._retry_task is not None:
            self._retry_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._retry_task
            self._retry_task = None

    async def _retry_until_ready(self) -> None:
        while not self.ready:
            await asyncio.sleep(self.settings.retry_s)
            for slot in self.slots:
                if slot.current is None:
                    await self.load(slot, startup=True)
            self._update_ready()

    def _update_ready(self) -> None:
        if self.metrics is not None:
            self.metrics.ready.set(1 if self.ready else 0)

    async def reload(
        self, name: str | None = None, alias: str | None = None, version: str | None = None
    ) -> list[dict[str, Any]]:
        """Re-resolve and swap one slot (``name``) or all; one outcome per slot."""
        if name is not None:
            slot = self.slot(name)
            if slot is None:
                configured = ", ".join(s.spec.name for s in self.slots)
                raise ReloadRejected(
                    f"model {name!r} is not served here (configured: {configured})"
                )
            targets = [slot]
        else:
            if (alias is not None or version is not None) and len(self.slots) > 1:
                raise ReloadRejected(
                    "several models are served: name the one to reload with an alias or version"
                )
            targets = list(self.slots)
        if alias is not None or version is not None:
            for slot in targets:
                if slot.spec.bundle is not None:
                    raise ReloadRejected(
                        f"model {slot.spec.name!r} is served from a bundle folder: it has no "
                        "registry aliases or versions (reload it without alias and version)"
                    )
        outcomes = [await self.load(slot, alias=alias, version=version) for slot in targets]
        self._update_ready()
        return outcomes

    async def load(
        self,
        slot: ModelSlot,
        alias: str | None = None,
        version: str | None = None,
        startup: bool = False,
    ) -> dict[str, Any]:
        """Resolve, load, warm and swap one slot; the old model serves until the swap."""
        async with slot.lock:
            previous = slot.current
            outcome: dict[str, Any] = {
                "model": slot.spec.name,
                "ok": False,
                "changed": False,
                "previous_version": previous.version if previous else None,
            }
            try:
                ref = await asyncio.to_thread(
                    self.loader.resolve, slot.spec, alias, version, startup
                )
            except Exception as err:
                return self._failed(slot, outcome, "resolving", err)
            outcome.update(version=ref.version, alias=ref.alias, source=ref.source)
            if (
                previous is not None
                and previous.ref.version == ref.version
                and Path(previous.ref.path) == Path(ref.path)
            ):
                if previous.ref != ref:  # same weights, newer description (alias, source)
                    slot.current = dataclasses.replace(previous, ref=ref)
                    self._publish(slot)
                slot.error = None
                outcome.update(ok=True, reason=f"already serving {shown(ref.version)}")
                return outcome
            try:
                slot.current = await self._build(slot.spec, ref)  # the swap
            except _StageFailed as failed:
                return self._failed(slot, outcome, failed.stage, failed.error)
            slot.error = None
            self._publish(slot)
            log.info(
                "model %s now serves %s from %s%s",
                slot.spec.name,
                shown(ref.version),
                ref.source,
                f" (was {shown(previous.version)})" if previous else "",
            )
            outcome.update(ok=True, changed=True)
            return outcome

    async def _build(self, spec: SlotSpec, ref: BundleRef) -> LoadedModel:
        """Load a resolved version, warm it up on the model worker and build its chain;
        :class:`_StageFailed` says which of these failed."""
        where = f"{ref.name} {shown(ref.version)} ({ref.source})"
        stage = f"loading {where}"
        try:
            predictor = await asyncio.to_thread(self.loader.load, ref, self.settings)
            if self.settings.warmup:
                stage = f"warming up {where}"
                budget = self.settings.batch_tokens or predictor.batch_tokens
                await self.batcher.call(lambda: warm_up(predictor, budget))
            stage = f"building the post-processing chain of {where}"
            chain = model_chain(predictor, self.settings)
        except Exception as err:
            raise _StageFailed(stage, err) from err
        return LoadedModel(spec, ref, predictor, chain)

    def _failed(
        self, slot: ModelSlot, outcome: dict[str, Any], stage: str, err: Exception
    ) -> dict[str, Any]:
        from nerkit import tracking

        reason = f"{stage} failed: {_one_line(err)}"
        if slot.current is not None:
            reason += f"; {shown(slot.current.version)} keeps serving"
        slot.error = reason
        log.error("model %s: %s", slot.spec.name, reason)
        kind = "error"
        if isinstance(err, ReloadRejected):
            kind = "rejected"
        elif isinstance(err, tracking.ModelVersionNotFound):
            kind = "not_found"
        elif isinstance(err, tracking.RegistryUnavailable):
            kind = "unavailable"
        outcome.update(reason=reason, kind=kind)
        return outcome

    def _publish(self, slot: ModelSlot) -> None:
        if self.metrics is not None and slot.current is not None:
            ref = slot.current.ref
            self.metrics.set_model(
                slot.spec.name, ref.name, ref.version, ref.alias or "", ref.source
            )

    def info(self) -> list[dict[str, Any]]:
        return [slot.info() for slot in self.slots]
