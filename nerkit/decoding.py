"""Stitching window probabilities into one reading of the document, then decoding entities.

Stitching (:func:`stitch_windows`). A token that several windows cover gets the weighted
mean of their class probabilities. The weight falls linearly with the token's distance
to the nearest *inner* window edge: a token near an edge has seen little context on that
side, while its neighbouring window sees it from the middle. Edges at the start or end of
the document are not penalised, since no window has more context there. Weights are
``clip(distance / (usable / 2), floor, 1)`` with ``distance`` counted in tokens from the
edge (a token sitting on the edge is half a token away). Across an overlap the two
windows therefore cross-fade linearly, each being trusted most where it has the most
context; the floor keeps every covered token's weight positive. Tokens no window covers
(a truncated reading) are read as ``O`` with certainty.

Because windows are stitched before any decision is taken, an entity crossing a window
edge is decoded once, whole, from the stitched probabilities: nothing is reported twice
and nothing is cut in two.

Words (:func:`word_probabilities`). Tokens are grouped into words, as Hugging Face's
``aggregation_strategy`` names it: ``first`` (the word's first sub-token), ``average``
(mean over its sub-tokens) or ``max`` (the sub-token whose highest probability is the
highest).

Decoding (:func:`viterbi_bio`). The most probable IOB2 tag sequence over the words'
log-probabilities with the invalid transitions forbidden: ``I-X`` may only follow ``B-X``
or ``I-X``, and may not start the document. Where the per-word best tags already obey
the rules they are the answer; elsewhere only the stretch around a broken rule is decoded
(:func:`segment_starts`), the stretches of many documents in one loop over positions
(:func:`viterbi_pieces`). A CRF head (``nerkit.heads``) adds its learned transition
scores to the allowed moves; then every document is decoded whole. Entities get
character offsets into the
original text (start of the first token of the first word, end of the last token of the
last word) and a score, the mean probability of the chosen tags over the entity's words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nerkit.choices import Aggregation
from nerkit.documents import Entity

AGGREGATIONS = tuple(Aggregation)
EDGE_WEIGHT_FLOOR = 0.02
LOG_FLOOR = 1e-12  # keeps log(0) finite, so a best path always exists


def window_weights(
    length: int,
    inner_left: bool = True,
    inner_right: bool = True,
    floor: float = EDGE_WEIGHT_FLOOR,
) -> np.ndarray:
    """Weight of each of a window's ``length`` document tokens (special tokens excluded).

    ``inner_left`` / ``inner_right`` say whether that edge of the window lies inside the
    document (where a neighbouring window continues) rather than on its start or end.
    """
    position = np.arange(length, dtype=np.float64)
    half = max(length / 2.0, 1.0)
    distance = np.full(length, np.inf)
    if inner_left:
        distance = np.minimum(distance, position + 0.5)
    if inner_right:
        distance = np.minimum(distance, length - position - 0.5)
    return np.clip(distance / half, floor, 1.0)


def stitch_windows(
    n_tokens: int,
    ranges: np.ndarray,
    window_probs: Sequence[np.ndarray],
    floor: float = EDGE_WEIGHT_FLOOR,
) -> np.ndarray:
    """Combine per-window probabilities ``(len_i, T)`` into per-token ``(n_tokens, T)``.

    ``ranges`` holds each window's ``[start, end)`` token range in the document.
    """
    if len(ranges) != len(window_probs):
        raise ValueError(f"{len(ranges)} window ranges but {len(window_probs)} probability arrays")
    if len(ranges) == 0:
        raise ValueError("no windows to stitch")
    n_tags = window_probs[0].shape[1]
    summed = np.zeros((n_tokens, n_tags), dtype=np.float64)
    total = np.zeros(n_tokens, dtype=np.float64)
    # Windows are contiguous token ranges: one slice update per window, in window order,
    # adds each token's contributions in the same order as a scatter-add would (so the
    # sums are bit for bit the same), several times faster than ``np.add.at``.
    for (start, end), probs in zip(ranges.tolist(), window_probs, strict=True):
        weights = window_weights(end - start, start > 0, end < n_tokens, floor)
        summed[start:end] += probs.astype(np.float64, copy=False) * weights[:, None]
        total[start:end] += weights
    covered = total > 0
    summed[covered] /= total[covered, None]
    summed[~covered] = 0.0
    summed[~covered, 0] = 1.0  # tags[0] is "O"
    return summed


@dataclass
class Words:
    """Words of a document: their tokens and characters, and their class probabilities."""

    first_token: np.ndarray  # (W,)
    last_token: np.ndarray  # (W,)
    start: np.ndarray  # (W,) character offsets
    end: np.ndarray  # (W,)
    probs: np.ndarray  # (W, T)


def word_probabilities(
    probs: np.ndarray,
    word_ids: np.ndarray,
    offsets: np.ndarray,
    aggregation: str = "first",
) -> Words:
    """Group token probabilities ``(n, T)`` into words by ``aggregation``."""
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"aggregation {aggregation!r} is not one of {', '.join(AGGREGATIONS)}")
    n = len(word_ids)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Words(empty, empty, empty, empty, np.zeros((0, probs.shape[1])))
    first = np.flatnonzero(np.r_[True, word_ids[1:] != word_ids[:-1]])
    last = np.r_[first[1:] - 1, n - 1]
    if aggregation == "first":
        word_probs = probs[first]
    elif aggregation == "average":
        counts = (last - first + 1)[:, None]
        word_probs = np.add.reduceat(probs, first, axis=0) / counts
    else:
        token_word = np.cumsum(np.r_[True, word_ids[1:] != word_ids[:-1]]) - 1
        confidence = probs.max(axis=1)
        # Within each word, the token with the highest confidence comes first.
        order = np.lexsort((np.arange(n), -confidence, token_word))
        best = order[first]
        word_probs = probs[best]
    start = offsets[first, 0]
    end = np.maximum.reduceat(offsets[:, 1], first)
    return Words(first, last, start, end, word_probs)


@dataclass(frozen=True)
class TagScheme:
    """IOB2 tags parsed once: entity type per tag and the allowed transitions."""

    tags: tuple[str, ...]
    labels: tuple[str, ...]  # entity type per tag ("" for O)
    is_begin: np.ndarray  # (T,) bool
    is_inside: np.ndarray  # (T,) bool
    allowed: np.ndarray  # (T, T) bool, allowed[previous, next]
    allowed_start: np.ndarray  # (T,) bool
    inside_ids: np.ndarray  # ids of the I- tags
    begin_ids: np.ndarray  # id of the B- tag of each I- tag (-1 when the tag set lacks it)

    @classmethod
    def from_tags(cls, tags: Sequence[str]) -> TagScheme:
        tags = tuple(tags)
        if not tags or tags[0] != "O":
            raise ValueError(f"tags must start with 'O' (IOB2), got {list(tags[:3])}")
        prefixes, labels = [], []
        for tag in tags:
            if tag == "O":
                prefixes.append("O")
                labels.append("")
                continue
            prefix, sep, label = tag.partition("-")
            if prefix not in ("B", "I") or not sep or not label:
                raise ValueError(f"tag {tag!r} is not IOB2 (O, B-<type> or I-<type>)")
            prefixes.append(prefix)
            labels.append(label)
        pre = np.asarray(prefixes)
        lab = np.asarray(labels, dtype=object)
        is_begin, is_inside = pre == "B", pre == "I"
        same_type = lab[:, None] == lab[None, :]
        # I-X may follow only B-X or I-X; everything else may follow anything.
        allowed = ~is_inside[None, :] | ((is_begin | is_inside)[:, None] & same_type)
        inside_ids = np.flatnonzero(is_inside)
        begin_of = {
            label: i for i, (b, label) in enumerate(zip(is_begin, labels, strict=True)) if b
        }
        begin_ids = np.asarray([begin_of.get(labels[i], -1) for i in inside_ids], dtype=np.int64)
        return cls(
            tags, tuple(labels), is_begin, is_inside, allowed, ~is_inside, inside_ids, begin_ids
        )

    def valid(self, path: Sequence[int] | np.ndarray) -> bool:
        """Whether a tag-id sequence obeys IOB2."""
        p = np.asarray(path, dtype=np.int64)
        if len(p) == 0:
            return True
        return bool(self.allowed_start[p[0]] and self.allowed[p[:-1], p[1:]].all())


def viterbi_bio(
    log_probs: np.ndarray, scheme: TagScheme, transitions: np.ndarray | None = None
) -> np.ndarray:
    """Best valid IOB2 tag-id path through ``(W, T)`` log-probabilities (plus learned
    ``transitions[previous, next]`` scores when given)."""
    return viterbi_bio_many([log_probs], scheme, transitions)[0]


def segment_starts(log_probs: np.ndarray, scheme: TagScheme) -> np.ndarray:
    """Words where the best path may be cut without changing it, as a boolean mask.

    From ``B-X`` and from ``I-X`` exactly the same tags may follow, so at a word where
    every ``B-X`` is strictly more probable than its ``I-X``, the best path from that word
    on never starts with an ``I-`` tag, whatever comes before. The best path of the whole
    document is then the best paths of the pieces between such words, each starting
    fresh. Decoding pieces instead of whole documents keeps the Viterbi loop short.
    """
    n_words = len(log_probs)
    if not len(scheme.inside_ids):
        return np.ones(n_words, dtype=bool)
    if (scheme.begin_ids < 0).any():  # an I- tag without its B-: no safe cut but the start
        starts = np.zeros(n_words, dtype=bool)
    else:
        starts = np.all(log_probs[:, scheme.begin_ids] > log_probs[:, scheme.inside_ids], axis=1)
    starts[:1] = True
    return starts


def viterbi_bio_many(
    log_probs: Sequence[np.ndarray], scheme: TagScheme, transitions: np.ndarray | None = None
) -> list[np.ndarray]:
    """Best valid IOB2 paths for many documents.

    With learned ``transitions`` (a CRF head) every document goes through Viterbi whole.
    Without, each word starts at its own best tag (the greedy path); only the pieces of a
    document (:func:`segment_starts`) where the greedy path breaks a rule go through
    Viterbi, all such pieces of all documents together (:func:`viterbi_pieces`). A
    document's path depends on nothing but its own probabilities.
    """
    if transitions is not None:
        return _viterbi_whole(log_probs, scheme, transitions)
    paths: list[np.ndarray] = []
    pieces: list[np.ndarray] = []
    places: list[tuple[int, int, int]] = []  # (document, start, end) of each piece
    for doc, lp in enumerate(log_probs):
        greedy = lp.argmax(axis=1)
        paths.append(greedy)
        if len(greedy) == 0:
            continue
        broken = np.flatnonzero(~scheme.allowed[greedy[:-1], greedy[1:]]) + 1
        if not scheme.allowed_start[greedy[0]]:
            broken = np.r_[0, broken]
        if len(broken) == 0:
            continue  # each word at its own best tag is the best path
        bounds = np.flatnonzero(segment_starts(lp, scheme))
        piece_of = np.searchsorted(bounds, broken, side="right") - 1
        ends = np.r_[bounds[1:], len(lp)]
        for piece in np.unique(piece_of).tolist():
            start, end = int(bounds[piece]), int(ends[piece])
            pieces.append(lp[start:end])
            places.append((doc, start, end))
    for (doc, start, end), path in zip(places, viterbi_pieces(pieces, scheme), strict=True):
        paths[doc][start:end] = path
    return paths


def _viterbi_whole(
    log_probs: Sequence[np.ndarray], scheme: TagScheme, transitions: np.ndarray
) -> list[np.ndarray]:
    n_tags = len(scheme.tags)
    if np.shape(transitions) != (n_tags, n_tags):
        raise ValueError(
            f"transition scores of shape {np.shape(transitions)} do not fit {n_tags} tags"
        )
    paths = [np.zeros(0, dtype=np.int64)] * len(log_probs)
    busy = [i for i, lp in enumerate(log_probs) if len(lp)]
    decoded = viterbi_pieces([log_probs[i] for i in busy], scheme, transitions)
    for i, path in zip(busy, decoded, strict=True):
        paths[i] = path
    return paths


def viterbi_pieces(
    log_probs: Sequence[np.ndarray], scheme: TagScheme, transitions: np.ndarray | None = None
) -> list[np.ndarray]:
    """Viterbi over many sequences at once, each with exactly the arithmetic it gets alone.

    The loop over word positions is shared: one numpy step advances every sequence still
    running. Sequences are sorted longest first, so the running ones are always the first
    rows and the work is the total length, not the count times the longest.
    """
    if not log_probs:
        return []
    lengths = np.asarray([len(lp) for lp in log_probs], dtype=np.int64)
    order = np.argsort(-lengths, kind="stable")
    sorted_lengths = lengths[order]
    flat = np.concatenate([log_probs[i] for i in order.tolist()])
    starts = np.cumsum(sorted_lengths) - sorted_lengths
    n_steps = int(sorted_lengths[0])
    # running[w]: how many sequences are longer than w (they are the first rows).
    running = np.searchsorted(-sorted_lengths, -np.arange(1, n_steps + 1), side="right")
    learned = 0.0 if transitions is None else np.asarray(transitions, dtype=np.float64)
    transition = np.where(scheme.allowed, learned, -np.inf)[None]  # (1, previous, next)
    score = np.where(scheme.allowed_start[None], flat[starts], -np.inf)
    final = np.empty_like(score)  # each sequence's scores at its own last word
    back: list[np.ndarray] = []  # back[w - 1]: best previous tag at step w, running rows
    for w in range(1, n_steps):
        k, before = int(running[w]), int(running[w - 1])
        final[k:before] = score[k:before]  # these sequences ended at w - 1
        candidates = score[:k, :, None] + transition  # (sequence, previous, next)
        back.append(candidates.argmax(axis=1))
        score = candidates.max(axis=1) + flat[starts[:k] + w]
    final[: int(running[n_steps - 1])] = score
    tag = final.argmax(axis=1)
    path = np.empty(len(flat), dtype=np.int64)
    for w in range(n_steps - 1, -1, -1):
        k = int(running[w])
        path[starts[:k] + w] = tag[:k]
        if w > 0:
            tag[:k] = back[w - 1][np.arange(k), tag[:k]]
    out: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * len(log_probs)
    for row, i in enumerate(order.tolist()):
        out[i] = path[starts[row] : starts[row] + sorted_lengths[row]]
    return out


def path_to_word_spans(path: np.ndarray, scheme: TagScheme) -> np.ndarray:
    """``(k, 3)`` array of ``[first_word, last_word, tag_of_first]`` for each entity."""
    if len(path) == 0:
        return np.zeros((0, 3), dtype=np.int64)
    begins = np.flatnonzero(scheme.is_begin[path])
    if len(begins) == 0:
        return np.zeros((0, 3), dtype=np.int64)
    inside = scheme.is_inside[path]
    # An entity runs from its B- through the I- words that follow it (a valid path
    # guarantees they share its type); it ends before the next word that is not I-.
    not_inside = np.flatnonzero(~inside)
    next_stop = np.searchsorted(not_inside, begins, side="right")
    stops = np.where(
        next_stop < len(not_inside),
        not_inside[np.minimum(next_stop, len(not_inside) - 1)],
        len(path),
    )
    return np.stack([begins, stops - 1, path[begins]], axis=1)


def decode_entities(
    text: str,
    probs: np.ndarray,
    word_ids: np.ndarray,
    offsets: np.ndarray,
    scheme: TagScheme,
    aggregation: str = "first",
    transitions: np.ndarray | None = None,
) -> list[Entity]:
    """Entities from stitched token probabilities ``(n, T)``; ``text[start:end] == text``."""
    return decode_many([text], [probs], [word_ids], [offsets], scheme, aggregation, transitions)[0]


def decode_many(
    texts: Sequence[str],
    probs: Sequence[np.ndarray],
    word_ids: Sequence[np.ndarray],
    offsets: Sequence[np.ndarray],
    scheme: TagScheme,
    aggregation: str = "first",
    transitions: np.ndarray | None = None,
) -> list[list[Entity]]:
    """:func:`decode_entities` for many documents, their Viterbi steps taken together.

    ``transitions`` (a CRF head's learned scores) are added to every move of the path; the
    words' log-probabilities stand for the CRF's emissions, since a softmax only shifts a
    word's scores by a constant, which changes no path.
    """
    words = [
        word_probabilities(p, w, o, aggregation)
        for p, w, o in zip(probs, word_ids, offsets, strict=True)
    ]
    log_probs = [np.log(np.maximum(w.probs, LOG_FLOOR)) for w in words]
    paths = viterbi_bio_many(log_probs, scheme, transitions)
    return [
        path_entities(text, w, path, scheme)
        for text, w, path in zip(texts, words, paths, strict=True)
    ]


def path_entities(text: str, words: Words, path: np.ndarray, scheme: TagScheme) -> list[Entity]:
    """Entities of one document from its words and their decoded tag path."""
    spans = path_to_word_spans(path, scheme)
    if len(spans) == 0:
        return []
    chosen = words.probs[np.arange(len(path)), path]
    cumulative = np.r_[0.0, np.cumsum(chosen)]
    first, last, tag = spans[:, 0], spans[:, 1], spans[:, 2]
    scores = (cumulative[last + 1] - cumulative[first]) / (last - first + 1)
    starts, ends = words.start[first], words.end[last]
    entities = []
    for s, e, t, score in zip(
        starts.tolist(), ends.tolist(), tag.tolist(), scores.tolist(), strict=True
    ):
        if e <= s:  # only tokens with empty offsets (nothing to point at in the text)
            continue
        entities.append(Entity(scheme.labels[t], s, e, text[s:e], float(score)))
    return entities
