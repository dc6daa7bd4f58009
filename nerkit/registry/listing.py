"""``python -m registry action=list``: every version with its aliases, figures, decision."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from nerkit.registry.store import (
    TAG_LAST_DECISION,
    TAG_SHA,
    TAG_STATE,
    TAG_TEST_FP,
    aliases_of,
    connect,
    quote,
    recorded_figures,
)


def list_versions(
    tracking_uri: str, model_name: str, *, connect_attempts: int | None = None
) -> list[dict[str, Any]]:
    """Every version, newest first: aliases, status, state, figures, last decision
    (``connect_attempts`` None: the shipped value, :func:`nerkit.registry.store.connect`)."""
    client = connect(tracking_uri, connect_attempts)
    by_version: dict[str, list[str]] = {}
    for alias, version in aliases_of(client, model_name).items():
        by_version.setdefault(version, []).append(alias)
    versions = client.search_model_versions(f"name = '{quote(model_name)}'")
    rows = []
    for mv in sorted(versions, key=lambda m: int(m.version), reverse=True):
        tags = mv.tags or {}
        fingerprint = tags.get(TAG_TEST_FP, "")
        figures = recorded_figures(mv, fingerprint) if fingerprint else None
        last = {}
        with contextlib.suppress(ValueError, TypeError):
            last = json.loads(tags.get(TAG_LAST_DECISION, "{}"))
        rows.append(
            {
                "version": int(mv.version),
                "aliases": sorted(by_version.get(str(mv.version), [])),
                "status": str(mv.status),
                "state": tags.get(TAG_STATE, ""),
                "f1": figures.f1 if figures else None,
                "per_type": figures.per_type if figures else {},
                "test_fingerprint": fingerprint,
                "created": dt.datetime.fromtimestamp(mv.creation_timestamp / 1000, dt.UTC)
                .isoformat(timespec="seconds")
                .replace("+00:00", "Z"),
                "last_decision": f"{last.get('action', '')} {last.get('outcome', '')}".strip(),
                "sha256": tags.get(TAG_SHA, ""),
            }
        )
    return rows


def format_versions(model_name: str, rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return f"no versions of {model_name!r} are registered"
    header = (
        f"{'version':>7}  {'aliases':<22} {'status':<8} {'state':<11} {'F1':>7}  "
        f"{'test data':<12} {'created':<20}  last decision"
    )
    lines = [f"{model_name}", header]
    for r in rows:
        f1 = f"{r['f1']:.4f}" if r["f1"] is not None else "-"
        state = r["state"] if len(r["state"]) <= 11 else r["state"][:10] + "…"
        lines.append(
            f"{r['version']:>7}  {','.join(r['aliases']) or '-':<22} {r['status']:<8} "
            f"{state:<11} {f1:>7}  {r['test_fingerprint'][:12] or '-':<12} "
            f"{r['created']:<20}  {r['last_decision'] or '-'}"
        )
    return "\n".join(lines)
