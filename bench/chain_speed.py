"""Seconds each post-processing rule takes on one long document, as it grows.

    python -m bench.chain_speed --data sec_fin --repeats 1 10 40

The first training document of ``--data`` (with its gold entities standing in for a
model's) is repeated end to end ``--repeats`` times, so a rule's cost can be read against
the document's length: a rule linear in the text keeps its time per million characters.
Each rule of the shipped chain (conf/postprocess/default.yaml) runs alone, best of three.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from typing import Any

from bench.chain_rules import rule_name
from nerkit.documents import Document, Entity
from nerkit.settings import shipped_config


def repeated(doc: Document, times: int) -> tuple[str, list[Entity]]:
    """``doc``'s text ``times`` times (a line break between) and its gold entities at
    each copy's offsets."""
    from nerkit.postprocess import gold_entities

    step = len(doc.text) + 1
    gold = gold_entities(doc)
    entities = [
        dataclasses.replace(e, start=e.start + i * step, end=e.end + i * step)
        for i in range(times)
        for e in gold
    ]
    return "\n".join([doc.text] * times) + "\n", entities


def best_seconds(rule: Any, text: str, entities: list[Entity], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        rule(text, list(entities))
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> None:
    from nerkit.data import load_data
    from nerkit.postprocess import build_rule

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="sec_fin", help="a conf/data group")
    parser.add_argument("--repeats", type=int, nargs="+", default=[1, 10, 40])
    args = parser.parse_args(argv)
    doc = load_data(shipped_config(f"data/{args.data}.yaml"))["train"][0]
    rules = shipped_config("postprocess/default.yaml")["rules"]
    for times in args.repeats:
        text, entities = repeated(doc, times)
        print(f"{len(text):>10,} characters, {len(entities):>6,} entities")
        for i, spec in enumerate(rules):
            seconds = best_seconds(build_rule(spec, i), text, entities)
            per_million = seconds / len(text) * 1e6
            timing = f"{seconds * 1000:>9.1f} ms  ({per_million:.3f} s per M chars)"
            print(f"    {rule_name(spec):<24} {timing}")


if __name__ == "__main__":
    main()
