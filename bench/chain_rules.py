"""What each post-processing rule of a bundle's chain adds, on a split chosen in config.

    python -m bench.chain_rules --bundle outputs/quality/aliases/bundle --split dev \\
        --data sec_fin --shipped DefinedTermAliases

The bundle is read through the chain it records, without each of its rules in turn, and
with the rules named by ``--shipped`` as conf/postprocess ships them today. The engine
reads the split once; each chain then finishes those readings as the output path does
(``OutputPath.finish``), scored as ``python -m evaluate`` scores it. Printed as micro F1
and F1 per type. Choose rules on the dev split; read the test split once, for the report.
"""

from __future__ import annotations

import argparse
from typing import Any

from nerkit.settings import shipped_config


def rule_name(rule: Any) -> str:
    if isinstance(rule, dict):
        return str(rule.get("_target_", rule)).rsplit(".", 1)[-1]
    return repr(rule)


def chains_without_each_rule(rules: list[Any]) -> dict[str, list[Any]]:
    """The recorded chain, then the chain less each of its rules, by name."""
    chains = {"as recorded": rules}
    for i, rule in enumerate(rules):
        chains[f"without {rule_name(rule)}"] = rules[:i] + rules[i + 1 :]
    return chains


def with_shipped_settings(rules: list[Any], shipped: list[Any], names: set[str]) -> list[Any]:
    """The recorded chain with the rules named in ``names`` as conf/postprocess ships them
    today (a bundle trained before a rule's settings changed, read as a new one would be);
    the other rules stay as recorded (fitted to the training labels)."""
    by_name = {rule_name(rule): rule for rule in shipped}
    return [by_name[rule_name(r)] if rule_name(r) in names & set(by_name) else r for r in rules]


def main(argv: list[str] | None = None) -> None:
    from nerkit.bundle import read_bundle_meta
    from nerkit.data import load_data
    from nerkit.metrics import score_documents
    from nerkit.output import OutputPath

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", required=True)
    parser.add_argument("--data", default="sec_fin", help="a conf/data group")
    parser.add_argument("--split", default="dev", choices=["train", "dev", "test"])
    parser.add_argument(
        "--shipped",
        action="append",
        default=[],
        metavar="RULE",
        help="also read with this rule (class name) as conf/postprocess ships it today",
    )
    args = parser.parse_args(argv)
    docs = load_data(shipped_config(f"data/{args.data}.yaml"))[args.split]
    rules = list(read_bundle_meta(args.bundle).postprocess or [])
    print(f"{args.bundle} on {args.data} {args.split} ({len(docs)} documents)")
    chains = chains_without_each_rule(rules)
    if args.shipped:
        shipped = shipped_config("postprocess/default.yaml")["rules"]
        chains[f"{', '.join(args.shipped)} as shipped"] = with_shipped_settings(
            rules, shipped, set(args.shipped)
        )
    # The engine reads once; each chain then finishes those readings as the output path
    # does for what users get (OutputPath.finish).
    engine = OutputPath.from_bundle(args.bundle).predictor
    raw = [o.raw for o in OutputPath(engine).predict([d.text for d in docs])]
    for name, chain in chains.items():
        path = OutputPath(engine, chain)
        spans = [
            [e.as_span() for e in path.finish(d.text, r)] for d, r in zip(docs, raw, strict=True)
        ]
        scores = score_documents(docs, spans)["seqeval"]
        per_type = "  ".join(
            f"{label} {v['f1']:.3f}" for label, v in sorted(scores["per_type"].items())
        )
        print(f"  {name:<32} F1 {scores['micro']['f1']:.4f}   {per_type}")


if __name__ == "__main__":
    main()
