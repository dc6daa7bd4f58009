"""Label Studio exports as its versions write them (issue 16, points 1-6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerkit.documents import DataError, Document, Span
from nerkit.formats import detect_format, load_documents
from nerkit.formats.labelstudio import write_labelstudio
from nerkit.formats.report import LoadReport


def write(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def span(start: int, end: int, label: str, to_name: str = "text", kind: str = "labels", **kw):
    value = {"start": start, "end": end, "labels": [label], **kw}
    return {"from_name": "label", "to_name": to_name, "type": kind, "value": value}


def task(data: dict, *results: dict, key: str = "annotations", **fields) -> dict:
    return {"data": data, key: [{"result": list(results), **fields}]}


def texts(doc: Document) -> list[tuple[str, str]]:
    return [(doc.text[s.start : s.end], s.label) for s in doc.spans]


# 1. to_name picks the field: spans on another Text field never land on data.text.
def test_spans_land_on_the_field_their_to_name_names(tmp_path):
    data = {"text": "Body text about Oslo.", "title": "Bergen news"}
    path = write(tmp_path / "e.json", [task(data, span(0, 6, "LOC", to_name="title"))])
    report = LoadReport()
    (doc,) = load_documents(path, report=report)
    assert (doc.text, texts(doc)) == ("Bergen news", [("Bergen", "LOC")])
    assert doc.meta["labelstudio_data"] == {"text": "Body text about Oslo."}
    assert report.settings["text"] == "data.title (the spans' to_name 'title')"


def test_spans_on_two_fields_are_an_error_naming_the_task(tmp_path):
    data = {"text": "Body text about Oslo.", "title": "Bergen news"}
    tasks = [task(data, span(0, 6, "LOC", to_name="title"), span(16, 20, "LOC"))]
    with pytest.raises(DataError, match=r"task 1 .*spans on several fields \(text, title\)"):
        load_documents(write(tmp_path / "e.json", tasks))


def test_a_later_task_on_another_field_is_an_error(tmp_path):
    data = {"text": "Body text about Oslo.", "title": "Bergen news"}
    tasks = [task(data, span(16, 20, "LOC")), task(data, span(0, 6, "LOC", to_name="title"))]
    with pytest.raises(DataError, match=r"task 2 .*data.title where task 1's are on data.text"):
        load_documents(write(tmp_path / "e.json", tasks))


def test_text_field_option_skips_and_counts_spans_elsewhere(tmp_path):
    data = {"text": "Body text about Oslo.", "title": "Bergen news"}
    tasks = [task(data, span(0, 6, "LOC", to_name="title"), span(16, 20, "LOC"))]
    report = LoadReport()
    (doc,) = load_documents(write(tmp_path / "e.json", tasks), text_field="text", report=report)
    assert texts(doc) == [("Oslo", "LOC")]
    assert report.skipped["spans on another text field than 'text'"].count == 1


# 2. Span kinds nerkit cannot place are refused, never dropped.
@pytest.mark.parametrize("kind", ["hypertextlabels", "paragraphlabels"])
def test_other_span_kinds_are_refused(tmp_path, kind):
    path = write(tmp_path / "e.json", [task({"text": "Acme"}, span(0, 4, "ORG", kind=kind))])
    with pytest.raises(DataError, match=rf"task 1 .*of type '{kind}'.*cannot place"):
        load_documents(path)


def test_results_that_are_not_spans_are_counted(tmp_path):
    choice = {"type": "choices", "value": {"choices": ["ok"]}, "from_name": "c", "to_name": "text"}
    path = write(tmp_path / "e.json", [task({"text": "Acme"}, span(0, 4, "ORG"), choice)])
    report = LoadReport()
    (doc,) = load_documents(path, report=report)
    assert texts(doc) == [("Acme", "ORG")]
    assert report.skipped["results that are not spans (type choices)"].count == 1


# 3. The text field named by the labelling config.
CONFIG = """<View>
  <Labels name="label" toName="text"><Label value="ORG"/></Labels>
  <Text name="text" value="$clean_description"/>
