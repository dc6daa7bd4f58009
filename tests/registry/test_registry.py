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

from nerkit.registry import (
    CHALLENGER,
    CHAMPION,
    PREVIOUS,
    TAG_LAST_DECISION,
    TAG_POSTPROCESS,
    TAG_SHA,
    TAG_STATE,
    TAG_TEST_FP,
    TAG_TRAIN_FP,
    ChecksumMismatch,
    PromotionRefused,
    RegistryError,
    RegistryUnreachable,
    aliases_of,
    connect,
    figures_tag,
    format_versions,
    gate_settings,
    list_versions,
    promote,
    register_bundle,
    rollback,
)
from nerkit.registry.gate import Figures, compare, figures_from_evaluation, format_comparison
from tests.registry.rules import LABELS, chain, gate_documents, pins

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
    """At the thresholds written here (compare() has no defaults of its own: the shipped
    ones are gate_settings()'s)."""

    def compare_at(champion, challenger, min_delta=0.0, max_type_drop=0.02):
        return compare(champion, challenger, min_delta=min_delta, max_type_drop=max_type_drop)

    champ = Figures("fp", 0.80, {"ORG": 0.70, "DATE": 0.90})
    assert compare_at(champ, Figures("fp", 0.80, {"ORG": 0.70, "DATE": 0.90})).passed
    assert compare_at(champ, Figures("fp", 0.81, {"ORG": 0.69, "DATE": 0.95, "NEW": 0.1})).passed
    worse = compare_at(champ, Figures("fp", 0.79, {"ORG": 0.70, "DATE": 0.90}))
    assert not worse.passed and "micro F1" in worse.reasons[0]
    assert not compare_at(
        champ, Figures("fp", 0.80, {"ORG": 0.70, "DATE": 0.90}), min_delta=0.01
    ).passed
    drop = compare_at(champ, Figures("fp", 0.90, {"ORG": 0.60, "DATE": 0.99}), max_type_drop=0.05)
    assert not drop.passed and drop.reasons == [drop.reasons[0]] and "ORG" in drop.reasons[0]
    lost = compare_at(champ, Figures("fp", 0.90, {"DATE": 0.99}))  # a type gone counts as F1 0
    assert not lost.passed and "ORG" in lost.reasons[0]
    table = format_comparison(drop)
    assert "REFUSED" in table and "ORG" in table and "NO" in table
    with pytest.raises(ValueError, match="different test data"):
        compare_at(champ, Figures("other", 0.9))


def test_figures_from_evaluation_formats():
    train_style = {"test": {"test_f1": 0.5, "test_f1_ORG": 0.4, "test_macro_f1": 0.3}}
    found = figures_from_evaluation(train_style | {"fingerprint": "abc"})
    assert found is not None and found.f1 == 0.5 and found.per_type == {"ORG": 0.4}
    flat = figures_from_evaluation({"f1": 0.7, "f1_DATE": 0.6}, "xyz")
    assert flat is not None and flat.per_type == {"DATE": 0.6} and flat.fingerprint == "xyz"
    assert figures_from_evaluation({}, "abc") is None
    assert figures_from_evaluation({"test": {"test_f1": 0.5}}) is None  # no fingerprint


# --- the whole life cycle -----------------------------------------------------------

# What each version really reads (its recorded chain; see tests/registry/rules.py).
NO_PERSON = chain(pins(tuple(label for label in LABELS if label != "PERSON")))
NO_ORG = chain(pins(("DATE", "MONEY", "JURISDICTION")))
EVERYTHING = chain(pins())


