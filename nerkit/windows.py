"""Cutting tokenised documents into overlapping windows, for training and for inference.

A document is tokenised once, whole (never truncated, no special tokens), with a fast
tokenizer so every token carries its character offsets. The tokens are then cut into
windows of ``max_length`` tokens *including* the model's special tokens (``[CLS]`` /
``[SEP]`` for BERT, ``<s>`` / ``</s>`` for RoBERTa): ``max_length - n_special`` document
tokens per window ("usable" tokens). Neighbouring windows share ``overlap`` tokens and the
last window is aligned to the end of the document, so it may share more.

Training and inference use the same :func:`window_ranges`, so what a model is trained on
is what it later reads.

Label alignment (:func:`token_tags`): a word is labelled with a span when any of its
tokens overlaps the span's characters, even partly; a span that starts or ends inside a
token therefore labels that whole token (and its word). The first labelled word of a span
gets ``B-``, the following ones ``I-``. With ``label_all_subtokens=False`` only the first
sub-token of a word carries the tag (the others get -100, ignored by the loss); with
``True`` the first sub-token carries the word's tag and the other sub-tokens of a tagged
word get the ``I-`` continuation.
"""

from __future__ import annotations

import copy
import itertools
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nerkit.documents import Document, Span
from nerkit.shapes import SHAPE_NONE, token_shapes

IGNORE_INDEX = -100  # label id the loss skips (PyTorch's CrossEntropyLoss default)


@dataclass(frozen=True)
class WindowConfig:
    """Tokens per window (special tokens included) and tokens shared by neighbours."""

    max_length: int = 256
    overlap: int = 32

    def usable(self, n_special: int) -> int:
        """Document tokens per window once the special tokens are added."""
        return self.max_length - n_special

    def validate(self, model_max_tokens: int, n_special: int = 2) -> WindowConfig:
        """Raise ValueError naming the values and what to change; returns self when valid."""
        if self.max_length > model_max_tokens:
            raise ValueError(
                f"window max_length={self.max_length} is above the model's limit of "
                f"{model_max_tokens} tokens (special tokens included); "
                f"set window.max_length to {model_max_tokens} or less"
            )
        usable = self.usable(n_special)
        if usable < 1:
            raise ValueError(
                f"window max_length={self.max_length} leaves no room for text after the "
                f"model's {n_special} special tokens; set window.max_length above {n_special}"
            )
        if self.overlap < 0:
            raise ValueError(
                f"window overlap={self.overlap} is negative; set window.overlap to 0 or more"
            )
        if self.overlap >= usable:
            raise ValueError(
                f"window overlap={self.overlap} must be smaller than the usable window "
                f"(max_length={self.max_length} minus {n_special} special tokens = {usable}); "
                f"set window.overlap below {usable} or raise window.max_length"
            )
        return self


@dataclass
class TokenizedText:
    """One whole document as tokens: ids, character offsets ``(n, 2)`` and word index."""

    input_ids: np.ndarray  # (n,) int64
    offsets: np.ndarray  # (n, 2) int64, [start, end) into the text
    word_ids: np.ndarray  # (n,) int64, non-decreasing; sub-tokens of a word share it
    # (n,) int64 token shapes from the original text (nerkit.shapes); None: not computed
    shapes: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.input_ids)


@dataclass(frozen=True)
class SpecialTokens:
    """What the tokenizer wraps around one sequence, read from the tokenizer itself."""

    prefix: tuple[int, ...]
    suffix: tuple[int, ...]
    prefix_type_ids: tuple[int, ...]
    suffix_type_ids: tuple[int, ...]
    content_type_id: int
    uses_token_type_ids: bool
    pad_id: int

    @property
    def count(self) -> int:
        return len(self.prefix) + len(self.suffix)


