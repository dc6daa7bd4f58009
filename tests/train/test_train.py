"""python -m train end to end on a tiny model: bundle, evaluate, MLflow record, resume."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir
from safetensors.torch import load_file

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow

CONF = str(REPO_ROOT / "conf")


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory, tokenizer, contract_tags) -> Path:
    """A tiny randomly initialised BERT saved as a Hugging Face folder (no download)."""
    from nerkit.models import tiny_token_classifier

    folder = tmp_path_factory.mktemp("tiny-bert")
    tiny_token_classifier(contract_tags, vocab_size=tokenizer.vocab_size).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def train_config(tmp_path: Path, model_dir: Path, *overrides: str):
    import train.__main__  # noqa: F401  (registers the structured schema)

    with initialize_config_dir(config_dir=CONF, version_base="1.3"):
        return compose(
            "train",
            overrides=[
                f"model.name={model_dir}",
                "data.n_docs=6",
                "data.dev_ratio=0.2",
                "data.test_ratio=0.2",
                "trainer.epochs=2",
                "trainer.batch_size=16",
                "trainer.learning_rate=1e-3",
                "trainer.early_stopping_patience=5",
                "window.max_length=128",
                "window.overlap=16",
                f"tracking.uri=sqlite:///{tmp_path}/mlflow.db",
                f"tracking.artifact_location={tmp_path}/artifacts",
                f"output_dir={tmp_path}/run",
                "device=cpu",
                *overrides,
            ],
        )


def test_train_writes_bundle_scores_and_records_in_mlflow(tmp_path, tiny_model_dir, monkeypatch):
    import mlflow

    from evaluate.run import run as evaluate_run
    from train.run import run as train_run

    monkeypatch.chdir(tmp_path)
    cfg = train_config(tmp_path, tiny_model_dir)
    figures = train_run(cfg)
    bundle = tmp_path / "run" / "bundle"
    assert (bundle / "nerkit.json").is_file()
    # The default model: the bundled encoder's CRF head with token shapes (conf/model).
    assert (bundle / "head.safetensors").is_file()
    assert (bundle / "encoder" / "model.safetensors").is_file()
    assert "test_truncated_f1" in figures

    # The bundle records the chain in force and which data it was trained and tested on.
    from omegaconf import OmegaConf

    from nerkit.bundle import read_bundle_meta
    from nerkit.data import load_data
    from nerkit.documents import data_fingerprint
    from nerkit.metrics import score_documents
    from nerkit.output import OutputPath
    from nerkit.postprocess import fit_to_labels

    meta = read_bundle_meta(bundle)
    splits = load_data(cfg.data)
    # The chain in force (conf/postprocess), fitted to the training and dev labels.
    configured = OmegaConf.to_container(cfg.postprocess.rules, resolve=True)
    assert meta.postprocess == fit_to_labels(configured, splits["train"] + splits["dev"])[0]
    assert meta.postprocess, "conf/postprocess/default.yaml holds rules"
    assert meta.train_fingerprint == data_fingerprint(splits["train"])
    assert meta.test_fingerprint == data_fingerprint(splits["test"])
    assert meta.train_fingerprint != meta.test_fingerprint
    # test_f1 is the score of what users get: the bundle read through the output path
    # (engine, then its recorded chain); test_raw_f1 that of the engine alone.
    test = splits["test"]
    outputs = OutputPath.from_bundle(bundle, device="cpu").predict([d.text for d in test])
    served = score_documents(test, [[e.as_span() for e in o.entities] for o in outputs])
    raw = score_documents(test, [[e.as_span() for e in o.raw] for o in outputs])
    assert figures["test_f1"] == pytest.approx(served["seqeval"]["micro"]["f1"])
    assert figures["test_raw_f1"] == pytest.approx(raw["seqeval"]["micro"]["f1"])
    assert meta.evaluation["test"]["test_f1"] == pytest.approx(figures["test_f1"])

    client = mlflow.MlflowClient(tracking_uri=cfg.tracking.uri)
    run = client.get_run(figures["mlflow_run"])
    assert run.info.status == "FINISHED"
    assert run.data.params["window.max_length"] == "128"
    assert run.data.params["model.name"] == str(tiny_model_dir)
    assert "test_f1" in run.data.metrics and "dev_f1" in run.data.metrics
    assert "loss" in run.data.metrics
    assert run.data.tags["mlflow.source.git.commit"]
    assert "evaluation" in {a.path for a in client.list_artifacts(run.info.run_id)}
    version = client.get_model_version_by_alias("contract-ner", "challenger")
    assert int(version.version) == figures["registered_version"]
    assert version.run_id == run.info.run_id
    contexts = {
        t.value for i in run.inputs.dataset_inputs for t in i.tags if t.key == "mlflow.data.context"
    }
    assert {"train", "dev", "test"} <= contexts

    with initialize_config_dir(config_dir=CONF, version_base="1.3"):
        import evaluate.__main__  # noqa: F401

        eval_cfg = compose(
            "evaluate",
            overrides=[
                f"model_uri={bundle}",
                "data.n_docs=6",
                "data.dev_ratio=0.2",
                "data.test_ratio=0.2",
                f"tracking.uri=sqlite:///{tmp_path}/mlflow.db",
                f"output_dir={tmp_path}/eval",
                "compare_pipeline=false",
                "device=cpu",
            ],
        )
    scored = evaluate_run(eval_cfg)
    assert scored["f1"] == pytest.approx(figures["test_f1"])
    assert (tmp_path / "eval" / "report.json").is_file()
    assert (tmp_path / "eval" / "f1_by_type.png").stat().st_size > 0
    with sqlite3.connect(tmp_path / "mlflow.db") as db:
        (n_runs,) = db.execute("select count(*) from runs").fetchone()
    assert n_runs == 2


class Interrupted(Exception):
    pass


def stop_after_first_checkpoint():
    from transformers import TrainerCallback

    class Stop(TrainerCallback):
        def on_save(self, args, state, control, **kw):
            raise Interrupted(f"stopped at step {state.global_step}")

    return Stop()


def weights(bundle: Path) -> dict[str, torch.Tensor]:
    """Every weight of a bundle, whatever its head (nerkit.heads or the model's own)."""
    from nerkit.bundle import load_bundle

    return dict(load_bundle(bundle)[0].state_dict())


def test_resume_gives_the_same_weights_as_an_uninterrupted_run(
    tmp_path, tiny_model_dir, monkeypatch
):
    from train.run import run as train_run

    monkeypatch.chdir(tmp_path)
    common = ("tracking.enabled=false", "register=false")
    whole = train_config(tmp_path, tiny_model_dir, *common, f"output_dir={tmp_path}/whole")
    train_run(whole)

    broken = train_config(tmp_path, tiny_model_dir, *common, f"output_dir={tmp_path}/resumed")
    with pytest.raises(Interrupted):
        train_run(broken, callbacks=[stop_after_first_checkpoint()])
    assert not (tmp_path / "resumed" / "bundle").exists()
    resumed = train_config(
        tmp_path, tiny_model_dir, *common, f"output_dir={tmp_path}/resumed", "trainer.resume=true"
    )
    train_run(resumed)

    a, b = weights(tmp_path / "whole" / "bundle"), weights(tmp_path / "resumed" / "bundle")
    assert a.keys() == b.keys()
    for name in a:
        torch.testing.assert_close(a[name], b[name], rtol=0, atol=0, msg=name)


def test_bad_input_fails_before_training(tmp_path, tiny_model_dir, monkeypatch):
    from train.run import run as train_run

    monkeypatch.chdir(tmp_path)
    missing = train_config(
        tmp_path, tiny_model_dir, "data=files", f"data.train={tmp_path}/nope.conll"
    )
    with pytest.raises(FileNotFoundError, match=r"nope\.conll"):
        train_run(missing)

    empty = tmp_path / "empty.conll"
    empty.write_text("")
    with pytest.raises(ValueError, match="empty"):
        train_run(train_config(tmp_path, tiny_model_dir, "data=files", f"data.train={empty}"))

    bad_scheme = train_config(
        tmp_path, tiny_model_dir, "data=files", f"data.train={empty}", "data.scheme=IOX"
    )
    with pytest.raises(ValueError, match="IOX"):
        train_run(bad_scheme)

    too_long = train_config(tmp_path, tiny_model_dir, "window.max_length=4096")
    with pytest.raises(ValueError, match="4096"):
        train_run(too_long)
    assert not (tmp_path / "run" / "checkpoints").exists()


def test_each_sweep_job_gets_its_own_folder_and_run_name(tmp_path, tiny_model_dir):
    from train.run import for_sweep_job

    cfg = train_config(tmp_path, tiny_model_dir, "output_dir=out/${run_name}")
    assert for_sweep_job(cfg, None).output_dir == "out/contract-ner-builtin"
    job = for_sweep_job(train_config(tmp_path, tiny_model_dir, "output_dir=out/${run_name}"), 1)
    assert job.output_dir == "out/contract-ner-builtin/job-1"
    assert job.run_name == "contract-ner-builtin-job-1"


def test_a_sweep_from_the_command_line_trains_every_job(tmp_path, tiny_model_dir):
    import os
    import subprocess
    import sys

    command = [
        sys.executable,
        "-m",
        "train",
        "-m",
        "trainer.learning_rate=1e-3,2e-3",
        f"model.name={tiny_model_dir}",
        "data.n_docs=6",
        "data.dev_ratio=0.2",
        "data.test_ratio=0.2",
        "trainer.epochs=1",
        "window.max_length=128",
        "window.overlap=16",
        "tracking.enabled=false",
        "register=false",
        "device=cpu",
        f"output_dir={tmp_path}/sweep",
        f"hydra.sweep.dir={tmp_path}/multirun",
    ]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for job in (0, 1):
        assert (tmp_path / "sweep" / f"job-{job}" / "bundle" / "nerkit.json").is_file()


def test_a_distributed_launch_writes_and_records_once(tmp_path, tiny_model_dir):
    """Two CPU ranks (torchrun, gloo): both train, only rank 0 writes the bundle, scores
    the test split and opens an MLflow run."""
    import os
    import socket
    import subprocess
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node=2",
        f"--master_port={port}",
        "-m",
        "train",
        f"model.name={tiny_model_dir}",
        "data.n_docs=6",
        "data.dev_ratio=0.2",
        "data.test_ratio=0.2",
        "trainer.epochs=1",
        "window.max_length=128",
        "window.overlap=16",
        f"tracking.uri=sqlite:///{tmp_path}/mlflow.db",
        f"tracking.artifact_location={tmp_path}/artifacts",
        "register=false",
        "device=cpu",
        f"output_dir={tmp_path}/run",
        f"hydra.run.dir={tmp_path}/hydra",
    ]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("bundle: ") == 1, done.stdout[-3000:]
    assert (tmp_path / "run" / "bundle" / "nerkit.json").is_file()
    with sqlite3.connect(tmp_path / "mlflow.db") as db:
        assert db.execute("select count(*) from runs").fetchone() == (1,)


