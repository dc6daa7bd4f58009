"""The model bundle: save, load, metadata and hash."""

from __future__ import annotations

import copy
import json
import random

import pytest

from nerkit.bundle import (
    META_FILE,
    BundleMeta,
    bundle_sha256,
    load_bundle,
    read_bundle_meta,
    save_bundle,
)
from nerkit.predictor import Predictor
from nerkit.windows import WindowConfig


@pytest.fixture(scope="module")
def meta(contract_tags):
    return BundleMeta(
        tags=contract_tags,
        base_model="tiny-bert",
        max_length=64,
        overlap=16,
        aggregation="average",
        train_fingerprint="abc123",
        test_fingerprint="def456",
        evaluation={"f1": 0.5},
        postprocess=[{"_target_": "nerkit.postprocess.MergeAdjacent", "max_gap_chars": 2}],
    )


@pytest.fixture(scope="module")
def bundle_dir(tmp_path_factory, tiny_model, tokenizer, meta):
    return save_bundle(tmp_path_factory.mktemp("bundle") / "model", tiny_model, tokenizer, meta)


def test_meta_derives_labels_and_window(meta):
    assert meta.labels == ["DATE", "JURISDICTION", "MONEY", "ORG", "PERSON"]
    assert meta.window == WindowConfig(64, 16)
    assert meta.scheme == "IOB2" and meta.created_at and meta.nerkit_version


def test_bundle_holds_model_tokenizer_and_meta(bundle_dir, meta):
    names = {p.name for p in bundle_dir.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", META_FILE} <= names
    assert read_bundle_meta(bundle_dir) == meta


def test_round_trip_gives_identical_predictions(
    bundle_dir, tiny_model, tokenizer, contract_tags, meta
):
    words = "Zorblax Holdings Limited pays Quentin Farnsworth USD 5,000 on 3 March 2021 in Delaware"
    rng = random.Random(0)
    texts = [" ".join(rng.choice(words.split()) for _ in range(n)) for n in (40, 300, 7)]
    # Owned like a bundle's model, so both run the same (packed fp32) kernels.
    before = Predictor(
        copy.deepcopy(tiny_model),
        tokenizer,
        contract_tags,
        meta.window,
        meta.aggregation,
        device="cpu",
        owns_model=True,
    ).predict(texts)
    after = Predictor.from_bundle(bundle_dir, device="cpu").predict(texts)
    assert [[e.to_dict() for e in p.entities] for p in after] == [
        [e.to_dict() for e in p.entities] for p in before
    ]
    assert any(p.entities for p in after)


def test_predictor_from_bundle_runs_as_the_bundle_says(bundle_dir, meta):
    predictor = Predictor.from_bundle(bundle_dir, device="cpu", max_windows=1)
    assert predictor.window == meta.window
    assert predictor.aggregation == "average"
    assert predictor.tags == meta.tags
    assert predictor.meta == meta
    assert predictor.max_windows == 1


def test_load_bundle_returns_model_tokenizer_meta(bundle_dir, meta):
    model, tokenizer, loaded = load_bundle(bundle_dir)
    assert loaded == meta
    assert not model.training
    assert model.config.id2label[1] == meta.tags[1]
    assert tokenizer.is_fast


def test_a_folder_without_nerkit_json_is_refused(tmp_path, tiny_model, tokenizer):
    tiny_model.save_pretrained(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"not a nerkit model bundle: nerkit\.json"):
        load_bundle(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_bundle_meta(tmp_path / "nowhere")


def test_broken_meta_is_reported_with_the_file(tmp_path):
    (tmp_path / META_FILE).write_text(json.dumps({"tags": ["O", "B-X"], "aggregation": "mode"}))
    with pytest.raises(ValueError, match=r"nerkit\.json.*aggregation 'mode'"):
        read_bundle_meta(tmp_path)
    (tmp_path / META_FILE).write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        read_bundle_meta(tmp_path)
    (tmp_path / META_FILE).write_text(json.dumps({"max_length": 64}))
    with pytest.raises(ValueError, match="'tags' is missing"):
        read_bundle_meta(tmp_path)


def test_meta_must_match_the_model(tmp_path, tiny_model, tokenizer):
    wrong = BundleMeta(tags=["O", "B-X", "I-X"])
    with pytest.raises(ValueError, match="differ from the bundle's tags"):
        save_bundle(tmp_path, tiny_model, tokenizer, wrong)


def test_sha256_is_stable_and_sees_every_file(tmp_path, bundle_dir):
    first = bundle_sha256(bundle_dir)
    assert first == bundle_sha256(bundle_dir)
    copy = tmp_path / "copy"
    copy.mkdir()
    for p in bundle_dir.iterdir():
        (copy / p.name).write_bytes(p.read_bytes())
    assert bundle_sha256(copy) == first
    (copy / "extra.txt").write_text("x")
    assert bundle_sha256(copy) != first


def test_an_older_bundles_data_fingerprint_is_read_as_its_test_fingerprint(contract_tags):
    # Bundles written before train and test fingerprints were told apart held the test
    # split's fingerprint under data_fingerprint, and no chain.
    old = BundleMeta.from_dict({"tags": contract_tags, "data_fingerprint": "abc"})
    assert (old.test_fingerprint, old.train_fingerprint, old.postprocess) == ("abc", "", None)


def test_the_recorded_chain_must_be_a_list_of_rules(contract_tags):
    with pytest.raises(ValueError, match="postprocess must be a list"):
        BundleMeta(tags=contract_tags, postprocess={"_target_": "x"})  # type: ignore[arg-type]
