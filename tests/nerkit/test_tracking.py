"""What nerkit's MLflow adapter says, and what it keeps from saying."""

from __future__ import annotations

import logging
import warnings

import pandas as pd


def _integer_hints(quiet: bool) -> list[str]:
    from mlflow.models import infer_signature

    from nerkit import tracking

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if quiet:
            tracking.quiet_mlflow()
        infer_signature(pd.DataFrame({"entities": [1, 2]}))
    return [str(w.message) for w in caught if "integer column" in str(w.message)]


def test_mlflows_integer_column_hint_is_silenced():
    assert _integer_hints(quiet=False), "MLflow no longer warns: drop the filter"
    assert not _integer_hints(quiet=True)


def test_the_pickle_warning_is_dropped_and_other_pyfunc_warnings_kept(caplog):
    from nerkit import tracking

    tracking.quiet_mlflow()
    tracking.quiet_mlflow()  # idempotent: one filter however often a run starts
    log = logging.getLogger("mlflow.pyfunc")
    assert sum(isinstance(f, tracking._DropPickleWarning) for f in log.filters) == 1
    with caplog.at_level(logging.WARNING, logger="mlflow.pyfunc"):
        log.warning("Passing a Python object as `python_model` causes it to be serialized")
        log.warning("something else went wrong")
    assert [r.getMessage() for r in caplog.records] == ["something else went wrong"]
