"""python -m serve.batch: run(cfg) on a tiny-BERT bundle, composed from conf/batch.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from nerkit.postprocess import build_chain
from nerkit.predictor import Predictor
from serve.batch import BatchError, model_argument_as_uri, run, store_schema
from serve.schemas import NerResponse

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
    output = tmp_path / "out" / "entities.jsonl"
    figures = run(batch_cfg(serve_bundle, source, output, "chunk_docs=2"))

    lines = read_lines(output)
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
    assert not Path(str(output) + ".errors.jsonl").exists()


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
    output = tmp_path / "out.jsonl"
    figures = run(batch_cfg(serve_bundle, source, output, "max_chars=500"))

    written = read_lines(output)
    assert [line["id"] for line in written] == ["a", "in-10", "b"]
    assert written[0]["entities"] == [e.to_dict() for e in engine["short"][0]]
    errors = read_lines(Path(f"{output}.errors.jsonl"))
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
    assert figures["errors"] == f"{output}.errors.jsonl"
    # Document text never reaches the errors file.
    assert "Zorblax" not in Path(f"{output}.errors.jsonl").read_text()


def test_resume_after_a_kill_gives_one_line_per_id_and_the_same_results(serve_bundle, tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": k, "text": v} for k, v in TEXTS.items()])
    full = tmp_path / "full.jsonl"
    run(batch_cfg(serve_bundle, source, full, "chunk_docs=2"))
    complete = full.read_bytes().splitlines(keepends=True)

    # A job killed while writing its third line: two whole lines, then half of one.
    killed = tmp_path / "killed.jsonl"
    killed.write_bytes(b"".join(complete[:2]) + complete[2][: len(complete[2]) // 2])
    figures = run(batch_cfg(serve_bundle, source, killed, "chunk_docs=2"))

    assert figures["skipped"] == 2 and figures["written"] == len(TEXTS) - 2
    resumed = read_lines(killed)
    assert sorted(line["id"] for line in resumed) == sorted(TEXTS)  # each id exactly once
    assert {line["id"]: line for line in resumed} == {line["id"]: line for line in read_lines(full)}

    again = run(batch_cfg(serve_bundle, source, killed))
    assert (again["written"], again["skipped"]) == (0, len(TEXTS))


def test_an_existing_output_is_refused_without_resume_or_from_another_model(
    serve_bundle, second_bundle, tmp_path
):
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": TEXTS["short"]}])
    output = tmp_path / "out.jsonl"
    run(batch_cfg(serve_bundle, source, output))
    before = output.read_bytes()
    with pytest.raises(BatchError, match="already exists: delete it, or set resume=true"):
        run(batch_cfg(serve_bundle, source, output, "resume=false"))
    with pytest.raises(BatchError, match="holds results of contract-ner sha256:"):
        run(batch_cfg(second_bundle, source, output))
    assert output.read_bytes() == before

    # A file that is not a serve.batch output is never cut or appended to.
    notes = tmp_path / "notes.txt"
    notes.write_text("line one\nno newline at the end", encoding="utf-8")
    with pytest.raises(BatchError, match="line 1 is not a result line"):
        run(batch_cfg(serve_bundle, source, notes))
    notes.write_text("no newline at the end", encoding="utf-8")
    with pytest.raises(BatchError, match="line 1 is incomplete and not a result line"):
        run(batch_cfg(serve_bundle, source, notes))
    assert notes.read_text(encoding="utf-8") == "no newline at the end"


def test_a_folder_of_text_files(serve_bundle, engine, tmp_path):
    folder = tmp_path / "contracts"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(TEXTS["short"], encoding="utf-8")
    (folder / "sub" / "b.txt").write_text(TEXTS["long"], encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "notes.md").write_text("not read", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    figures = run(batch_cfg(serve_bundle, folder, output))

    lines = {line["id"]: line for line in read_lines(output)}
    assert sorted(lines) == ["a.txt", "sub/b.txt"]
    assert lines["sub/b.txt"]["entities"] == [e.to_dict() for e in engine["long"][0]]
    (error,) = read_lines(Path(f"{output}.errors.jsonl"))
    assert error["id"] == "empty.txt" and error["file"] == str(folder / "empty.txt")
    assert figures["written"] == 2 and figures["failed"] == 1


def test_a_labelled_file_and_enrichment(serve_bundle, engine, tmp_path):
    from nerkit.documents import Document
    from nerkit.formats import write_documents
    from nerkit.kb.enrich import Enricher, group_mentions

    docs = [Document("d1", TEXTS["medium"], []), Document("d2", TEXTS["notice"], [])]
    source = write_documents(docs, tmp_path / "docs.json", "labelstudio")
    output = tmp_path / "out.jsonl"
    run(batch_cfg(serve_bundle, source, output, "enrich=true"))

    cfg = composed("input=x", "output=y")
    kb = OmegaConf.to_container(cfg.kb, resolve=True)
    assert isinstance(kb, dict)
    enricher = Enricher.from_config({str(k): v for k, v in kb.items()})
    lines = {line["id"]: line for line in read_lines(output)}
    for doc_id, key in (("d1", "medium"), ("d2", "notice")):
        enriched = enricher.enrich(TEXTS[key], engine[key][0])
        assert lines[doc_id]["entities"] == [e.to_dict() for e in enriched]
        assert lines[doc_id]["groups"] == group_mentions(enriched)
    assert any("link" in e for line in lines.values() for e in line["entities"])


def test_engine_ray_and_bad_settings_fail_at_start_up(serve_bundle, tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": TEXTS["short"]}])
    output = tmp_path / "out.jsonl"
    with pytest.raises(BatchError, match=r"the Ray engine is not built yet.*engine=local"):
        run(batch_cfg(serve_bundle, source, output, "engine=ray"))
    with pytest.raises(BatchError, match="engine='spark' is not known"):
        run(batch_cfg(serve_bundle, source, output, "engine=spark"))
    with pytest.raises(BatchError, match="chunk_docs=0"):
        run(batch_cfg(serve_bundle, source, output, "chunk_docs=0"))
    with pytest.raises(BatchError, match="workers=0"):
        run(batch_cfg(serve_bundle, source, output, "workers=0"))
    with pytest.raises(BatchError, match="max_docs_in_flight=0"):
        run(batch_cfg(serve_bundle, source, output, "max_docs_in_flight=0"))
    with pytest.raises(BatchError, match="not found"):
        run(batch_cfg(serve_bundle, tmp_path / "missing.jsonl", output))
    with pytest.raises(BatchError, match="not a bundle folder"):
        run(batch_cfg(tmp_path, source, output))
    assert not output.exists()


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
    output = tmp_path / "out.jsonl"
    figures = run(
        batch_cfg(serve_bundle, source, output, "chunk_docs=2", "workers=2", "max_docs_in_flight=2")
    )
    lines = read_lines(output)
    assert [line["id"] for line in lines] == list(TEXTS)
    for line in lines:
        assert line["entities"] == [e.to_dict() for e in engine[line["id"]][0]]
    (error,) = read_lines(Path(f"{output}.errors.jsonl"))
    assert error["id"] == "poison" and error["line"] == 3
    assert error["reason"] == "the engine failed on this document: RuntimeError"
    assert figures["failed"] == 1 and figures["written"] == len(TEXTS)
