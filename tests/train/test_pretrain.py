"""python -m train stage=pretrain on a tiny BERT: encoder folder, MLflow run, masking, errors."""

from __future__ import annotations

import json
import logging
import math
import random
from pathlib import Path

import numpy as np
import pytest
import torch
from hydra import compose, initialize_config_dir
from hydra.errors import ConfigCompositionException
from safetensors.torch import load_file

from tests.conftest import REPO_ROOT

CONF = str(REPO_ROOT / "conf")

CLAUSE = (
    "the borrower shall indemnify the lender against subrogation claims arising under "
    "this agreement including indemnification for escrow shortfalls and Aktiengesellschaft "
    "guarantees governed by the laws of Delaware notwithstanding any counterparty default "
    "the administrative agent may accelerate repayment upon written notice"
)
WORDS = CLAUSE.split()


def contract(seed: int, n_words: int = 90) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n_words)) + "."


@pytest.fixture(scope="module")
def tiny_mlm_dir(tmp_path_factory, tokenizer) -> Path:
    """A tiny randomly initialised BertForMaskedLM saved as a Hugging Face folder."""
    from transformers import BertConfig, BertForMaskedLM

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
    )
    folder = tmp_path_factory.mktemp("tiny-mlm")
    BertForMaskedLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Six unlabelled contracts as .txt files, and a blank one that is skipped."""
    folder = tmp_path_factory.mktemp("unlabelled")
    for i in range(6):
        (folder / f"contract-{i}.txt").write_text(contract(i), encoding="utf-8")
    (folder / "blank.txt").write_text("  \n", encoding="utf-8")
    return folder


def pretrain_config(tmp_path: Path, model_dir: Path, unlabelled: Path | None, *overrides: str):
    import train.__main__  # noqa: F401  (registers the structured schema)

    with initialize_config_dir(config_dir=CONF, version_base="1.3"):
        return compose(
            "train",
            overrides=[
                "stage=pretrain",
                f"model.name={model_dir}",
                *([f"data.unlabelled={unlabelled}"] if unlabelled else []),
                "window.max_length=32",
                "window.overlap=8",
                "pretrain.epochs=2",
                "pretrain.batch_size=8",
                "pretrain.learning_rate=1e-3",
                "pretrain.heldout_ratio=0.34",
                "pretrain.logging_steps=1",
                "pretrain.precision=fp32",
                f"pretrain.output_dir={tmp_path}/pretrain",
                f"tracking.uri=sqlite:///{tmp_path}/mlflow.db",
                f"tracking.artifact_location={tmp_path}/artifacts",
                "device=cpu",
                *overrides,
            ],
        )


@pytest.mark.slow
def test_pretrain_writes_an_encoder_that_fine_tuning_loads(
    tmp_path, tiny_mlm_dir, corpus, tokenizer, contract_tags, monkeypatch, capsys, caplog
):
    import mlflow

    from nerkit.models import load_token_classifier, load_tokenizer
    from train.pretrain import run

    monkeypatch.chdir(tmp_path)
    cfg = pretrain_config(tmp_path, tiny_mlm_dir, corpus)
    figures = run(cfg)

    encoder = tmp_path / "pretrain" / "encoder"
    assert figures["encoder_dir"] == str(encoder)
    for name in ("config.json", "model.safetensors", "tokenizer.json", "nerkit_pretrain.json"):
        assert (encoder / name).is_file(), name
    # 6 documents: 2 held out (whole documents), 4 trained on; the blank file is skipped.
    assert (figures["train_documents"], figures["heldout_documents"]) == (4, 2)
    assert figures["steps"] > 0 and figures["epochs"] == pytest.approx(2.0)
    assert math.isfinite(figures["best_eval_loss"])
    assert figures["best_eval_perplexity"] == pytest.approx(math.exp(figures["best_eval_loss"]))
    meta = json.loads((encoder / "nerkit_pretrain.json").read_text())
    assert meta["base_model"] == str(tiny_mlm_dir)
    assert meta["window"] == {"max_length": 32, "overlap": 8}
    assert f"python -m train model.name={encoder}" in capsys.readouterr().out
    # Loading the best checkpoint does not report the tied MLM decoder as missing.
    assert not [r for r in caplog.records if "missing keys" in r.getMessage()]

    # The encoder weights load into a token classifier, with no encoder weight missing,
    # equal to what pretraining wrote, and changed by pretraining.
    caplog.set_level(logging.WARNING, logger="nerkit.models")
    classifier = load_token_classifier(str(encoder), contract_tags)
    assert not [r for r in caplog.records if r.name == "nerkit.models"], caplog.text
    written = load_file(str(encoder / "model.safetensors"))
    before = load_file(str(tiny_mlm_dir / "model.safetensors"))
    loaded = classifier.state_dict()
    encoder_keys = [k for k in written if k.startswith("bert.")]
    assert len(encoder_keys) > 10
    for key in encoder_keys:
        assert torch.equal(loaded[key], written[key]), key
    assert any(not torch.equal(written[k], before[k]) for k in encoder_keys)
    # ... and its tokenizer is the one it was pretrained with.
    text = contract(99, 20)
    assert load_tokenizer(str(encoder))(text)["input_ids"] == tokenizer(text)["input_ids"]

    # Its own MLflow run: per-step loss, eval loss and perplexity per epoch, the settings.
    client = mlflow.MlflowClient(tracking_uri=cfg.tracking.uri)
    record = client.get_run(figures["mlflow_run"])
    assert record.info.status == "FINISHED"
    assert record.info.run_name == "contract-dapt"
    assert record.data.tags["nerkit.stage"] == "pretrain"
    assert record.data.params["pretrain.mlm_probability"] == "0.15"
    assert record.data.params["data.unlabelled"] == str(corpus)
    for name in ("loss", "eval_loss", "eval_perplexity", "best_eval_loss"):
        assert name in record.data.metrics, name
    history = client.get_metric_history(record.info.run_id, "eval_loss")
    assert len(history) == 2  # one per epoch
    assert min(m.value for m in history) == pytest.approx(figures["best_eval_loss"])
    assert len(client.get_metric_history(record.info.run_id, "loss")) == figures["steps"]


@pytest.mark.slow
def test_pretrain_resumes_from_its_last_checkpoint(tmp_path, tiny_mlm_dir, corpus, monkeypatch):
    from transformers import TrainerCallback

    from train.pretrain import run

    class FirstStep(TrainerCallback):
        first: int | None = None

        def on_step_end(self, args, state, control, **kw):
            if self.first is None:
                self.first = state.global_step

    monkeypatch.chdir(tmp_path)
    once = run(
        pretrain_config(
            tmp_path, tiny_mlm_dir, corpus, "pretrain.epochs=1", "tracking.enabled=false"
        )
    )
    assert once["resumed_from"] is None
    steps = once["steps"]
    assert (tmp_path / "pretrain" / "checkpoints" / f"checkpoint-{steps}").is_dir()

    seen = FirstStep()
    again = run(
        pretrain_config(
            tmp_path, tiny_mlm_dir, corpus, "pretrain.resume=true", "tracking.enabled=false"
        ),
        callbacks=[seen],
    )
    assert again["resumed_from"].endswith(f"checkpoint-{steps}")
    assert seen.first == steps + 1  # went on from the checkpoint, not from step 1
    assert again["steps"] == 2 * steps


def test_whole_word_masking_masks_every_piece_of_a_word(tokenizer):
    from nerkit.documents import Document
    from nerkit.windows import WindowConfig, training_windows
    from train.pretrain import MlmCollator, MlmWindows

    docs = [Document(f"d{i}", contract(i, 200)) for i in range(3)]
    window = WindowConfig(64, 8)
    windows = MlmWindows(docs, tokenizer, window)
    # The same windows as fine-tuning cuts.
    finetune = [
        w["input_ids"] for d in docs for w in training_windows(tokenizer, d, {"O": 0}, window)
    ]
    assert [windows[i]["input_ids"] for i in range(len(windows))] == finetune

    def split_words(whole_word_mask: bool) -> tuple[int, int]:
        """(multi-piece words masked whole, words masked only in part) over one batch."""
        collator = MlmCollator(tokenizer, 0.3, whole_word_mask=whole_word_mask, seed=0)
        rows = [windows[i] for i in range(len(windows))]
        rows[-1] = {k: v[:20] for k, v in rows[-1].items()}  # a short row, so padding shows
        batch = collator(rows)
        whole = partial = 0
        for row, (ids, labels) in enumerate(zip(batch["input_ids"], batch["labels"], strict=True)):
            original = np.asarray(rows[row]["input_ids"])
            n = len(original)
            labels = labels.numpy()
            assert (labels[n:] == -100).all()  # padding is never masked
            special = np.asarray(rows[row]["special_tokens_mask"], dtype=bool)
            assert (labels[:n][special] == -100).all()  # nor are special tokens
            masked = labels[:n] != -100
            assert (labels[:n][masked] == original[masked]).all()
            if whole_word_mask:
                assert (ids.numpy()[:n][masked] == tokenizer.mask_token_id).all()
            # Words: a content token that starts where the previous one ended continues it.
            offsets = np.asarray(rows[row]["offset_mapping"])
            word = np.cumsum(~special & np.r_[True, offsets[1:, 0] != offsets[:-1, 1]])
            for w in np.unique(word[~special]):
                pieces = masked[(word == w) & ~special]
                if len(pieces) > 1 and pieces.all():
                    whole += 1
                elif pieces.any() and not pieces.all():
                    partial += 1
        return whole, partial

    whole, partial = split_words(whole_word_mask=True)
    assert whole > 5 and partial == 0
    # The same check catches token-level masking, which splits words.
    assert split_words(whole_word_mask=False)[1] > 0


def test_every_batch_has_a_masked_token(tokenizer):
    from train.pretrain import MlmCollator

    collator = MlmCollator(tokenizer, 0.01, seed=0)
    text = "short notice"
    encoded = tokenizer(text, return_offsets_mapping=True, return_special_tokens_mask=True)
    row = {k: list(v) for k, v in encoded.items()}
    row["offset_mapping"] = [list(pair) for pair in row["offset_mapping"]]
    for _ in range(20):
        batch = collator([dict(row)])
        assert int((batch["labels"] != -100).sum()) >= 1


def test_reads_txt_and_jsonl_and_skips_blank_documents(tmp_path):
    from train.pretrain import heldout_split, read_unlabelled

    (tmp_path / "a.txt").write_text("Clause one.\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.jsonl").write_text(
        '{"id": "x", "text": "Clause two."}\n\n{"text": "Clause three."}\n{"text": " "}\n',
        encoding="utf-8",
    )
    (tmp_path / "notes.md").write_text("not read", encoding="utf-8")
    docs = read_unlabelled(tmp_path)
    assert [(d.id, d.text) for d in docs] == [
        ("a.txt", "Clause one.\n"),
        ("x", "Clause two."),
        ("sub/b.jsonl:3", "Clause three."),
    ]
    train, held = heldout_split(docs, 0.1, seed=13)
    assert len(held) == 1 and len(train) == 2 and not set(map(id, held)) & set(map(id, train))


def test_bad_unlabelled_input_is_named(tmp_path):
    from nerkit.documents import DataError
    from train.pretrain import heldout_split, read_unlabelled

    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match=r"nowhere.*no such file or folder"):
        read_unlabelled(missing)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match=r"empty.*no \.txt or \.jsonl files"):
        read_unlabelled(empty)

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": "cut off\n{"body": "no text"}\n', encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_unlabelled(bad)
    message = str(caught.value)
    assert f"{bad}, line 2: not valid JSON" in message
    assert f"{bad}, line 3: no 'text' string (found keys ['body'])" in message
    assert isinstance(caught.value, ValueError)

    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "only.txt").write_text("A single contract.", encoding="utf-8")
    with pytest.raises(ValueError, match="at least 2"):
        heldout_split(read_unlabelled(tmp_path / "one"), 0.1, seed=13)


def test_stage_dispatch_errors(tmp_path, tiny_mlm_dir):
    from train.__main__ import run_stage

    with pytest.raises(ValueError, match=r"data\.unlabelled=PATH"):
        run_stage(pretrain_config(tmp_path, tiny_mlm_dir, None, "tracking.enabled=false"))
    # The stage is a closed choice (nerkit.choices.Stage): the schema refuses others.
    with pytest.raises(ConfigCompositionException, match="stage=warmup"):
        pretrain_config(tmp_path, tiny_mlm_dir, None, "stage=warmup")
