"""The promotion gate, as plain functions: figures, comparison, the printed table.

A version's figures are the micro F1 and per-type F1 of one test set, identified by its
data fingerprint (:func:`nerkit.documents.data_fingerprint`). The registry measures them
itself (:mod:`nerkit.registry.promote`: both versions re-scored through the output path on the
same documents); the figures a bundle claims are shown beside them, never used. The
challenger may replace the champion only when both were scored on the same fingerprint and

* the lower bound of the paired-bootstrap interval of the micro F1 difference
  (:func:`nerkit.scoring.paired_bootstrap`) is above ``min_delta``: the challenger is
  better by more than noise (without an interval: the difference itself >= ``min_delta``);
* no entity type of the champion loses more than ``max_type_drop`` F1 (a type the
  challenger does not report counts as F1 0).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# Float noise in recorded figures must not refuse an equal challenger at min_delta=0.
TOLERANCE = 1e-9


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class Figures:
    """Micro F1 and per-type F1 of one model on one test set."""

    fingerprint: str
    f1: float
    per_type: dict[str, float] = field(default_factory=dict)
    source: str = "bundle"  # bundle: recorded at training; rescored: by the registry
    when: str = field(default_factory=now_iso)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Figures:
        data = json.loads(text)
        return cls(
            fingerprint=str(data["fingerprint"]),
            f1=float(data["f1"]),
            per_type={str(k): float(v) for k, v in (data.get("per_type") or {}).items()},
            source=str(data.get("source", "bundle")),
            when=str(data.get("when", "")),
        )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def figures_from_flat(
    figures: Mapping[str, Any], fingerprint: str, source: str = "bundle", prefix: str = ""
) -> Figures | None:
    """From ``summary_metrics`` output (``f1``, ``f1_<TYPE>``, optionally prefixed)."""
    flat = {
        k[len(prefix) :] if prefix and k.startswith(prefix) else k: v for k, v in figures.items()
    }
    f1 = _number(flat.get("f1"))
    if f1 is None:
        return None
    per_type = {
        k[len("f1_") :]: n
        for k, v in flat.items()
        if k.startswith("f1_") and (n := _number(v)) is not None
    }
    return Figures(fingerprint, f1, per_type, source)


def figures_from_evaluation(
    evaluation: Mapping[str, Any] | None, default_fingerprint: str = ""
) -> Figures | None:
    """The test figures a bundle's ``nerkit.json`` records, or None when it has none.

    Train writes ``{"test": {"test_f1": ..., "test_f1_ORG": ...}, "fingerprint": ...}``;
    unprefixed keys (``f1``, ``f1_ORG``) and a flat mapping are read too.
    """
    if not evaluation:
        return None
    fingerprint = str(evaluation.get("fingerprint") or default_fingerprint or "")
    test = evaluation.get("test")
    flat = test if isinstance(test, Mapping) else evaluation
    found = figures_from_flat(flat, fingerprint, prefix="test_")
    if found is None or not fingerprint:
        return None
    return found


def flat_tags(evaluation: Mapping[str, Any] | None) -> dict[str, str]:
    """Every numeric figure of a bundle's evaluation, as ``eval.<name>`` tags."""
    out: dict[str, str] = {}
    if not evaluation:
        return out
    test = evaluation.get("test")
    flat = test if isinstance(test, Mapping) else evaluation
    for key, value in flat.items():
        number = _number(value)
        if number is not None:
            out[f"eval.{key}"] = repr(number)
    return out


@dataclass
class Row:
    name: str
    champion: float | None
    challenger: float | None
    delta: float | None
    limit: str
    ok: bool


@dataclass
class Comparison:
    """The gate's verdict with every figure it looked at."""

    fingerprint: str
    champion_version: str
    challenger_version: str
    champion: Figures
    challenger: Figures
    min_delta: float
    max_type_drop: float
    rows: list[Row]
    reasons: list[str]
    interval: Any = None  # nerkit.scoring.Interval, when measured
    claimed: dict[str, float | None] = field(default_factory=dict)  # role -> bundle's F1

    @property
    def passed(self) -> bool:
        return not self.reasons

    def to_dict(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "champion_version": self.champion_version,
            "challenger_version": self.challenger_version,
            "champion": asdict(self.champion),
            "challenger": asdict(self.challenger),
            "min_delta": self.min_delta,
            "max_type_drop": self.max_type_drop,
            "passed": self.passed,
            "reasons": self.reasons,
            "interval": self.interval.to_dict() if self.interval is not None else None,
            "claimed_by_bundles": self.claimed,
        }