def test_reader_options_are_part_of_the_data_schema():
    """data.options reaches the readers without a leading +, and a typo'd key still fails."""
    from hydra.errors import ConfigCompositionException

    import train.__main__  # noqa: F401  (registers the structured schema)
    from nerkit.data import reader_options

    with initialize_config_dir(config_dir=CONF, version_base="1.3"):
        cfg = compose(
            "train", overrides=["data=files", "data.train=x.json", "data.options.overlaps=longest"]
        )
        assert reader_options(cfg.data) == {"overlaps": "longest"}
        assert reader_options(compose("train").data) == {}
        with pytest.raises(ConfigCompositionException):
            compose("train", overrides=["data=files", "data.train=x.json", "data.optons.a=1"])


def test_a_new_head_is_explained_once_and_missing_encoder_weights_warned(
    tmp_path, tokenizer, contract_tags, caplog, capfd
):
    from safetensors.torch import save_file
    from transformers import BertConfig, BertModel

    from nerkit.models import load_token_classifier

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
    )
    encoder = BertModel(config)  # an encoder checkpoint without a token-classification head
    encoder.save_pretrained(tmp_path / "encoder")
    with caplog.at_level("INFO", logger="nerkit.models"):
        model = load_token_classifier(str(tmp_path / "encoder"), contract_tags)
    assert model.num_labels == len(contract_tags)
    assert "LOAD REPORT" not in capfd.readouterr().err + caplog.text
    assert f"new classification head for {len(contract_tags)} tags" in caplog.text
    assert "start random" not in caplog.text

    state = {k: v for k, v in encoder.state_dict().items() if "layer.1.output" not in k}
    broken = tmp_path / "broken"
    encoder.save_pretrained(broken)
    save_file({k: v.contiguous() for k, v in state.items()}, str(broken / "model.safetensors"))
    caplog.clear()
    with caplog.at_level("INFO", logger="nerkit.models"):
        load_token_classifier(str(broken), contract_tags)
    warned = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warned) == 1 and "layer.1.output.dense.weight" in warned[0].getMessage()


