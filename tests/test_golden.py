"""The golden round trip: one registered version, four consumers, the same entities.

A tiny model is registered with a post-processing chain of its own (different from
conf/postprocess/default.yaml, and one that visibly changes the engine's entities),
promoted to ``@champion``, then read through ``python -m evaluate``, plain MLflow
(``models:/...@champion``), ``python -m serve`` (the app factory, as ``__main__`` builds
it) and ``python -m serve.batch``. Every one must answer the same entities: the chain
recorded with the model, applied by the one output path (nerkit.output).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow

NAME = "golden-ner"
CONF = str(REPO_ROOT / "conf")
SENTENCE = (
    "This Loan Agreement is made on 3 March 2024 between Acme Holdings, Inc. and Jane Doe "
    "for USD 1,250,000, governed by the laws of the State of New York. "
)
TEXTS = {
    "long": SENTENCE * 14,
    "short": "Globex LLC pays Quentin Farnsworth EUR 75,000 on 1 May 2025 in Delaware.",
    "mid": SENTENCE * 3 + "Notices go to Initech Corp., 12 Main Street, Ohio.",
}


def entity_keys(entities: list[dict]) -> list[tuple]:
    return [
        (e["label"], e["start"], e["end"], e["text"], round(float(e["score"]), 4)) for e in entities
    ]


@pytest.fixture(scope="module", params=["own-head", "crf-shapes"])
def golden_model(request, tiny_model, tokenizer, contract_tags):
    """The architecture's own head (a tiny BERT token classifier), and a TokenTagger with
    a CRF head and token-shape features (nerkit.heads)."""
    if request.param == "own-head":
        return tiny_model, None, False
    from nerkit.models import tiny_tagger

    model = tiny_tagger(list(contract_tags), tokenizer.vocab_size).eval()
    return model, {"_target_": "nerkit.heads.CRFHead"}, True


@pytest.fixture(scope="module")
def golden_chain(golden_model, tokenizer, contract_tags) -> list[dict]:
    """A chain that changes the tiny model's entities: a threshold at their median score,
    then merging neighbours across up to 3 separator characters."""
    import statistics

    from nerkit.predictor import Predictor
    from nerkit.windows import WindowConfig

    engine = Predictor(
        golden_model[0], tokenizer, contract_tags, WindowConfig(64, 16), device="cpu"
    )
    scores = [e.score for p in engine.predict(list(TEXTS.values())) for e in p.entities]
    assert len(scores) > 10, "the tiny model should predict entities to post-process"
    return [
        {"_target_": "nerkit.postprocess.ScoreThreshold", "default": statistics.median(scores)},
        {"_target_": "nerkit.postprocess.MergeAdjacent", "max_gap_chars": 3, "score": "mean"},
    ]


@pytest.fixture(scope="module")
def champion(tmp_path_factory, golden_model, tokenizer, contract_tags, golden_chain):
    """The bundle registered and promoted in a fresh SQLite store; (uri, root)."""
    from nerkit.bundle import BundleMeta, save_bundle
    from nerkit.registry import gate_settings, promote, register_bundle

    model, head, shapes = golden_model
    root = tmp_path_factory.mktemp("golden")
    meta = BundleMeta(
        tags=list(contract_tags),
        base_model="tiny-bert",
        max_length=64,
        overlap=16,
        postprocess=golden_chain,
        head=head,
        shape_features=shapes,
    )
    bundle = save_bundle(root / "bundle", model, tokenizer, meta)
    uri = f"sqlite:///{root}/mlflow.db"
    register_bundle(
        bundle, uri, NAME, experiment="golden", artifact_location=(root / "artifacts").as_uri()
    )
    promote(uri, NAME, **gate_settings())
    return uri, root


def write_inputs(root: Path) -> tuple[Path, Path]:
    """The texts as a labelled doccano file (evaluate) and a plain JSONL file (batch)."""
    labelled, plain = root / "labelled.jsonl", root / "plain.jsonl"
    labelled.write_text(
        "".join(
            json.dumps({"id": i, "text": t, "label": [[0, 4, "ORG"]]}) + "\n"
            for i, t in TEXTS.items()
        )
    )
    plain.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in TEXTS.items()))
    return labelled, plain


def through_evaluate(uri: str, labelled: Path, out: Path) -> dict[str, list]:
    from hydra import compose, initialize_config_dir

    import evaluate.__main__  # noqa: F401  (registers the schema)
    from evaluate.run import run

    with initialize_config_dir(config_dir=CONF, version_base="1.3"):
        cfg = compose(
            "evaluate",
            overrides=[
                f"model_uri=models:/{NAME}@champion",
                "data=files",
                f"data.train={labelled}",
                f"data.test={labelled}",
                f"tracking.uri='{uri}'",
                f"output_dir={out}",
                "compare_pipeline=false",
                "log_to_mlflow=false",
                "device=cpu",
                "precision=fp32",
            ],
        )
    run(cfg)
    lines = (out / "predictions.jsonl").read_text().splitlines()
    return {r["id"]: entity_keys(r["entities"]) for r in map(json.loads, lines)}


def through_mlflow(uri: str) -> dict[str, list]:
    import mlflow
    import pandas as pd

    mlflow.set_tracking_uri(uri)
    model = mlflow.pyfunc.load_model(f"models:/{NAME}@champion", model_config={"device": "cpu"})
    out = model.predict(pd.DataFrame({"text": list(TEXTS.values())}))
    return {i: entity_keys(row) for i, row in zip(TEXTS, out["entities"], strict=True)}


def through_serve(uri: str, root: Path) -> dict[str, list]:
    from fastapi.testclient import TestClient
    from omegaconf import OmegaConf

    from serve.app import create_app
    from serve.settings import Settings, SlotSpec

    default_rules = OmegaConf.to_container(OmegaConf.load(f"{CONF}/postprocess/default.yaml"))
    settings = Settings(
        models=(SlotSpec(name=NAME, alias="champion"),),
        tracking_uri=uri,
        cache_dir=root / "serve-cache",
        device="cpu",
        precision="fp32",
        retry_s=0.0,
        postprocess_rules=tuple(default_rules["rules"]),  # type: ignore[index]
    )
    documents = [{"id": i, "text": t} for i, t in TEXTS.items()]
    with TestClient(create_app(settings)) as client:
        response = client.post("/v1/ner/batch", json={"documents": documents})
    assert response.status_code == 200, response.text
    return {r["id"]: entity_keys(r["entities"]) for r in response.json()["results"]}


def through_batch(uri: str, plain: Path, root: Path) -> dict[str, list]:
    from hydra import compose, initialize_config_dir

    from serve.batch import run, store_schema
    from serve.batch.shards import read_results

    store_schema()
    with initialize_config_dir(config_dir=CONF, version_base="1.3"):
        cfg = compose(
            "batch",
            overrides=[
                f"input={plain}",
                f"output={root / 'batch'}",
                f"model_uri=models:/{NAME}@champion",
                f"tracking.uri='{uri}'",
                f"cache_dir={root / 'batch-cache'}",
                "device=cpu",
                "precision=fp32",
            ],
        )
    run(cfg)
    return {r["id"]: entity_keys(r["entities"]) for r in read_results(root / "batch")}


def test_evaluate_mlflow_serve_and_batch_give_the_same_entities(champion, tmp_path, golden_chain):
    from nerkit.output import rules_digest
    from nerkit.registry import TAG_POSTPROCESS_DIGEST, connect

    uri, _ = champion
    tags = connect(uri).get_model_version_by_alias(NAME, "champion").tags
    assert tags[TAG_POSTPROCESS_DIGEST] == rules_digest(golden_chain)
    labelled, plain = write_inputs(tmp_path)

    evaluated = through_evaluate(uri, labelled, tmp_path / "eval")
    report = json.loads((tmp_path / "eval" / "report.json").read_text())
    assert report["postprocess"]["digest"] == rules_digest(golden_chain)
    # The chain matters: served entities are not the engine's raw ones.
    assert report["windowed"]["predicted_entities"] != report["raw"]["predicted_entities"]
    assert sum(len(v) for v in evaluated.values()) > 0

    assert through_mlflow(uri) == evaluated
    assert through_serve(uri, tmp_path) == evaluated
    assert through_batch(uri, plain, tmp_path) == evaluated
