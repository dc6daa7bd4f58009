"""conf/serve.yaml through Hydra (with the structured schema) into the runtime Settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.errors import ConfigCompositionException
from omegaconf.errors import ValidationError
from pydantic import SecretStr

from nerkit.settings import shipped_config
from serve.settings import ServeKeys, ServeStageSettings, Settings, SlotSpec, check_alias

CONF = Path(__file__).resolve().parents[2] / "conf"


def composed(*overrides: str):
    ConfigStore.instance().store(name="serve_schema", node=ServeStageSettings)
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        return compose("serve", overrides=list(overrides))


def test_defaults_serve_the_champion_of_the_registered_model():
    settings = Settings.from_config(composed(), env={})
    (slot,) = settings.models
    assert (slot.name, slot.alias, slot.bundle) == ("contract-ner", "champion", None)
    assert settings.tracking_uri == "sqlite:///mlflow.db"
    assert settings.device == "auto" and settings.precision == "auto"
    assert settings.batch_tokens is None and settings.cpu_threads is None  # by device
    assert not settings.compile
    assert settings.kb is not None and settings.kb["organisations"].endswith("organisations.csv")
    assert list(settings.postprocess_rules) == shipped_config("postprocess/default.yaml")["rules"]
    assert settings.open


def test_overrides_bundle_and_keys_from_the_environment(tmp_path):
    cfg = composed(f"serve.bundle={tmp_path}", "registry.model_name=other", "serve.max_chars=10")
    env = {"NERKIT_API_KEY": "p-key", "NERKIT_ADMIN_KEY": "a-key"}
    settings = Settings.from_config(cfg, env=env)
    assert settings.models[0].bundle == tmp_path
    assert settings.models[0].name == "other"
    assert settings.max_chars == 10
    assert Settings.from_config(composed("serve.compile=true"), env={}).compile
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "p-key"
    described = str(settings.describe()) + repr(settings)
    assert "p-key" not in described and "a-key" not in described
    assert settings.describe()["api_key"] == "set"
    assert Settings.from_config(cfg, env={"NERKIT_API_KEY": ""}).api_key is None


def test_an_empty_key_is_no_key_however_it_arrives(monkeypatch):
    # The process environment (pydantic-settings reads it).
    monkeypatch.setenv("NERKIT_API_KEY", "")
    monkeypatch.setenv("NERKIT_ADMIN_KEY", "a-key")
    settings = Settings.from_config(composed())
    assert settings.api_key is None
    assert settings.admin_key is not None and settings.admin_key.get_secret_value() == "a-key"
    assert not settings.open
    monkeypatch.setenv("NERKIT_ADMIN_KEY", "")
    assert Settings.from_config(composed()).open
    # An explicit environment, and the constructor (a str or a SecretStr).
    keys = ServeKeys.from_env({"NERKIT_API_KEY": "", "NERKIT_ADMIN_KEY": ""})
    assert keys.api_key is None and keys.admin_key is None
    for empty in ("", SecretStr(""), None):
        assert Settings(api_key=empty, admin_key=empty).open
    kept = Settings(api_key=SecretStr("p-key"), admin_key="a-key")
    assert kept.api_key is not None and kept.api_key.get_secret_value() == "p-key"
    assert kept.admin_key is not None and kept.admin_key.get_secret_value() == "a-key"


def test_a_misspelt_key_fails_at_start_up():
    with pytest.raises((ConfigCompositionException, ValidationError)):
        composed("serve.batch_tokenz=3")
    with pytest.raises((ConfigCompositionException, ValidationError)):
        composed("serve.batch_tokens=lots")


@pytest.mark.parametrize(
    "bad",
    [
        {"merge": "vote"},
        {"precision": "fp8"},
        {"batch_tokens": 0},
        {"models": ()},
        {"models": (SlotSpec(name="a"), SlotSpec(name="a"))},
    ],
)
def test_bad_settings_are_refused(bad):
    with pytest.raises(ValueError):
        Settings(**bad)


@pytest.mark.parametrize(
    "alias", ["models:/x@champion", "../x", "", "a b", "file:///tmp", "1st", "x" * 65]
)
def test_aliases_are_plain_names(alias):
    with pytest.raises(ValueError):
        check_alias(alias)
    with pytest.raises(ValueError):
        SlotSpec(name="x", alias=alias)


def test_the_entry_point_is_thin():
    import serve.__main__ as entry

    assert callable(entry.run) and callable(entry.main)


def test_passwords_in_the_tracking_uri_are_not_logged():
    settings = Settings(tracking_uri="https://bob:s3cret@mlflow.example:5000/path")
    assert settings.describe()["tracking_uri"] == "https://bob:***@mlflow.example:5000/path"


def test_the_loader_builds_the_predictor_as_configured(serve_bundle):
    from serve.models import BundleRef, DefaultLoader

    ref = BundleRef("contract-ner", "1", None, serve_bundle, "bundle")
    settings = Settings(device="cpu", cpu_threads=1, compile=True, batch_tokens=96)
    predictor = DefaultLoader(settings).load(ref, settings)
    assert predictor.compiled and predictor.batch_tokens == 96
    assert predictor.device.type == "cpu"
    plain = DefaultLoader(Settings(device="cpu")).load(ref, Settings(device="cpu"))
    assert not plain.compiled and plain.batch_tokens == 2048  # the CPU default
