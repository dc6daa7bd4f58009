"""Readers and writers: round trips, odd text, the real corpus, and bad files."""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerkit.documents import DataError, Document, Span
from nerkit.formats import FORMATS, detect_format, load_documents, write_documents
from nerkit.formats.conll import SEPARATORS, read_conll, tokenize, write_conll
from nerkit.formats.hf import read_hf
from nerkit.formats.labelstudio import read_labelstudio, write_labelstudio
from nerkit.formats.report import LoadReport
from tests.conftest import labelled_document as contract

SUFFIX = {
    "conll": "conll",
    "labelstudio": "json",
    "doccano": "jsonl",
    "spacy": "jsonl",
    "hf": "hf",
}


DOCS = [
    contract(
        "loan-1",
        "This Loan Agreement is made on 7 December 2007 between Silicium de Provence SAS "
        '(the "Borrower") and Evergreen Solar, Inc., a Delaware corporation.\n'
        "Governing law: England.",
        ("7 December 2007", "DATE"),
        ("Silicium de Provence SAS", "ORG"),
        ("Evergreen Solar, Inc.", "ORG"),
        ("Delaware", "JURISDICTION"),
        ("England", "JURISDICTION"),
    ),
    contract(
        "loan-2",
        "Jane Doe lends USD 1,000,000 to Acme Corp. Acme Corp repays it.",
        ("Jane Doe", "PERSON"),
        ("USD 1,000,000", "MONEY"),
        ("Acme Corp", "ORG"),
        ("Acme Corp", "ORG"),
    ),
]


def surfaces(docs: list[Document]) -> list[tuple[str, list[tuple[list[str], str]]]]:
    """Ids and entities as (tokens, label): what survives the token formats' re-spacing."""
    return [(d.id, [(tokens_of(d.text[s.start : s.end]), s.label) for s in d.spans]) for d in docs]


def exact(docs: list[Document]) -> list[tuple[str, str, list[Span]]]:
    return [(d.id, d.text, d.spans) for d in docs]


# ---------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_every_format(tmp_path, fmt):
    path = tmp_path / f"docs.{SUFFIX[fmt]}"
    write_documents(DOCS, path, fmt)
    back = load_documents(path, format=fmt)
    if fmt in ("conll", "hf"):
        # Token formats rebuild the text from tokens; entities keep their words and order.
        assert surfaces(back) == surfaces(DOCS)
        assert [tokens_of(d.text) for d in back] == [tokens_of(d.text) for d in DOCS]
        # Text read from tokens is already in token form, so a second trip is exact.
        again = tmp_path / f"again.{SUFFIX[fmt]}"
        write_documents(back, again, fmt)
        assert exact(load_documents(again, format=fmt)) == exact(back)
    else:
        assert exact(back) == exact(DOCS)


def tokens_of(text: str) -> list[str]:
    return [text[s:e] for s, e in tokenize(text)]


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "hf"])
def test_format_detected_from_the_path(tmp_path, fmt):
    path = tmp_path / f"docs.{SUFFIX[fmt]}"
    write_documents(DOCS, path, fmt)
    assert detect_format(path) == fmt
    assert surfaces(load_documents(path)) == surfaces(DOCS)


def test_hf_folder_detected(tmp_path):
    write_documents(DOCS, tmp_path / "ds", "hf")
    assert detect_format(tmp_path / "ds") == "hf"
    assert surfaces(load_documents(tmp_path / "ds")) == surfaces(DOCS)


def test_conll_writer_schemes(tmp_path):
    for scheme in ("IOB1", "IOB2", "BIOES"):
        path = tmp_path / f"{scheme}.conll"
        write_conll(DOCS, path, scheme=scheme)
        assert surfaces(read_conll(path)) == surfaces(DOCS)  # detected back
        assert surfaces(read_conll(path, scheme=scheme)) == surfaces(DOCS)


# ---------------------------------------------------------------------------------------
# Odd text (property tests)