def test_the_head_learns_at_its_own_rate(tmp_path, tiny_model_dir, monkeypatch):
    from train.run import run as train_run

    monkeypatch.chdir(tmp_path)
    cfg = train_config(
        tmp_path,
        tiny_model_dir,
        "tracking.enabled=false",
        "register=false",
        "trainer.head_learning_rate=0.0",
        "~model/head",  # the architecture's own head, whose weights the folder holds
        "model.shape_features=false",
    )
    train_run(cfg)
    before = load_file(str(tiny_model_dir / "model.safetensors"))
    after = weights(tmp_path / "run" / "bundle")
    head = [n for n in after if n.startswith("classifier.")]
    encoder = [n for n in after if n.startswith("bert.encoder.") and n.endswith("weight")]
    assert head and encoder
    for name in head:  # a zero rate (and so no weight decay) leaves the head as loaded
        torch.testing.assert_close(after[name], before[name], rtol=0, atol=0, msg=name)
    assert all(not torch.equal(after[n], before[n]) for n in encoder)


def test_the_quick_schedule_is_the_default_one_cut_short():
    import train.__main__  # noqa: F401

    with initialize_config_dir(config_dir=CONF, version_base="1.3"):
        default = compose("train").trainer
        quick = compose("train", overrides=["trainer=quick"]).trainer
    changed = {k for k in default if default[k] != quick[k]}
    assert changed == {"batch_size", "max_steps", "head_learning_rate", "warmup_ratio"}
    assert quick.max_steps > 0 and quick.head_learning_rate > quick.learning_rate


