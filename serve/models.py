"""Model slots: finding, caching, loading, warming and hot-swapping the served models.

A *slot* is one configured model (``serve.models``): a registered model name and alias,
or a bundle folder. Each slot holds at most one :class:`LoadedModel` at a time; a reload
resolves the alias again, loads the new version beside the old one, warms it up on the
model worker thread and then swaps the slot's reference in one assignment. Requests
already queued keep the model they were tokenised for; new requests get the new one. When
anything fails on the way, the old model keeps serving and the reason is reported.

Registry versions are resolved, downloaded and checked by the one resolver every stage
uses (:func:`nerkit.modelref.resolve_registered`) into its cache, one folder per model and
version (``<cache_dir>/<model>/<version>/``, complete once ``<version>.json`` recording its
SHA-256 is written beside it). Each model runs the post-processing chain its bundle
records (``serve.postprocess`` for bundles that record none). At start-up, when the
registry cannot be reached, the newest cached version of the model is served and
``/v1/model`` says so (``source: cache`` and a note).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nerkit.devices import resolve_precision
from nerkit.documents import Entity
from nerkit.modelref import CACHE_MARKER_SUFFIX, SHA_TAG, BundleCache
from nerkit.windows import TokenizedText, tokenize_documents
from serve.settings import Settings, SlotSpec

log = logging.getLogger("serve.models")

__all__ = [
    "CACHE_MARKER_SUFFIX",
    "SHA_TAG",
    "BundleCache",
    "BundleRef",
    "LoadedModel",
    "resolve_precision",
]


class ReloadRejected(ValueError):
    """A reload asked for something this service does not allow (unknown model, ...)."""


class LoadFailed(RuntimeError):
    """A resolved version could not be loaded or warmed up."""


class NotReady(RuntimeError):
    """No model (or not every model) is loaded yet."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def cpu_threads(configured: int | None) -> int:
    """Torch threads for CPU inference: as configured, else every CPU this process may use.

    Leaving a core to the event loop was measured and lost: on 2 CPUs, one torch thread
    served 0.56x the word-pieces per second of two, while 429 answers stayed within 50 ms
    with two (torch releases the GIL inside its kernels; ``bench/load.py``)."""
    from nerkit.devices import available_cpus

    if configured is not None and configured > 0:
        return configured
    return max(1, available_cpus())


def shown(version: str | None) -> str:
    """``v3`` for a registry version, the version itself otherwise (``sha256:...``)."""
    if version is None:
        return "nothing"
    return f"v{version}" if version.isdigit() else version


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0][:400] if text else ''}".rstrip(": ")


@dataclass(frozen=True)
class BundleRef:
    """Where one model version is, and how it was found."""

    name: str
    version: str
    alias: str | None
    path: Path
    source: str  # registry | cache | bundle
    note: str | None = None


# --- the version cache: nerkit.modelref.BundleCache (one cache for every stage) -------


# --- loaders ---------------------------------------------------------------------------


class Loader:
    """Finds a slot's bundle (``resolve``) and builds a predictor from it (``load``).

    Tests pass their own subclass to :func:`serve.app.create_app` as ``loader=``.
    """

    def resolve(
        self, slot: SlotSpec, alias: str | None, version: str | None, startup: bool
    ) -> BundleRef:
        raise NotImplementedError

    def load(self, ref: BundleRef, settings: Settings) -> Any:
        from nerkit.devices import resolve_device
        from nerkit.predictor import Predictor

        device = resolve_device(settings.device)
        return Predictor.from_bundle(
            ref.path,
            device=str(device),
            precision=resolve_precision(settings.precision, device),
            batch_tokens=settings.batch_tokens,
            threads=cpu_threads(settings.cpu_threads) if device.type == "cpu" else None,
            compile=settings.compile,
        )


class DefaultLoader(Loader):
    """Bundle folders as configured; registry versions through the local cache."""

    def __init__(self, settings: Settings) -> None:
        self.tracking_uri = settings.tracking_uri
        self.cache = BundleCache(settings.cache_dir, settings.cache_keep)
        self._in_use: dict[str, str] = {}

    def resolve(
        self, slot: SlotSpec, alias: str | None, version: str | None, startup: bool
    ) -> BundleRef:
        if slot.bundle is not None:
            return self._resolve_folder(slot, alias, version)
        return self._resolve_registry(slot, alias, version, startup)

    @staticmethod
    def _resolve_folder(slot: SlotSpec, alias: str | None, version: str | None) -> BundleRef:
        from nerkit.bundle import bundle_sha256, read_bundle_meta

        if alias is not None or version is not None:
            raise ReloadRejected(
                f"model {slot.name!r} is served from the bundle folder {slot.bundle}: it has "
                "no registry aliases or versions (reload it without alias and version)"
            )
        assert slot.bundle is not None
        read_bundle_meta(slot.bundle)  # a clear error when it is not a bundle
        digest = bundle_sha256(slot.bundle)
        return BundleRef(slot.name, f"sha256:{digest[:12]}", None, Path(slot.bundle), "bundle")

    def _resolve_registry(
        self, slot: SlotSpec, alias: str | None, version: str | None, startup: bool
    ) -> BundleRef:
        from nerkit import tracking
        from nerkit.modelref import resolve_registered

        wanted_alias = None if version is not None else (alias or slot.alias)
        try:
            found = resolve_registered(
                self.tracking_uri,
                slot.name,
                self.cache,
                alias=wanted_alias,
                version=version,
                protect=[v for v in [self._in_use.get(slot.name)] if v],
            )
        except tracking.RegistryUnavailable as err:
            cached = self.cache.newest(slot.name) if startup and version is None else None
            if cached is None:
                raise
            note = (
                f"the registry could not be reached at start-up ({err}); serving the newest "
                f"cached version, v{cached}, which may not be @{wanted_alias} any more"
            )
            log.warning("%s", note)
            return BundleRef(
                slot.name, cached, wanted_alias, self.cache.path(slot.name, cached), "cache", note
            )
        self._in_use[slot.name] = found.version
        return BundleRef(slot.name, found.version, wanted_alias, found.path, "registry")


