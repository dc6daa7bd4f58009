"""Property tests (every writer reads back), the check command, and train's data log."""

from __future__ import annotations

import itertools
import json
import logging
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nerkit.data import load_data
from nerkit.documents import Document, Span
from nerkit.formats import load_documents, write_documents
from nerkit.formats.check import main
from nerkit.formats.conll import write_conll
from nerkit.formats.labelstudio import write_labelstudio
from nerkit.formats.spans import resolve_overlaps

LABELS = st.sampled_from(["ORG", "PER", "DATE"])
SUFFIX = {"doccano": "jsonl", "spacy": "jsonl", "labelstudio": "json", "predictions": "json"}


@st.composite
def span_documents(draw) -> list[Document]:
    docs = []
    for number in range(draw(st.integers(1, 4))):
        text = draw(st.text(min_size=1, max_size=40).filter(str.strip))
        cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
        spans = [Span(a, b, draw(LABELS)) for a, b in zip(cuts[0::2], cuts[1::2], strict=False)]
        docs.append(Document(f"d{number}", text, spans))
    return docs


@settings(max_examples=60, deadline=None)
@given(span_documents(), st.sampled_from(sorted(SUFFIX)))
def test_every_span_writer_reads_back_by_detection(docs, kind):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"docs.{SUFFIX[kind]}"
        if kind == "predictions":
            write_labelstudio(docs, path, kind="predictions")
        else:
            write_documents(docs, path, kind)
        back = load_documents(path)  # no format=: detected from the content
    assert [(d.id, d.text, d.spans) for d in back] == [(d.id, d.text, d.spans) for d in docs]


# Character-level tokens, a literal space among them: written tab-separated, read back.
char_token = st.sampled_from(["a", "B", " ", "#", "1", "é", "-", "O"])


@settings(max_examples=60, deadline=None)
@given(st.lists(char_token, min_size=1, max_size=12).filter(lambda t: set(t) != {" "}), st.data())
def test_character_tokens_survive_conll(tokens, data):
    text = " ".join(tokens)
    offsets = [(2 * i, 2 * i + 1) for i in range(len(tokens))]
    cuts = sorted(data.draw(st.sets(st.integers(0, len(tokens)), max_size=6)))
    spans = [
        Span(offsets[a][0], offsets[b - 1][1], data.draw(LABELS))
        for a, b in zip(cuts[0::2], cuts[1::2], strict=False)
    ]
    doc = Document("chars", text, spans, {"token_offsets": offsets})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chars.conll"
        write_conll([doc], path, scheme=data.draw(st.sampled_from(["IOB2", "BIOES"])))
        (back,) = load_documents(path)
    assert (back.text, back.spans) == (doc.text, doc.spans)
    assert back.meta["token_offsets"] == offsets


@st.composite
def overlapping(draw) -> list[Span]:
    pairs = draw(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 10)), max_size=12))
    return [Span(s, s + n, draw(LABELS)) for s, n in pairs]


@settings(max_examples=200, deadline=None)
@given(overlapping(), st.sampled_from(["longest", "first"]))
def test_resolved_overlaps_never_overlap_and_lose_nothing_else(spans, policy):
    kept, dropped = resolve_overlaps(spans, policy)
    assert sorted(kept + dropped) == sorted(spans)
    ordered = sorted(kept)
    assert all(a.end <= b.start for a, b in itertools.pairwise(ordered))
    for span in dropped:  # each was dropped for a kept span it overlaps
        rivals = [k for k in kept if k.start < span.end and span.start < k.end]
        assert rivals
        if policy == "longest":
            assert max(k.end - k.start for k in rivals) >= span.end - span.start


def test_check_prints_what_was_read(tmp_path, capsys):
    path = tmp_path / "export.json"
    tasks = [
        {
            "id": 1,
            "data": {"text": "Acme hires Jane"},
            "annotations": [
                {
                    "result": [
                        {
                            "type": "labels",
                            "to_name": "text",
                            "value": {"start": 0, "end": 4, "text": "Acme", "labels": ["ORG"]},
                        },
                        {
                            "type": "labels",
                            "to_name": "text",
                            "value": {"start": 11, "end": 15, "text": "Jane ", "labels": ["PER"]},
                        },
                    ]
                }
            ],
        },
        {"id": 2, "data": {"text": "Later"}, "annotations": []},
    ]
    path.write_text(json.dumps(tasks), encoding="utf-8")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "format    labelstudio" in out and "documents 1\n" in out
    assert "  ORG" in out and "  PER" in out and "entities  2" in out
    assert "1 unlabelled tasks (no annotation): first at task 2 (document '2')" in out
    assert "1 value.text differing from the text only in whitespace" in out
    assert "errors: none" in out


def test_check_fails_on_faulty_files_and_names_the_record(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "Acme", "label": [[2, 40, "ORG"]]}) + "\n")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "errors: 1; nothing was loaded" in out
    assert "line 1 (document 'x'): span [2, 40) 'ORG': offsets outside the text" in out
    assert main(["check", str(path), "--format", "conll"]) == 1  # no tag column
    assert main(["check", str(tmp_path / "missing.conll")]) == 1
    assert "missing.conll" in capsys.readouterr().err


def test_check_passes_reader_options(tmp_path, capsys):
    path = tmp_path / "u.tsv"
    path.write_text("1\tAcme\tB-ORG\tx\n2\tlends\tO\ty\n", encoding="utf-8")
    assert main(["check", str(path), "--tag-column", "2", "--token-column", "1"]) == 0
    assert "token in column 1, tag in column 2 (tag_column set; token_column set)" in (
        capsys.readouterr().out
    )


def test_train_data_loading_logs_the_check_of_each_file(tmp_path, caplog):
    train = tmp_path / "train.jsonl"
    records = [
        {"id": f"d{i}", "text": "Bank of Oslo", "label": [[0, 12, "ORG"], [8, 12, "LOC"]]}
        for i in range(5)
    ]
    train.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    settings = {
        "source": "files",
        "train": str(train),
        "test": str(train),
        "split_seed": 13,
        "dev_ratio": 0.2,
        "options": {"overlaps": "longest"},
    }
    with caplog.at_level(logging.INFO):
        splits = load_data(settings)
    assert len(splits["train"]) + len(splits["dev"]) == 5 and len(splits["test"]) == 5
    assert all(d.span_texts() == ["Bank of Oslo"] for d in splits["test"])
    checks = [r.getMessage() for r in caplog.records if "data check" in r.getMessage()]
    assert len(checks) == 2 and all("format    doccano" in c for c in checks)
    warned = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        "repaired 5 overlapping spans dropped (overlaps=longest)" in r.getMessage() for r in warned
    )
