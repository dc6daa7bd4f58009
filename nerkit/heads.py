"""Task heads over an encoder, and the model that joins them (custom NER architectures).

A head turns the encoder's hidden states ``(batch, length, hidden)`` into per-token tag
scores ``(batch, length, tags)`` and says how it is trained. It is chosen in
``conf/model`` as a Hydra ``_target_`` and built with two extra keyword arguments,
``in_features`` and ``tags``, so a user's own module plugs in the same way::

    head:
      _target_: my_package.MyHead     # __init__(in_features, tags, **its own settings)

The interface (:class:`LinearHead` is the reference):

- ``forward(features) -> emissions``: per-token scores, one per tag;
- ``loss(emissions, labels) -> scalar``: labels hold tag ids, -100 where a token is not
  scored (special tokens, later pieces of a word);
- ``transition_scores() -> (tags, tags) tensor | None``: learned scores of tag ``j``
  following tag ``i``, used by the document decoder (``nerkit.decoding``) on top of the
  IOB2 rules; None when the head has none.

:class:`TokenTagger` is the model: encoder, optional token-shape features
(``nerkit.shapes``) and a head. Its bundle is the encoder's own ``save_pretrained``
folder (``encoder/``), the head's and the shape embeddings' weights in
``head.safetensors``, and the head's spec in ``nerkit.json``: no pickles.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path
from typing import Any

import torch
from torch import nn

from nerkit.decoding import TagScheme
from nerkit.shapes import N_SHAPES, SHAPE_NONE

log = logging.getLogger(__name__)

IGNORE_INDEX = -100
ENCODER_DIR = "encoder"
HEAD_FILE = "head.safetensors"
SHAPE_DIM = 16


class LinearHead(nn.Module):
    """Dropout and one linear layer, trained with cross-entropy (the head of today)."""

    def __init__(self, in_features: int, tags: list[str], dropout: float = 0.1) -> None:
        super().__init__()
        self.tags = list(tags)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(in_features, len(tags))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.dropout(features))

    def loss(self, emissions: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return nn.functional.cross_entropy(
            emissions.flatten(0, 1).float(), labels.flatten(), ignore_index=IGNORE_INDEX
        )

    def transition_scores(self) -> torch.Tensor | None:
        return None


class CRFHead(LinearHead):
    """A linear layer for emissions and a linear-chain CRF over the scored tokens.

    The CRF runs over the tokens that carry a label (the first piece of each word when
    ``label_all_subtokens`` is off), which are the words the decoder reads. Training
    windows start and end inside documents, so the CRF has no start or end scores and
    learns only tag-to-tag transitions; the IOB2 rules are applied when decoding. The
    loss is the negative log-likelihood per scored token, so it is on the scale of
    cross-entropy and the same learning rates apply.
    """

    def __init__(self, in_features: int, tags: list[str], dropout: float = 0.1) -> None:
        super().__init__(in_features, tags, dropout)
        self.transitions = nn.Parameter(torch.zeros(len(tags), len(tags)))

    def transition_scores(self) -> torch.Tensor:
        return self.transitions

    def loss(self, emissions: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        scores, tags, mask = scored_positions(emissions.float(), labels)
        if mask.sum() == 0:
            return emissions.sum() * 0.0
        rows = mask.any(dim=1)
        nll = crf_log_partition(scores, mask, self.transitions) - crf_path_score(
            scores, tags, mask, self.transitions
        )
        return nll[rows].sum() / mask.sum()


def scored_positions(
    emissions: torch.Tensor, labels: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The labelled tokens of each row moved to its front, in order: ``(scores, tags,
    mask)`` of shapes ``(B, M, T)``, ``(B, M)``, ``(B, M)`` with M the most in a row."""
    valid = labels != IGNORE_INDEX
    counts = valid.sum(dim=1)
    width = max(int(counts.max().item()) if len(counts) else 0, 1)
    # A stable sort of "not valid" brings the valid positions first, in their order.
    order = torch.sort((~valid).to(torch.int8), dim=1, stable=True).indices[:, :width]
    scores = emissions.gather(1, order[..., None].expand(-1, -1, emissions.shape[-1]))
    tags = labels.gather(1, order).clamp(min=0)
    mask = torch.arange(width, device=labels.device)[None] < counts[:, None]
    return scores, tags, mask


