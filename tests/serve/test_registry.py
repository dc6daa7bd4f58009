"""Serving registered versions: alias resolution, the version cache, reloads, fallbacks.

A real MLflow registry on SQLite (one store for the session; each test its own model
name), versions registered with plain MLflow calls.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from nerkit import tracking
from serve.models import BundleCache
from serve.settings import SlotSpec

TEXT = "Zorblax Holdings Limited pays Quentin Farnsworth USD 1,250,000.00 in Delaware."
_names = itertools.count(1)


@pytest.fixture()
def name() -> str:
    return f"serve-model-{next(_names)}"


def registry_settings(make_settings, store, cache: Path, model: str, **overrides):
    values = {"tracking_uri": store.uri, "cache_dir": cache, **overrides}
    return make_settings(models=(SlotSpec(name=model, alias="champion"),), **values)


def test_tracking_resolves_aliases_and_versions(mlflow_store, serve_bundle, name, tmp_path):
    version = mlflow_store.register(name, serve_bundle)
    mlflow_store.set_alias(name, "champion", version)
    found = tracking.registered_version(mlflow_store.uri, name, alias="champion")
    assert found.version == version and "champion" in found.aliases
    assert tracking.registered_version(mlflow_store.uri, name, version=version).version == version
    with pytest.raises(tracking.ModelVersionNotFound):
        tracking.registered_version(mlflow_store.uri, name, alias="nobody")
    with pytest.raises(tracking.ModelVersionNotFound):
        tracking.registered_version(mlflow_store.uri, name, version=99)
    with pytest.raises(tracking.ModelVersionNotFound):
        tracking.registered_version(mlflow_store.uri, "no-such-model", alias="champion")
    bundle = tracking.download_registered_bundle(mlflow_store.uri, name, version, tmp_path)
    assert (bundle / "nerkit.json").is_file()


def test_serves_the_champion_and_reloads_to_a_new_one(
    app_client,
    make_settings,
    mlflow_store,
    serve_bundle,
    second_bundle,
    corrupt_bundle,
    name,
    tmp_path,
):
    v1 = mlflow_store.register(name, serve_bundle)
    v2 = mlflow_store.register(name, second_bundle)
    v3 = mlflow_store.register(name, corrupt_bundle)
    mlflow_store.set_alias(name, "champion", v1)
    cache = tmp_path / "cache"
    with app_client(registry_settings(make_settings, mlflow_store, cache, name)) as (c, _):
        info = c.get("/v1/model").json()
        assert (info["name"], info["version"], info["alias"]) == (name, v1, "champion")
        assert info["source"] == "registry"
        assert c.post("/v1/ner", json={"text": TEXT}).json()["meta"]["version"] == v1
        assert BundleCache(cache).versions(name) == [v1]

        # Nothing moved: a reload keeps what is served.
        same = c.post("/admin/reload").json()["results"][0]
        assert same["ok"] and not same["changed"]

        mlflow_store.set_alias(name, "champion", v2)
        moved = c.post("/admin/reload").json()["results"][0]
        assert moved == {
            "model": name,
            "ok": True,
            "changed": True,
            "previous_version": v1,
            "version": v2,
            "alias": "champion",
            "source": "registry",
        }
        assert c.get("/v1/model").json()["window"]["max_length"] == 48
        assert c.post("/v1/ner", json={"text": TEXT}).json()["meta"]["version"] == v2

        # A corrupt version, asked for by number: the old one keeps serving.
        broken = c.post("/admin/reload", json={"version": int(v3)})
        assert broken.status_code == 500
        outcome = broken.json()["results"][0]
        assert not outcome["ok"] and outcome["version"] == v3
        assert f"v{v2} keeps serving" in outcome["reason"]
        assert c.get("/v1/model").json()["version"] == v2
        assert c.post("/v1/ner", json={"text": TEXT}).status_code == 200

        missing = c.post("/admin/reload", json={"alias": "nobody"})
        assert missing.status_code == 404
        assert "does not exist" in missing.json()["results"][0]["reason"]
        assert c.post("/admin/reload", json={"version": 99}).status_code == 404

        # Back by alias to a version already in the cache: no download needed.
        back = c.post("/admin/reload", json={"alias": "champion", "model": name}).json()
        assert back["results"][0]["ok"]
    assert set(BundleCache(cache).versions(name)) >= {v1, v2}
    marker = json.loads((cache / name / f"{v2}.json").read_text())
    assert marker["version"] == v2 and len(marker["sha256"]) == 64


def test_a_bundle_that_does_not_match_its_checksum_is_refused(
    app_client, make_settings, mlflow_store, serve_bundle, name, tmp_path
):
    from mlflow import MlflowClient

    version = mlflow_store.register(name, serve_bundle)
    client = MlflowClient(tracking_uri=mlflow_store.uri, registry_uri=mlflow_store.uri)
    client.set_model_version_tag(name, version, "nerkit.bundle_sha256", "0" * 64)
    mlflow_store.set_alias(name, "champion", version)
    settings = registry_settings(make_settings, mlflow_store, tmp_path / "cache", name)
    with app_client(settings) as (c, _):
        assert c.get("/readyz").status_code == 503
        assert "hashes to" in c.get("/v1/model").json()["error"]
    assert BundleCache(tmp_path / "cache").versions(name) == []


def test_an_unreachable_registry_falls_back_to_the_newest_cached_version(
    app_client,
    make_settings,
    mlflow_store,
    serve_bundle,
    second_bundle,
    name,
    tmp_path,
    monkeypatch,
):
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "2")
    cache = tmp_path / "cache"
    v1 = mlflow_store.register(name, serve_bundle)
    v2 = mlflow_store.register(name, second_bundle)
    for version in (v1, v2):
        mlflow_store.set_alias(name, "champion", version)
        with app_client(registry_settings(make_settings, mlflow_store, cache, name)) as (c, _):
            assert c.get("/v1/model").json()["version"] == version

    dead = "http://127.0.0.1:9"  # nothing listens there
    settings = registry_settings(make_settings, mlflow_store, cache, name, tracking_uri=dead)
    with app_client(settings) as (c, _):
        assert c.get("/readyz").status_code == 200
        info = c.get("/v1/model").json()
        assert (info["version"], info["source"]) == (v2, "cache")
        assert "could not be reached" in info["note"] and dead in info["note"]
        assert c.post("/v1/ner", json={"text": TEXT}).status_code == 200
        # A reload needs the registry: it fails, and the cached version keeps serving.
        reload = c.post("/admin/reload")
        assert reload.status_code == 502
        assert c.get("/v1/model").json()["version"] == v2

    empty = registry_settings(
        make_settings, mlflow_store, tmp_path / "empty", name, tracking_uri=dead
    )
    with app_client(empty) as (c, _):
        assert c.get("/readyz").status_code == 503
        assert c.post("/v1/ner", json={"text": TEXT}).status_code == 503
        assert "could not resolve" in c.get("/v1/model").json()["error"]


def test_the_cache_keeps_the_newest_versions(tmp_path, serve_bundle):
    import shutil

    cache = BundleCache(tmp_path, keep=2)

    def download(dst: Path) -> Path:
        return Path(shutil.copytree(serve_bundle, dst / "bundle"))

    for version in ("1", "2", "3", "10"):
        cache.fetch("m", version, download)
    assert cache.versions("m") == ["10", "3"]
    assert cache.newest("m") == "10"
    cache.fetch("m", "1", download, protect=["3"])
    assert cache.versions("m") == ["10", "3", "1"]
    assert not list((tmp_path / "m").glob(".download-*"))
