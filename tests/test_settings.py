"""One home per default: every setting's value is written once, in the YAML under conf/.

The structured schemas hold types, ``???`` and ``None`` (a key some option of a group
leaves out), never a value; serve's Pydantic ``Settings`` holds bounds and reads what it
is not given from conf/serve.yaml; the groups shared by the stages (compute, tracking,
registry, hydra) are written once and composed, never restated. A second copy of a value
anywhere here fails one of these tests, naming where it is.
"""

from __future__ import annotations

import ast
import dataclasses
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf
from pydantic_core import PydanticUndefined

from bench.cost import CostSettings
from nerkit.settings import REQUIRED, ComputeSettings, EvaluateSettings, TrainSettings, typed
from registry.settings import RegistryStageSettings
from serve.batch.settings import BatchSettings
from serve.batch.settings import store_schema as store_batch_schema
from serve.settings import ServeStageSettings, Settings, SlotSpec, configured
from serve.settings import store_schema as store_serve_schema
from tests.conftest import REPO_ROOT

CONF = REPO_ROOT / "conf"
CODE = ("nerkit", "train", "evaluate", "registry", "serve", "bench")
# Each stage's primary config, its schema, and the overrides it cannot run without.
STAGES = {
    "train": (TrainSettings, []),
    "evaluate": (EvaluateSettings, ["model_uri=x"]),
    "registry": (RegistryStageSettings, []),
    "serve": (ServeStageSettings, []),
    "batch": (BatchSettings, ["input=x", "output=y"]),
    "cost": (CostSettings, []),
}
# Settings fields that only carry what is given (nothing given: no enrichment, no rules,
# no keys); every other field's value comes from the YAML.
GIVEN_ONLY = {"kb": None, "postprocess_rules": (), "api_key": None, "admin_key": None}


def register_schemas() -> None:
    import evaluate.__main__  # noqa: F401  (each registers its schema)
    import registry.__main__  # noqa: F401
    import train.__main__  # noqa: F401

    store_serve_schema()
    store_batch_schema()


def composed(name: str, *overrides: str) -> Any:
    register_schemas()
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        return compose(name, overrides=[*STAGES[name][1], *overrides])