@pytest.mark.parametrize("head", ["crf", "linear"])
def test_a_head_from_nerkit_heads_trains_and_is_scored_as_served(
    tmp_path, tiny_model_dir, monkeypatch, head
):
    """model/head=... with shape features: the head is built over the encoder, learns,
    and the bundle it writes reads the test split as train scored it."""
    from nerkit.bundle import load_bundle, read_bundle_meta
    from nerkit.data import load_data
    from nerkit.metrics import score_documents
    from nerkit.output import OutputPath
    from train.run import run as train_run

    monkeypatch.chdir(tmp_path)
    cfg = train_config(
        tmp_path,
        tiny_model_dir,
        f"model/head={head}",
        "model.shape_features=true",
        "tracking.enabled=false",
        "register=false",
    )
    figures = train_run(cfg)
    bundle = tmp_path / "run" / "bundle"
    meta = read_bundle_meta(bundle)
    expected = {"crf": "nerkit.heads.CRFHead", "linear": "nerkit.heads.LinearHead"}[head]
    assert meta.head["_target_"] == expected
    assert meta.shape_features
    model, _, _ = load_bundle(bundle)
    assert model.uses_shapes
    encoder_before = load_file(str(tiny_model_dir / "model.safetensors"))
    name = "bert.encoder.layer.0.attention.self.query.weight"
    after = model.encoder.state_dict()[name.removeprefix("bert.")]
    assert not torch.equal(after, encoder_before[name])  # the encoder was fine-tuned
    if head == "crf":
        assert model.head.transitions.abs().sum() > 0  # transitions were learnt from zero
    test = load_data(cfg.data)["test"]
    outputs = OutputPath.from_bundle(bundle, device="cpu").predict([d.text for d in test])
    served = score_documents(test, [[e.as_span() for e in o.entities] for o in outputs])
    assert figures["test_f1"] == pytest.approx(served["seqeval"]["micro"]["f1"])


