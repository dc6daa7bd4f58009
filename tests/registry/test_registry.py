"""The registry against a real MLflow SQLite store: register, gate, roll back, pyfunc, races."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from registry.core import (
    CHALLENGER,
    CHAMPION,
    PREVIOUS,
    TAG_LAST_DECISION,
    TAG_SHA,
    TAG_STATE,
    ChecksumMismatch,
    PromotionRefused,
    RegistryError,
    RegistryUnreachable,
    aliases_of,
    connect,
    figures_tag,
    format_versions,
    list_versions,
    promote,
    register_bundle,
    rollback,
)
from registry.gate import Figures, compare, figures_from_evaluation, format_comparison

REPO = Path(__file__).resolve().parents[2]
MODEL_NAME = "contract-ner"
TEST_FINGERPRINT = "f" * 64  # make_bundle's default test fingerprint (conftest.py)
GOOD_TYPES = {"DATE": 0.9, "MONEY": 0.8, "ORG": 0.7, "PERSON": 0.8, "JURISDICTION": 0.9}


def _register(store, bundle, **kw) -> int:
    return register_bundle(
        bundle,
        store.uri,
        MODEL_NAME,
        experiment=store.experiment,
        artifact_location=store.artifacts,
        **kw,
    )


def _compose(store, *overrides: str):
    from hydra import compose, initialize_config_dir

    import registry.__main__  # noqa: F401  (registers the schema)

    with initialize_config_dir(config_dir=str(REPO / "conf"), version_base="1.3"):
        return compose(
            config_name="registry",
            overrides=[
                f"tracking.uri='{store.uri}'",
                f"tracking.artifact_location='{store.artifacts}'",
                f"tracking.experiment={store.experiment}",
                *overrides,
            ],
        )


def _version(store, version: int):
    return connect(store.uri).get_model_version(MODEL_NAME, str(version))


# --- the gate, alone ----------------------------------------------------------------


def test_gate_rules():
    champ = Figures("fp", 0.80, {"ORG": 0.70, "DATE": 0.90})
    assert compare(champ, Figures("fp", 0.80, {"ORG": 0.70, "DATE": 0.90})).passed
    assert compare(champ, Figures("fp", 0.81, {"ORG": 0.69, "DATE": 0.95, "NEW": 0.1})).passed
    worse = compare(champ, Figures("fp", 0.79, {"ORG": 0.70, "DATE": 0.90}))
    assert not worse.passed and "micro F1" in worse.reasons[0]
    assert not compare(
        champ, Figures("fp", 0.80, {"ORG": 0.70, "DATE": 0.90}), min_delta=0.01
    ).passed
    drop = compare(champ, Figures("fp", 0.90, {"ORG": 0.60, "DATE": 0.99}), max_type_drop=0.05)
    assert not drop.passed and drop.reasons == [drop.reasons[0]] and "ORG" in drop.reasons[0]
    lost = compare(champ, Figures("fp", 0.90, {"DATE": 0.99}))  # a type gone counts as F1 0
    assert not lost.passed and "ORG" in lost.reasons[0]
    table = format_comparison(drop)
    assert "REFUSED" in table and "ORG" in table and "NO" in table
    with pytest.raises(ValueError, match="different test data"):
        compare(champ, Figures("other", 0.9))


def test_figures_from_evaluation_formats():
    train_style = {"test": {"test_f1": 0.5, "test_f1_ORG": 0.4, "test_macro_f1": 0.3}}
    found = figures_from_evaluation(train_style | {"fingerprint": "abc"})
    assert found is not None and found.f1 == 0.5 and found.per_type == {"ORG": 0.4}
    flat = figures_from_evaluation({"f1": 0.7, "f1_DATE": 0.6}, "xyz")
    assert flat is not None and flat.per_type == {"DATE": 0.6} and flat.fingerprint == "xyz"
    assert figures_from_evaluation({}, "abc") is None
    assert figures_from_evaluation({"test": {"test_f1": 0.5}}) is None  # no fingerprint


# --- the whole life cycle -----------------------------------------------------------


def test_register_promote_refuse_promote_rollback(store, make_bundle, capsys):
    from registry.__main__ import EXIT_REFUSED, cli

    v1 = _register(store, make_bundle(0.80, GOOD_TYPES))
    client = connect(store.uri)
    assert aliases_of(client, MODEL_NAME) == {CHALLENGER: str(v1)}
    mv1 = _version(store, v1)
    assert mv1.status == "READY" and mv1.tags[TAG_STATE] == "verified"
    assert len(mv1.tags[TAG_SHA]) == 64 and mv1.tags["eval.test_f1"] == "0.8"
    assert json.loads(mv1.tags[figures_tag(TEST_FINGERPRINT)])["f1"] == 0.8

    # No champion yet: the first challenger becomes champion.
    first = promote(store.uri, MODEL_NAME)
    assert first.champion == str(v1)
    assert aliases_of(client, MODEL_NAME) == {CHAMPION: str(v1)}

    # A worse challenger (micro F1 down, ORG down) is refused through the CLI: exit 2.
    worse = dict(GOOD_TYPES, ORG=0.5)
    v2 = _register(store, make_bundle(0.75, worse))
    before = aliases_of(client, MODEL_NAME)
    assert before == {CHAMPION: str(v1), CHALLENGER: str(v2)}
    capsys.readouterr()
    assert cli(_compose(store, "action=promote")) == EXIT_REFUSED
    out = capsys.readouterr()
    assert "REFUSED" in out.out and "micro F1" in out.out and "ORG" in out.out
    assert "refused" in out.err
    assert aliases_of(client, MODEL_NAME) == before
    refused = json.loads(_version(store, v2).tags[TAG_LAST_DECISION])
    assert refused["outcome"] == "refused" and refused["champion"] == str(v1)
    assert "ORG" in refused["why"] and refused["comparison"]["challenger"]["f1"] == 0.75
    assert json.loads(_version(store, v1).tags[TAG_LAST_DECISION])["outcome"] == "refused"
    with pytest.raises(PromotionRefused) as refusal:
        promote(store.uri, MODEL_NAME, max_type_drop=0.5)  # F1 alone still fails
    assert refusal.value.comparison.reasons[0].startswith("micro F1")
    assert aliases_of(client, MODEL_NAME) == before

    # A better one is promoted; the old champion becomes previous.
    v3 = _register(store, make_bundle(0.85, GOOD_TYPES))
    assert cli(_compose(store, "action=promote")) == 0
    assert aliases_of(client, MODEL_NAME) == {CHAMPION: str(v3), PREVIOUS: str(v1)}
    promoted = json.loads(_version(store, v3).tags[TAG_LAST_DECISION])
    assert promoted["outcome"] == "promoted" and "v1" in promoted["compared"]

    # Rollback restores the old champion and clears previous; a second one is refused.
    assert cli(_compose(store, "action=rollback")) == 0
    assert aliases_of(client, MODEL_NAME) == {CHAMPION: str(v1)}
    assert json.loads(_version(store, v3).tags[TAG_LAST_DECISION])["action"] == "rollback"
    with pytest.raises(RegistryError, match="nothing to roll back"):
        rollback(store.uri, MODEL_NAME)

    rows = list_versions(store.uri, MODEL_NAME)
    assert [(r["version"], r["aliases"]) for r in rows] == [(3, []), (2, []), (1, [CHAMPION])]
    assert [r["f1"] for r in rows] == [0.85, 0.75, 0.80]
    capsys.readouterr()
    assert cli(_compose(store, "action=list")) == 0
    table = capsys.readouterr().out
    assert "champion" in table and "0.8500" in table
    assert format_versions(MODEL_NAME, rows).count("\n") == 4


def test_refused_promotion_exits_non_zero_from_the_command_line(store, make_bundle):
    """The real ``python -m registry`` process: exit status 2 and the table on stdout."""
    _register(store, make_bundle(0.80, GOOD_TYPES))
    promote(store.uri, MODEL_NAME)
    _register(store, make_bundle(0.70, GOOD_TYPES))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "registry",
            "action=promote",
            f"tracking.uri='{store.uri}'",
            f"hydra.run.dir={Path(store.artifacts[len('file://') :]).parent}/hydra",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert "REFUSED" in result.stdout and "micro F1" in result.stdout


# --- re-scoring the champion on the challenger's test data ---------------------------


def _docs():
    from nerkit.documents import Document, Span

    text = (
        "This Agreement is made on 1 May 2024 between Acme Holdings, Inc. and Jane Doe "
        "for USD 5,000,000 under the laws of the State of New York. " * 3
    )
    spans = []
    for k in range(3):
        base = k * (len(text) // 3)
        for piece, label in [
            ("1 May 2024", "DATE"),
            ("Acme Holdings, Inc.", "ORG"),
            ("Jane Doe", "PERSON"),
            ("USD 5,000,000", "MONEY"),
            ("New York", "JURISDICTION"),
        ]:
            start = text.index(piece, base)
            spans.append(Span(start, start + len(piece), label))
    return [Document("doc-1", text, spans)]


def test_champion_without_figures_is_rescored_on_the_challengers_data(store, make_bundle):
    from nerkit.data import load_eval_documents
    from nerkit.documents import data_fingerprint
    from registry.__main__ import EXIT_ERROR, cli

    docs = _docs()
    fingerprint = data_fingerprint(docs)
    v1 = _register(store, make_bundle(0.9, GOOD_TYPES, fingerprint="a" * 64))
    promote(store.uri, MODEL_NAME)
    v2 = _register(store, make_bundle(0.95, {}, fingerprint=fingerprint))

    with pytest.raises(RegistryError, match="data="):
        promote(store.uri, MODEL_NAME)  # no figures for the champion, no data to score it

    decision = promote(store.uri, MODEL_NAME, docs=docs, device="cpu")
    assert decision.champion == str(v2) and decision.previous == str(v1)
    assert decision.comparison is not None and decision.comparison.champion.source == "rescored"
    rescored = Figures.from_json(_version(store, v1).tags[figures_tag(fingerprint)])
    assert rescored.source == "rescored" and 0.0 <= rescored.f1 < 0.95

    # A challenger with no figures at all: the CLI needs the data config, then scores both.
    v3 = _register(store, make_bundle(None))
    assert cli(_compose(store, "action=promote")) == EXIT_ERROR
    data = ["data=builtin", "data.n_docs=8", "device=cpu"]
    assert cli(_compose(store, "action=promote", *data)) == 0  # same weights: equal F1 passes
    assert aliases_of(connect(store.uri), MODEL_NAME) == {CHAMPION: str(v3), PREVIOUS: str(v2)}
    builtin = data_fingerprint(load_eval_documents(_compose(store, *data).data, "test"))
    for version in (v2, v3):
        figures = Figures.from_json(_version(store, version).tags[figures_tag(builtin)])
        assert figures.source == "rescored"


# --- reliability ----------------------------------------------------------------------


def test_alias_never_moves_to_a_version_whose_bundle_changed(store, make_bundle):
    from nerkit.bundle import META_FILE

    v1 = _register(store, make_bundle(0.8, GOOD_TYPES))
    client = connect(store.uri)
    location = client.get_model_version_download_uri(MODEL_NAME, str(v1))
    stored = Path(urlparse(location).path if "://" in location else location)
    meta_file = next(stored.rglob(META_FILE))
    meta_file.write_text(meta_file.read_text().replace("tiny-bert", "tampered"))
    with pytest.raises(ChecksumMismatch, match="hashes to"):
        promote(store.uri, MODEL_NAME)
    assert aliases_of(client, MODEL_NAME) == {CHALLENGER: str(v1)}
    decision = json.loads(_version(store, v1).tags[TAG_LAST_DECISION])
    assert decision["outcome"] == "refused" and "verification failed" in decision["why"]


def test_concurrent_registrations(store, make_bundle):
    bundles = [make_bundle(0.8, GOOD_TYPES), make_bundle(0.81, GOOD_TYPES)]
    results: list[object] = [None, None]
    barrier = threading.Barrier(2)

    def work(i: int) -> None:
        barrier.wait()
        try:
            results[i] = _register(store, bundles[i])
        except Exception as err:  # a clean, retryable RegistryError is allowed (checked below)
            results[i] = err

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    versions = [r for r in results if isinstance(r, int)]
    assert versions, results
    assert len(set(versions)) == len(versions)
    for r in results:
        assert isinstance(r, int | RegistryError), r
    client = connect(store.uri)
    aliases = aliases_of(client, MODEL_NAME)
    assert set(aliases) == {CHALLENGER}
    holder = client.get_model_version(MODEL_NAME, aliases[CHALLENGER])
    assert int(holder.version) == max(versions)
    for mv in client.search_model_versions(f"name = '{MODEL_NAME}'"):
        assert mv.status == "READY"
        if str(mv.version) in aliases.values():
            assert mv.tags[TAG_STATE] == "verified"


CHILD = """
import json, sys, time
from pathlib import Path
import mlflow.pyfunc, nerkit.predictor, registry.pyfunc  # heavy imports before the start line
from registry.core import RegistryError, register_bundle
root, i, uri, artifacts = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
(root / f"ready-{i}").touch()
while not (root / "go").exists():
    time.sleep(0.01)
