"""A built-in labelled contract corpus: loan, services, NDA, lease and supply contracts.

``generate_corpus(n_docs, seed)`` writes realistic long contracts with Faker and a
clause library written for this project, and returns them as
:class:`nerkit.documents.Document` with exact character-offset spans. The same seed
gives the same corpus (for a given Faker version).

Entity types and span conventions (each documented in detail where it is written):

- ORG — an organisation's full name with its legal suffix, in title case or capitals
  ("Meridian Logistics, Inc.", "BARCLAYS BANK PLC"); place names inside the name stay
  inside ("California Bank & Trust"); a leading "the" and the defined term after it are
  outside (:mod:`nerkit.corpus.parties`).
- PERSON — a person's name without honorific or job title
  (:mod:`nerkit.corpus.parties`).
- DATE — a calendar date as written, without a leading article: "the 5th day of
  January, 2024" -> "5th day of January, 2024"; durations are not dates
  (:mod:`nerkit.corpus.dates`).
- MONEY — the whole amount expression; an amount in words and figures is ONE span:
  "Two Million Dollars ($2,000,000)" (:mod:`nerkit.corpus.money`).
- JURISDICTION — a legal territory's name with its designator, without the article or
  the phrase around it: "the laws of the State of New York" -> "State of New York",
  "a Delaware corporation" -> "Delaware"; cities and addresses are not jurisdictions
  (:mod:`nerkit.corpus.jurisdictions`).

Defined terms ("the Borrower", "the Agreement", "Business Day") are never entities.
No span is empty, starts or ends with whitespace, or shares a whitespace token with
another span.
"""

from nerkit.corpus.clauses import CONTRACT_TYPES
from nerkit.corpus.generator import generate_corpus, generate_document
from nerkit.corpus.statistics import corpus_statistics, format_statistics
from nerkit.corpus.template import ENTITY_TYPES

__all__ = [
    "CONTRACT_TYPES",
    "ENTITY_TYPES",
    "corpus_statistics",
    "format_statistics",
    "generate_corpus",
    "generate_document",
]