def special_tokens(tokenizer: Any) -> SpecialTokens:
    """Read the special tokens by encoding a probe with and without them.

    Transformers 5 tokenizers no longer all offer ``build_inputs_with_special_tokens``;
    encoding a probe works for any fast tokenizer (BERT, RoBERTa, DeBERTa, XLNet...).
    """
    uses_types = "token_type_ids" in getattr(tokenizer, "model_input_names", ())
    bare = list(tokenizer("a", add_special_tokens=False)["input_ids"])
    full = tokenizer("a", add_special_tokens=True, return_token_type_ids=uses_types)
    ids = list(full["input_ids"])
    where = next((i for i in range(len(ids)) if ids[i : i + len(bare)] == bare), None)
    if not bare or where is None:
        raise ValueError(f"cannot locate the text among the special tokens of {tokenizer!r}")
    types = list(full["token_type_ids"]) if uses_types else [0] * len(ids)
    end = where + len(bare)
    found = SpecialTokens(
        prefix=tuple(ids[:where]),
        suffix=tuple(ids[end:]),
        prefix_type_ids=tuple(types[:where]),
        suffix_type_ids=tuple(types[end:]),
        content_type_id=int(types[where]),
        uses_token_type_ids=uses_types,
        pad_id=int(tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0),
    )
    expected = tokenizer.num_special_tokens_to_add(pair=False)
    if found.count != expected:
        raise ValueError(
            f"found {found.count} special tokens around a probe but the tokenizer says "
            f"{expected}; this tokenizer is not supported"
        )
    return found


def _words_from_offsets(offsets: np.ndarray) -> np.ndarray:
    """Word index when the tokenizer gives none: a new word starts after a gap."""
    if len(offsets) == 0:
        return np.zeros(0, dtype=np.int64)
    new_word = np.empty(len(offsets), dtype=bool)
    new_word[0] = True
    new_word[1:] = offsets[1:, 0] != offsets[:-1, 1]
    return np.cumsum(new_word) - 1


def _from_encoding(encoding: Any) -> TokenizedText:
    ids = np.asarray(encoding.ids, dtype=np.int64)
    # fromiter over the flattened pairs: 1.5x faster than asarray on a list of tuples.
    pairs = itertools.chain.from_iterable(encoding.offsets)
    offsets = np.fromiter(pairs, dtype=np.int64, count=2 * len(ids)).reshape(-1, 2)
    raw_words = encoding.word_ids
    if raw_words and None not in raw_words:
        words = np.asarray(raw_words, dtype=np.int64)
        # Renumber from 0 and make sure a word never resumes after another one started.
        change = np.empty(len(words), dtype=bool)
        change[:1] = True
        change[1:] = words[1:] != words[:-1]
        words = np.cumsum(change) - 1
    else:
        words = _words_from_offsets(offsets)
    return TokenizedText(ids, offsets, words)


_BACKENDS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_BACKENDS_LOCK = threading.Lock()


def document_encoder(tokenizer: Any) -> Any:
    """The tokenizer's Rust backend, set never to truncate or pad, shared by every thread.

    Calling the backend directly gives the ids and offsets that
    ``tokenizer(texts, add_special_tokens=False, truncation=False)`` gives, without the
    Python lists transformers builds around them (the call read 1.2x slower than the
    backend on the built-in contracts). The transformers wrapper also re-configures the
    backend's truncation on every call, which is not safe from several threads; this copy
    is never re-configured, and its ``encode_batch`` releases the GIL, so worker threads
    tokenise in parallel.
    """
    if not getattr(tokenizer, "is_fast", False):
        raise ValueError("nerkit needs a fast tokenizer: it reads character offsets")
    with _BACKENDS_LOCK:
        backend = _BACKENDS.get(tokenizer)
        if backend is None:
            backend = copy.deepcopy(tokenizer.backend_tokenizer)
            backend.no_truncation()
            backend.no_padding()
            _BACKENDS[tokenizer] = backend
    return backend


