"""The words of the schedules whose tables are computed in Python (:mod:`nerkit.corpus.tables`),
read from ``data/schedules.yaml``: headings, templates filled like clauses, and words
written as they stand.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NoReturn

from nerkit.corpus.clauses import CLAUSE_PLACEHOLDERS
from nerkit.corpus.datafiles import CorpusDataError, DataNode, data_file
from nerkit.corpus.layout import heading, pick
from nerkit.corpus.writer import ContractWriter

WORDS_FILE = "schedules.yaml"


@dataclass(frozen=True)
class ScheduleWords:
    """One schedule's entry: each value is one string or a list, as its table uses it."""

    name: str
    labels: tuple[str, ...]  # one is chosen at random
    titles: tuple[str, ...]
    templates: dict[str, str | tuple[str, ...]]
    words: dict[str, str | tuple[str, ...]]

    def heading(self, writer: ContractWriter) -> None:
        heading(writer, pick(writer, self.labels), pick(writer, self.titles))

    def template(self, key: str) -> str:
        return self._one(self.templates, "templates", key)

    def template_list(self, key: str) -> tuple[str, ...]:
        return self._list(self.templates, "templates", key)

    def word(self, key: str) -> str:
        return self._one(self.words, "words", key)

    def word_list(self, key: str) -> tuple[str, ...]:
        return self._list(self.words, "words", key)

    def _one(self, values: dict[str, str | tuple[str, ...]], kind: str, key: str) -> str:
        value = self._value(values, kind, key)
        if not isinstance(value, str):
            self._fail(f"{kind}.{key}: its table writes one string, not a list")
        return value

    def _list(
        self, values: dict[str, str | tuple[str, ...]], kind: str, key: str
    ) -> tuple[str, ...]:
        value = self._value(values, kind, key)
        if isinstance(value, str):
            self._fail(f"{kind}.{key}: its table writes a list, not one string")
        return value

    def _value(
        self, values: dict[str, str | tuple[str, ...]], kind: str, key: str
    ) -> str | tuple[str, ...]:
        if key not in values:
            self._fail(f"{kind}.{key} is missing; nerkit.corpus.tables writes it")
        return values[key]

    def _fail(self, problem: str) -> NoReturn:
        raise CorpusDataError(f"nerkit/corpus/data/{WORDS_FILE}: {self.name}.{problem}")


@functools.cache
def all_schedule_words() -> dict[str, ScheduleWords]:
    entries = data_file(WORDS_FILE).entries()
    return {name: read_schedule_words(name, node) for name, node in entries}


def schedule_words(name: str) -> ScheduleWords:
    words = all_schedule_words()
    if name not in words:
        raise CorpusDataError(f"nerkit/corpus/data/{WORDS_FILE}: no entry for schedule {name!r}")
    return words[name]


def read_schedule_words(name: str, node: DataNode) -> ScheduleWords:
    fields = node.fields((), ("label", "title", "templates", "words"))
    empty = DataNode(node.file, node.path, {})
    return ScheduleWords(
        name=name,
        labels=fields["label"].one_or_more() if "label" in fields else (),
        titles=fields["title"].one_or_more() if "title" in fields else (),
        templates={
            key: value.template(CLAUSE_PLACEHOLDERS)
            if isinstance(value.value, str)
            else value.templates(CLAUSE_PLACEHOLDERS)
            for key, value in fields.get("templates", empty).entries()
        },
        words={
            key: value.text() if isinstance(value.value, str) else value.texts()
            for key, value in fields.get("words", empty).entries()
        },
    )