ODD = [
    "😀",
    "👨\u200d👩\u200d👧",  # emoji joined by zero-width joiners
    "e\u0301",  # combining acute accent
    "שלום",  # right-to-left
    "مرحبا",
    "\u200b",  # zero-width space
    "\u200e\u202e",  # direction marks
    "\x00",
    "\u2028",
    "\r\n",
    " ",
]
odd_text = st.lists(st.one_of(st.sampled_from(ODD), st.text(max_size=6)), min_size=1).map("".join)
LABELS = st.sampled_from(["ORG", "PERSON", "DATE"])


@st.composite
def odd_documents(draw) -> list[Document]:
    docs = []
    for number in range(draw(st.integers(1, 3))):
        text = draw(odd_text.filter(lambda t: t.strip()))
        cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
        spans = [Span(s, e, draw(LABELS)) for s, e in zip(cuts[0::2], cuts[1::2], strict=False)]
        docs.append(Document(f"doc-{number}", text, spans))
    return docs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(odd_documents(), st.sampled_from(["doccano", "spacy", "labelstudio"]))
def test_odd_text_survives_json_formats(docs, fmt):
    before = [d.span_texts() for d in docs]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"docs.{SUFFIX[fmt]}"
        write_documents(docs, path, fmt)
        if fmt == "labelstudio":
            # value.text is what Label Studio shows; it must be the slice the offsets name.
            for task, texts in zip(json.loads(path.read_text("utf-8")), before, strict=True):
                written = [r["value"]["text"] for r in task["annotations"][0]["result"]]
                assert written == texts
        back = load_documents(path, format=fmt)
    assert exact(back) == exact(docs)
    assert [d.span_texts() for d in back] == before


whitespace_free_token = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc"))
    | st.sampled_from(["\x00", "\u200b", "\u200d", "\u0301", "😀"]),
    min_size=1,
    max_size=5,
).filter(lambda t: not any(c.isspace() for c in t) and t != "-DOCSTART-")


@st.composite
def token_documents(draw) -> Document:
    """A document in CoNLL form: whitespace-free tokens, one space or a line break apart."""
    sentences = draw(
        st.lists(st.lists(whitespace_free_token, min_size=1, max_size=6), min_size=1, max_size=3)
    )
    text = "\n".join(" ".join(s) for s in sentences)
    offsets, position = [], 0
    for sentence in sentences:
        for token in sentence:
            offsets.append((position, position + len(token)))
            position += len(token) + 1
    spans, cursor = [], 0
    for sentence in sentences:
        first, cursor = cursor, cursor + len(sentence)
        cuts = sorted(draw(st.sets(st.integers(first, cursor), max_size=4)))
        for a, b in zip(cuts[0::2], cuts[1::2], strict=False):
            spans.append(Span(offsets[a][0], offsets[b - 1][1], draw(LABELS)))
    return Document("doc", text, spans, {"token_offsets": offsets})


@settings(max_examples=60, deadline=None)
@given(token_documents(), st.sampled_from(["IOB1", "IOB2", "BIOES"]))
def test_odd_tokens_survive_conll(doc, scheme):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "docs.conll"
        write_conll([doc], path, scheme=scheme)
        (back,) = read_conll(path, scheme=scheme)
    assert (back.id, back.text, back.spans) == (doc.id, doc.text, doc.spans)
    assert back.meta["token_offsets"] == doc.meta["token_offsets"]


def test_tokenizer_keeps_graphemes_and_offsets():
    text = "Café\u0301 👨\u200d👩\u200d👧 (“Bank”), שלום"
    tokens = [text[s:e] for s, e in tokenize(text)]
    assert tokens == ["Café\u0301", "👨\u200d👩\u200d👧", "(", "“", "Bank", "”", ")", ",", "שלום"]
    assert not any(c in SEPARATORS for t in tokens for c in t)


# ---------------------------------------------------------------------------------------
# The real corpus