def tokenize_documents(tokenizer: Any, texts: Sequence[str]) -> list[TokenizedText]:
    """Tokenise whole texts in one call to the fast tokenizer (never truncated)."""
    if not texts:
        return []
    encoded = document_encoder(tokenizer).encode_batch(list(texts), add_special_tokens=False)
    tokenized = [_from_encoding(e) for e in encoded]
    for text, tok in zip(texts, tokenized, strict=True):
        # 2.4 ms for the longest built-in contract (97,510 characters), 7% of tokenising it:
        # cheap enough to compute for every model rather than thread a flag through.
        tok.shapes = token_shapes(text, tok.offsets)
    return tokenized


def tokenize_document(tokenizer: Any, text: str) -> TokenizedText:
    """Tokenise one whole text (see :func:`tokenize_documents`)."""
    return tokenize_documents(tokenizer, [text])[0]


def window_ranges(n_tokens: int, usable: int, overlap: int) -> np.ndarray:
    """``(k, 2)`` array of ``[start, end)`` token ranges covering ``n_tokens``.

    Windows hold ``usable`` tokens and step by ``usable - overlap``; the last one is aligned
    to the end of the document (so it may overlap its neighbour by more than ``overlap``).
    A document of zero tokens has no windows.
    """
    if usable < 1 or not 0 <= overlap < usable:
        raise ValueError(f"need 0 <= overlap ({overlap}) < usable ({usable})")
    if n_tokens <= 0:
        return np.zeros((0, 2), dtype=np.int64)
    if n_tokens <= usable:
        return np.asarray([[0, n_tokens]], dtype=np.int64)
    last_start = n_tokens - usable
    starts = np.append(np.arange(0, last_start, usable - overlap, dtype=np.int64), last_start)
    return np.stack([starts, starts + usable], axis=1)


def document_windows(
    n_tokens: int, cfg: WindowConfig, n_special: int, max_windows: int | None = None
) -> np.ndarray:
    """The windows of one document; ``max_windows`` keeps only the first few (truncation)."""
    ranges = window_ranges(n_tokens, cfg.usable(n_special), cfg.overlap)
    return ranges if max_windows is None else ranges[:max_windows]


def with_special_tokens(content: np.ndarray, special: SpecialTokens) -> np.ndarray:
    """``prefix + content + suffix`` as one int64 array."""
    return np.concatenate(
        [
            np.asarray(special.prefix, dtype=np.int64),
            np.asarray(content, dtype=np.int64),
            np.asarray(special.suffix, dtype=np.int64),
        ]
    )


def with_special_shapes(content: np.ndarray, special: SpecialTokens) -> np.ndarray:
    """The shapes of ``prefix + content + suffix``: special tokens have none."""
    return np.concatenate(
        [
            np.full(len(special.prefix), SHAPE_NONE, dtype=np.int64),
            np.asarray(content, dtype=np.int64),
            np.full(len(special.suffix), SHAPE_NONE, dtype=np.int64),
        ]
    )


def token_type_row(n_content: int, special: SpecialTokens) -> np.ndarray:
    return np.concatenate(
        [
            np.asarray(special.prefix_type_ids, dtype=np.int64),
            np.full(n_content, special.content_type_id, dtype=np.int64),
            np.asarray(special.suffix_type_ids, dtype=np.int64),
        ]
    )


