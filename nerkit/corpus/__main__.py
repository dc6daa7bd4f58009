"""``python -m nerkit.corpus``: generate the built-in corpus, print its figures, write it.

python -m nerkit.corpus --n-docs 60 --seed 13
python -m nerkit.corpus --out data/corpus --format all
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from nerkit.corpus.generator import generate_corpus
from nerkit.corpus.statistics import corpus_statistics, format_statistics
from nerkit.documents import Document

# File name per format; the suffix is what nerkit.formats detects the format from.
OUTPUT_NAMES = {
    "conll": "corpus.conll",
    "labelstudio": "corpus.labelstudio.json",
    "doccano": "corpus.doccano.jsonl",
    "spacy": "corpus.spacy.jsonl",
    "hf": "corpus-hf",
}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m nerkit.corpus",
        description="Generate the built-in labelled contract corpus.",
    )
    parser.add_argument("--n-docs", type=int, default=60, help="documents (default 60)")
    parser.add_argument("--seed", type=int, default=13, help="seed (default 13)")
    parser.add_argument("--out", type=Path, help="folder to write the corpus into")
    parser.add_argument(
        "--format",
        default="all",
        choices=[*OUTPUT_NAMES, "all"],
        help="output format with --out (default: all)",
    )
    args = parser.parse_args(argv)
    if args.n_docs < 1:
        parser.error("--n-docs must be at least 1")
    return args


def write_corpus(docs: Sequence[Document], out: Path, format: str) -> list[Path]:
    """Write ``docs`` into ``out`` in one format or all; returns the paths written."""
    # Imported here so the generator works without the formats package's dependencies.
    from nerkit.formats import write_documents

    out.mkdir(parents=True, exist_ok=True)
    names = list(OUTPUT_NAMES) if format == "all" else [format]
    return [write_documents(docs, out / OUTPUT_NAMES[name], name) for name in names]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    docs = generate_corpus(args.n_docs, args.seed)
    print(f"nerkit corpus: {args.n_docs} documents, seed {args.seed}")
    print(format_statistics(corpus_statistics(docs)))
    if args.out is not None:
        for path in write_corpus(docs, args.out, args.format):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