@pytest.mark.parametrize(("name", "count"), [("train.conll", 5), ("test.conll", 3)])
def test_sec_fin_loads(sec_fin, name, count):
    docs = load_documents(sec_fin / name)
    assert len(docs) == count
    stem = name.split(".")[0]
    assert [d.id for d in docs] == [f"{stem}-{n}" for n in range(1, count + 1)]
    tokens, tags = conll_columns(sec_fin / name)
    assert sum(len(d.meta["token_offsets"]) for d in docs) == len(tokens)
    token_at = iter(range(len(tokens)))
    for doc in docs:
        starts = {}
        for start, end in doc.meta["token_offsets"]:
            i = next(token_at)
            assert doc.text[start:end] == tokens[i]
            starts[start] = i
        assert doc.spans, doc.id
        for span in doc.spans:
            surface = doc.text[span.start : span.end]
            assert surface.strip() == surface != ""
            first = starts[span.start]
            words = surface.split(" ")
            assert tokens[first : first + len(words)] == words
            assert all(t.endswith(span.label) for t in tags[first : first + len(words)])


def conll_columns(path: Path) -> tuple[list[str], list[str]]:
    rows = [line.split() for line in path.read_text("utf-8").splitlines()]
    rows = [r for r in rows if r and r[0] != "-DOCSTART-"]
    return [r[0] for r in rows], [r[-1] for r in rows]


def test_sec_fin_round_trips_through_conll(sec_fin, tmp_path):
    docs = load_documents(sec_fin / "test.conll")
    write_documents(docs, tmp_path / "copy.conll", "conll")
    assert exact(load_documents(tmp_path / "copy.conll")) == exact(
        [Document(d.id, d.text, d.spans) for d in docs]
    )


# ---------------------------------------------------------------------------------------
# CoNLL reading details


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_conll_four_columns_docstart_ids_and_sentences(tmp_path):
    path = write(
        tmp_path / "mini.conll",
        "-DOCSTART- -X- O O\n\nSILICON NNP - I-ORG\nVALLEY NNP - I-ORG\nBANK NNP - B-ORG\n"
        "\nlends VBZ - O\n\n\n-DOCSTART- contract-7\n\nParis NNP - I-LOC\n",
    )
    first, second = read_conll(path)
    assert (first.id, first.text) == ("mini-1", "SILICON VALLEY BANK\nlends")
    assert first.span_texts() == ["SILICON VALLEY", "BANK"]
    assert (second.id, second.span_texts()) == ("contract-7", ["Paris"])


def test_conll_two_columns_without_docstart(tmp_path):
    path = write(tmp_path / "plain.iob", "Section\u00a05 O\nAcme B-ORG\n")
    (doc,) = load_documents(path)
    assert (doc.id, doc.text, doc.span_texts()) == ("plain-1", "Section\u00a05 Acme", ["Acme"])


@pytest.mark.parametrize("scheme", ["BIOES", "auto"])
def test_conll_bioes_inside_after_outside_names_the_line(tmp_path, scheme):
    path = write(
        tmp_path / "bad.conll", "-DOCSTART- d1\n\nThe O\nBank I-ORG\nlends O\nin O\nParis S-LOC\n"
    )
    with pytest.raises(DataError) as caught:
        load_documents(path, scheme=scheme)
    message = str(caught.value)
    assert f"{path}, line 4 (document 'd1')" in message
    assert "'I-ORG' after 'O': in BIOES" in message
    assert len(caught.value.problems) == 1


def test_conll_detected_scheme_is_named_in_tag_errors(tmp_path):
    path = write(tmp_path / "mixed.conll", "Acme B-ORG\nlends O\nto O\nJane I-PER\n")
    with pytest.raises(DataError, match=r"line 4 .*IOB2 detected from the tags; pass scheme="):
        load_documents(path)
    (doc,) = load_documents(path, scheme="IOB1")
    assert doc.span_texts() == ["Acme", "Jane"]


