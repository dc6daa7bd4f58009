"""Documents for benchmarks: long labelled contracts, and passages of them as requests.

The benchmarks read the built-in corpus' test split, the documents training holds out,
so a trained bundle is measured on contracts it never saw; or any labelled file; or, where
the corpus cannot be generated (Faker missing), synthetic contracts with gold spans.
:func:`load_benchmark_documents` chooses among them and says which it used.
"""

from __future__ import annotations

import functools
import random

from nerkit.documents import Document, Span
from nerkit.settings import shipped_config

# The entity types of the built-in corpus and of the synthetic contracts.
LABELS = ["DATE", "JURISDICTION", "MONEY", "ORG", "PERSON"]


def corpus_test_documents(n_docs: int, seed: int) -> list[Document]:
    """The first ``n_docs`` of the built-in corpus' test split: ``conf/data/builtin.yaml``'s
    corpus and split, generated and split with ``seed``.

    The split is the one training holds out, so a trained bundle is scored on documents it
    never saw. When the default corpus has fewer test documents, a larger corpus is
    generated (its first documents are the same, and the extra ones were never trained on).
    """
    from nerkit.data import load_data  # the corpus needs Faker: imported when asked for

    builtin = shipped_config("data/builtin.yaml")
    corpus_size = int(builtin["n_docs"])

    def test_split() -> list[Document]:
        settings = builtin | {"n_docs": corpus_size, "corpus_seed": seed, "split_seed": seed}
        return list(load_data(settings)["test"])

    test = test_split()
    while len(test) < n_docs and corpus_size < 100 * n_docs:
        corpus_size *= 2
        test = test_split()
    return test[:n_docs]


_ORGS = ["Zorblax", "Quintrel", "Harrow", "Meridian", "Caldera", "Norvik", "Tessaly", "Brightwater"]
_ORG_TAILS = ["Holdings Limited", "Capital LLC", "Industries Inc.", "Partners LP", "GmbH", "S.A."]
_PEOPLE = ["Quentin Farnsworth", "Amelia Okafor", "Jonas Lindqvist", "Priya Raman", "Elena Petrov"]
_PLACES = ["the State of Delaware", "England and Wales", "the State of New York", "Ontario"]
_MONTHS = ["January", "March", "May", "July", "September", "November"]
_FILLER = (
    "The parties agree that the obligations set out in this Section survive termination and "
    "that no waiver of any breach shall be deemed a waiver of any other breach. Notices shall "
    "be given in writing and delivered by hand or by registered mail to the addresses above. "
    "Each party shall keep confidential all information received from the other party. "
)


class _TextWithSpans:
    """Appends text pieces, recording a span for each labelled one."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.length = 0

    def add(self, text: str, label: str | None = None) -> None:
        if label is not None:
            self.spans.append(Span(self.length, self.length + len(text), label))
        self.parts.append(text)
        self.length += len(text)

    def document(self, doc_id: str) -> Document:
        return Document(doc_id, "".join(self.parts), self.spans)


def synthetic_contracts(n_docs: int, seed: int, words_per_doc: int = 6000) -> list[Document]:
    """Long contract-like documents with gold spans, for when the corpus is not installed."""
    rng = random.Random(seed)
    docs = []
    for d in range(n_docs):
        out = _TextWithSpans()
        while sum(p.count(" ") for p in out.parts) < words_per_doc:
            out.add("This Agreement is made on ")
            out.add(f"{rng.randint(1, 28)} {rng.choice(_MONTHS)} {rng.randint(1995, 2030)}", "DATE")
            out.add(" between ")
            out.add(f"{rng.choice(_ORGS)} {rng.choice(_ORG_TAILS)}", "ORG")
            out.add(", represented by ")
            out.add(rng.choice(_PEOPLE), "PERSON")
            out.add(", who shall pay ")
            out.add(f"USD {rng.randint(1, 99)},{rng.randint(100, 999)},000.00", "MONEY")
            out.add(" under the laws of ")
            out.add(rng.choice(_PLACES), "JURISDICTION")
            out.add(". " + _FILLER * rng.randint(1, 3))
        docs.append(out.document(f"synthetic-{d}"))
    return docs


@functools.lru_cache(maxsize=4)
def load_benchmark_documents(data: str | None, n_docs: int, seed: int) -> tuple[list, str]:
    """Documents and where they came from (generated or read once per process)."""
    if data:
        from nerkit.formats import load_documents

        return list(load_documents(data))[:n_docs], data
    try:
        return corpus_test_documents(n_docs, seed), "built-in corpus, test split"
    except ImportError as err:
        print(f"(built-in corpus not available: {err}; using synthetic contracts)")
        return synthetic_contracts(n_docs, seed), "synthetic contracts (bench fallback)"


def corpus_passages(n: int, words: int, seed: int | None = None) -> list[str]:
    """``n`` passages of about ``words`` words from the built-in corpus' test split, cut at
    line breaks, taken from the whole of each contract (not only the preambles). ``seed``
    (the corpus, the split and the shuffle): conf/data/builtin.yaml's ``corpus_seed`` when
    left out."""
    if seed is None:
        seed = int(shipped_config("data/builtin.yaml")["corpus_seed"])
    passages: list[str] = []
    for document in corpus_test_documents(9, seed):
        lines = [line for line in document.text.split("\n") if line.strip()]
        current: list[str] = []
        count = 0
        for line in lines:
            current.append(line)
            count += len(line.split())
            if count >= words:
                passages.append("\n".join(current))
                current, count = [], 0
    random.Random(seed).shuffle(passages)
    if len(passages) < n:
        passages = (passages * (n // max(1, len(passages)) + 1))[:n]
    return passages[:n]
