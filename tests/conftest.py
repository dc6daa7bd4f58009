"""Shared fixtures. Tests never touch the network: the hub is switched off here."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")

from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
SEC_FIN = SHARED_DATA / "sec-fin"


def labelled_document(doc_id: str, text: str, *entities: tuple[str, str]) -> Any:
    """A document whose spans are found by their surface text (first match after the last)."""
    from nerkit.documents import Document, Span

    spans, position = [], 0
    for surface, label in entities:
        start = text.index(surface, position)
        spans.append(Span(start, start + len(surface), label))
        position = start + len(surface)
    return Document(doc_id, text, spans)


@pytest.fixture(scope="session")
def tokenizer():
    """The bundled MiniLM tokenizer (a real fast WordPiece tokenizer, no download)."""
    from nerkit.models import BUNDLED_MINILM, load_tokenizer

    return load_tokenizer(BUNDLED_MINILM)


@pytest.fixture(scope="session")
def contract_tags() -> list[str]:
    labels = ["DATE", "JURISDICTION", "MONEY", "ORG", "PERSON"]
    return ["O"] + [f"{p}-{label}" for label in labels for p in ("B", "I")]


@pytest.fixture(scope="session")
def tiny_model(tokenizer, contract_tags):
    """A tiny randomly initialised BERT built from a config, sized for the bundled vocab."""
    from nerkit.models import tiny_token_classifier

    model = tiny_token_classifier(contract_tags, vocab_size=tokenizer.vocab_size)
    model.eval()
    return model


@pytest.fixture()
def sec_fin() -> Path:
    if not (SEC_FIN / "train.conll").is_file():
        pytest.skip("../shared/data/sec-fin is not beside this checkout")
    return SEC_FIN