def crf_log_partition(
    scores: torch.Tensor, mask: torch.Tensor, transitions: torch.Tensor
) -> torch.Tensor:
    """log of the sum over all tag paths of exp(path score), per row (forward algorithm)."""
    alpha = scores[:, 0]
    for t in range(1, scores.shape[1]):
        step = torch.logsumexp(alpha[:, :, None] + transitions[None], dim=1) + scores[:, t]
        alpha = torch.where(mask[:, t, None], step, alpha)
    return torch.logsumexp(alpha, dim=1)


def crf_path_score(
    scores: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor, transitions: torch.Tensor
) -> torch.Tensor:
    """The score of the given tag path of each row: emissions plus transitions."""
    emitted = scores.gather(2, tags[..., None]).squeeze(-1)
    total = (emitted * mask).sum(dim=1)
    moves = transitions[tags[:, :-1], tags[:, 1:]] * mask[:, 1:]
    return total + moves.sum(dim=1)


class ShapeFeatures(nn.Module):
    """Token-shape embeddings, added to the encoder's input embeddings (so attention sees
    case across the window) and joined to its output (so the head sees it directly).

    The input embedding starts at zero: at the first step the encoder reads exactly what
    it was pre-trained on.
    """

    def __init__(self, hidden_size: int, dim: int = SHAPE_DIM) -> None:
        super().__init__()
        self.to_input = nn.Embedding(N_SHAPES, hidden_size, padding_idx=SHAPE_NONE)
        nn.init.zeros_(self.to_input.weight)
        self.to_output = nn.Embedding(N_SHAPES, dim, padding_idx=SHAPE_NONE)
        self.dim = dim


class TokenTagger(nn.Module):
    """Encoder + optional shape features + head; outputs ``logits`` (the emissions)."""

    base_model_prefix = "encoder"

    def __init__(
        self,
        encoder: Any,
        head_spec: dict[str, Any],
        tags: list[str],
        shape_features: bool = False,
    ) -> None:
        super().__init__()
        from hydra.utils import instantiate

        self.encoder: Any = encoder
        self.head_spec = dict(head_spec)
        self.tags = list(tags)
        hidden = int(encoder.config.hidden_size)
        self.shapes = ShapeFeatures(hidden) if shape_features else None
        in_features = hidden + (self.shapes.dim if self.shapes is not None else 0)
        head_class(self.head_spec)  # only a torch module is built from a bundle's spec
        # Not recursive: a nested _target_ in a bundle's spec must never be called.
        self.head: Any = instantiate(
            self.head_spec, in_features=in_features, tags=self.tags, _recursive_=False
        )
        for method in ("forward", "loss", "transition_scores"):
            if not callable(getattr(self.head, method, None)):
                raise TypeError(
                    f"head {self.head_spec.get('_target_')!r} has no {method}() method; a head "
                    "needs forward(features), loss(emissions, labels) and transition_scores()"
                )
        # What the rest of nerkit reads from a Hugging Face model's config.
        self.config = copy.deepcopy(encoder.config)
        self.config.num_labels = len(tags)
        self.config.id2label = dict(enumerate(tags))
        self.config.label2id = {t: i for i, t in enumerate(tags)}
        TagScheme.from_tags(tags)

    @property
    def uses_shapes(self) -> bool:
        return self.shapes is not None

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    @property
    def dtype(self) -> torch.dtype:
        return next(self.parameters()).dtype

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        shape_ids: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
    ) -> Any:
        from transformers.modeling_outputs import TokenClassifierOutput

        extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
        if self.shapes is not None:
            if shape_ids is None:
                raise ValueError("this model reads token shapes: pass shape_ids (nerkit.shapes)")
            embeds = self.encoder.get_input_embeddings()(input_ids)
            embeds = embeds + self.shapes.to_input(shape_ids).to(embeds.dtype)
            hidden = self.encoder(
                inputs_embeds=embeds, attention_mask=attention_mask, **extra
            ).last_hidden_state
            shape_out = self.shapes.to_output(shape_ids).to(hidden.dtype)
            hidden = torch.cat([hidden, shape_out], dim=-1)
        else:
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, **extra
            ).last_hidden_state
        emissions = self.head(hidden)
        loss = None if labels is None else self.head.loss(emissions, labels)
        return TokenClassifierOutput(loss=loss, logits=emissions)

    def head_state(self) -> dict[str, torch.Tensor]:
        """Every weight outside the encoder (head and shape embeddings)."""
        return {
            k: v.detach().contiguous()
            for k, v in self.state_dict().items()
            if not k.startswith(f"{self.base_model_prefix}.")
        }

    def save_pretrained(self, folder: str | Path, **_: Any) -> None:
        """The encoder as Hugging Face saves it, the rest in one safetensors file."""
        from safetensors.torch import save_file

        folder = Path(folder)
        self.encoder.save_pretrained(folder / ENCODER_DIR)
        save_file(self.head_state(), str(folder / HEAD_FILE), metadata={"format": "pt"})


