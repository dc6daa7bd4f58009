"""A model URI to a verified local bundle: the one path every stage takes.

:func:`resolve_bundle` accepts a bundle folder, ``runs:/<run id>/<path>`` (or
``mlflow-artifacts:/...``), ``models:/<name>@<alias>`` or ``models:/<name>/<version>``.
A registry alias is resolved to its version first; that version's bundle is read from a
local cache (:class:`BundleCache`, one folder per model and version, its SHA-256 in a
marker beside it) or downloaded into it, and its SHA-256 is checked against the
``nerkit.bundle_sha256`` tag the registry wrote. A cached copy is used only when its
recorded SHA-256 equals the registry's, so a moved alias or a re-registered version is
never served stale. Run artifacts are downloaded afresh (nothing is cached by URI).

MLflow itself is only called through :mod:`nerkit.tracking`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

SHA_TAG = "nerkit.bundle_sha256"
CACHE_MARKER_SUFFIX = ".json"
MODEL_URI_HELP = (
    "give a bundle folder, runs:/<run id>/<path>, models:/<name>@<alias> or "
    "models:/<name>/<version>"
)


class BundleChecksumError(RuntimeError):
    """A downloaded bundle is not the bundle that was registered."""


@dataclass(frozen=True)
class ResolvedBundle:
    """A verified local bundle and where it came from."""

    path: Path
    name: str
    version: str  # the registry version, or sha256:<first 12 hex> for folders and runs
    sha256: str
    alias: str | None = None
    source: str = "bundle"  # bundle | run | registry | cache
    verified: bool = False  # its SHA-256 matched the registry's tag
    note: str | None = None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "_"


def _version_key(version: str) -> tuple[int, str]:
    return (int(version), version) if version.isdigit() else (-1, version)


def checked_sha256(bundle: Path, expected: str | None, what: str) -> str:
    """The bundle's SHA-256; BundleChecksumError when it is not ``expected``."""
    from nerkit.bundle import bundle_sha256

    sha = bundle_sha256(bundle)
    if expected and sha != expected:
        raise BundleChecksumError(
            f"{what}: the downloaded bundle hashes to {sha[:16]}..., not {expected[:16]}... "
            "as registered; the stored artifacts are incomplete or altered"
        )
    return sha


class BundleCache:
    """Downloaded bundles, one folder per model and version, written atomically; the
    newest ``keep`` versions of each model stay (the stage's configured ``cache_keep``;
    None: every version stays, for a cache that is itself temporary or only read)."""

    def __init__(self, root: str | Path, keep: int | None = None) -> None:
        self.root = Path(root)
        self.keep = None if keep is None else max(1, int(keep))

    def folder(self, name: str) -> Path:
        return self.root / _slug(name)

    def path(self, name: str, version: str) -> Path:
        return self.folder(name) / _slug(version)

    def marker(self, name: str, version: str) -> Path:
        path = self.path(name, version)
        return path.with_name(path.name + CACHE_MARKER_SUFFIX)

    def recorded_sha(self, name: str, version: str) -> str | None:
        """The SHA-256 the cached copy was checked against, or None when not complete."""
        marker = self.marker(name, version)
        if not (marker.is_file() and self.path(name, version).is_dir()):
            return None
        try:
            return str(json.loads(marker.read_text(encoding="utf-8"))["sha256"])
        except (ValueError, KeyError, OSError):
            return None

    def is_complete(self, name: str, version: str) -> bool:
        return self.recorded_sha(name, version) is not None

    def versions(self, name: str) -> list[str]:
        """Complete cached versions of ``name``, newest first."""
        folder = self.folder(name)
        if not folder.is_dir():
            return []
        found = []
        for marker in folder.glob(f"*{CACHE_MARKER_SUFFIX}"):
            version = marker.name[: -len(CACHE_MARKER_SUFFIX)]
            if (folder / version).is_dir():
                found.append(version)
        return sorted(found, key=_version_key, reverse=True)

    def newest(self, name: str) -> str | None:
        versions = self.versions(name)
        return versions[0] if versions else None

    def fetch(
        self,
        name: str,
        version: str,
        download: Callable[[Path], Path],
        expected_sha256: str | None = None,
        protect: Sequence[str] = (),
    ) -> Path:
        """The cached bundle of ``name`` ``version``, downloading it first when missing or
        when the cached copy was checked against another SHA-256 than ``expected_sha256``.

        ``download(dst)`` fetches into ``dst`` and returns the bundle folder inside it; its
        SHA-256 is checked before the folder is moved into place.
        """
        target = self.path(name, version)
        cached = self.recorded_sha(name, version)
        if cached is not None and (not expected_sha256 or cached == expected_sha256):
            return target
        folder = self.folder(name)
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".download-", dir=folder))
        try:
            bundle = download(staging)
            sha = checked_sha256(bundle, expected_sha256, f"{name} v{version}")
            self.marker(name, version).unlink(missing_ok=True)
            if target.exists():  # a stale copy or a leftover of an interrupted download
                shutil.rmtree(target, ignore_errors=True)
            try:
                bundle.replace(target)
            except OSError:
                if not self.is_complete(name, version):  # another process won the race
                    raise
                return target
            marker = {"name": name, "version": version, "sha256": sha, "downloaded_at": _now()}
            self.marker(name, version).write_text(
                json.dumps(marker, indent=2) + "\n", encoding="utf-8"
            )
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self.prune(name, protect=[version, *protect])
        return target

    def prune(self, name: str, protect: Sequence[str] = ()) -> None:
        """Keep the newest ``keep`` versions (and the protected ones)."""
        if self.keep is None:
            return
        for version in self.versions(name)[self.keep :]:
            if version in protect:
                continue
            self.marker(name, version).unlink(missing_ok=True)
            shutil.rmtree(self.path(name, version), ignore_errors=True)


