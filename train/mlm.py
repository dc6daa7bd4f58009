"""Masked-language-model windows, the whole-word-masking collator and the MLM model."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from nerkit.documents import Document

log = logging.getLogger("train.pretrain")


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

    from nerkit.models import resolve_model_path, warn_missing_encoder_weights

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
    warn_missing_encoder_weights(name, sorted(missing - head))
    if head:
        log.info(
            "%s has no masked-language-model head: a new one starts random and learns "
            "alongside the encoder",
            name,
        )
    return model
