"""What each post-processing rule of a bundle's chain adds, on a split chosen in config.

    python -m bench.chain_rules --bundle outputs/quality/aliases/bundle --data sec_fin --split dev

The bundle reads the split once through the chain it records and once for each rule
left out of it (the same engine readings; only the chain differs), as
``python -m evaluate`` scores it. Printed as micro F1 and F1 per type. Choose rules on
the dev split; read the test split once, for the report.
"""

from __future__ import annotations

import argparse
from typing import Any

from nerkit.settings import shipped_config


def chains_without_each_rule(rules: list[Any]) -> dict[str, list[Any]]:
    """The recorded chain, then the chain less each of its rules, by name."""
    chains = {"as recorded": rules}
    for i, rule in enumerate(rules):
        name = (
            str(rule.get("_target_", rule)).rsplit(".", 1)[-1]
            if isinstance(rule, dict)
            else repr(rule)
        )
        chains[f"without {name}"] = rules[:i] + rules[i + 1 :]
    return chains


def main(argv: list[str] | None = None) -> None:
    from nerkit.bundle import read_bundle_meta
    from nerkit.data import load_data
    from nerkit.scoring import score_bundle

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", required=True)
    parser.add_argument("--data", default="sec_fin", help="a conf/data group")
    parser.add_argument("--split", default="dev", choices=["train", "dev", "test"])
    args = parser.parse_args(argv)
    docs = load_data(shipped_config(f"data/{args.data}.yaml"))[args.split]
    rules = list(read_bundle_meta(args.bundle).postprocess or [])
    print(f"{args.bundle} on {args.data} {args.split} ({len(docs)} documents)")
    for name, chain in chains_without_each_rule(rules).items():
        report = score_bundle(
            args.bundle, docs, rules=chain, compare_pipeline=False, baseline=False, progress=False
        )
        scores = report["windowed"]["seqeval"]
        per_type = "  ".join(
            f"{label} {v['f1']:.3f}" for label, v in sorted(scores["per_type"].items())
        )
        print(f"  {name:<32} F1 {scores['micro']['f1']:.4f}   {per_type}")


if __name__ == "__main__":
    main()
