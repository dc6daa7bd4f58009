"""Model quality on real contracts: train recipes, score the test split as served, compare.

    python -m bench.quality --recipe "today=trainer.epochs=3 trainer.early_stopping_patience=2" \\
        --recipe "default=" --recipe "crf=model/head=crf" --out outputs/quality

Each recipe is a name and the ``python -m train`` overrides it adds to ``data=sec_fin``
(an empty list: the defaults). Each is trained in a process of its own (so one recipe's
threads, caches and seeds do not touch the next), then its bundle reads the test split
through the output path users get (``nerkit.output``). The table gives test micro F1,
ORG F1 and training time, each recipe against the first one with a paired-bootstrap 95%
interval of the F1 difference. The SEC test split has three agreements, too few to
resample, so the bootstrap resamples their sentences (one a line), pairing the two
recipes' entities on the same sentences. A recipe already trained (its bundle and
``figures.json`` in ``--out``) is not trained again; ``--retrain`` forces it.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from nerkit.documents import Document, Span

REPO = Path(__file__).resolve().parents[1]


def parse_recipe(text: str) -> tuple[str, list[str]]:
    name, sep, overrides = text.partition("=")
    if not sep or not name.strip():
        raise SystemExit(f"--recipe {text!r}: write NAME=OVERRIDES (overrides may be empty)")
    return name.strip(), shlex.split(overrides)


def train_recipe(name: str, overrides: list[str], data: str, out: Path) -> dict[str, Any]:
    """Run ``python -m train`` for one recipe; its figures (and wall time) as JSON."""
    folder = out / name
    command = [
        sys.executable,
        "-m",
        "train",
        f"data={data}",
        f"run_name=quality-{name}",
        f"output_dir={folder}",
        "register=false",
        f"tracking.uri=sqlite:///{out / 'mlflow.db'}",
        *overrides,
    ]
    print("+", shlex.join(command[1:]), flush=True)
    started = time.perf_counter()
    log = folder / "train.log"
    folder.mkdir(parents=True, exist_ok=True)
    with log.open("w") as handle:
        code = subprocess.call(command, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT)
    if code != 0:
        raise SystemExit(f"recipe {name} failed (exit {code}); see {log}")
    figures = {"wall_seconds": time.perf_counter() - started, "overrides": overrides}
    figures.update(_dev_history(folder))
    (folder / "figures.json").write_text(json.dumps(figures, indent=2))
    return figures


def _dev_history(folder: Path) -> dict[str, Any]:
    """Epochs run and the best dev F1, from the Trainer's state in the last checkpoint."""
    states = sorted(
        (folder / "checkpoints").glob("checkpoint-*/trainer_state.json"),
        key=lambda p: int(p.parent.name.split("-")[1]),
    )
    if not states:
        return {}
    state = json.loads(states[-1].read_text())
    dev = [e["eval_f1"] for e in state["log_history"] if "eval_f1" in e]
    return {
        "epochs": state.get("epoch"),
        "steps": state.get("global_step"),
        "best_dev_f1": max(dev) if dev else None,
    }


def served_spans(bundle: Path, docs: list[Document]) -> list[list[Span]]:
    from nerkit.output import OutputPath

    outputs = OutputPath.from_bundle(bundle, device="cpu").predict([d.text for d in docs])
    return [[e.as_span() for e in o.entities] for o in outputs]


def sentences(docs: list[Document], predicted: list[list[Span]]) -> tuple[list, list]:
    """Each document cut at its line breaks: gold and predicted spans of every sentence."""
    units: list[Document] = []
    unit_spans: list[list[Span]] = []
    for doc, spans in zip(docs, predicted, strict=True):
        start = 0
        for line in doc.text.split("\n"):
            end = start + len(line)

            def inside(found: list[Span], a: int = start, b: int = end) -> list[Span]:
                return [Span(s.start - a, s.end - a, s.label) for s in found if a <= s.start < b]

            units.append(Document(f"{doc.id}:{start}", line, inside(list(doc.spans))))
            unit_spans.append(
                [Span(s.start, min(s.end, len(line)), s.label) for s in inside(spans)]
            )
            start = end + 1
    return units, unit_spans


def only(units: list[Document], label: str) -> list[Document]:
    return [Document(u.id, u.text, [s for s in u.spans if s.label == label]) for u in units]


def only_spans(spans: list[list[Span]], label: str) -> list[list[Span]]:
    return [[s for s in unit if s.label == label] for unit in spans]


def table(out: Path, names: list[str], data: str) -> str:
    from nerkit.data import load_data
    from nerkit.metrics import score_documents
    from nerkit.scoring import paired_bootstrap

    cfg = _data_config(data)
    test = load_data(cfg)["test"]
    spans = {n: served_spans(out / n / "bundle", test) for n in names}
    base_units, base_spans = sentences(test, spans[names[0]])
    rows = [
        "| recipe | overrides | test F1 | Δ F1 vs first [95% CI] | ORG F1 | Δ ORG F1 [95% CI] "
        "| PER | LOC | MISC | epochs | best dev F1 | training time |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        figures = json.loads((out / name / "figures.json").read_text())
        scores = score_documents(test, spans[name])
        by_type = scores["seqeval"]
        units, unit_spans = sentences(test, spans[name])
        interval = paired_bootstrap(units, base_spans, unit_spans)
        org = paired_bootstrap(
            only(units, "ORG"), only_spans(base_spans, "ORG"), only_spans(unit_spans, "ORG")
        )
        assert [u.id for u in units] == [u.id for u in base_units]
        f1 = by_type["micro"]["f1"]

        def typed(label: str, found: dict = by_type["per_type"]) -> str:
            return f"{found.get(label, {}).get('f1', 0.0):.3f}"

        epochs = figures.get("epochs")
        dev = figures.get("best_dev_f1")
        rows.append(
            f"| {name} | `{' '.join(figures['overrides']) or '(none)'}` | {f1:.3f} | "
            f"{interval.delta:+.3f} [{interval.low:+.3f}, {interval.high:+.3f}] | "
            f"{typed('ORG')} | {org.delta:+.3f} [{org.low:+.3f}, {org.high:+.3f}] | "
            f"{typed('PER')} | {typed('LOC')} | {typed('MISC')} | "
            f"{epochs if epochs is None else f'{epochs:.0f}'} | "
            f"{dev if dev is None else f'{dev:.3f}'} | "
            f"{figures['wall_seconds'] / 60:.1f} min |"
        )
    return "\n".join(rows)


def _data_config(data: str) -> Any:
    from hydra import compose, initialize_config_dir

    import train.__main__  # noqa: F401  (registers the schema)

    with initialize_config_dir(config_dir=str(REPO / "conf"), version_base="1.3"):
        return compose("train", overrides=[f"data={data}"]).data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipe", action="append", required=True, help="NAME=OVERRIDES")
    parser.add_argument("--data", default="sec_fin")
    parser.add_argument("--out", type=Path, default=Path("outputs/quality"))
    parser.add_argument("--retrain", action="store_true")
    parser.add_argument("--table-only", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    recipes = [parse_recipe(r) for r in args.recipe]
    args.out.mkdir(parents=True, exist_ok=True)
    for name, overrides in recipes:
        done = (args.out / name / "figures.json").is_file()
        if args.table_only or (done and not args.retrain):
            continue
        train_recipe(name, overrides, args.data, args.out.resolve())
    text = table(args.out, [n for n, _ in recipes], args.data)
    print(text)
    (args.out / "table.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
