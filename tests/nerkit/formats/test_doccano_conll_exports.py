"""doccano and CoNLL files as real exports write them (issue 16, points 7-10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nerkit.documents import DataError, Document
from nerkit.formats import detect_format, load_documents
from nerkit.formats.report import LoadReport


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def lines(*records: dict) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def texts(doc: Document) -> list[tuple[str, str]]:
    return [(doc.text[s.start : s.end], s.label) for s in doc.spans]


# 7. JSON Lines under any suffix; every doccano generation's field names.
DOCCANO = [
    {"id": 1, "text": "Acme hires Jane", "label": [[0, 4, "ORG"], [11, 15, "PER"]]},
    {"id": 2, "text": "Jane quits", "label": []},
]


@pytest.mark.parametrize("name", ["train.json", "export.json1", "data.jsonl", "data.txt"])
def test_json_lines_under_any_suffix(tmp_path, name):
    path = write(tmp_path / name, lines(*DOCCANO))
    assert detect_format(path) == "doccano"
    first, second = load_documents(path)
    assert texts(first) == [("Acme", "ORG"), ("Jane", "PER")] and second.spans == []


def test_old_new_and_entity_object_field_names(tmp_path):
    path = write(
        tmp_path / "mixed.jsonl",
        lines(
            {"text": "Acme hires Jane", "labels": [[0, 4, "ORG"]]},  # before 1.0
            {
                "id": 7,
                "text": "Acme hires Jane",
                "relations": [],
                "Comments": [],
                "entities": [{"id": 3, "label": "PER", "start_offset": 11, "end_offset": 15}],
            },
        ),
    )
    assert detect_format(path) == "doccano"
    old, new = load_documents(path)
    assert texts(old) == [("Acme", "ORG")]
    assert (new.id, texts(new), new.meta) == (
        "7",
        [("Jane", "PER")],
        {"relations": [], "Comments": []},
    )


def test_label_ids_without_names_are_explained(tmp_path):
    record = {"text": "Acme", "annotations": [{"label": 4, "start_offset": 0, "end_offset": 4}]}
    path = write(tmp_path / "ids.jsonl", lines(record))
    with pytest.raises(DataError, match=r"line 1 .*label is a number \(4\), a doccano label id"):
        load_documents(path)


def test_a_json_array_of_records(tmp_path):
    path = write(tmp_path / "array.json", json.dumps(DOCCANO))
    assert detect_format(path) == "doccano"
    assert [d.id for d in load_documents(path)] == ["1", "2"]


def test_bad_json_lines_name_the_line(tmp_path):
    path = write(tmp_path / "bad.json", lines(*DOCCANO) + "{oops\n")
    with pytest.raises(DataError, match=r"bad.json, line 3: not valid JSON"):
        load_documents(path)


# 8. Nested or doubly labelled spans: an error by default, trainable with overlaps=.
NESTED = {
    "id": "n",
    "text": "Bank of Oslo",
    "label": [[0, 12, "ORG"], [8, 12, "LOC"], [0, 4, "ORG"]],
}


def test_overlaps_error_by_default(tmp_path):
    path = write(tmp_path / "nested.jsonl", lines(NESTED))
    with pytest.raises(DataError, match=r"line 1 \(document 'n'\): spans \[0, 4\) 'ORG' and"):
        load_documents(path)


@pytest.mark.parametrize(
    ("policy", "kept"),
    [("longest", [("Bank of Oslo", "ORG")]), ("first", [("Bank of Oslo", "ORG")])],
)
def test_overlaps_resolved_and_counted(tmp_path, policy, kept):
    path = write(tmp_path / "nested.jsonl", lines(NESTED))
    report = LoadReport()
    (doc,) = load_documents(path, overlaps=policy, report=report)
    assert texts(doc) == kept
    assert report.repaired[f"overlapping spans dropped (overlaps={policy})"].count == 2


def test_first_and_longest_differ(tmp_path):
    record = {"id": "d", "text": "Bank of Oslo", "label": [[8, 12, "LOC"], [0, 12, "ORG"]]}
    path = write(tmp_path / "nested.jsonl", lines(record))
    assert texts(load_documents(path, overlaps="first")[0]) == [("Oslo", "LOC")]
    assert texts(load_documents(path, overlaps="longest")[0]) == [("Bank of Oslo", "ORG")]


# 9. CoNLL comment lines and column layouts.
UNER = (
    "# sent_id = en_pud_1\n# text = Alice met Bob .\n"
    "1\tAlice\tB-PER\t-\t-\n2\tmet\tO\t-\t-\n3\tBob\tB-PER\t-\t-\n4\t.\tO\t-\t-\n\n"
    "# sent_id = en_pud_2\n1\t#\tO\t-\t-\n2\tOslo\tB-LOC\t-\t-\n"
)


@pytest.mark.parametrize("name", ["en_pud-ud-test.iob2", "uner.tsv", "uner.conll"])
def test_universal_ner_layout_and_comments(tmp_path, name):
    path = write(tmp_path / name, UNER)
    assert detect_format(path) == "conll"
    report = LoadReport()
    (doc,) = load_documents(path, report=report)
    assert doc.text == "Alice met Bob .\n# Oslo"  # a '#' token is a token, not a comment
    assert texts(doc) == [("Alice", "PER"), ("Bob", "PER"), ("Oslo", "LOC")]
    assert report.skipped["comment lines"].count == 3
    assert "token in column 1, tag in column 2" in report.settings["columns"]


def test_tag_column_chosen_when_unambiguous_and_settable_when_not(tmp_path):
    path = write(tmp_path / "pos.conll", "Acme NNP B-ORG x\nlends VBZ O y\n")
    (doc,) = load_documents(path)
    assert texts(doc) == [("Acme", "ORG")]  # the only tag column, though not the last
    ambiguous = write(tmp_path / "amb.conll", "Acme B-NP B-ORG 3\nlends B-VP O 4\n")
    with pytest.raises(DataError, match=r"columns 1, 2 all hold only tags; pass tag_column="):
        load_documents(ambiguous)
    (chosen,) = load_documents(ambiguous, tag_column=1)
    assert texts(chosen) == [("Acme", "NP"), ("lends", "VP")]


def test_conll_2003_keeps_the_last_column(tmp_path):
    path = write(tmp_path / "c.conll", "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n")
    assert texts(load_documents(path)[0]) == [("EU", "ORG")]


# 10. Tabs make a space a token; more suffixes are CoNLL.
def test_a_space_token_in_a_tab_separated_file(tmp_path):
    path = write(tmp_path / "chars.bioes", "A\tB-ORG\nB\tE-ORG\n \tO\nC\tS-LOC\n")
    report = LoadReport()
    (doc,) = load_documents(path, report=report)
    assert doc.text == "A B   C"
    assert list(doc.meta["token_offsets"]) == [(0, 1), (2, 3), (4, 5), (6, 7)]
    assert texts(doc) == [("A B", "ORG"), ("C", "LOC")]
    assert report.settings["scheme"] == "BIOES (detected)"


@pytest.mark.parametrize("suffix", [".bioes", ".iobes", ".iob2", ".tsv"])
def test_more_conll_suffixes(tmp_path, suffix):
    path = write(tmp_path / f"d{suffix}", "Acme\tS-ORG\nlends\tO\n")
    assert texts(load_documents(path)[0]) == [("Acme", "ORG")]


def test_a_token_with_a_space_gets_a_tab_hint(tmp_path):
    path = write(tmp_path / "w.conll", "Acme B-ORG\nin O\nNew York B-LOC\n")
    with pytest.raises(DataError, match=r"line 3 .*3 columns where line 1 has 2 \(a token with"):
        load_documents(path)


def test_undetectable_file_says_what_each_reader_found(tmp_path):
    path = write(tmp_path / "notes.md", "just some prose\nwith no tags at all\n")
    with pytest.raises(ValueError) as caught:
        load_documents(path)
    message = str(caught.value)
    assert "As JSON: does not start with '[' or '{'" in message
    assert "As CoNLL: only 0 of 2 lines have two or more columns, one of them a tag" in message
    assert "Pass format= one of conll, labelstudio, doccano, spacy, hf" in message


def test_a_conll_suffix_without_tags_names_the_columns(tmp_path):
    path = write(tmp_path / "notes.txt", "just prose\nno tags\n")
    with pytest.raises(DataError, match=r"columns: no column holds tags .*column 1 has 'prose'"):
        load_documents(path)