def span_index_per_token(offsets: np.ndarray, spans: Sequence[Span]) -> np.ndarray:
    """For every token, the index of the span it overlaps (in ``spans`` order), else -1.

    A token overlaps a span when ``token_start < span_end and token_end > span_start``.
    Tokens with empty offsets never overlap anything. Where spans overlap each other
    (invalid data), the later span wins.
    """
    n = len(offsets)
    out = np.full(n, -1, dtype=np.int64)
    if n == 0 or not spans:
        return out
    starts, ends = offsets[:, 0], offsets[:, 1]
    span_starts = np.asarray([s.start for s in spans], dtype=np.int64)
    span_ends = np.asarray([s.end for s in spans], dtype=np.int64)
    # Token starts and ends are non-decreasing, so each span covers a contiguous token run.
    first = np.searchsorted(ends, span_starts, side="right")
    last = np.searchsorted(starts, span_ends, side="left")
    lengths = np.maximum(last - first, 0)
    order = np.repeat(np.arange(len(spans)), lengths)
    positions = np.repeat(first - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    out[positions] = order
    out[ends <= starts] = -1
    return out


def token_tags(
    tokenized: TokenizedText,
    spans: Sequence[Span],
    tag2id: Mapping[str, int],
    label_all_subtokens: bool = False,
) -> np.ndarray:
    """Tag id per token (``IGNORE_INDEX`` for sub-tokens that carry no label)."""
    n = len(tokenized)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    ordered = sorted(spans)
    words = tokenized.word_ids
    token_span = span_index_per_token(tokenized.offsets, ordered)
    word_first = np.flatnonzero(np.r_[True, words[1:] != words[:-1]])
    # A word belongs to a span when any of its tokens overlaps it.
    word_span = np.maximum.reduceat(token_span, word_first)
    # The first word of each span run begins it (B-), the rest continue it (I-).
    begins = (word_span >= 0) & np.r_[True, word_span[1:] != word_span[:-1]]
    labels = np.asarray([s.label for s in ordered] or [""], dtype=object)
    missing = {f"{p}-{lab}" for lab in labels[np.unique(word_span[word_span >= 0])] for p in "BI"}
    missing -= set(tag2id)
    if missing:
        raise ValueError(f"tags {sorted(missing)} are not in the tag set {list(tag2id)}")

    def tag_ids(prefix: str) -> np.ndarray:
        lookup = [tag2id.get(f"{prefix}-{lab}", -1) for lab in labels]
        return np.asarray(lookup, dtype=np.int64)

    b_ids, i_ids = tag_ids("B"), tag_ids("I")
    safe = np.maximum(word_span, 0)
    word_tag = np.where(word_span < 0, tag2id["O"], np.where(begins, b_ids[safe], i_ids[safe]))

    token_word = np.cumsum(np.r_[True, words[1:] != words[:-1]]) - 1
    is_first = np.zeros(n, dtype=bool)
    is_first[word_first] = True
    first_tag = word_tag[token_word]
    if not label_all_subtokens:
        return np.where(is_first, first_tag, IGNORE_INDEX)
    span_of_token = word_span[token_word]
    continuation = np.where(span_of_token < 0, tag2id["O"], i_ids[np.maximum(span_of_token, 0)])
    return np.where(is_first, first_tag, continuation)


def training_windows(
    tokenizer: Any,
    doc: Document,
    tag2id: Mapping[str, int],
    cfg: WindowConfig,
    label_all_subtokens: bool = False,
    shapes: bool = False,
) -> list[dict[str, list[int]]]:
    """The windows of one labelled document, ready for a token-classification model.

    Each window is a dict of lists: ``input_ids``, ``attention_mask``, ``labels`` (special
    tokens get -100), ``token_type_ids`` when the tokenizer uses them and ``shape_ids``
    when ``shapes`` is set (the model reads token shapes).
    """
    special = special_tokens(tokenizer)
    tokenized = tokenize_document(tokenizer, doc.text)
    tags = token_tags(tokenized, doc.spans, tag2id, label_all_subtokens)
    ranges = document_windows(len(tokenized), cfg, special.count)
    prefix_labels = np.full(len(special.prefix), IGNORE_INDEX, dtype=np.int64)
    suffix_labels = np.full(len(special.suffix), IGNORE_INDEX, dtype=np.int64)
    out: list[dict[str, list[int]]] = []
    for start, end in ranges.tolist():
        ids = with_special_tokens(tokenized.input_ids[start:end], special)
        row: dict[str, list[int]] = {
            "input_ids": ids.tolist(),
            "attention_mask": [1] * len(ids),
            "labels": np.concatenate([prefix_labels, tags[start:end], suffix_labels]).tolist(),
        }
        if special.uses_token_type_ids:
            row["token_type_ids"] = token_type_row(end - start, special).tolist()
        if shapes:
            assert tokenized.shapes is not None
            row["shape_ids"] = with_special_shapes(tokenized.shapes[start:end], special).tolist()
        out.append(row)
    return out