def test_conll_reports_every_bad_line_at_once(tmp_path):
    path = write(
        tmp_path / "bad.conll",
        "-DOCSTART- a\n\nThe O\nBank I-ORG\nlends\n\n-DOCSTART- b\n\nA PER\nB O X\n-DOCSTART- c\n",
    )
    with pytest.raises(DataError) as caught:
        read_conll(path, scheme="IOB2")
    where = [(p.location, p.doc_id) for p in caught.value.problems]
    assert ("line 4", "a") in where  # I- after O in IOB2
    assert ("line 5", "a") in where  # one column
    assert ("line 9", "b") in where  # malformed tag
    assert ("line 10", "b") in where  # three columns among two
    assert ("line 11", "c") in where  # empty document


def test_conll_unknown_labels_name_their_line(tmp_path):
    path = write(tmp_path / "l.conll", "Acme B-ORG\nInc I-ORG\nParis B-CITY\n")
    with pytest.raises(DataError, match=r"line 3 \(document 'l-1'\): unknown label 'CITY'"):
        load_documents(path, labels=["ORG"])


def test_conll_unknown_scheme(tmp_path):
    path = write(tmp_path / "s.conll", "Acme B-ORG\n")
    with pytest.raises(ValueError, match="unknown tag scheme 'IOB3'"):
        load_documents(path, scheme="IOB3")


def test_conll_writer_refuses_spans_off_token_boundaries(tmp_path):
    doc = Document("mid-word", "Microsoft Corp", [Span(0, 5, "ORG")])
    with pytest.raises(DataError) as caught:
        write_conll([doc], tmp_path / "out.conll")
    message = str(caught.value)
    assert "document 1 (document 'mid-word')" in message
    assert "[0, 5) 'ORG' 'Micro'" in message and "token boundary" in message
    assert not (tmp_path / "out.conll").exists()


def test_conll_writer_refuses_spans_across_line_breaks(tmp_path):
    doc = Document("d", "Acme\nCorp", [Span(0, 9, "ORG")])
    with pytest.raises(DataError, match="crosses a line break"):
        write_conll([doc], tmp_path / "out.conll")


# ---------------------------------------------------------------------------------------
# JSON formats


def write_jsonl(path: Path, records: list) -> Path:
    return write(path, "".join(json.dumps(r) + "\n" for r in records))


def test_jsonl_flavours_and_span_shapes(tmp_path):
    doccano = write_jsonl(
        tmp_path / "d.jsonl",
        [{"id": 7, "text": "Acme hires Jane", "labels": [[0, 4, "ORG"]], "Comments": []}],
    )
    spacy = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"text": "Acme hires Jane", "spans": [{"start": 11, "end": 15, "label": "PER"}]},
            {"text": "Jane", "entities": [[0, 4, "PER"]]},
        ],
    )
    assert detect_format(doccano) == "doccano" and detect_format(spacy) == "spacy"
    (doc,) = load_documents(doccano)
    assert (doc.id, doc.span_texts(), doc.meta) == ("7", ["Acme"], {"Comments": []})
    first, second = load_documents(spacy)
    assert (first.id, first.span_texts()) == ("s-1", ["Jane"])
    assert (second.id, second.span_texts()) == ("s-2", ["Jane"])


def test_jsonl_reports_all_bad_records_with_lines(tmp_path):
    path = write(
        tmp_path / "bad.jsonl",
        "\n".join(
            [
                json.dumps({"id": "ok", "text": "Acme Corp", "label": [[0, 4, "ORG"]]}),
                json.dumps(
                    {"id": "over", "text": "Acme Corp", "label": [[0, 6, "A"], [5, 9, "B"]]}
                ),
                json.dumps({"id": "range", "text": "Acme", "label": [[2, 40, "ORG"]]}),
                "{not json",
                json.dumps({"id": "notext", "label": []}),
                json.dumps({"id": "ok", "text": "again", "label": []}),
            ]
        ),
    )
    with pytest.raises(DataError) as caught:
        load_documents(path)
    message = str(caught.value)
    assert f"{path}, line 2 (document 'over'): spans [0, 6) 'A' and [5, 9) 'B' overlap" in message
    assert f"{path}, line 3 (document 'range'): span [2, 40) 'ORG': offsets outside" in message
    assert f"{path}, line 4: not valid JSON" in message
    assert f"{path}, line 5 (document 'notext'): 'text' is missing" in message
    assert f"{path}, line 6 (document 'ok'): document id already used at line 1" in message
    assert len(caught.value.problems) == 5