def compare(
    champion: Figures,
    challenger: Figures,
    min_delta: float,
    max_type_drop: float,
    champion_version: str = "?",
    challenger_version: str = "?",
    interval: Any = None,
    claimed: dict[str, float | None] | None = None,
) -> Comparison:
    """Apply the gate to two sets of figures on the same test data.

    ``interval`` (a :class:`nerkit.scoring.Interval`) makes the micro F1 rule a noise
    test: its lower bound must be above ``min_delta``. ``claimed`` is shown, not used.
    ``min_delta`` and ``max_type_drop`` have no defaults: conf/registry/default.yaml is
    their home (:func:`gate_settings`).
    """
    if champion.fingerprint != challenger.fingerprint:
        raise ValueError(
            f"figures on different test data cannot be compared: champion "
            f"{champion.fingerprint[:12]} vs challenger {challenger.fingerprint[:12]}"
        )
    f1_row, f1_refusal = micro_f1_rule(champion, challenger, min_delta, interval)
    type_rows, type_refusals = per_type_rules(champion, challenger, max_type_drop)
    return Comparison(
        fingerprint=champion.fingerprint,
        champion_version=str(champion_version),
        challenger_version=str(challenger_version),
        champion=champion,
        challenger=challenger,
        min_delta=float(min_delta),
        max_type_drop=float(max_type_drop),
        rows=[f1_row, *type_rows],
        reasons=([f1_refusal] if f1_refusal else []) + type_refusals,
        interval=interval,
        claimed=dict(claimed or {}),
    )


def micro_f1_rule(
    champion: Figures, challenger: Figures, min_delta: float, interval: Any
) -> tuple[Row, str | None]:
    """The micro F1 row, and why it refuses (None when it passes): without an interval the
    difference must reach ``min_delta``, with one its lower bound must be above it."""
    delta = challenger.f1 - champion.f1
    if interval is None:
        ok = delta + TOLERANCE >= min_delta
        limit = f"delta >= {min_delta:+.3f}"
        why = (
            f"micro F1 {challenger.f1:.4f} is below the champion's {champion.f1:.4f} "
            f"+ min_delta {min_delta:.4f}"
        )
    else:
        ok = interval.low > min_delta + TOLERANCE
        limit = f"low > {min_delta:+.3f}"
        why = (
            f"micro F1 {challenger.f1:.4f} vs the champion's {champion.f1:.4f} is not better "
            f"by more than noise: {interval}; its lower bound {interval.low:+.4f} is not above "
            f"min_delta {min_delta:+.4f}"
        )
    return Row("micro F1", champion.f1, challenger.f1, delta, limit, ok), None if ok else why


def per_type_rules(
    champion: Figures, challenger: Figures, max_type_drop: float
) -> tuple[list[Row], list[str]]:
    """A row per entity type, and a refusal for each champion type that drops more than
    ``max_type_drop`` (a type the challenger does not report counts as F1 0)."""
    rows: list[Row] = []
    refusals: list[str] = []
    for label in sorted(set(champion.per_type) | set(challenger.per_type)):
        before = champion.per_type.get(label)
        after = challenger.per_type.get(label)
        if before is None:
            rows.append(Row(label, None, after, None, "new type", True))
            continue
        after_value = 0.0 if after is None else after
        change = after_value - before
        ok = -change <= max_type_drop + TOLERANCE
        rows.append(Row(label, before, after, change, f"drop <= {max_type_drop:.3f}", ok))
        if not ok:
            refusals.append(
                f"{label} F1 drops {-change:.4f} ({before:.4f} -> {after_value:.4f}), "
                f"more than max_type_drop {max_type_drop:.4f}"
            )
    return rows, refusals


def _cell(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+.4f}" if signed else f"{value:.4f}"


def format_comparison(comparison: Comparison) -> str:
    """The comparison as a table, with the verdict and its reasons."""
    c = comparison
    header = (
        f"{'':<14} {'champion v' + c.champion_version:>14} "
        f"{'challenger v' + c.challenger_version:>15} {'delta':>9}  {'rule':<18} ok"
    )
    lines = [
        f"test data {c.fingerprint[:16]} (champion figures: {c.champion.source}, "
        f"challenger figures: {c.challenger.source})",
        header,
    ]
    for row in c.rows:
        lines.append(
            f"{row.name:<14} {_cell(row.champion):>14} {_cell(row.challenger):>15} "
            f"{_cell(row.delta, signed=True):>9}  {row.limit:<18} {'yes' if row.ok else 'NO'}"
        )
    if c.claimed:
        lines.append(
            f"{'bundle claims':<14} {_cell(c.claimed.get('champion')):>14} "
            f"{_cell(c.claimed.get('challenger')):>15} {'':>9}  (shown, not used)"
        )
    if c.interval is not None:
        lines.append(f"noise: {c.interval}")
    if c.passed:
        lines.append(f"verdict: PROMOTE v{c.challenger_version}")
    else:
        lines.append(f"verdict: REFUSED v{c.challenger_version}")
        lines.extend(f"  - {reason}" for reason in c.reasons)
    return "\n".join(lines)


def gate_keywords(registry: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`promote`'s gate keywords from the registry settings (conf/registry)."""
    return {
        "min_delta": registry["min_delta"],
        "max_type_drop": registry["max_type_drop"],
        "resamples": registry["bootstrap_resamples"],
        "seed": registry["bootstrap_seed"],
    }


def gate_settings(**overrides: Any) -> dict[str, Any]:
    """The gate's keywords for :func:`promote` as conf/registry/default.yaml ships them,
    for callers without Hydra (a notebook, a test); ``overrides`` replace some."""
    from nerkit.settings import shipped_config

    return {**gate_keywords(shipped_config("registry/default.yaml")), **overrides}