def nested_schemas(hint: Any) -> Iterator[type]:
    """The dataclasses a field's type names (``X``, ``X | None``, ``list[X]``)."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        yield hint
    for arg in typing.get_args(hint):
        yield from nested_schemas(arg)


def schema_fields(schema: type, where: str = "") -> Iterator[tuple[str, dataclasses.Field]]:
    """Every field of ``schema`` and of the schemas nested in it, with its dotted path."""
    hints = typing.get_type_hints(schema)
    for f in dataclasses.fields(schema):
        path = f"{where}{schema.__name__}.{f.name}"
        yield path, f
        for nested in nested_schemas(hints[f.name]):
            yield from schema_fields(nested, f"{path} -> ")


def restated_in_schema(schema: type) -> list[str]:
    """Fields of ``schema`` (nested ones too) whose default is a value, not ??? or None."""
    found = []
    for path, f in schema_fields(schema):
        if f.default_factory is not dataclasses.MISSING:
            made = f.default_factory()
            if not dataclasses.is_dataclass(made):
                found.append(f"{path} = {made!r}")
        elif f.default is not dataclasses.MISSING and f.default not in (REQUIRED, None):
            found.append(f"{path} = {f.default!r}")
    return found


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_schemas_hold_types_not_values(stage):
    """A value written in a schema is a second copy of the YAML's (or a value the YAML
    never shows): it belongs in conf/, with its comment."""
    restated = restated_in_schema(STAGES[stage][0])
    assert not restated, f"values in the {stage} schema, move them to conf/: {restated}"


@dataclasses.dataclass
class Inner:
    port: int = 8000  # a restated value, nested


@dataclasses.dataclass
class Outer:
    host: str = REQUIRED
    inner: Inner = dataclasses.field(default_factory=Inner)
    slots: list[Inner] | None = None
    device: str = "auto"  # a restated value


def test_the_check_finds_a_value_written_in_a_schema():
    assert restated_in_schema(Outer) == [
        "Outer.inner -> Inner.port = 8000",
        "Outer.slots -> Inner.port = 8000",
        "Outer.device = 'auto'",
    ]


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_the_yaml_gives_every_value_its_schema_declares(stage):
    """Schema and YAML agree: the composed config converts to the typed settings with no
    ``???`` left and every value of its declared type."""
    settings = typed(composed(stage), STAGES[stage][0])
    assert isinstance(settings, STAGES[stage][0])


def test_serve_settings_hold_bounds_and_read_their_values_from_the_yaml():
    defaults = {name: f.default for name, f in Settings.model_fields.items() if not f.is_required()}
    assert defaults == GIVEN_ONLY, "a Settings default restates conf/serve.yaml"
    from_yaml = Settings.from_config(composed("serve"), env={})
    built = Settings()
    for name in Settings.model_fields:
        if name not in GIVEN_ONLY:
            assert getattr(built, name) == getattr(from_yaml, name), name
    assert built.model_dump() == Settings(**configured()).model_dump()


def test_serve_settings_read_the_yaml_inside_a_hydra_app_too():
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        assert Settings(device="cpu").device == "cpu"
        compose("serve")  # the app's own Hydra is still there


def test_a_served_slot_restates_no_slot_default():
    """What a slot leaves out is SlotSpec's (a list element has no YAML defaults); the
    shipped slots do not write those values again."""
    slot_defaults = {
        name: f.default
        for name, f in SlotSpec.model_fields.items()
        if f.default is not PydanticUndefined
    }
    shipped = OmegaConf.to_container(OmegaConf.load(CONF / "serve.yaml"), resolve=False)
    assert isinstance(shipped, dict)
    for slot in shipped["serve"]["models"]:
        restated = {k: v for k, v in slot.items() if k in slot_defaults and v == slot_defaults[k]}
        assert not restated, f"conf/serve.yaml restates SlotSpec defaults: {restated}"


def primary_configs() -> list[Path]:
    return sorted(CONF.glob("*.yaml"))


@pytest.mark.parametrize("path", primary_configs(), ids=lambda p: p.name)
def test_shared_groups_are_composed_not_restated(path):
    raw = OmegaConf.to_container(OmegaConf.load(path), resolve=False)
    assert isinstance(raw, dict)
    assert "hydra" not in raw, f"{path.name}: Hydra's settings are conf/hydra/default.yaml"
    compute = {f.name for f in dataclasses.fields(ComputeSettings)}
    for where, section in (("", raw), ("serve.", raw.get("serve") or {})):
        restated = sorted(compute & set(section))
        assert not restated, f"{path.name}: {where}{restated} belong to conf/compute"
    for group in ("tracking", "registry"):
        assert group not in raw, f"{path.name}: {group} settings belong to conf/{group}"


def shared_values() -> dict[str, str]:
    """The string values of the shared groups long enough to be unmistakable."""
    out = {}
    for file in [*(CONF / "tracking").glob("*.yaml"), *(CONF / "registry").glob("*.yaml")]:
        for key, value in OmegaConf.load(file).items():
            if isinstance(value, str) and len(value) >= 8:
                out[value] = f"{file.relative_to(REPO_ROOT)}: {key}"
    return out


def test_shared_values_are_not_restated_in_python():
    """The tracking URI and the registered model name are read from their group, never
    written again as a string in the code."""
    values = shared_values()
    assert {"sqlite:///mlflow.db", "contract-ner"} <= set(values)
    found = []
    for folder in CODE:
        for source in (REPO_ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value in values:
                    found.append(f"{source.relative_to(REPO_ROOT)}:{node.lineno} {node.value!r}")
    assert not found, f"restated (the value lives in {values}): {found}"


def test_the_knowledge_base_settings_hold_no_values_and_read_the_yaml():
    """KBConfig mirrors conf/kb/default.yaml without restating it: what a mapping leaves out
    comes from the file, and the file gives every field."""
    from omegaconf import OmegaConf

    from nerkit.kb.enrich import KBConfig

    assert restated_in_schema(KBConfig) == []
    assert all(f.default is dataclasses.MISSING for f in dataclasses.fields(KBConfig))
    shipped = OmegaConf.to_container(OmegaConf.load(CONF / "kb" / "default.yaml"))
    settings = KBConfig.from_mapping({})
    assert {f.name for f in dataclasses.fields(KBConfig)} == set(shipped)
    assert settings.fuzzy_threshold == shipped["fuzzy_threshold"]
    assert settings.country_preference == tuple(shipped["country_preference"])
    assert KBConfig.from_mapping({"date_order": "DMY"}).date_order == "DMY"


def test_the_gate_has_no_numbers_of_its_own():
    """promote() takes the gate's numbers from its caller; gate_settings() reads them from
    conf/registry/default.yaml, their one home."""
    import inspect

    from omegaconf import OmegaConf

    from nerkit.registry import gate_settings, promote
    from nerkit.registry.gate import compare

    gate = ("min_delta", "max_type_drop", "resamples", "seed")
    parameters = inspect.signature(promote).parameters
    assert all(parameters[name].default is inspect.Parameter.empty for name in gate)
    shipped = OmegaConf.load(CONF / "registry" / "default.yaml")
    assert gate_settings() == {
        "min_delta": shipped.min_delta,
        "max_type_drop": shipped.max_type_drop,
        "resamples": shipped.bootstrap_resamples,
        "seed": shipped.bootstrap_seed,
    }
    assert gate_settings(min_delta=0.01)["min_delta"] == 0.01
    parameters = inspect.signature(compare).parameters
    assert all(parameters[name].default is inspect.Parameter.empty for name in gate[:2])


def test_the_registry_functions_take_what_they_are_not_given_from_the_yaml():
    """The store's settings (connect_attempts, await_s: conf/registry/default.yaml), the
    experiment (conf/tracking/local.yaml) and the gate's split (conf/registry.yaml) are
    None in the library's signatures and read from their one home; a bundle cache's size
    is always the caller's (serve.cache_keep, batch and evaluate cache_keep)."""
    import inspect

    from omegaconf import OmegaConf

    from nerkit import modelref, registry
    from nerkit.registry import settings

    for call, names in [
        (registry.register_bundle, ("experiment", "await_s", "connect_attempts")),
        (registry.promote, ("split", "connect_attempts")),
        (registry.rollback, ("connect_attempts",)),
        (registry.list_versions, ("connect_attempts",)),
        (registry.connect, ("attempts",)),
    ]:
        parameters = inspect.signature(call).parameters
        assert all(parameters[name].default is None for name in names), call
    timeout = inspect.signature(registry.store.await_ready).parameters["timeout_s"]
    assert timeout.default is inspect.Parameter.empty
    keep = inspect.signature(modelref.resolve_bundle).parameters["cache_keep"]
    assert keep.default is inspect.Parameter.empty
    shipped = OmegaConf.load(CONF / "registry" / "default.yaml")
    assert settings.shipped("connect_attempts") == shipped.connect_attempts
    assert settings.shipped("await_s") == shipped.await_s
    assert settings.shipped("await_s", 5) == 5
    assert settings.shipped_experiment() == OmegaConf.load(CONF / "tracking/local.yaml").experiment
    assert settings.shipped_split() == OmegaConf.load(CONF / "registry.yaml").split


def test_the_knowledge_base_classes_take_what_they_are_not_given_from_the_yaml():
    import inspect

    from omegaconf import OmegaConf

    from nerkit.kb.enrich import Enricher
    from nerkit.kb.organisations import OrganisationKB

    for call, names in [
        (Enricher.__init__, ("date_order", "country_preference", "cache_size")),
        (OrganisationKB.from_file, ("threshold", "scorer")),
    ]:
        parameters = inspect.signature(call).parameters
        assert all(parameters[name].default is None for name in names), call
    shipped = OmegaConf.load(CONF / "kb" / "default.yaml")
    kb = OrganisationKB([])
    assert (kb.threshold, kb.scorer) == (shipped.fuzzy_threshold, shipped.fuzzy_scorer)
    enricher = Enricher()
    assert enricher.date_order == shipped.date_order
    assert enricher.country_preference == tuple(shipped.country_preference)
    assert OrganisationKB([], threshold=50).threshold == 50
