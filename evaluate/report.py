"""The evaluation report (written by :mod:`nerkit.report`, shared with ``python -m train``)."""

from __future__ import annotations

from nerkit.report import plot_confusion, plot_type_f1, write_report

__all__ = ["plot_confusion", "plot_type_f1", "write_report"]