def head_class(spec: dict[str, Any]) -> type:
    """The class a head spec names; an error unless it is a ``torch.nn.Module``."""
    from hydra.utils import get_object

    target = spec.get("_target_")
    nested = [k for k, v in spec.items() if k != "_target_" and _holds_target(v)]
    if nested:
        raise ValueError(
            f"head {target!r}: settings {nested} hold a _target_; a head's settings are plain "
            "values (nothing in a bundle's spec but the head itself is ever built)"
        )
    try:
        cls = get_object(str(target))
    except Exception as err:  # hydra wraps import errors in several types
        raise ValueError(f"head _target_ {target!r} cannot be imported: {err}") from err
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise ValueError(f"head _target_ {target!r} is not a torch.nn.Module subclass")
    return cls


def _holds_target(value: Any) -> bool:
    if isinstance(value, dict):
        return "_target_" in value or any(_holds_target(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_target(v) for v in value)
    return False


def head_spec_of(head: Any) -> dict[str, Any] | None:
    """A head setting as a plain dict (None: the architecture's own head)."""
    if head is None:
        return None
    from omegaconf import DictConfig, OmegaConf

    spec = OmegaConf.to_container(head, resolve=True) if isinstance(head, DictConfig) else head
    if not isinstance(spec, dict) or "_target_" not in spec:
        raise ValueError(
            "model.head must be a mapping with a _target_ (model/head=crf, or "
            f"model.head._target_=my_pkg.MyHead), got {head!r}"
        )
    return dict(spec)


def pretrained_encoder(path: str | Path, **kwargs: Any) -> Any:
    """The bare encoder of a checkpoint (``AutoModel``), without a pooler where it has one."""
    from transformers import AutoModel

    try:
        return AutoModel.from_pretrained(path, add_pooling_layer=False, **kwargs)
    except TypeError:  # architectures without a pooler take no such argument
        return AutoModel.from_pretrained(path, **kwargs)


def build_tagger(
    encoder_name: str, tags: list[str], head: dict[str, Any], shape_features: bool, **kwargs: Any
) -> TokenTagger:
    """A new :class:`TokenTagger` over a pre-trained encoder (hub id, folder or bundled)."""
    from transformers.utils import logging as hf_logging

    from nerkit.models import resolve_model_path

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # an MLM or pooler head left behind is expected
    try:
        encoder = pretrained_encoder(resolve_model_path(encoder_name), **kwargs)
    finally:
        hf_logging.set_verbosity(verbosity)
    model = TokenTagger(encoder, head, tags, shape_features)
    log.info(
        "%s: a new %s for %d tags%s, to be fine-tuned",
        encoder_name,
        head["_target_"].rsplit(".", 1)[-1],
        len(tags),
        " with token-shape features" if shape_features else "",
    )
    return model


def load_tagger(
    folder: str | Path, tags: list[str], head: dict[str, Any], shape_features: bool, **kwargs: Any
) -> TokenTagger:
    """A trained :class:`TokenTagger` from a bundle folder."""
    from safetensors.torch import load_file

    folder = Path(folder)
    weights = folder / HEAD_FILE
    if not weights.is_file():
        raise FileNotFoundError(f"{folder}: {HEAD_FILE} is missing; the bundle is incomplete")
    encoder = pretrained_encoder(folder / ENCODER_DIR, **kwargs)
    model = TokenTagger(encoder, head, tags, shape_features)
    state = load_file(str(weights))
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.startswith(f"{TokenTagger.base_model_prefix}.")]
    if missing or unexpected:
        raise ValueError(
            f"{weights}: the weights do not fit the head {head['_target_']} "
            f"(missing {missing[:5]}, unexpected {list(unexpected)[:5]})"
        )
    dtype = kwargs.get("dtype")
    if dtype is None:
        return model
    model.to(dtype)
    if isinstance(getattr(model.head, "transitions", None), nn.Parameter):
        # Used only by the decoder, which works in float64: keep the saved precision.
        model.head.transitions.data = state["head.transitions"].to(torch.float32)
    return model


def transition_scores(model: Any) -> Any:
    """The learned tag transitions of a model's head as a float64 array, or None."""
    head = getattr(model, "head", None)
    method = getattr(head, "transition_scores", None)
    if method is None:
        return None
    scores = method()
    return None if scores is None else scores.detach().double().cpu().numpy()
