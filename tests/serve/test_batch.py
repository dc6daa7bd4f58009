"""python -m serve.batch (engine=local): run(cfg) on a tiny-BERT bundle, from conf/batch.yaml."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.errors import ConfigCompositionException
from omegaconf import OmegaConf

from nerkit.postprocess import build_chain
from nerkit.predictor import Predictor
from serve.batch import BatchError, model_argument_as_uri, run, store_schema
from serve.batch.shards import ERRORS, MANIFEST, read_results
from serve.schemas import NerResponse
from tests.conftest import REPO_ROOT

CONF = Path(__file__).resolve().parents[2] / "conf"

CLAUSE = (
    "This Loan Agreement is made on March 3, 2021 between Acme Holdings, Inc., a Delaware "
    "corporation, and First National Bank, N.A., who lends Two Million Dollars ($2,000,000) "
    "to the Borrower under the laws of the State of New York. "
)
TEXTS = {
    "short": "Zorblax Holdings Limited pays USD 1,250,000.00 to Quentin Farnsworth.",
    "long": CLAUSE * 6,  # several 64-token windows
    "unicode": "Signed by Jürgen Müller 😀 for Société Générale S.A. on 1 May 2024 in Paris.",
    "medium": CLAUSE,
    "notice": "Notices go to Jane Smith, General Counsel, Globex LLC, 10 Main St, Boston.",
}


def composed(*overrides: str):
    store_schema()
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        return compose("batch", overrides=list(overrides))


def batch_cfg(bundle: Path, source: Path, output: Path, *overrides: str):
    return composed(
        f"input={source}", f"output={output}", f"model_uri={bundle}", "device=cpu", *overrides
    )


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def results(folder: Path) -> list[dict]:
    return list(read_results(folder))


@pytest.fixture(scope="module")
def engine(serve_bundle):
    """What the engine itself returns for TEXTS, after the default post-processing chain."""
    cfg = composed("input=x", "output=y")
    chain = build_chain(OmegaConf.to_container(cfg.postprocess.rules, resolve=True))
    predictor = Predictor.from_bundle(serve_bundle, device="cpu")
    predictions = predictor.predict(list(TEXTS.values()))
    return {
        doc_id: (chain(text, p.entities), p)
        for (doc_id, text), p in zip(TEXTS.items(), predictions, strict=True)
    }


def test_writes_what_the_engine_returns(serve_bundle, engine, tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": k, "text": v} for k, v in TEXTS.items()])
    output = tmp_path / "out" / "entities"
    figures = run(batch_cfg(serve_bundle, source, output, "shard_docs=2"))

    lines = results(output)
    assert len(read_lines(output / MANIFEST)) == 3  # shards of 2, 2 and 1 documents
    assert [line["id"] for line in lines] == list(TEXTS)  # input order
    found = 0
    for line in lines:
        NerResponse.model_validate(line)  # the service's response shape
        entities, prediction = engine[line["id"]]
        assert line["entities"] == [e.to_dict() for e in entities]
        assert line["meta"]["tokens"] == prediction.tokens
        assert line["meta"]["windows"] == prediction.windows
        assert line["meta"]["model"] == "contract-ner"
        assert line["meta"]["version"].startswith("sha256:")
        assert "groups" not in line  # enrich=false
        found += len(entities)
    assert found > 0, "the tiny model found nothing: the comparison would be empty"
    assert engine["long"][1].windows > 1
    assert figures["written"] == len(TEXTS) and figures["failed"] == 0
    assert figures["skipped"] == 0 and figures["errors"] is None
    assert figures["wordpieces"] == sum(p.tokens for _, p in engine.values())
    assert figures["entities"] == dict(
        sorted(Counter(e.label for es, _ in engine.values() for e in es).items())
    )
    assert json.loads((output / "_summary.json").read_text())["written"] == len(TEXTS)
    assert not (output / ERRORS).exists()


def test_bad_records_go_to_the_errors_file_and_the_job_goes_on(serve_bundle, engine, tmp_path):
    lines = [
        json.dumps({"id": "a", "text": TEXTS["short"]}),  # 1
        '{"id": "broken", "text": ',  # 2 invalid JSON
        json.dumps({"id": "no-text"}),  # 3
        json.dumps({"id": "blank", "text": "  \n "}),  # 4
        json.dumps({"id": "number", "text": 42}),  # 5
        json.dumps({"id": "a", "text": TEXTS["medium"]}),  # 6 duplicate id
        "",  # 7 blank line: skipped, not an error
        json.dumps({"id": "huge", "text": "x " * 300}),  # 8 above max_chars
        json.dumps(["id", "text"]),  # 9 not an object
        json.dumps({"id": ["x"], "text": "Acme"}),  # 10 id not a string
        json.dumps({"text": TEXTS["notice"]}),  # 11 no id: <stem>-<record number>
        json.dumps({"id": "b", "text": TEXTS["unicode"]}, ensure_ascii=False),  # 12
    ]
    source = tmp_path / "in.jsonl"
    source.write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": "bad-utf8", "text": "\xff"}\n')
    output = tmp_path / "out"
    figures = run(batch_cfg(serve_bundle, source, output, "max_chars=500"))

    written = results(output)
    assert [line["id"] for line in written] == ["a", "in-10", "b"]
    assert written[0]["entities"] == [e.to_dict() for e in engine["short"][0]]
    errors = read_lines(output / ERRORS)
    by_line = {e["line"]: e for e in errors}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 8, 9, 10, 13]
    assert all(e["file"] == str(source) for e in errors)
    assert "not valid JSON" in by_line[2]["reason"] and by_line[2]["id"] is None
    assert "missing" in by_line[3]["reason"] and by_line[3]["id"] == "no-text"
    assert "empty" in by_line[4]["reason"]
    assert "not a string" in by_line[5]["reason"]
    assert "duplicate id" in by_line[6]["reason"] and by_line[6]["id"] == "a"
    assert "max_chars=500" in by_line[8]["reason"]
    assert "not an object" in by_line[9]["reason"]
    assert "'id'" in by_line[10]["reason"]
    assert "UTF-8" in by_line[13]["reason"]
    assert figures["failed"] == 9 and figures["written"] == 3
    assert figures["errors"] == str(output / ERRORS)
    # Document text never reaches the errors file.
    assert "Zorblax" not in (output / ERRORS).read_text()


def committed_ids(folder: Path) -> list[str]:
    return [line["id"] for line in results(folder)]


@pytest.mark.parametrize(
    "killed_at",
    ["writing a shard", "after the rename", "writing the manifest line", "after committing"],
)
def test_resume_after_a_kill_at_any_step_writes_every_id_once(serve_bundle, tmp_path, killed_at):
    """The states ``kill -9`` can leave between the steps of a commit, made by hand from a
    finished run: the resumed output holds every id once, with the same results."""
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": k, "text": v} for k, v in TEXTS.items()])
    full = tmp_path / "full"
    run(batch_cfg(serve_bundle, source, full, "shard_docs=2"))
    expected = {line["id"]: line for line in results(full)}

    killed = tmp_path / "killed"
    shutil.copytree(full, killed)
    manifest = (killed / MANIFEST).read_bytes().splitlines(keepends=True)
    (killed / "_summary.json").unlink()
    last = killed / json.loads(manifest[1])["shard"]  # the second shard: ids 3 and 4
    (killed / "part-000002.jsonl").unlink()  # the third was never started
    if killed_at == "writing a shard":
        last.rename(killed / f".tmp-{last.name}")
        (killed / f".tmp-{last.name}").write_bytes(last.name.encode()[:7])  # half written
        (killed / MANIFEST).write_bytes(manifest[0])
    elif killed_at == "after the rename":
        (killed / MANIFEST).write_bytes(manifest[0])  # renamed, never listed
    elif killed_at == "writing the manifest line":
        (killed / MANIFEST).write_bytes(manifest[0] + manifest[1][:20])  # a torn line
    else:
        (killed / MANIFEST).write_bytes(manifest[0] + manifest[1])
    committed = 4 if killed_at == "after committing" else 2

    figures = run(batch_cfg(serve_bundle, source, killed, "shard_docs=2"))

    assert figures["skipped"] == committed and figures["written"] == len(TEXTS) - committed
    assert sorted(committed_ids(killed)) == sorted(TEXTS)  # each id exactly once
    assert {line["id"]: line for line in results(killed)} == expected
    assert not [p for p in killed.iterdir() if p.name.startswith(".tmp-")]
    listed = {json.loads(line)["shard"] for line in read_lines_bytes(killed / MANIFEST)}
    assert listed == {p.name for p in killed.glob("part-*")}

    again = run(batch_cfg(serve_bundle, source, killed))
    assert (again["written"], again["skipped"]) == (0, len(TEXTS))


def read_lines_bytes(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def test_a_shard_changed_after_its_commit_stops_the_resume(serve_bundle, tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": k, "text": v} for k, v in TEXTS.items()])
    output = tmp_path / "out"
    run(batch_cfg(serve_bundle, source, output, "shard_docs=2"))
    shard = output / "part-000001.jsonl"
    shard.write_bytes(shard.read_bytes()[:-10] + b"tampered\n")
    with pytest.raises(BatchError, match=r"part-000001.jsonl differs from what .*manifest"):
        run(batch_cfg(serve_bundle, source, output))
    shard.unlink()
    with pytest.raises(BatchError, match=r"part-000001.jsonl is listed in .* but missing"):
        run(batch_cfg(serve_bundle, source, output))


def test_an_existing_output_is_refused_without_resume_or_from_another_model(
    serve_bundle, second_bundle, tmp_path
):
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": TEXTS["short"]}])
    output = tmp_path / "out"
    run(batch_cfg(serve_bundle, source, output))
    before = sorted((p.name, p.read_bytes()) for p in output.iterdir())
    with pytest.raises(BatchError, match="already holds results: delete it, or set resume=true"):
        run(batch_cfg(serve_bundle, source, output, "resume=false"))
    with pytest.raises(BatchError, match="holds results of contract-ner sha256:"):
        run(batch_cfg(second_bundle, source, output))
    assert sorted((p.name, p.read_bytes()) for p in output.iterdir()) == before

    # A folder or file that serve.batch did not write is never written to.
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(BatchError, match=r"a folder that serve\.batch did not write"):
        run(batch_cfg(serve_bundle, source, notes))
    with pytest.raises(BatchError, match=r"is a file: serve\.batch writes a folder"):
        run(batch_cfg(serve_bundle, source, notes / "todo.txt"))
    assert [p.name for p in notes.iterdir()] == ["todo.txt"]


def test_parquet_in_and_out(serve_bundle, engine, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    ids = list(TEXTS)
    table = pa.table({"id": ids + [None], "text": list(TEXTS.values()) + ["  "]})
    source = tmp_path / "in.parquet"
    pq.write_table(table, source, row_group_size=2)  # three row groups, read one by one
    output = tmp_path / "out.parquet"  # a folder; its name picks the format
    figures = run(batch_cfg(serve_bundle, source, output, "shard_docs=4"))

    assert sorted(p.name for p in output.glob("part-*")) == [
        "part-000000.parquet",
        "part-000001.parquet",
    ]
    rows = pq.read_table(output).to_pylist()  # the folder reads as one dataset
    assert [r["id"] for r in rows] == ids
    for row in rows:
        entities, prediction = engine[row["id"]]
        assert [(e["label"], e["start"], e["end"], e["text"]) for e in row["entities"]] == [
            (e.label, e.start, e.end, e.text) for e in entities
        ]
        assert row["tokens"] == prediction.tokens and row["version"].startswith("sha256:")
    (error,) = read_lines(output / ERRORS)
    assert error == {
        "file": str(source),
        "line": None,
        "id": "in-6",
        "reason": "'text' is empty (or only whitespace): there is nothing to read",
        "row": 6,
    }
    assert figures["written"] == len(TEXTS) and figures["failed"] == 1


def test_a_run_that_wrote_no_results_can_run_again(serve_bundle, tmp_path):
    """Only bad records: the folder holds the errors file and the summary, no shard."""
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": " "}])
    output = tmp_path / "out"
    assert run(batch_cfg(serve_bundle, source, output))["failed"] == 1
    assert sorted(p.name for p in output.iterdir()) == ["_errors.jsonl", "_summary.json"]
    write_jsonl(source, [{"id": "a", "text": TEXTS["short"]}])  # the record fixed
    figures = run(batch_cfg(serve_bundle, source, output, "resume=false"))
    assert figures["written"] == 1 and figures["failed"] == 0
    assert committed_ids(output) == ["a"] and not (output / ERRORS).exists()


def test_a_parquet_file_without_a_text_column_is_refused(serve_bundle, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["a"], "body": ["Acme"]}), source)
    with pytest.raises(BatchError, match=r"in.parquet has no 'text' column \(columns: body, id\)"):
        run(batch_cfg(serve_bundle, source, tmp_path / "out"))


def test_a_folder_of_text_files(serve_bundle, engine, tmp_path):
    folder = tmp_path / "contracts"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(TEXTS["short"], encoding="utf-8")
    (folder / "sub" / "b.txt").write_text(TEXTS["long"], encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "notes.md").write_text("not read", encoding="utf-8")
    output = tmp_path / "out"
    figures = run(batch_cfg(serve_bundle, folder, output))

    lines = {line["id"]: line for line in results(output)}
    assert sorted(lines) == ["a.txt", "sub/b.txt"]
    assert lines["sub/b.txt"]["entities"] == [e.to_dict() for e in engine["long"][0]]
    (error,) = read_lines(output / ERRORS)
    assert error["id"] == "empty.txt" and error["file"] == str(folder / "empty.txt")
    assert figures["written"] == 2 and figures["failed"] == 1


def test_a_labelled_file_and_enrichment(serve_bundle, engine, tmp_path):
    from nerkit.documents import Document
    from nerkit.formats import write_documents
    from nerkit.kb.enrich import Enricher, group_mentions

    docs = [Document("d1", TEXTS["medium"], []), Document("d2", TEXTS["notice"], [])]
    source = write_documents(docs, tmp_path / "docs.json", "labelstudio")
    output = tmp_path / "out"
    run(batch_cfg(serve_bundle, source, output, "enrich=true"))

    cfg = composed("input=x", "output=y")
    kb = OmegaConf.to_container(cfg.kb, resolve=True)
    assert isinstance(kb, dict)
    enricher = Enricher.from_config({str(k): v for k, v in kb.items()})
    lines = {line["id"]: line for line in results(output)}
    for doc_id, key in (("d1", "medium"), ("d2", "notice")):
        enriched = enricher.enrich(TEXTS[key], engine[key][0])
        assert lines[doc_id]["entities"] == [e.to_dict() for e in enriched]
        assert lines[doc_id]["groups"] == group_mentions(enriched)
    assert any("link" in e for line in lines.values() for e in line["entities"])


def test_bad_settings_fail_at_start_up(serve_bundle, tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": TEXTS["short"]}])
    output = tmp_path / "out"
    # Closed choices are refused by the schema, before anything runs (nerkit.choices).
    with pytest.raises(ConfigCompositionException, match="engine=spark"):
        batch_cfg(serve_bundle, source, output, "engine=spark")
    with pytest.raises(BatchError, match="format='csv' is not auto, jsonl or parquet"):
        run(batch_cfg(serve_bundle, source, output, "format=csv"))
    with pytest.raises(BatchError, match="shard_docs=0"):
        run(batch_cfg(serve_bundle, source, output, "shard_docs=0"))
    with pytest.raises(BatchError, match="workers=0"):
        run(batch_cfg(serve_bundle, source, output, "workers=0"))
    with pytest.raises(BatchError, match="max_docs_in_flight=0"):
        run(batch_cfg(serve_bundle, source, output, "max_docs_in_flight=0"))
    with pytest.raises(BatchError, match="not found"):
        run(batch_cfg(serve_bundle, tmp_path / "missing.jsonl", output))
    with pytest.raises(BatchError, match="not a bundle folder"):
        run(batch_cfg(tmp_path, source, output))
    assert not output.exists()


def test_engine_ray_without_ray_says_how_to_install_it(serve_bundle, tmp_path, monkeypatch):
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": TEXTS["short"]}])
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    monkeypatch.setitem(sys.modules, "ray.data", None)
    with pytest.raises(BatchError, match=r"engine=ray needs Ray Data.*pip install -e '\.\[ray\]'"):
        run(batch_cfg(serve_bundle, source, tmp_path / "out", "engine=ray"))
    assert not (tmp_path / "out").exists()


def test_model_argument_is_read_as_the_model_uri():
    argv = ["serve.batch", "model=models:/x@champion", "input=a", "model_uri_x=1"]
    assert model_argument_as_uri(argv) == [
        "serve.batch",
        "model_uri=models:/x@champion",
        "input=a",
        "model_uri_x=1",
    ]


def test_a_document_the_engine_fails_on_goes_to_the_errors_file(
    serve_bundle, engine, tmp_path, monkeypatch
):
    import nerkit.stream

    real = nerkit.stream.tokenize_documents

    def fragile(tokenizer, texts):
        if any("POISON" in t for t in texts):
            raise RuntimeError("the tokenizer failed on POISON")
        return real(tokenizer, texts)

    monkeypatch.setattr(nerkit.stream, "tokenize_documents", fragile)
    records = [{"id": k, "text": v} for k, v in TEXTS.items()]
    records.insert(2, {"id": "poison", "text": "POISON " + TEXTS["short"]})
    source = write_jsonl(tmp_path / "in.jsonl", records)
    output = tmp_path / "out"
    figures = run(
        batch_cfg(serve_bundle, source, output, "shard_docs=2", "workers=2", "max_docs_in_flight=2")
    )
    lines = results(output)
    assert [line["id"] for line in lines] == list(TEXTS)
    for line in lines:
        assert line["entities"] == [e.to_dict() for e in engine[line["id"]][0]]
    (error,) = read_lines(output / ERRORS)
    assert error["id"] == "poison" and error["line"] == 3
    assert error["reason"] == "the engine failed on this document: RuntimeError"
    assert figures["failed"] == 1 and figures["written"] == len(TEXTS)


def test_kill_9_mid_job_and_a_rerun_write_every_document_once(serve_bundle, tmp_path):
    """A real ``kill -9`` of ``python -m serve.batch`` once shards are being committed,
    then the same command again: every document once, the same results as one run."""
    texts = list(TEXTS.values())
    records = [{"id": f"doc-{i:04d}", "text": texts[i % len(texts)]} for i in range(600)]
    source = write_jsonl(tmp_path / "in.jsonl", records)
    output = tmp_path / "out"
    command = [sys.executable, "-m", "serve.batch", f"input={source}", f"output={output}"]
    command += [f"model_uri={serve_bundle}", "device=cpu", "shard_docs=3"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    job = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stderr=subprocess.DEVNULL)
    manifest = output / MANIFEST
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and job.poll() is None:
        if manifest.exists() and manifest.read_bytes().count(b"\n") >= 5:
            job.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    assert job.wait(timeout=60) == -signal.SIGKILL, "the job ended before it was killed"
    before = len(committed_ids(output))
    assert 15 <= before < len(records)

    figures = run(batch_cfg(serve_bundle, source, output, "shard_docs=3"))
    assert figures["skipped"] == before and figures["written"] == len(records) - before
    ids = committed_ids(output)
    assert sorted(ids) == sorted(r["id"] for r in records)  # each exactly once
    reference = tmp_path / "reference"
    run(batch_cfg(serve_bundle, source, reference, "shard_docs=1000"))
    assert {r["id"]: r for r in results(output)} == {r["id"]: r for r in results(reference)}