try:
    out = {"version": register_bundle(sys.argv[5], uri, "contract-ner", experiment="nerkit-tests",
                                      artifact_location=artifacts)}
except RegistryError as err:
    out = {"error": str(err)}
print(json.dumps(out))
"""


@pytest.mark.slow
def test_concurrent_registrations_from_two_processes_on_a_new_store(store, make_bundle, tmp_path):
    """Separate processes on a SQLite file nobody has opened yet (schema creation races too)."""
    bundles = [make_bundle(0.8, GOOD_TYPES), make_bundle(0.81, GOOD_TYPES)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(tmp_path), str(i), store.uri, store.artifacts]
            + [str(bundles[i])],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    deadline = time.monotonic() + 120
    while not all((tmp_path / f"ready-{i}").exists() for i in range(2)):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.05)
    (tmp_path / "go").touch()
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    versions = [o["version"] for o in outcomes if "version" in o]
    assert versions, outcomes
    assert len(set(versions)) == len(versions)
    client = connect(store.uri)
    holder = client.get_model_version_by_alias(MODEL_NAME, CHALLENGER)
    assert int(holder.version) == max(versions) and holder.tags[TAG_STATE] == "verified"


def test_unreachable_registry_fails_fast_naming_the_uri(make_bundle):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    uri = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    with pytest.raises(RegistryUnreachable, match=uri):
        register_bundle(make_bundle(0.8), uri, MODEL_NAME, connect_attempts=2)
    with pytest.raises(RegistryUnreachable, match=uri):
        list_versions(uri, MODEL_NAME, connect_attempts=1)
    assert time.monotonic() - started < 60


# --- the pyfunc through plain MLflow --------------------------------------------------


def test_pyfunc_round_trip_gives_the_engines_entities(store, make_bundle):
    import mlflow
    import pandas as pd

    from nerkit import tracking
    from nerkit.predictor import Predictor

    bundle = make_bundle(0.8, GOOD_TYPES)
    # As train does it: inside its own run, which the model is logged into.
    with tracking.run(store.uri, store.experiment, "train", store.artifacts) as run_id:
        version = _register(store, bundle, run_id=run_id)
    assert _version(store, version).run_id == run_id
    promote(store.uri, MODEL_NAME)
    texts = [
        "Acme Holdings, Inc. pays Jane Doe USD 5,000 on 1 May 2024 in New York. " * 12,
        "Short one: Globex LLC.",
        "",
    ]
    engine = Predictor.from_bundle(bundle, device="cpu").predict(texts)
    expected = [
        [(e.label, e.start, e.end, e.text, round(float(e.score), 5)) for e in p.entities]
        for p in engine
    ]
    assert any(expected), "the tiny model should predict some entities"
    assert max(p.windows for p in engine) > 1, "the long text should span several windows"

    mlflow.set_tracking_uri(store.uri)
    model = mlflow.pyfunc.load_model(
        f"models:/{MODEL_NAME}@champion", model_config={"device": "cpu"}
    )
    out = model.predict(pd.DataFrame({"text": texts}))
    assert list(out.columns) == ["entities"] and len(out) == len(texts)
    got = [
        [(e["label"], e["start"], e["end"], e["text"], round(e["score"], 5)) for e in row]
        for row in out["entities"]
    ]
    assert got == expected
    for text, row in zip(texts, out["entities"], strict=True):
        assert all(text[e["start"] : e["end"]] == e["text"] for e in row)

    signature = model.metadata.signature
    assert signature.inputs.input_names() == ["text"]
    assert signature.outputs.input_names() == ["entities"]
    local = Path(mlflow.artifacts.download_artifacts(f"models:/{MODEL_NAME}@champion"))
    requirements = (local / "requirements.txt").read_text()
    assert "torch==" in requirements and "transformers==" in requirements
    assert "+" not in requirements  # no local version labels such as +cpu
    assert (local / "code" / "nerkit" / "predictor.py").is_file()
    assert (local / "input_example.json").is_file()
