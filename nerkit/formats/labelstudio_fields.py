"""Which data field of a Label Studio task holds the text its spans point into.

In order: ``text_field=`` when given; else the labelling config (``label_config=``),
through the spans' ``to_name``; else the ``to_name`` itself when the data has that key;
else the only text (string) field of the data. A task whose spans point at no field, or
at several, is an error that lists the fields. Without a config, the first task with
spans fixes the field for the file, and a later task whose spans point elsewhere is an
error, so a file is never read half from one field and half from another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nerkit.formats.labelstudio_config import LabelConfig
from nerkit.formats.report import LoadReport

if TYPE_CHECKING:
    from nerkit.formats.labelstudio_tasks import Where

ID_FIELD = "doc_id"
# JSON-MIN puts these beside the data fields; they are never the text.
NOT_TEXT = frozenset(
    {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", ID_FIELD}
)


class FieldChooser:
    def __init__(
        self, config: LabelConfig | None, text_field: str | None, report: LoadReport
    ) -> None:
        self.config, self.text_field, self.report = config, text_field, report
        self.fixed: tuple[str, str] | None = None  # (key, the task that fixed it)

    def choose(self, where: Where, data: dict, span_results: list[dict]) -> str | None:
        key, why = self._choice(where, data, span_results)
        if key is None:
            return None
        if not isinstance(data.get(key), str):
            where.problem(
                f"the text field {key!r} ({why}) is not a string in this task's data; "
                f"{_fields(data)}"
            )
            return None
        self.report.setting("text", f"data.{key} ({why})")
        return key

    def _choice(self, where: Where, data: dict, span_results: list[dict]) -> tuple[str | None, str]:
        if self.text_field is not None:
            return self.text_field, "text_field set"
        names = sorted({str(r.get("to_name")) for r in span_results if r.get("to_name")})
        if self.config is not None:
            return self._from_config(where, names)
        if len(names) > 1:
            where.problem(
                f"spans on several fields ({', '.join(names)}); pass text_field= "
                f"to read one of them; {_fields(data)}"
            )
            return None, ""
        if names:
            key, why = self._from_name(where, data, names[0])
            return self._fix(where, key), why
        if self.fixed is not None and isinstance(data.get(self.fixed[0]), str):
            return self.fixed[0], f"as in {self.fixed[1]}"
        strings = _strings(data)
        if "text" in strings or len(strings) == 1:
            return ("text" if "text" in strings else strings[0]), "the task's text field"
        where.problem(
            f"cannot tell which field holds the text: {_fields(data)}; pass "
            "label_config= (the project's XML) or text_field="
        )
        return None, ""

    def _from_config(self, where: Where, names: list[str]) -> tuple[str | None, str]:
        assert self.config is not None
        texts = self.config.texts
        unknown = [n for n in names if n not in texts]
        if unknown:
            kinds = [f"{n} ({self.config.others.get(n, 'not in the config')})" for n in unknown]
            where.problem(
                f"spans on {', '.join(kinds)}: the labelling config's text fields "
                f"are {self.config.describe()}"
            )
            return None, ""
        keys = sorted({texts[n] for n in names})
        if len(keys) > 1:
            where.problem(f"spans on several text fields ({', '.join(keys)}); pass text_field=")
            return None, ""
        if keys:
            return keys[0], "the labelling config"
        if len(texts) == 1:
            return next(iter(texts.values())), "the labelling config"
        if self.fixed is not None:
            return self.fixed[0], f"as in {self.fixed[1]}"
        return next(iter(texts.values())), "the labelling config's first text field"

    def _from_name(self, where: Where, data: dict, name: str) -> tuple[str | None, str]:
        if isinstance(data.get(name), str):
            return name, f"the spans' to_name {name!r}"
        strings = _strings(data)
        if len(strings) == 1:
            return strings[0], f"the only text field (the spans' to_name is {name!r})"
        where.problem(
            f"the spans' to_name {name!r} is not a data field and {_fields(data)}; "
            "pass label_config= (the project's XML) or text_field="
        )
        return None, ""

    def _fix(self, where: Where, key: str | None) -> str | None:
        if key is None or self.fixed is None:
            if key is not None:
                self.fixed = (key, where.location)
            return key
        if key != self.fixed[0]:
            where.problem(
                f"spans on data.{key} where {self.fixed[1]}'s are on "
                f"data.{self.fixed[0]}; pass text_field= to choose one"
            )
            return None
        return key

    def targets(self, item: dict, key: str, data: dict) -> bool:
        """Whether a span result points into ``key`` (JSON-MIN items always do).

        Only a chosen ``text_field`` can leave spans pointing elsewhere: they are then
        skipped and counted.
        """
        name = item.get("to_name")
        if name is None or self.text_field is None:
            return True
        if self.config is not None:
            return self.config.texts.get(str(name)) == key
        return name == key or name not in data


def _strings(data: dict) -> list[str]:
    return [k for k, v in data.items() if isinstance(v, str) and k not in NOT_TEXT]


def _fields(data: dict) -> str:
    found = ", ".join(f"{k} ({type(v).__name__})" for k, v in data.items() if k not in NOT_TEXT)
    return f"the data has {found or 'no fields'}"