def labelstudio_task(text: str, *annotations: dict, task_id: int = 1) -> dict:
    return {"id": task_id, "data": {"text": text}, "annotations": list(annotations)}


def annotation(ann_id: int, updated: str, *spans: tuple, cancelled: bool = False) -> dict:
    result = [
        {
            "id": f"r{i}",
            "type": "labels",
            "from_name": "label",
            "to_name": "text",
            "value": {"start": s, "end": e, "text": t, "labels": [label]},
        }
        for i, (s, e, t, label) in enumerate(spans)
    ]
    result.append({"id": "c", "type": "choices", "value": {"choices": ["ok"]}})
    return {
        "id": ann_id,
        "updated_at": updated,
        "created_at": updated,
        "was_cancelled": cancelled,
        "result": result,
    }


def test_labelstudio_takes_newest_completed_annotation(tmp_path, caplog):
    text = "Acme hires Jane Doe"
    task = labelstudio_task(
        text,
        annotation(1, "2024-01-01T10:00:00Z", (0, 4, "Acme", "ORG")),
        annotation(2, "2024-03-01T10:00:00.5Z", (11, 19, "Jane Doe", "PER")),
        annotation(3, "2024-05-01T10:00:00Z", (0, 4, "Acme", "PER"), cancelled=True),
        task_id=41,
    )
    path = write(tmp_path / "export.json", json.dumps([task]))
    with caplog.at_level(logging.INFO, logger="nerkit.formats"):
        (doc,) = load_documents(path)
    assert (doc.id, doc.span_texts(), doc.meta["annotation_id"]) == ("41", ["Jane Doe"], 2)
    assert "using annotation 2" in caplog.text and "ignored 2 other" in caplog.text


def test_labelstudio_problems(tmp_path):
    tasks = [
        labelstudio_task("Acme hires Jane", annotation(1, "2024-01-01", (0, 4, "Acme", "ORG"))),
        labelstudio_task(
            "Acme hires Jane", annotation(2, "2024-01-01", (0, 4, "Acne", "ORG")), task_id=2
        ),
        labelstudio_task("Acme", annotation(3, "2024-01-01", cancelled=True), task_id=3),
        labelstudio_task(
            "Acme",
            annotation(4, "2024-01-01", (0, 3, "Acm", "ORG"), (1, 4, "cme", "PER")),
            task_id=4,
        ),
    ]
    path = write(tmp_path / "export.json", json.dumps(tasks))
    report = LoadReport()
    with pytest.raises(DataError) as caught:
        read_labelstudio(path, labels=["ORG", "PER"], report=report)
    message = str(caught.value)
    assert f"{path}, task 2 (document '2'): result 'r0': value.text 'Acne' differs" in message
    # Issue 16: a task whose every annotation was cancelled is skipped and counted, not
    # an error (it used to be "no completed annotation").
    cancelled = report.skipped["tasks whose every annotation was cancelled"]
    assert (cancelled.count, cancelled.examples) == (1, ["task 3 (document '3')"])
    assert f"{path}, task 4 (document '4'): spans [0, 3) 'ORG' and [1, 4) 'PER' overlap" in message
    assert len(caught.value.problems) == 2


def test_labelstudio_writer_makes_importable_predictions(tmp_path):
    path = tmp_path / "pre.json"
    write_labelstudio(DOCS[1:], path, kind="predictions")
    (task,) = json.loads(path.read_text("utf-8"))
    assert task["data"] == {"text": DOCS[1].text, "doc_id": "loan-2"}
    (prediction,) = task["predictions"]
    first = prediction["result"][0]
    assert (first["type"], first["from_name"], first["to_name"]) == ("labels", "label", "text")
    assert first["value"] == {"start": 0, "end": 8, "text": "Jane Doe", "labels": ["PERSON"]}


