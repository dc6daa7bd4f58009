"""A Label Studio labelling config: which data key each text field shows.

``<Text name="text" value="$clean_description"/>`` shows ``data["clean_description"]``
under the name ``text``, which is what span results call their ``to_name``. The config
is given as ``label_config=``: the XML itself, a ``.xml`` file, or the project's JSON
(``GET /api/projects/<id>``, whose ``label_config`` holds the XML).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

# Object tags whose regions are character offsets into plain text.
PLAIN_TEXT_TAGS = frozenset({"Text"})
# Object tags whose regions nerkit cannot place in plain text (XPath or paragraph offsets).
OTHER_TEXT_TAGS = frozenset({"HyperText", "Paragraphs", "RichText"})


@dataclass(frozen=True)
class LabelConfig:
    """Text field name -> data key, for plain-text fields; and the other object fields."""

    texts: dict[str, str]
    others: dict[str, str]

    def describe(self) -> str:
        return ", ".join(f"{name} (data.{key})" for name, key in self.texts.items())


def load_label_config(given: str | Path) -> LabelConfig:
    """The config from XML text, an XML file or a project JSON file; ValueError if unusable."""
    text = str(given)
    if not text.lstrip().startswith("<"):
        path = Path(text).expanduser()
        if not path.is_file():
            raise ValueError(
                f"label_config={text!r} is neither XML (starting with '<') nor an existing file"
            )
        text = path.read_text("utf-8")
        if path.suffix.lower() == ".json":
            text = _from_project(path, text)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise ValueError(f"label_config: not valid XML ({error})") from None
    texts: dict[str, str] = {}
    others: dict[str, str] = {}
    for element in root.iter():
        name, value = element.get("name"), element.get("value", "")
        if name is None or not value.startswith("$"):
            continue
        if element.tag in PLAIN_TEXT_TAGS:
            texts[name] = value[1:]
        elif element.tag in OTHER_TEXT_TAGS:
            others[name] = element.tag
    if not texts:
        raise ValueError(
            'label_config has no <Text name=... value="$key"/> field: nerkit reads spans '
            f"on plain text only (found {', '.join(sorted(set(others.values()))) or 'none'})"
        )
    return LabelConfig(texts, others)


def _from_project(path: Path, text: str) -> str:
    try:
        project = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error.msg})") from None
    config = project.get("label_config") if isinstance(project, dict) else None
    if not isinstance(config, str):
        raise ValueError(f"{path}: a project JSON needs a 'label_config' string")
    return config
