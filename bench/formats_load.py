"""How reading a labelled file grows with its size: time and peak memory per format.

    python -m bench.formats_load --sizes-mb 10,50,100 --formats conll,labelstudio

Writes files of about the given sizes from the built-in corpus (documents repeated under
new ids), then loads each with ``load_documents`` in a fresh process and prints seconds,
MB/s, the peak memory the load allocated and what the documents keep (tracemalloc), each
also as a multiple of the file size. Time linear in size shows as a flat MB/s column,
memory linear in size as a flat multiple.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nerkit.documents import Document

SUFFIX = {"conll": "conll", "labelstudio": "json", "doccano": "jsonl"}


def build_file(fmt: str, megabytes: float, folder: Path) -> Path:
    """A file of about ``megabytes`` MB: the corpus written once, repeated under new ids."""
    from nerkit.corpus import generate_corpus
    from nerkit.formats import write_documents

    seed = folder / f"seed.{SUFFIX[fmt]}"
    docs = generate_corpus(n_docs=12, seed=13)
    write_documents(docs, seed, fmt)
    unit = seed.stat().st_size
    copies = max(1, round(megabytes * 1e6 / unit))
    many = [Document(f"{d.id}-{n}", d.text, d.spans, d.meta) for n in range(copies) for d in docs]
    path = folder / f"{fmt}-{megabytes:g}mb.{SUFFIX[fmt]}"
    write_documents(many, path, fmt)
    return path


def measure(path: Path) -> dict[str, float]:
    """Load ``path`` twice in this process: timed, then under tracemalloc for memory.

    tracemalloc counts every Python allocation (the peak during the load, and what the
    documents keep); the sandbox this was written on does not update ru_maxrss.
    """
    import gc
    import tracemalloc

    from nerkit.formats import load_documents

    start = time.perf_counter()
    docs = load_documents(path)
    seconds = time.perf_counter() - start
    count = len(docs)
    del docs
    gc.collect()
    tracemalloc.start()
    docs = load_documents(path)
    kept, peak = tracemalloc.get_traced_memory()  # while the documents are still held
    tracemalloc.stop()
    assert len(docs) == count
    return {"seconds": seconds, "peak_mb": peak / 1e6, "kept_mb": kept / 1e6, "docs": count}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.formats_load")
    parser.add_argument("--sizes-mb", default="10,50,100")
    parser.add_argument("--formats", default="conll,labelstudio")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(Path(args.measure))))
        return
    print("format       file MB   docs   seconds   MB/s   peak MB  x file   kept MB  x file")
    with tempfile.TemporaryDirectory() as folder:
        for fmt in args.formats.split(","):
            for size in (float(s) for s in args.sizes_mb.split(",")):
                path = build_file(fmt, size, Path(folder))
                mb = path.stat().st_size / 1e6
                child = [sys.executable, "-m", "bench.formats_load", "--measure", str(path)]
                result = json.loads(subprocess.check_output(child, text=True).splitlines()[-1])
                print(
                    f"{fmt:<12} {mb:7.1f} {result['docs']:6.0f} {result['seconds']:9.1f} "
                    f"{mb / result['seconds']:6.1f} {result['peak_mb']:9.0f} "
                    f"{result['peak_mb'] / mb:7.2f} {result['kept_mb']:9.0f} "
                    f"{result['kept_mb'] / mb:7.2f}"
                )
                path.unlink()


if __name__ == "__main__":
    main()