def test_shape_features_need_a_head_from_nerkit_heads(tmp_path, tiny_model_dir):
    from train.run import prepare

    cfg = train_config(tmp_path, tiny_model_dir, "~model/head", "model.shape_features=true")
    with pytest.raises(ValueError, match="model/head=linear"):
        prepare(cfg)


def test_a_crf_head_refuses_labels_on_every_subtoken(tmp_path, tiny_model_dir):
    from train.run import prepare

    cfg = train_config(tmp_path, tiny_model_dir, "trainer.label_all_subtokens=true")
    with pytest.raises(ValueError, match="label_all_subtokens=true"):
        prepare(cfg)


def test_the_recorded_chain_is_fitted_to_how_the_data_is_labelled(tmp_path, tiny_model_dir):
    from nerkit.documents import Document, Span
    from nerkit.postprocess import build_chain, gold_entities
    from nerkit.settings import TrainSettings, typed
    from train.run import fitted_rules

    # Labelled the SEC way: ", Inc" left outside the ORG.
    text = "Acme Holdings, Inc and Beta Foods, Inc agree."
    docs = [Document(f"d{i}", text, [Span(0, 13, "ORG"), Span(23, 33, "ORG")]) for i in range(3)]
    cfg = typed(train_config(tmp_path, tiny_model_dir), TrainSettings)
    fitted = fitted_rules(cfg, docs)
    targets = [r["_target_"].rsplit(".", 1)[1] for r in fitted]
    assert "ExtendOrgLegalSuffix" in {
        r["_target_"].rsplit(".", 1)[1] for r in cfg.postprocess.rules
    }
    assert "ExtendOrgLegalSuffix" not in targets
    # The fitted chain leaves the annotators' entities as they are.
    gold = build_chain(fitted)(text, gold_entities(docs[0]))
    assert [e.text for e in gold] == ["Acme Holdings", "Beta Foods"]
    off = typed(
        train_config(tmp_path, tiny_model_dir, "postprocess.fit_to_labels=false"), TrainSettings
    )
    assert fitted_rules(off, docs) == off.postprocess.rules


def test_training_documents_have_a_share_of_their_names_replaced(tmp_path, tiny_model_dir):
    from nerkit.augment import replaced_count
    from nerkit.corpus import generate_corpus
    from nerkit.settings import TrainSettings, typed
    from train.run import training_documents

    docs = generate_corpus(4, 13)
    default = train_config(tmp_path, tiny_model_dir)
    assert list(default.trainer.augment.labels) == ["ORG"]
    assert training_documents(typed(default, TrainSettings), docs) is docs  # off by default
    on = train_config(tmp_path, tiny_model_dir, "trainer.augment.probability=0.5")
    cfg = typed(on, TrainSettings)
    augmented = training_documents(cfg, docs)
    n_org = sum(s.label == "ORG" for d in docs for s in d.spans)
    assert 0.2 * n_org < replaced_count(docs, augmented) < 0.8 * n_org
    assert [d.labels for d in augmented] == [d.labels for d in docs]
