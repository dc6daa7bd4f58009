"""Registry fixtures: a real MLflow SQLite store in tmp_path and tiny model bundles."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

TEST_FINGERPRINT = "f" * 64
MODEL_NAME = "contract-ner"


@dataclass
class Store:
    uri: str
    artifacts: str
    experiment: str = "nerkit-tests"


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh SQLite tracking/registry store with its artifacts under tmp_path."""
    import mlflow

    saved = mlflow.get_tracking_uri()
    yield Store(
        uri=f"sqlite:///{tmp_path}/mlflow.db",
        artifacts=(tmp_path / "artifacts").as_uri(),
    )
    mlflow.set_tracking_uri(saved)


@pytest.fixture(scope="session")
def make_bundle(
    tmp_path_factory: pytest.TempPathFactory, tiny_model, tokenizer, contract_tags
) -> Callable[..., Path]:
    """``make_bundle(f1, per_type=..., fingerprint=..., rules=...)``: a tiny-BERT bundle
    whose nerkit.json claims those test figures (as train writes them) and records the
    post-processing chain ``rules`` (None: none recorded)."""
    from nerkit.bundle import BundleMeta, save_bundle

    root = tmp_path_factory.mktemp("bundles")
    counter = itertools.count(1)

    def make(
        f1: float | None,
        per_type: dict[str, float] | None = None,
        fingerprint: str = TEST_FINGERPRINT,
        rules: list | None = None,
    ) -> Path:
        evaluation = {}
        if f1 is not None:
            figures = {"test_f1": f1, "test_precision": f1, "test_recall": f1}
            figures |= {f"test_f1_{label}": v for label, v in (per_type or {}).items()}
            evaluation = {"test": figures, "fingerprint": fingerprint}
        meta = BundleMeta(
            tags=list(contract_tags),
            base_model="tiny-bert",
            max_length=64,
            overlap=16,
            train_fingerprint="e" * 64,
            test_fingerprint=fingerprint,
            evaluation=evaluation,
            postprocess=rules,
        )
        return save_bundle(root / f"bundle-{next(counter)}", tiny_model, tokenizer, meta)

    return make