# ---------------------------------------------------------------------------------------
# Hugging Face datasets


def test_hf_rows_grouped_into_documents(tmp_path):
    import datasets

    names = ["O", "B-ORG", "I-ORG", "B-PER", "I-PER"]
    features = datasets.Features(
        {
            "doc_id": datasets.Value("string"),
            "tokens": datasets.Sequence(datasets.Value("string")),
            "ner_tags": datasets.Sequence(datasets.ClassLabel(names=names)),
        }
    )
    rows = {
        "doc_id": ["a", "b", "a"],
        "tokens": [["Acme", "Corp", "lends"], ["Jane", "Doe"], ["to", "Jane"]],
        "ner_tags": [[1, 2, 0], [3, 4], [0, 3]],
    }
    dataset = datasets.Dataset.from_dict(rows, features=features)
    datasets.DatasetDict({"train": dataset, "test": dataset}).save_to_disk(str(tmp_path / "ds"))
    with pytest.raises(ValueError, match="one of train, test"):
        load_documents(tmp_path / "ds")
    first, second = load_documents(tmp_path / "ds", split="test")
    assert (first.id, first.text, first.span_texts()) == (
        "a",
        "Acme Corp lends\nto Jane",
        ["Acme Corp", "Jane"],
    )
    assert (second.id, second.span_texts()) == ("b", ["Jane Doe"])


def test_hf_string_tags_and_bad_rows(tmp_path):
    import datasets

    rows = {
        "tokens": [["Acme", "Corp"], ["Jane"], ["x"]],
        "ner_tags": [["B-ORG", "I-PER"], ["B-PER", "O"], ["O"]],
    }
    datasets.Dataset.from_dict(rows).save_to_disk(str(tmp_path / "ds"))
    with pytest.raises(DataError) as caught:
        read_hf(tmp_path / "ds", scheme="IOB2")
    where = [(p.location, p.doc_id) for p in caught.value.problems]
    assert where == [("row 1", "ds-1"), ("row 0, token 1", "ds-0")]


# ---------------------------------------------------------------------------------------
# Files that are not there, empty, or of no known kind


@pytest.mark.parametrize("name", ["e.conll", "e.json", "e.jsonl"])
def test_empty_file(tmp_path, name):
    path = write(tmp_path / name, "\n  \n")
    with pytest.raises(DataError, match=rf"{name}, line 1: the file is empty"):
        load_documents(path)


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nowhere\.conll"):
        load_documents(tmp_path / "nowhere.conll")


def test_unknown_extension_lists_the_formats(tmp_path):
    path = write(tmp_path / "data.csv", "a,b\n")
    with pytest.raises(ValueError, match="conll, labelstudio, doccano, spacy, hf"):
        load_documents(path)
    with pytest.raises(ValueError, match="unknown data format 'csv'"):
        load_documents(path, format="csv")


def test_arguments_that_do_not_apply_are_errors(tmp_path):
    path = tmp_path / "d.jsonl"
    write_documents(DOCS, path, "doccano")
    with pytest.raises(ValueError, match="unknown tag scheme 'IOB9'"):
        load_documents(path, scheme="IOB9")
    with pytest.raises(ValueError, match="split= applies to Hugging Face"):
        load_documents(path, split="train")


def test_hf_hub_ids_go_through_load_dataset(monkeypatch, tmp_path):
    import datasets

    asked = []

    def fake_load_dataset(name, split=None):
        asked.append((name, split))
        rows = {"tokens": [["Acme", "lends"]], "ner_tags": [["B-ORG", "O"]]}
        return datasets.DatasetDict({"train": datasets.Dataset.from_dict(rows)})

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    (doc,) = load_documents("someone/contracts", format="hf")
    assert asked == [("someone/contracts", None)]
    assert (doc.id, doc.span_texts()) == ("contracts-train-0", ["Acme"])
    with pytest.raises(FileNotFoundError, match="missing"):
        load_documents(tmp_path / "missing", format="hf")