# --- loaded models ---------------------------------------------------------------------


@dataclass(eq=False)
class LoadedModel:
    """One model version, loaded and warm, as a slot serves it."""

    slot: SlotSpec
    ref: BundleRef
    predictor: Any
    # The model's post-processing chain (nerkit.output): the one its bundle records, else
    # the service's configured rules. None: the service's chain.
    chain: Any = None
    loaded_at: str = dataclasses.field(default_factory=_now)
    _tokenize_lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    @property
    def name(self) -> str:
        return self.ref.name

    @property
    def version(self) -> str:
        return self.ref.version

    def tokenize(self, texts: Sequence[str]) -> list[TokenizedText]:
        """Whole texts to tokens (one tokenizer call at a time: fast tokenizers are not
        guaranteed to be thread-safe)."""
        with self._tokenize_lock:
            return tokenize_documents(self.predictor.tokenizer, list(texts))

    def info(self) -> dict[str, Any]:
        meta = getattr(self.predictor, "meta", None)
        window = self.predictor.window
        labels = list(getattr(meta, "labels", None) or [])
        if not labels:
            labels = list(
                dict.fromkeys(t.split("-", 1)[1] for t in self.predictor.tags if t != "O")
            )
        return {
            "slot": self.slot.name,
            "ready": True,
            "name": self.ref.name,
            "version": self.ref.version,
            "alias": self.ref.alias,
            "source": self.ref.source,
            "note": self.ref.note,
            "device": str(self.predictor.device),
            "precision": str(self.predictor.precision),
            "labels": labels,
            "window": {"max_length": window.max_length, "overlap": window.overlap},
            "aggregation": str(self.predictor.aggregation),
            "loaded_at": self.loaded_at,
        }


def warm_up(predictor: Any, batch_tokens: int) -> None:
    """Read one batch at the full token budget (allocations, kernels, caches)."""
    from serve.batcher import read_documents

    window = predictor.window
    n_special = predictor.special.count
    usable = window.usable(n_special)
    rows = max(1, batch_tokens // window.max_length)
    n_tokens = usable + (rows - 1) * (usable - window.overlap)
    sample = predictor.tokenizer("This agreement is made between the parties.")
    ids = [i for i in sample["input_ids"] if i not in predictor.tokenizer.all_special_ids] or [0]
    input_ids = np.resize(np.asarray(ids, dtype=np.int64), n_tokens)
    starts = np.arange(n_tokens, dtype=np.int64) * 2
    tokenized = TokenizedText(
        input_ids,
        np.stack([starts, starts + 1], axis=1),
        np.arange(n_tokens, dtype=np.int64),
        np.ones(n_tokens, dtype=np.int64),  # token shapes, for models that read them
    )
    read_documents(predictor, [tokenized])


def model_chain(predictor: Any, settings: Settings) -> Any:
    """The chain a model runs (nerkit.output.rules_for): its bundle's, else the service's."""
    from nerkit.output import rules_for
    from nerkit.postprocess import build_chain

    return build_chain(rules_for(getattr(predictor, "meta", None), settings.postprocess_rules))


# --- merging the entities of several models --------------------------------------------


def merge_entities(groups: Sequence[tuple[int, list[Entity]]], policy: str) -> list[Entity]:
    """Union of several models' entities; on overlaps one wins.

    ``groups`` is ``(priority, entities)`` per model, in configured order. ``priority``:
    the lower priority wins, then the higher score; ``score``: the higher score wins, then
    the lower priority. Ties go to the model configured first.
    """
    candidates = [
        (priority, index, entity)
        for index, (priority, entities) in enumerate(groups)
        for entity in entities
    ]
    if policy == "score":
        candidates.sort(key=lambda c: (-c[2].score, c[0], c[1], c[2].start))
    else:
        candidates.sort(key=lambda c: (c[0], -c[2].score, c[1], c[2].start))
    starts: list[int] = []
    kept: list[Entity] = []  # disjoint, sorted by start
    for _, _, entity in candidates:
        at = bisect.bisect_left(starts, entity.start)
        if at > 0 and kept[at - 1].end > entity.start:
            continue
        if at < len(kept) and kept[at].start < entity.end:
            continue
        starts.insert(at, entity.start)
        kept.insert(at, entity)
    return kept


# --- slots and the manager -------------------------------------------------------------


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
            where = f"{ref.name} {shown(ref.version)} ({ref.source})"
            try:
                predictor = await asyncio.to_thread(self.loader.load, ref, self.settings)
            except Exception as err:
                return self._failed(slot, outcome, f"loading {where}", err)
            if self.settings.warmup:
                try:
                    budget = self.settings.batch_tokens or predictor.batch_tokens
                    await self.batcher.call(lambda: warm_up(predictor, budget))
                except Exception as err:
                    return self._failed(slot, outcome, f"warming up {where}", err)
            try:
                chain = model_chain(predictor, self.settings)
            except Exception as err:
                return self._failed(
                    slot, outcome, f"building the post-processing chain of {where}", err
                )
            slot.current = LoadedModel(slot.spec, ref, predictor, chain)  # the swap
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
