"""``python -m train stage=pretrain``: domain-adaptive pretraining of the encoder.

Continued masked-language-model (MLM) training of ``model.name`` on unlabelled contracts,
so the encoder knows the domain's vocabulary before it is fine-tuned for NER. Documents are
read whole and cut into windows exactly as fine-tuning cuts them (:mod:`nerkit.windows`,
the ``window`` config group); whole words are masked together. A share of the documents is
held out for the eval loss (and perplexity) after each epoch, which drives early stopping and
the choice of the best checkpoint. The result is an encoder folder that fine-tuning takes as
``model.name=<folder>``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import random
import shlex
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from omegaconf import DictConfig, OmegaConf

from nerkit import tracking
from nerkit.documents import DataError, Document, Problem, data_fingerprint

log = logging.getLogger("train.pretrain")

SUFFIXES = (".txt", ".jsonl")
WHAT_TO_GIVE = (
    "give data.unlabelled=PATH: a folder of .txt files (one document each), "
    'a .jsonl file with one {"text": ...} object a line, or a folder of .jsonl files'
)
MAX_PROBLEMS = 50
ENCODER_META = "nerkit_pretrain.json"


# ---------------------------------------------------------------- unlabelled documents


def unlabelled_files(path: str | Path) -> list[Path]:
    """The .txt and .jsonl files of ``path`` (a file, or a folder searched recursively)."""
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(
            f"data.unlabelled={str(path)!r}: no such file or folder; " + WHAT_TO_GIVE
        )
    if root.is_file():
        if root.suffix.lower() not in SUFFIXES:
            raise ValueError(
                f"data.unlabelled={str(path)!r}: a {root.suffix or 'suffix-less'} file; "
                + WHAT_TO_GIVE
            )
        return [root]
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    if not files:
        raise ValueError(
            f"data.unlabelled={str(path)!r}: no .txt or .jsonl files in this folder; "
            + WHAT_TO_GIVE
        )
    return files


@dataclass
class _Reading:
    root: Path
    text_field: str
    docs: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)

    def problem(self, source: Path, location: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(str(source), location, None, message))

    def doc_name(self, path: Path) -> str:
        return path.name if self.root.is_file() else path.relative_to(self.root).as_posix()


def read_unlabelled(path: str | Path, text_field: str = "text") -> list[Document]:
    """Unlabelled documents: each .txt file whole, each .jsonl line's ``text_field``.

    Every problem of every file (a line that is not JSON, a record without a text string, a
    file that is not UTF-8) is reported at once in a DataError naming file and line, before
    any training. Blank documents are skipped (and counted in the log).
    """
    reading = _Reading(Path(path), text_field)
    for file in unlabelled_files(path):
        try:
            with file.open(encoding="utf-8-sig", newline=None) as handle:
                content = handle.read()
        except UnicodeDecodeError as err:
            reading.problem(file, f"byte {err.start}", "not UTF-8 text; save the file as UTF-8")
            continue
        if file.suffix.lower() == ".txt":
            _add(reading, reading.doc_name(file), content)
        else:
            _read_jsonl(reading, file, content)
    if reading.problems:
        raise DataError(reading.problems, truncated=len(reading.problems) >= MAX_PROBLEMS)
    if reading.empty:
        log.warning(
            "%d blank document(s) skipped: %s",
            len(reading.empty),
            ", ".join(reading.empty[:5]) + (" ..." if len(reading.empty) > 5 else ""),
        )
    if not reading.docs:
        raise ValueError(f"data.unlabelled={str(path)!r}: every document is blank; " + WHAT_TO_GIVE)
    return reading.docs


def _add(reading: _Reading, doc_id: str, text: str) -> None:
    if text.strip():
        reading.docs.append(Document(doc_id, text))
    else:
        reading.empty.append(doc_id)


def _read_jsonl(reading: _Reading, file: Path, content: str) -> None:
    key = reading.text_field
    example = json.dumps({key: "..."})
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            reading.problem(
                file,
                where,
                f"not valid JSON ({err.msg}, column {err.colno}); "
                f"each line must be one JSON object such as {example}",
            )
            continue
        if not isinstance(record, dict) or not isinstance(record.get(key), str):
            found = (
                f"keys {sorted(record)[:8]}" if isinstance(record, dict) else type(record).__name__
            )
            reading.problem(
                file,
                where,
                f"no {key!r} string (found {found}); each line must be one JSON object "
                f"such as {example}",
            )
            continue
        doc_id = str(record.get("id", f"{reading.doc_name(file)}:{number}"))
        _add(reading, doc_id, record[key])


def heldout_split(
    docs: Sequence[Document], ratio: float, seed: int
) -> tuple[list[Document], list[Document]]:
    """``(train, heldout)`` by whole documents: ``ratio`` of them held out, at least one, and
    at least one left to train on; each keeps the input order."""
    if not 0.0 < ratio < 1.0:
        raise ValueError(f"pretrain.heldout_ratio={ratio}: give a share between 0 and 1, e.g. 0.1")
    if len(docs) < 2:
        raise ValueError(
            f"data.unlabelled holds {len(docs)} document(s); pretraining needs at least 2 "
            "(one to train on, one held out for the eval loss): give more documents"
        )
    n_heldout = min(len(docs) - 1, max(1, round(len(docs) * ratio)))
    chosen = set(random.Random(seed).sample(range(len(docs)), n_heldout))
    train = [d for i, d in enumerate(docs) if i not in chosen]
    heldout = [d for i, d in enumerate(docs) if i in chosen]
    return train, heldout


# ---------------------------------------------------------------- windows and masking


class MlmWindows:
    """The windows of whole documents (nerkit.windows), as rows for the MLM collator.

    Documents are tokenised once, never truncated, and cut as fine-tuning cuts them. Each
    row holds ``input_ids``, ``attention_mask``, ``special_tokens_mask``, ``offset_mapping``
    (character offsets; whole-word masking reads word boundaries from them) and
    ``token_type_ids`` when the tokenizer uses them. Rows are built when read, so memory
    holds one copy of the token ids.
    """

    def __init__(self, docs: Sequence[Document], tokenizer: Any, window: Any, chunk: int = 64):
        from nerkit.windows import document_windows, special_tokens, tokenize_documents

        self.special = special_tokens(tokenizer)
        self.tokenized: list[Any] = []
        ranges: list[np.ndarray] = []
        for start in range(0, len(docs), chunk):
            texts = [d.text for d in docs[start : start + chunk]]
            for tokens in tokenize_documents(tokenizer, texts):
                index = len(self.tokenized)
                self.tokenized.append(tokens)
                found = document_windows(len(tokens), window, self.special.count)
                ranges.append(np.column_stack([np.full(len(found), index), found]))
        self.rows = np.concatenate(ranges) if ranges else np.zeros((0, 3), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> dict[str, list[Any]]:
        from nerkit.windows import token_type_row, with_special_tokens

        doc, start, end = (int(v) for v in self.rows[i])
        tokens, special = self.tokenized[doc], self.special
        n_prefix, n_suffix = len(special.prefix), len(special.suffix)
        ids = with_special_tokens(tokens.input_ids[start:end], special)
        row: dict[str, list[Any]] = {
            "input_ids": ids.tolist(),
            "attention_mask": [1] * len(ids),
            "special_tokens_mask": [1] * n_prefix + [0] * (end - start) + [1] * n_suffix,
            "offset_mapping": [[0, 0]] * n_prefix
            + tokens.offsets[start:end].tolist()
            + [[0, 0]] * n_suffix,
        }
        if special.uses_token_type_ids:
            row["token_type_ids"] = token_type_row(end - start, special).tolist()
        return row


class MlmCollator:
    """Pads windows and masks them for MLM with transformers' own collator.

    ``DataCollatorForLanguageModeling(whole_word_mask=True)`` (transformers 5) finds words
    from ``offset_mapping`` (a token that starts where the previous one ended continues its
    word), draws the mask per word and masks every piece of a chosen word; with whole-word
    masking it replaces all chosen tokens by the mask token (no random-token replacement).
    The tokenizer does not pad ``offset_mapping``, so it is padded here. A batch the draw
    left without any masked token gets one, so its loss is never 0/0.

    Rows that already hold ``labels`` (the held-out set, masked once with a fixed seed so its
    loss is comparable between epochs) are only padded.
    """

    def __init__(
        self,
        tokenizer: Any,
        mlm_probability: float = 0.15,
        whole_word_mask: bool = True,
        seed: int | None = None,
    ):
        from transformers import DataCollatorForLanguageModeling, DataCollatorForTokenClassification

        if not 0.0 < mlm_probability < 1.0:
            raise ValueError(
                f"pretrain.mlm_probability={mlm_probability}: give a share between 0 and 1, "
                "e.g. 0.15"
            )
        if tokenizer.mask_token is None:
            raise ValueError(
                f"the tokenizer of {getattr(tokenizer, 'name_or_path', tokenizer)!r} has no mask "
                "token; masked-language-model pretraining needs one"
            )
        self.tokenizer = tokenizer
        self.whole_word_mask = whole_word_mask
        self.masker = DataCollatorForLanguageModeling(
            tokenizer,
            mlm=True,
            whole_word_mask=whole_word_mask,
            mlm_probability=mlm_probability,
            # Whole-word masking supports only [MASK] replacement (it warns and forces it).
            mask_replace_prob=1.0 if whole_word_mask else 0.8,
            random_replace_prob=0.0 if whole_word_mask else 0.1,
            seed=seed,
        )
        self.padder = DataCollatorForTokenClassification(tokenizer)
        self.special_ids = sorted(set(tokenizer.all_special_ids))

    def __call__(self, examples: list[dict[str, Any]]) -> dict[str, Any]:
        if "labels" in examples[0]:
            return dict(self.padder(examples))
        longest = max(len(e["input_ids"]) for e in examples)
        left = getattr(self.tokenizer, "padding_side", "right") == "left"
        rows = []
        for example in examples:
            row = dict(example)
            offsets = row.pop("offset_mapping")
            if self.whole_word_mask:
                pad = [[0, 0]] * (longest - len(offsets))
                row["offset_mapping"] = pad + list(offsets) if left else list(offsets) + pad
            rows.append(row)
        batch = dict(self.masker(rows))
        self._at_least_one_mask(batch)
        return batch

    def _at_least_one_mask(self, batch: dict[str, Any]) -> None:
        import torch

        labels, ids = batch["labels"], batch["input_ids"]
        if bool((labels != -100).any()):
            return
        content = batch["attention_mask"].bool() & ~torch.isin(ids, torch.tensor(self.special_ids))
        where = content.nonzero()
        if len(where):
            row, col = (int(v) for v in where[0])
            labels[row, col] = ids[row, col]
            ids[row, col] = int(self.tokenizer.mask_token_id)

    def premask(self, windows: Any) -> list[dict[str, list[int]]]:
        """Each window masked once (rows with ``labels``), for a loss comparable across epochs."""
        out = []
        for i in range(len(windows)):
            batch = self([windows[i]])
            out.append({key: value[0].tolist() for key, value in batch.items()})
        return out


# ---------------------------------------------------------------- model


def load_masked_lm(name: str) -> Any:
    """``AutoModelForMaskedLM`` for ``name``; an encoder saved without its MLM head (the
    bundled MiniLM, any sentence-transformers model) gets a fresh one, said in one line."""
    from transformers import AutoModelForMaskedLM
    from transformers.utils import logging as hf_logging

    from nerkit.models import resolve_model_path

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        model, info = AutoModelForMaskedLM.from_pretrained(
            resolve_model_path(name), output_loading_info=True
        )
    except OSError as err:
        raise ValueError(
            f"model {name!r} could not be loaded ({err}); hub models need network "
            "the first time, or give a local folder"
        ) from err
    finally:
        hf_logging.set_verbosity(verbosity)
    # Keys, not parameters: a tied head weight (the decoder's bias) is a key of its own.
    base = model.base_model_prefix + "."
    missing = set(info.get("missing_keys", ()))
    head = {key for key in missing if not key.startswith(base)}
    encoder = sorted(missing - head)
    if encoder:
        log.warning(
            "%s: %d encoder weights were not in the checkpoint and start random: %s",
            name,
            len(encoder),
            ", ".join(encoder[:8]) + (" ..." if len(encoder) > 8 else ""),
        )
    if head:
        log.info(
            "%s has no masked-language-model head: a new one starts random and learns "
            "alongside the encoder",
            name,
        )
    return model


# ---------------------------------------------------------------- training


@dataclass
class PretrainPrepared:
    """Everything checked before pretraining starts."""

    train_docs: list[Document]
    heldout_docs: list[Document]
    tokenizer: Any
    model: Any
    window: Any
    collator: MlmCollator
    train_windows: MlmWindows
    heldout_rows: list[dict[str, list[int]]]


def prepare(cfg: DictConfig) -> PretrainPrepared:
    """Read and check the unlabelled data, the model and the window: fail early, say where."""
    from nerkit.data import resolve_path
    from nerkit.models import load_tokenizer, model_max_tokens
    from nerkit.windows import WindowConfig, special_tokens

    p = cfg.pretrain
    source = cfg.data.get("unlabelled")
    if not source:
        raise ValueError("stage=pretrain reads unlabelled text: " + WHAT_TO_GIVE)
    options = cfg.data.get("options") or {}
    text_field = str(options.get("text_field") or "text")
    docs = read_unlabelled(str(resolve_path(str(source))), text_field)
    train_docs, heldout_docs = heldout_split(docs, float(p.heldout_ratio), int(p.split_seed))
    try:
        tokenizer = load_tokenizer(str(cfg.model.name))
    except OSError as err:
        raise ValueError(
            f"the tokenizer of model {cfg.model.name!r} could not be loaded ({err}); hub models "
            "need network the first time, or give a local folder"
        ) from err
    collator = MlmCollator(tokenizer, float(p.mlm_probability), bool(p.whole_word_mask))
    model = load_masked_lm(str(cfg.model.name))
    window = WindowConfig(int(cfg.window.max_length), int(cfg.window.overlap))
    limit = min(model_max_tokens(model), int(cfg.model.max_tokens))
    window.validate(limit, special_tokens(tokenizer).count)
    train_windows = MlmWindows(train_docs, tokenizer, window)
    held = MlmCollator(tokenizer, float(p.mlm_probability), bool(p.whole_word_mask), int(cfg.seed))
    heldout_rows = held.premask(MlmWindows(heldout_docs, tokenizer, window))
    return PretrainPrepared(
        train_docs, heldout_docs, tokenizer, model, window, collator, train_windows, heldout_rows
    )


def perplexity(loss: float) -> float:
    return math.exp(loss) if loss < 700 else math.inf


def _trainer_class() -> type:
    from transformers import Trainer

    class MlmTrainer(Trainer):  # type: ignore[misc]
        """The Trainer, with the perplexity beside every eval loss it logs."""

        def log(self, logs: dict[str, float], start_time: float | None = None) -> None:
            if "eval_loss" in logs:
                logs["eval_perplexity"] = perplexity(float(logs["eval_loss"]))
            super().log(logs, start_time)

        def _issue_warnings_after_load(self, load_result: Any) -> None:
            """A checkpoint holds tied weights once (the MLM decoder is the word embedding
            matrix), so loading the best one reports the tied copies as "missing": they are
            not, so they are left out of the warning and the ties made sure of."""
            model: Any = self.model
            tied = set(getattr(model, "all_tied_weights_keys", None) or ())
            missing = list(getattr(load_result, "missing_keys", ()))
            if tied & set(missing) and hasattr(load_result, "_replace"):
                model.tie_weights()
                load_result = load_result._replace(
                    missing_keys=[k for k in missing if k not in tied]
                )
            super()._issue_warnings_after_load(load_result)

    return MlmTrainer


def _mlflow_callback() -> Any:
    from transformers import TrainerCallback

    class MlflowMetrics(TrainerCallback):  # type: ignore[misc]
        """Per-step loss and per-epoch eval loss and perplexity into the active MLflow run."""

        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
            if logs and state.is_world_process_zero and tracking.active_run_id():
                tracking.log_metrics(logs, step=state.global_step)

    return MlflowMetrics()


def training_arguments(cfg: DictConfig, output_dir: Path) -> Any:
    import torch
    from transformers import TrainingArguments

    from train.run import training_in_bf16

    p = cfg.pretrain
    use_cuda = torch.cuda.is_available() and cfg.device != "cpu"
    return TrainingArguments(
        output_dir=str(output_dir / "checkpoints"),
        num_train_epochs=float(p.epochs),
        max_steps=int(p.max_steps),
        learning_rate=float(p.learning_rate),
        per_device_train_batch_size=int(p.batch_size),
        per_device_eval_batch_size=int(p.batch_size),
        weight_decay=float(p.weight_decay),
        warmup_steps=float(p.warmup_ratio),  # a float below 1 is a share of the steps
        lr_scheduler_type="linear",
        max_grad_norm=float(p.max_grad_norm),
        eval_strategy="epoch",
        save_strategy="epoch",
        logging_strategy="steps",
        logging_steps=int(p.logging_steps),
        load_best_model_at_end=True,
        metric_for_best_model="eval_loss",
        greater_is_better=False,
        save_total_limit=int(p.save_total_limit),
        seed=int(cfg.seed),
        data_seed=int(cfg.seed),
        bf16=training_in_bf16(str(p.precision), use_cuda),
        use_cpu=not use_cuda,
        report_to="none",
        dataloader_num_workers=int(p.dataloader_workers),
        # The rows carry offsets and special-token masks for the collator, not the model.
        remove_unused_columns=False,
        # Only the loss: the vocabulary-wide logits of every held-out window are not kept.
        prediction_loss_only=True,
        disable_tqdm=False,
    )


def last_checkpoint(output_dir: Path) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    folder = output_dir / "checkpoints"
    return get_last_checkpoint(str(folder)) if folder.is_dir() else None


def pretrain(
    cfg: DictConfig, prep: PretrainPrepared, output_dir: Path, callbacks: list[Any] | None = None
) -> tuple[Any, str | None]:
    """Train with the Hugging Face Trainer; returns the trainer (its model is the best one,
    by held-out loss) and the checkpoint it resumed from, if any."""
    from transformers import EarlyStoppingCallback

    trainer = _trainer_class()(
        model=prep.model,
        args=training_arguments(cfg, output_dir),
        train_dataset=prep.train_windows,
        eval_dataset=prep.heldout_rows,
        data_collator=prep.collator,
        processing_class=prep.tokenizer,
        callbacks=[
            EarlyStoppingCallback(int(cfg.pretrain.early_stopping_patience)),
            _mlflow_callback(),
            *(callbacks or []),
        ],
    )
    resume = last_checkpoint(output_dir) if cfg.pretrain.resume else None
    if cfg.pretrain.resume and resume is None:
        log.warning("pretrain.resume=true but no checkpoint in %s: starting afresh", output_dir)
    elif resume:
        log.info("resuming from %s", resume)
    trainer.train(resume_from_checkpoint=resume)
    return trainer, resume


def save_encoder(model: Any, tokenizer: Any, folder: Path, meta: dict[str, Any]) -> Path:
    """The MLM model and tokenizer with ``save_pretrained``: the encoder weights load into
    ``AutoModelForTokenClassification`` (the MLM head is left out there), plus what made it."""
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / ENCODER_META).write_text(json.dumps(meta, indent=2, default=str) + "\n")
    return folder


def finetune_command(encoder_dir: Path) -> str:
    return f"python -m train {shlex.quote(f'model.name={encoder_dir}')}"


def for_sweep_job(cfg: DictConfig, job_num: int | None) -> DictConfig:
    """Job ``job_num`` of a ``-m`` sweep: its own folder and MLflow run name."""
    if job_num is None:
        return cfg
    output_dir = f"{cfg.pretrain.output_dir}/job-{job_num}"  # before run_name changes
    cfg.pretrain.run_name = f"{cfg.pretrain.run_name}-job-{job_num}"
    cfg.pretrain.output_dir = output_dir
    return cfg


def _params(cfg: DictConfig) -> dict[str, Any]:
    def plain(node: Any) -> Any:
        return OmegaConf.to_container(node, resolve=True)

    return {
        "stage": "pretrain",
        "model": plain(cfg.model),
        "window": plain(cfg.window),
        "data.unlabelled": str(cfg.data.unlabelled),
        "pretrain": plain(cfg.pretrain),
        "seed": int(cfg.seed),
        "device": str(cfg.device),
    }


def _tracking_run(cfg: DictConfig, main: bool) -> Any:
    if not cfg.tracking.enabled or not main:
        return contextlib.nullcontext(None)
    return tracking.run(
        cfg.tracking.uri,
        cfg.tracking.experiment,
        str(cfg.pretrain.run_name),
        cfg.tracking.artifact_location,
        tags={"nerkit.stage": "pretrain"},
    )


def run(cfg: DictConfig, callbacks: list[Any] | None = None) -> dict[str, Any]:
    """Pretrain, write the encoder folder, record the run; return figures."""
    from transformers import set_seed

    from train.run import is_main_process

    set_seed(int(cfg.seed))
    started = time.perf_counter()
    output_dir = Path(str(cfg.pretrain.output_dir))
    prep = prepare(cfg)
    main = is_main_process()
    if main:
        print(
            f"unlabelled — train: {len(prep.train_docs)} documents, {len(prep.train_windows)} "
            f"windows; held out: {len(prep.heldout_docs)} documents, {len(prep.heldout_rows)} "
            f"windows (window {prep.window.max_length} tokens, overlap {prep.window.overlap})"
        )
    fingerprints = {
        "train_fingerprint": data_fingerprint(prep.train_docs),
        "heldout_fingerprint": data_fingerprint(prep.heldout_docs),
    }
    with _tracking_run(cfg, main) as run_id:
        if run_id:
            tracking.log_params(_params(cfg))
            tracking.log_dataset(
                prep.train_docs, fingerprints["train_fingerprint"], "unlabelled-train", "train"
            )
            tracking.log_dataset(
                prep.heldout_docs, fingerprints["heldout_fingerprint"], "unlabelled-heldout", "dev"
            )
            tracking.set_tags({"base_model": str(cfg.model.name), **fingerprints})
        trainer, resumed = pretrain(cfg, prep, output_dir, callbacks)
        if not main:
            return {}
        best = trainer.state.best_metric
        if best is None:  # no epoch ended: measure the model as it is
            best = trainer.evaluate()["eval_loss"]
        figures: dict[str, Any] = {
            "best_eval_loss": float(best),
            "best_eval_perplexity": perplexity(float(best)),
            "steps": int(trainer.state.global_step),
            "epochs": float(trainer.state.epoch or 0.0),
            "train_documents": len(prep.train_docs),
            "heldout_documents": len(prep.heldout_docs),
            "train_windows": len(prep.train_windows),
            "heldout_windows": len(prep.heldout_rows),
            "pretrain_seconds": time.perf_counter() - started,
        }
        encoder_dir = save_encoder(
            trainer.model,
            prep.tokenizer,
            output_dir / "encoder",
            {
                "base_model": str(cfg.model.name),
                "unlabelled": str(cfg.data.unlabelled),
                **fingerprints,
                "window": {"max_length": prep.window.max_length, "overlap": prep.window.overlap},
                "mlm_probability": float(cfg.pretrain.mlm_probability),
                "whole_word_mask": bool(cfg.pretrain.whole_word_mask),
                "figures": figures,
                "mlflow_run": run_id,
            },
        )
        if run_id:
            tracking.log_metrics(figures)
            tracking.set_tags({"encoder_dir": str(encoder_dir.resolve())})
            figures["mlflow_run"] = run_id
        figures["encoder_dir"] = str(encoder_dir)
        figures["resumed_from"] = resumed
        print(
            f"\nencoder: {encoder_dir}\nheld-out MLM loss {figures['best_eval_loss']:.3f} "
            f"(perplexity {figures['best_eval_perplexity']:.1f}) after {figures['steps']} steps "
            f"in {figures['pretrain_seconds'] / 60:.1f} min\n"
            f"fine-tune from it:\n  {finetune_command(encoder_dir)}"
        )
    return figures