def _doc_file(tmp_path: Path) -> Path:
    """The gate documents as a doccano JSONL file (for data=files on the command line)."""
    path = tmp_path / "gate.jsonl"
    lines = [
        json.dumps(
            {"id": d.id, "text": d.text, "label": [[s.start, s.end, s.label] for s in d.spans]}
        )
        for d in gate_documents()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _data(path: Path) -> list[str]:
    return ["data=files", f"data.train={path}", f"data.test={path}", "device=cpu"]


def _f1_of(rules: list) -> float:
    """The micro F1 a version recording ``rules`` really has on the gate documents."""
    from nerkit.metrics import score_documents
    from nerkit.postprocess import build_chain

    docs = gate_documents()
    found = build_chain(rules)
    spans = [[e.as_span() for e in found(d.text, [])] for d in docs]
    return score_documents(docs, spans)["seqeval"]["micro"]["f1"]


def test_register_promote_refuse_promote_rollback(store, make_bundle, capsys, tmp_path):
    from registry.__main__ import EXIT_REFUSED, cli

    data = _data(_doc_file(tmp_path))
    v1 = _register(store, make_bundle(0.80, GOOD_TYPES, rules=NO_PERSON))
    client = connect(store.uri)
    assert aliases_of(client, MODEL_NAME) == {CHALLENGER: str(v1)}
    mv1 = _version(store, v1)
    assert mv1.status == "READY" and mv1.tags[TAG_STATE] == "verified"
    assert len(mv1.tags[TAG_SHA]) == 64 and mv1.tags["eval.test_f1"] == "0.8"
    assert json.loads(mv1.tags[figures_tag(TEST_FINGERPRINT)])["f1"] == 0.8
    assert mv1.tags[TAG_TEST_FP] == TEST_FINGERPRINT and mv1.tags[TAG_TRAIN_FP] == "e" * 64
    assert "nerkit.data_fingerprint" not in mv1.tags
    assert json.loads(mv1.tags[TAG_POSTPROCESS]) == NO_PERSON

    # No champion yet: the first challenger becomes champion.
    first = promote(store.uri, MODEL_NAME, **gate_settings())
    assert first.champion == str(v1)
    assert aliases_of(client, MODEL_NAME) == {CHAMPION: str(v1)}

    # A worse challenger (it finds no ORG, and no better F1) is refused through the CLI.
    worse = dict(GOOD_TYPES, ORG=0.5)
    v2 = _register(store, make_bundle(0.75, worse, rules=NO_ORG))
    before = aliases_of(client, MODEL_NAME)
    assert before == {CHAMPION: str(v1), CHALLENGER: str(v2)}
    capsys.readouterr()
    assert cli(_compose(store, "action=promote", *data)) == EXIT_REFUSED
    out = capsys.readouterr()
    assert "REFUSED" in out.out and "micro F1" in out.out and "ORG" in out.out
    assert "refused" in out.err
    assert aliases_of(client, MODEL_NAME) == before
    refused = json.loads(_version(store, v2).tags[TAG_LAST_DECISION])
    assert refused["outcome"] == "refused" and refused["champion"] == str(v1)
    assert "ORG" in refused["why"]
    assert refused["comparison"]["challenger"]["f1"] == pytest.approx(_f1_of(NO_ORG))
    assert refused["comparison"]["claimed_by_bundles"]["challenger"] == 0.75  # shown only
    assert json.loads(_version(store, v1).tags[TAG_LAST_DECISION])["outcome"] == "refused"
    with pytest.raises(PromotionRefused) as refusal:
        promote(store.uri, MODEL_NAME, **gate_settings(max_type_drop=1.0), docs=gate_documents())
    assert refusal.value.comparison.reasons[0].startswith("micro F1")
    assert aliases_of(client, MODEL_NAME) == before

    # A better one is promoted; the old champion becomes previous.
    v3 = _register(store, make_bundle(0.85, GOOD_TYPES, rules=EVERYTHING))
    assert cli(_compose(store, "action=promote", *data)) == 0
    assert aliases_of(client, MODEL_NAME) == {CHAMPION: str(v3), PREVIOUS: str(v1)}
    promoted = json.loads(_version(store, v3).tags[TAG_LAST_DECISION])
    assert promoted["outcome"] == "promoted" and "v1" in promoted["compared"]
    assert promoted["interval"]["low"] > 0.0

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


def test_refused_promotion_exits_non_zero_from_the_command_line(store, make_bundle, tmp_path):
    """The real ``python -m registry`` process: exit status 2 and the table on stdout."""
    _register(store, make_bundle(0.80, GOOD_TYPES, rules=NO_PERSON))
    promote(store.uri, MODEL_NAME, **gate_settings())
    _register(store, make_bundle(0.70, GOOD_TYPES, rules=NO_ORG))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "registry",
            "action=promote",
            f"tracking.uri='{store.uri}'",
            *_data(_doc_file(tmp_path)),
            f"hydra.run.dir={Path(store.artifacts[len('file://') :]).parent}/hydra",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert "REFUSED" in result.stdout and "micro F1" in result.stdout


# --- the gate measures for itself -----------------------------------------------------


def test_the_gate_trusts_no_claim_and_refuses_noise(store, make_bundle, tmp_path):
    from nerkit.documents import data_fingerprint
    from nerkit.output import rules_digest
    from registry.__main__ import EXIT_ERROR, cli

    docs = gate_documents()
    fingerprint = data_fingerprint(docs)
    v1 = _register(store, make_bundle(0.5, GOOD_TYPES, rules=NO_PERSON))
    promote(store.uri, MODEL_NAME, **gate_settings())

    # A tampered bundle: its nerkit.json claims F1 0.999, it finds only dates.
    v2 = _register(store, make_bundle(0.999, GOOD_TYPES, rules=chain(pins(("DATE",)))))
    with pytest.raises(RegistryError, match="data="):
        promote(
            store.uri, MODEL_NAME, **gate_settings()
        )  # the gate needs documents to score both itself
    assert cli(_compose(store, "action=promote")) == EXIT_ERROR
    with pytest.raises(PromotionRefused) as tampered:
        promote(store.uri, MODEL_NAME, **gate_settings(), docs=docs, device="cpu")
    comparison = tampered.value.comparison
    assert comparison.challenger.source == comparison.champion.source == "rescored"
    assert comparison.challenger.f1 == pytest.approx(_f1_of(chain(pins(("DATE",)))))
    assert comparison.champion.f1 == pytest.approx(_f1_of(NO_PERSON))
    assert "0.9990" in tampered.value.table and "not used" in tampered.value.table
    assert aliases_of(connect(store.uri), MODEL_NAME) == {CHAMPION: str(v1), CHALLENGER: str(v2)}
    for version in (v1, v2):
        measured = Figures.from_json(_version(store, version).tags[figures_tag(fingerprint)])
        assert measured.source == "rescored"

    # Better only by noise: one more entity, in one of six documents.
    noisy = chain(
        pins(tuple(label for label in LABELS if label != "PERSON")) + pins(("PERSON",), range(1))
    )
    _register(store, make_bundle(0.9, GOOD_TYPES, rules=noisy))
    with pytest.raises(PromotionRefused, match="interval") as noise:
        promote(store.uri, MODEL_NAME, **gate_settings(), docs=docs, device="cpu")
    interval = noise.value.comparison.interval
    assert interval.delta > 0.0 and interval.low <= 0.0 < interval.high
    assert interval.resamples == 1000 and interval.documents == len(docs)
    assert f"[{interval.low:+.4f}, {interval.high:+.4f}]" in str(noise.value)

    # Better beyond noise: promoted, and the decision names documents, chains, interval.
    v4 = _register(store, make_bundle(None, rules=EVERYTHING))
    decision = promote(store.uri, MODEL_NAME, **gate_settings(), docs=docs, device="cpu")
    assert decision.champion == str(v4) and decision.previous == str(v1)
    record = json.loads(_version(store, v4).tags[TAG_LAST_DECISION])
    assert record["test_data"]["fingerprint"] == fingerprint
    assert record["test_data"]["documents"] == len(docs)
    assert record["test_data"]["ids"] == [d.id for d in docs]
    assert record["chains"]["challenger"]["digest"] == rules_digest(EVERYTHING)
    assert record["chains"]["champion"]["digest"] == rules_digest(NO_PERSON)
    assert 0.0 < record["interval"]["low"] <= record["interval"]["delta"]


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
        promote(store.uri, MODEL_NAME, **gate_settings())
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
    # Both registrations go through (the store's races are retried), as distinct versions.
    assert all(isinstance(r, int) for r in results), results
    versions = [int(r) for r in results]  # type: ignore[call-overload]
    assert sorted(versions) == [1, 2]
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
import mlflow.pyfunc, nerkit.predictor, nerkit.registry.pyfunc  # heavy imports before the start
from nerkit.registry import RegistryError, register_bundle
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
    promote(store.uri, MODEL_NAME, **gate_settings())
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