</View>"""


@pytest.mark.parametrize("given", ["xml", "file", "project"])
def test_labelling_config_names_the_data_key(tmp_path, given):
    data = {"clean_description": "Acme sells.", "url": "http://x"}
    path = write(tmp_path / "e.json", [task(data, span(0, 4, "ORG"))])
    config: str = CONFIG
    if given == "file":
        config = str(tmp_path / "config.xml")
        Path(config).write_text(CONFIG, encoding="utf-8")
    elif given == "project":
        config = str(write(tmp_path / "project.json", {"id": 3, "label_config": CONFIG}))
    (doc,) = load_documents(path, label_config=config)
    assert (doc.text, texts(doc)) == ("Acme sells.", [("Acme", "ORG")])


def test_without_config_the_only_text_field_is_used(tmp_path):
    data = {"clean_description": "Acme sells.", "stars": 4}
    (doc,) = load_documents(write(tmp_path / "e.json", [task(data, span(0, 4, "ORG"))]))
    assert texts(doc) == [("Acme", "ORG")]


def test_ambiguous_text_fields_are_listed(tmp_path):
    data = {"clean_description": "Acme sells.", "title": "Acme"}
    with pytest.raises(DataError, match=r"clean_description \(str\), title \(str\).*label_config="):
        load_documents(write(tmp_path / "e.json", [task(data, span(0, 4, "ORG"))]))


# 4. Every export version.
def test_pre_1_0_completions_with_epoch_timestamps(tmp_path):
    old = task({"text": "Acme hires Jane"}, span(0, 4, "ORG"), key="completions", created_at=100)
    old["completions"].append({"result": [span(11, 15, "PER")], "created_at": 1_600_000_000})
    report = LoadReport()
    (doc,) = load_documents(write(tmp_path / "old.json", [old]), report=report)
    assert texts(doc) == [("Jane", "PER")]  # the newer completion
    assert report.skipped["other annotations of a task (annotation=newest)"].count == 1


def test_json_min_export(tmp_path):
    rows = [
        {
            "id": 1,
            "text": "Acme hires Jane",
            "annotator": 2,
            "annotation_id": 9,
            "label": [
                {"start": 0, "end": 4, "text": "Acme", "labels": ["ORG"]},
                {"start": 11, "end": 15, "text": "Jane", "labels": ["PER"]},
            ],
        },
        {"id": 2, "text": "Nothing here", "annotation_id": 10},
        {"id": 3, "text": "Not labelled yet"},
    ]
    path = write(tmp_path / "min.json", rows)
    assert detect_format(path) == "labelstudio"
    report = LoadReport()
    first, second = load_documents(path, report=report)
    assert (first.id, texts(first), first.meta["annotation_id"]) == (
        "1",
        [("Acme", "ORG"), ("Jane", "PER")],
        9,
    )
    assert (second.id, second.spans) == ("2", [])
    assert report.skipped["unlabelled tasks (no annotation)"].examples == ["task 3 (document '3')"]


def test_nerkit_predictions_read_back(tmp_path):
    docs = [
        Document("a", "Acme hires Jane", [Span(0, 4, "ORG"), Span(11, 15, "PER")]),
        Document("b", "Nobody", []),
    ]
    path = tmp_path / "pre.json"
    write_labelstudio(docs, path, kind="predictions")
    report = LoadReport()
    back = load_documents(path, report=report)
    assert [(d.id, d.text, d.spans) for d in back] == [(d.id, d.text, d.spans) for d in docs]
    assert report.settings["results"].startswith("predictions")
    refused = LoadReport()
    assert load_documents(path, results="annotations", report=refused) == []
    assert refused.skipped["unlabelled tasks (no annotation)"].count == 2


def test_predictions_beside_annotations_are_not_gold(tmp_path):
    tasks = [
        task({"text": "Acme"}, span(0, 4, "ORG")),
        task({"text": "Jane"}, span(0, 4, "PER"), key="predictions"),
    ]
    report = LoadReport()
    (doc,) = load_documents(write(tmp_path / "e.json", tasks), report=report)
    assert texts(doc) == [("Acme", "ORG")]
    reason = "unlabelled tasks (no annotation), with predictions nobody reviewed"
    assert report.skipped[reason].count == 1
    (pred,) = load_documents(tmp_path / "e.json", results="predictions")
    assert texts(pred) == [("Jane", "PER")]


# 5. "Export all tasks": unlabelled and cancelled tasks are skipped and counted.
def test_unlabelled_and_cancelled_tasks_are_skipped_and_counted(tmp_path):
    tasks = [
        task({"text": "Acme"}, span(0, 4, "ORG")),
        {"id": 2, "data": {"text": "later"}, "annotations": []},
        {"id": 3, "data": {"text": "skipped"}, "annotations": [{"was_cancelled": True}]},
    ]
    report = LoadReport()
    (doc,) = load_documents(write(tmp_path / "all.json", tasks), report=report)
    assert texts(doc) == [("Acme", "ORG")]
    assert report.skipped["unlabelled tasks (no annotation)"].examples == ["task 2 (document '2')"]
    assert report.skipped["tasks whose every annotation was cancelled"].count == 1


# 6. value.text differing only in whitespace is repaired and counted.
def test_whitespace_only_value_text_is_accepted(tmp_path):
    text = "Amnesia. Haze and Acme"
    results = [span(0, 13, "MISC", text="Amnesia . Haze"), span(18, 22, "ORG", text="Acme")]
    report = LoadReport()
    (doc,) = load_documents(
        write(tmp_path / "e.json", [task({"text": text}, *results)]), report=report
    )
    assert texts(doc) == [("Amnesia. Haze", "MISC"), ("Acme", "ORG")]
    repaired = report.repaired[
        "value.text differing from the text only in whitespace (offsets kept)"
    ]
    assert repaired.count == 1 and "task 1, result None" in repaired.examples[0]


def test_other_value_text_differences_stay_fatal(tmp_path):
    path = write(tmp_path / "e.json", [task({"text": "Acme"}, span(0, 4, "ORG", text="Acne"))])
    with pytest.raises(DataError, match=r"task 1 .*value.text 'Acne' differs"):
        load_documents(path)


@pytest.mark.parametrize(
    "choice,expected", [("newest", "PER"), ("oldest", "ORG"), ("first", "ORG"), ("last", "PER")]
)
def test_annotation_option(tmp_path, choice, expected):
    entry = task({"text": "Acme"}, span(0, 4, "ORG"), updated_at="2024-01-01T00:00:00Z")
    entry["annotations"].append({"result": [span(0, 4, "PER")], "updated_at": "2024-02-01"})
    (doc,) = load_documents(write(tmp_path / "e.json", [entry]), annotation=choice)
    assert texts(doc) == [("Acme", expected)]


def test_doubly_labelled_region_needs_an_overlaps_choice(tmp_path):
    result = span(0, 4, "ORG")
    result["value"]["labels"] = ["ORG", "BRAND"]
    path = write(tmp_path / "e.json", [task({"text": "Acme"}, result)])
    with pytest.raises(DataError, match=r"task 1 .*overlap"):
        load_documents(path)
    (doc,) = load_documents(path, overlaps="first")
    assert texts(doc) == [("Acme", "ORG")]


def test_options_of_another_format_are_refused(tmp_path):
    path = write(tmp_path / "e.json", [task({"text": "Acme"}, span(0, 4, "ORG"))])
    with pytest.raises(ValueError, match="tag_column do not apply to labelstudio files"):
        load_documents(path, tag_column=1)
    with pytest.raises(ValueError, match="annotation must be one of newest, oldest"):
        load_documents(path, annotation="best")