def parse_models_uri(uri: str) -> tuple[str, str | None, str | None]:
    """``models:/name@alias`` -> (name, alias, None); ``models:/name/3`` -> (name, None, "3")."""
    rest = uri[len("models:/") :].strip("/")
    if "@" in rest:
        name, _, alias = rest.rpartition("@")
        if name and alias and "/" not in name:
            return name, alias, None
    else:
        name, _, version = rest.rpartition("/")
        if name and version.isdigit() and "/" not in name:
            return name, None, version
    raise ValueError(f"model {uri!r}: expected models:/<name>@<alias> or models:/<name>/<version>")


def resolve_registered(
    tracking_uri: str,
    name: str,
    cache: BundleCache,
    alias: str | None = None,
    version: str | None = None,
    protect: Sequence[str] = (),
) -> ResolvedBundle:
    """A registered version (by ``alias`` or ``version``), verified, from the cache.

    Raises :class:`nerkit.tracking.ModelVersionNotFound`,
    :class:`nerkit.tracking.RegistryUnavailable` or :class:`BundleChecksumError`.
    """
    from nerkit import tracking

    found = tracking.registered_version(tracking_uri, name, alias=alias, version=version)
    expected = found.tags.get(SHA_TAG)
    path = cache.fetch(
        name,
        found.version,
        lambda dst: tracking.download_registered_bundle(tracking_uri, name, found.version, dst),
        expected_sha256=expected,
        protect=protect,
    )
    sha = cache.recorded_sha(name, found.version) or ""
    return ResolvedBundle(path, name, found.version, sha, alias, "registry", bool(expected))


def resolve_bundle(
    uri: str,
    tracking_uri: str,
    cache_dir: str | Path,
    default_name: str,
    *,
    cache_keep: int,
) -> ResolvedBundle:
    """The verified local bundle behind ``uri`` (see the module docstring); a bundle
    folder or run's bundle is named ``default_name`` (the configured registry name).
    ``cache_keep``: registry versions kept in ``cache_dir`` (the stage's configured value).

    Raises ValueError (not a model URI or bundle folder), ModelVersionNotFound,
    RegistryUnavailable (from :mod:`nerkit.tracking`) or BundleChecksumError.
    """
    from nerkit import tracking
    from nerkit.bundle import META_FILE, bundle_sha256

    if uri.startswith("models:/"):
        name, alias, version = parse_models_uri(uri)
        cache = BundleCache(Path(cache_dir), cache_keep)
        return resolve_registered(tracking_uri, name, cache, alias=alias, version=version)
    if uri.startswith(("runs:/", "mlflow-artifacts:/")):
        runs = Path(cache_dir) / "runs"
        runs.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".download-", dir=runs))
        try:
            bundle = tracking.download_bundle(uri, staging, tracking_uri)
            sha = bundle_sha256(bundle)
            target = runs / sha[:16]  # keyed by content: the same bytes, the same folder
            if not target.is_dir():
                bundle.replace(target)
        except (tracking.RegistryUnavailable, FileNotFoundError):
            raise
        except Exception as err:
            raise tracking.RegistryUnavailable(
                f"model {uri!r} could not be downloaded from {tracking.redact_uri(tracking_uri)}:"
                f" {type(err).__name__}: {str(err).splitlines()[0][:300] if str(err) else ''}"
            ) from err
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return ResolvedBundle(target, default_name, f"sha256:{sha[:12]}", sha, source="run")
    from nerkit.settings import resolve_path

    folder = resolve_path(uri)
    if not (folder / META_FILE).is_file():
        raise ValueError(
            f"model {uri!r} is not a bundle folder (no {META_FILE} there): {MODEL_URI_HELP}"
        )
    sha = bundle_sha256(folder)
    return ResolvedBundle(folder, default_name, f"sha256:{sha[:12]}", sha)
