"""What every knowledge-base lookup shares: the key a name is looked up by, the answer
when a value cannot be normalised, and the size of the caches in front of them.

Contracts repeat the same strings, so each normaliser caches its results (``CACHE_SIZE``
entries) and hands out a fresh copy of them (:mod:`nerkit.kb.normalise`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

CACHE_SIZE = 4096


def unparsed(reason: str) -> dict[str, Any]:
    return {"status": "unparsed", "reason": reason}


def plain_text(text: str) -> str:
    """Casefold, strip accents, turn punctuation into spaces: a key for name lookups."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    spaced = re.sub(r"[^\w]+", " ", without_accents.replace("&", " and "))
    return " ".join(spaced.split())
