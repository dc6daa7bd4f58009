"""``python -m nerkit.formats check FILE``: what a user runs first on an export.

It loads the file as training would and prints what was read: the format and why, the
columns or text field used, documents, tokens, entities per type, the tag scheme, what
was skipped or repaired and why (counts and the first records), and every problem
(overlapping spans, spans outside their text, bad tags...) with its record. It exits 1
when the file cannot be loaded, so it can guard a pipeline.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nerkit.documents import DataError, Document
from nerkit.exitcodes import ExitCode
from nerkit.formats import FORMATS, load_documents
from nerkit.formats.report import LoadReport, summary_lines

# Options given on the command line, with the type each one is read as.
CLI_OPTIONS: dict[str, type] = {
    "label_config": str,
    "text_field": str,
    "annotation": str,
    "results": str,
    "overlaps": str,
    "token_column": int,
    "tag_column": int,
    "separator": str,
    "doc_id_column": str,
}


def check_file(
    path: str | Path, format: str = "auto", scheme: str = "auto", **options: Any
) -> tuple[LoadReport, list[Document] | None, DataError | None]:
    """Load ``path`` and return the report, the documents, or the DataError that stopped it."""
    report = LoadReport(str(path))
    try:
        docs = load_documents(path, format=format, scheme=scheme, report=report, **options)
    except DataError as error:
        return report, None, error
    return report, docs, None


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m nerkit.formats",
        description="Check a labelled file: what is read from it, and what is wrong with it.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="load FILE and print what was read")
    check.add_argument("file", help="a labelled file or a datasets save_to_disk folder")
    check.add_argument("--format", default="auto", choices=("auto", *FORMATS))
    check.add_argument("--scheme", default="auto", help="IOB1, IOB2, BIOES or auto (CoNLL, hf)")
    check.add_argument("--split", default=None, help="the split of a datasets folder (hf)")
    for name, kind in CLI_OPTIONS.items():
        check.add_argument(f"--{name.replace('_', '-')}", dest=name, type=kind, default=None)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    options = {name: getattr(args, name) for name in CLI_OPTIONS}
    if args.split is not None:
        options["split"] = args.split
    try:
        report, docs, error = check_file(args.file, args.format, args.scheme, **options)
    except (ValueError, OSError) as failure:  # cannot tell the format, bad option, no file
        print(f"error: {failure}", file=sys.stderr)
        return ExitCode.FAILED
    print("\n".join(summary_lines(report, docs, error)))
    return ExitCode.FAILED if error is not None else ExitCode.OK
