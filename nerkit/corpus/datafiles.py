"""The corpus's data files, ``nerkit/corpus/data/*.yaml``, checked as they are read.

Each file is read from the installed package once per process. Readers walk it through
:class:`DataNode`, which knows where in which file each value sits, so that a value of
the wrong type, a missing or misspelt key, an unknown placeholder or an unbalanced mark
stops the generator with a :class:`CorpusDataError` naming the file, the place in it
(``articles[facility].sections[Commitment].variants[1]``) and what is wrong.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass
from importlib import resources
from typing import NoReturn

import yaml

from nerkit.corpus.template import row_problems, template_problems, text_problems

# libyaml's parser where it is installed: every process that generates reads the library.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A list element is named by the first of these keys it has, else by its index.
_NAMING_KEYS = ("key", "term", "heading")


class CorpusDataError(ValueError):
    """A data file of the corpus is malformed; the message says where and what to fix."""


@dataclass(frozen=True)
class Placeholders:
    """The placeholders one kind of template may use, and who fills them (for errors)."""

    known: Callable[[str], bool]
    filled_by: str


@functools.cache
def data_file(name: str) -> DataNode:
    """The parsed file ``nerkit/corpus/data/<name>``."""
    source = resources.files("nerkit.corpus").joinpath("data", name)
    return parse_data(source.read_text(encoding="utf-8"), f"nerkit/corpus/data/{name}")


def parse_data(text: str, file: str) -> DataNode:
    try:
        value = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        raise CorpusDataError(f"{file}: not valid YAML: {error}") from None
    return DataNode(file, "", value)


@dataclass(frozen=True)
class DataNode:
    """One value of a data file, with the file and the path that lead to it."""

    file: str
    path: str
    value: object

    def fail(self, problem: str) -> NoReturn:
        raise CorpusDataError(f"{self.file}: {self.path or '(top level)'}: {problem}")

    # -- containers -------------------------------------------------------------------

    def fields(
        self, required: Collection[str], optional: Collection[str] = ()
    ) -> dict[str, DataNode]:
        """A mapping's values by key; a missing required key or an unknown key is an error."""
        mapping = self._mapping()
        # A misspelt key is reported as such, not as the key it fails to provide.
        unknown = [key for key in mapping if key not in required and key not in optional]
        if unknown:
            allowed = ", ".join([*required, *optional])
            self.fail(f"unknown key {', '.join(unknown)} (the keys here are {allowed})")
        missing = [key for key in required if key not in mapping]
        if missing:
            self.fail(f"missing {', '.join(missing)}")
        return {key: self._child(f".{key}", value) for key, value in mapping.items()}

    def entries(self) -> list[tuple[str, DataNode]]:
        """A mapping whose keys are names the file chooses, in the file's order."""
        return [(key, self._child(f".{key}", value)) for key, value in self._mapping().items()]

    def elements(self) -> list[DataNode]:
        if not isinstance(self.value, list):
            self.fail(f"expected a list, found {_kind(self.value)}")
        return [self._child(f"[{_element_name(v, i)}]", v) for i, v in enumerate(self.value)]

    # -- scalars ----------------------------------------------------------------------

    def text(self) -> str:
        """A string written as it stands: it may hold no placeholder or mark."""
        value = self._string()
        self._report(text_problems(value))
        return value

    def texts(self) -> tuple[str, ...]:
        return tuple(element.text() for element in self.elements())

    def one_or_more(self) -> tuple[str, ...]:
        """One string, or a list of alternatives (one is chosen where it is written)."""
        return self.texts() if isinstance(self.value, list) else (self.text(),)

    def template(self, placeholders: Placeholders) -> str:
        value = self._string()
        self._report(template_problems(value, placeholders.known), placeholders)
        return value

    def templates(self, placeholders: Placeholders) -> tuple[str, ...]:
        return tuple(element.template(placeholders) for element in self.elements())

    def row(self, placeholders: Placeholders, lists: Collection[str]) -> str:
        value = self._string()
        self._report(row_problems(value, placeholders.known, lists), placeholders)
        return value

    def integer(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            self.fail(f"expected a whole number, found {_kind(self.value)}")
        return self.value

    def number(self) -> float:
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            self.fail(f"expected a number, found {_kind(self.value)}")
        return self.value

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            self.fail(f"expected true or false, found {_kind(self.value)}")
        return self.value

    def one_of(self, options: Collection[str]) -> str:
        value = self._string()
        if value not in options:
            self.fail(f"{value!r} is not one of {', '.join(options)}")
        return value

    # -- helpers ----------------------------------------------------------------------

    def _child(self, step: str, value: object) -> DataNode:
        path = f"{self.path}{step}" if self.path else step.lstrip(".")
        return DataNode(self.file, path, value)

    def _mapping(self) -> dict[str, object]:
        if not isinstance(self.value, dict):
            self.fail(f"expected a mapping, found {_kind(self.value)}")
        return {str(key): value for key, value in self.value.items()}

    def _string(self) -> str:
        if not isinstance(self.value, str):
            # YAML reads yes, no, on, off, numbers and dates as other types: quote them.
            self.fail(f"expected a string, found {_kind(self.value)}; quote it")
        return self.value

    def _report(self, problems: list[str], placeholders: Placeholders | None = None) -> None:
        if not problems:
            return
        fix = "the marks are described in nerkit/corpus/template.py"
        if placeholders and any(p.startswith("unknown placeholder") for p in problems):
            fix = f"the placeholders here are those {placeholders.filled_by}"
        self.fail(f"{'; '.join(problems)} in {_preview(str(self.value))!r}; {fix}")


def _kind(value: object) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"[:80]


def _element_name(value: object, index: int) -> str:
    if isinstance(value, dict):
        for key in _NAMING_KEYS:
            if isinstance(value.get(key), str):
                return str(value[key])
    return str(index)


def _preview(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
