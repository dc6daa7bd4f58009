"""Finding a served model's bundle and building its predictor.

A slot (``serve.models``) names a bundle folder, or a registered model and alias. Registry
versions are resolved, downloaded and checked by the one resolver every stage uses
(:func:`nerkit.modelref.resolve_registered`) into its cache, one folder per model and
version (``<cache_dir>/<model>/<version>/``, complete once ``<version>.json`` recording its
SHA-256 is written beside it). At start-up, when the registry cannot be reached, the newest
cached version of the model is served and says so (``source: cache`` and a note).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nerkit.devices import resolve_precision
from nerkit.modelref import BundleCache
from serve.settings import Settings, SlotSpec

log = logging.getLogger("serve.models")  # one log for everything about the served models


class ReloadRejected(ValueError):
    """A reload asked for something this service does not allow (unknown model, ...)."""


def cpu_threads(configured: int | None) -> int:
    """Torch threads for CPU inference: as configured, else every CPU this process may use.

    Leaving a core to the event loop was measured and lost: on 2 CPUs, one torch thread
    served 0.56x the word-pieces per second of two, while 429 answers stayed within 50 ms
    with two (torch releases the GIL inside its kernels; ``bench/load.py``)."""
    from nerkit.devices import available_cpus

    if configured is not None and configured > 0:
        return configured
    return max(1, available_cpus())


@dataclass(frozen=True)
class BundleRef:
    """Where one model version is, and how it was found."""

    name: str
    version: str
    alias: str | None
    path: Path
    source: str  # registry | cache | bundle
    note: str | None = None


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
