"""Token shapes: case, digits and punctuation of each word-piece, read from the original text.

An uncased encoder (the bundled MiniLM lower-cases everything) never sees that ``Acme``
is capitalised, yet capitals are the strongest sign of a name in a contract. A shape is
computed from the characters of the document that a word-piece's offsets point at, so
case survives whatever the tokenizer does to the text; training and inference both get
it from :func:`token_shapes` over the same offsets (``nerkit.windows``).

A shape id combines three small features (``1 + case * 9 + digits * 3 + punctuation``):

- case: no letters / all lower / all upper (two letters or more) / one upper letter /
  title (upper first, then lower) / mixed;
- digits: none / only digits / some;
- punctuation (anything neither letter, digit nor space): none / only / some.

Letters without case (CJK, Arabic...) count as lower case. Id ``SHAPE_NONE`` (0) is for
special tokens, padding and pieces with empty offsets.
"""

from __future__ import annotations

import functools

import numpy as np

SHAPE_NONE = 0
N_CASES, N_DIGITS, N_PUNCT = 6, 3, 3
N_SHAPES = 1 + N_CASES * N_DIGITS * N_PUNCT

# Character classes.
_SPACE, _UPPER, _LOWER, _DIGIT, _OTHER = range(5)
_BMP = 0x10000


def char_class(ch: str) -> int:
    if ch.isspace():
        return _SPACE
    if ch.isupper():
        return _UPPER
    if ch.isalpha():  # lower case, title case and caseless letters
        return _LOWER
    if ch.isdigit() or ch.isnumeric():
        return _DIGIT
    return _OTHER


@functools.cache
def _bmp_classes() -> np.ndarray:
    """The class of every code point below U+10000, built once (10 ms here)."""
    return np.fromiter((char_class(chr(c)) for c in range(_BMP)), dtype=np.int8, count=_BMP)


def char_classes(text: str) -> np.ndarray:
    """The class of each character of ``text`` (indexed as Python indexes the string)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    classes = np.empty(len(codes), dtype=np.int8)
    low = codes < _BMP
    classes[low] = _bmp_classes()[codes[low]]
    if not low.all():  # emoji, historic scripts, ...
        classes[~low] = [char_class(chr(int(c))) for c in codes[~low].tolist()]
    return classes


def token_shapes(text: str, offsets: np.ndarray) -> np.ndarray:
    """The shape id of each token, from ``text[start:end]`` for its ``(n, 2)`` offsets."""
    n = len(offsets)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    classes = char_classes(text)
    if len(classes) == 0:
        return np.zeros(n, dtype=np.int64)
    counts = np.zeros((5, len(classes) + 1), dtype=np.int64)
    for cls in range(5):
        np.cumsum(classes == cls, out=counts[cls, 1:])
    start = np.clip(offsets[:, 0], 0, len(classes))
    end = np.clip(offsets[:, 1], start, len(classes))
    upper, lower, digit, other = (counts[c, end] - counts[c, start] for c in range(1, 5))
    letters = upper + lower
    # The first letter of the piece, not its first character: SentencePiece offsets include
    # the space before a word, and "(Acme" is still title case.
    is_letter = (classes == _UPPER) | (classes == _LOWER)
    position = np.where(is_letter, np.arange(len(classes)), len(classes))
    next_letter = np.minimum.accumulate(position[::-1])[::-1]
    first_letter = next_letter[np.minimum(start, len(classes) - 1)]
    first = np.where(
        first_letter < end, classes[np.minimum(first_letter, len(classes) - 1)], _SPACE
    )
    case = np.select(
        [
            letters == 0,
            upper == 0,
            (lower == 0) & (upper >= 2),
            (lower == 0) & (upper == 1),
            (first == _UPPER) & (upper == 1),
        ],
        [0, 1, 2, 3, 4],
        default=5,
    )
    visible = letters + digit + other
    digits = np.select([digit == 0, digit == visible], [0, 1], default=2)
    punct = np.select([other == 0, other == visible], [0, 1], default=2)
    shapes = 1 + case * (N_DIGITS * N_PUNCT) + digits * N_PUNCT + punct
    return np.where(visible > 0, shapes, SHAPE_NONE).astype(np.int64)


def describe(shape: int) -> str:
    """A shape id in words (for people reading a model's features)."""
    if shape == SHAPE_NONE:
        return "none"
    case, rest = divmod(shape - 1, N_DIGITS * N_PUNCT)
    digits, punct = divmod(rest, N_PUNCT)
    cases = ("no-letters", "lower", "upper", "one-upper", "title", "mixed")
    amounts = ("no", "only", "some")
    return f"{cases[case]}/{amounts[digits]}-digits/{amounts[punct]}-punct"
