"""Writing an evaluation report: report.json and PNG plots (evaluate and train write it)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any


def _pyplot() -> Any:
    """matplotlib's pyplot on the file-only Agg backend, without its INFO chatter."""
    import matplotlib

    # The first import builds a font cache and says so at INFO, once per machine.
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_type_f1(report: dict[str, Any], path: Path) -> Path:
    """Per-type F1 bars: windowed vs truncated (and the HF pipeline when present)."""
    plt = _pyplot()
    import numpy as np

    readings = [r for r in ("windowed", "truncated", "pipeline") if r in report]
    labels = sorted(report["windowed"]["seqeval"]["per_type"])
    x = np.arange(len(labels))
    width = 0.8 / max(len(readings), 1)
    fig, ax = plt.subplots(figsize=(max(6, 1.4 * len(labels)), 4))
    for i, reading in enumerate(readings):
        per_type = report[reading]["seqeval"]["per_type"]
        values = [per_type.get(label, {}).get("f1", 0.0) for label in labels]
        ax.bar(x + i * width, values, width, label=reading)
    ax.set_xticks(x + width * (len(readings) - 1) / 2, labels)
    ax.set_ylim(0, 1)
    ax.set_ylabel("entity F1 (seqeval, strict IOB2)")
    ax.set_title("Per-type F1: whole-document windows vs truncated reading")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_confusion(report: dict[str, Any], path: Path) -> Path:
    """Confusion matrix of entity types over overlapping gold/predicted entities."""
    plt = _pyplot()
    import numpy as np

    conf = report["confusion"]
    matrix = np.asarray(conf["matrix"], dtype=float)
    fig, ax = plt.subplots(figsize=(1.1 * len(conf["predicted"]) + 2, 0.8 * len(conf["gold"]) + 2))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(conf["predicted"])), conf["predicted"], rotation=45, ha="right")
    ax.set_yticks(range(len(conf["gold"])), conf["gold"])
    ax.set_xlabel("predicted type")
    ax.set_ylabel("gold type")
    for (i, j), value in np.ndenumerate(matrix):
        ax.text(j, i, f"{int(value)}", ha="center", va="center", fontsize=8)
    ax.set_title("Entity type confusion (windowed reading)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(report: dict[str, Any], out_dir: str | Path) -> list[Path]:
    """report.json and the two plots in ``out_dir``; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "report.json"
    json_path.write_text(json.dumps(report, indent=2, default=str))
    return [
        json_path,
        plot_type_f1(report, out / "f1_by_type.png"),
        plot_confusion(report, out / "type_confusion.png"),
    ]
