"""The model bundle: a folder holding a trained model and how it must be run.

Layout::

    <bundle>/
        config.json, model.safetensors      the Hugging Face model (save_pretrained)
        tokenizer.json, tokenizer_config...  its tokenizer (save_pretrained)
        nerkit.json                          BundleMeta: tags, window, aggregation, ...

A model with a head from ``nerkit.heads`` (``head`` set in nerkit.json) keeps its encoder
in ``encoder/`` (save_pretrained) and the head and shape weights in ``head.safetensors``.

Anything that needs to know how a model must be run (tags, window length and overlap,
aggregation) reads it from ``nerkit.json``, never from a second copy of the settings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nerkit.decoding import AGGREGATIONS, TagScheme
from nerkit.windows import WindowConfig

META_FILE = "nerkit.json"
SCHEME = "IOB2"
FORMAT_VERSION = 1


def nerkit_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nerkit")
    except PackageNotFoundError:
        return "0+unknown"


def labels_of(tags: list[str]) -> list[str]:
    """Entity types of IOB2 tags, in first-seen order (``O`` excluded)."""
    return list(dict.fromkeys(t.split("-", 1)[1] for t in tags if t != "O"))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class BundleMeta:
    """What ``nerkit.json`` records about a trained model."""

    tags: list[str]
    base_model: str = ""
    max_length: int = 256
    overlap: int = 32
    aggregation: str = "first"
    label_all_subtokens: bool = False
    # What the model was trained on and tested on (nerkit.documents.data_fingerprint).
    train_fingerprint: str = ""
    test_fingerprint: str = ""
    evaluation: dict[str, Any] = field(default_factory=dict)
    # The post-processing rules every consumer runs after the engine (nerkit.output):
    # ``{_target_: ...}`` mappings as in conf/postprocess. None: none recorded (older
    # bundles); the registry records the configured chain when it registers one.
    postprocess: list[Any] | None = None
    # The task head (nerkit.heads) as a ``{_target_: ...}`` mapping; None: the
    # architecture's own head, saved and loaded by Hugging Face (the bundle's config.json).
    head: dict[str, Any] | None = None
    # Whether the model reads token shapes (nerkit.shapes) beside the word-pieces.
    shape_features: bool = False
    labels: list[str] = field(default_factory=list)
    scheme: str = SCHEME
    created_at: str = field(default_factory=_now)
    nerkit_version: str = field(default_factory=nerkit_version)

    def __post_init__(self) -> None:
        self.tags = list(self.tags)
        if not self.labels:
            self.labels = labels_of(self.tags)
        self.validate()

    @property
    def window(self) -> WindowConfig:
        return WindowConfig(self.max_length, self.overlap)

    def validate(self) -> None:
        """Raise ValueError naming the field when the metadata cannot describe a model."""
        if self.scheme != SCHEME:
            raise ValueError(
                f"scheme {self.scheme!r} is not supported; nerkit bundles use {SCHEME}"
            )
        TagScheme.from_tags(self.tags)
        if sorted(self.labels) != sorted(labels_of(self.tags)):
            raise ValueError(f"labels {self.labels} do not match the tags {self.tags}")
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(
                f"aggregation {self.aggregation!r} is not one of {', '.join(AGGREGATIONS)}"
            )
        if self.overlap < 0 or self.overlap >= self.max_length:
            raise ValueError(
                f"window overlap={self.overlap} must be in [0, max_length={self.max_length})"
            )
        if self.head is None and self.shape_features:
            raise ValueError("shape_features needs a head from nerkit.heads (model.head)")
        if self.head is not None and (
            not isinstance(self.head, dict) or not isinstance(self.head.get("_target_"), str)
        ):
            raise ValueError(f"head must be a mapping with a _target_, not {self.head!r}")
        if self.postprocess is not None and not isinstance(self.postprocess, list):
            raise ValueError(
                f"postprocess must be a list of rules (as in conf/postprocess), "
                f"not {type(self.postprocess).__name__}"
            )

    def to_dict(self) -> dict[str, Any]:
        return {"format_version": FORMAT_VERSION, **dataclasses.asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = META_FILE) -> BundleMeta:
        known = {f.name for f in dataclasses.fields(cls)}
        if "data_fingerprint" in data and "test_fingerprint" not in data:
            # Bundles before train/test fingerprints were told apart held the test one here.
            data = {**data, "test_fingerprint": data["data_fingerprint"]}
        if "tags" not in data:
            raise ValueError(f"{source}: the field 'tags' is missing")
        try:
            return cls(**{k: v for k, v in data.items() if k in known})
        except (TypeError, ValueError) as err:
            raise ValueError(f"{source}: {err}") from err


def read_bundle_meta(path: str | Path) -> BundleMeta:
    """The ``nerkit.json`` of a bundle folder; a clear error when it is not a bundle."""
    folder = Path(path)
    meta_path = folder / META_FILE
    if not folder.is_dir():
        raise FileNotFoundError(f"model bundle {folder} does not exist or is not a folder")
    if not meta_path.is_file():
        raise FileNotFoundError(
            f"{folder} is not a nerkit model bundle: {META_FILE} is missing. A bundle is "
            "written by nerkit.bundle.save_bundle (python -m train does it); a plain Hugging "
            "Face folder lacks the tags and window settings the engine needs"
        )
    try:
        data = json.loads(meta_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{meta_path}: not valid JSON ({err})") from err
    if not isinstance(data, dict):
        raise ValueError(f"{meta_path}: expected a JSON object")
    return BundleMeta.from_dict(data, str(meta_path))


def _check_model_tags(model: Any, tags: list[str], where: str) -> None:
    id2label = getattr(getattr(model, "config", None), "id2label", None)
    if not id2label:
        return
    model_tags = [id2label[i] for i in sorted(id2label)]
    if model_tags != list(tags):
        raise ValueError(
            f"{where}: the model's labels {model_tags} differ from the bundle's tags {tags}"
        )


def write_bundle_meta(folder: str | Path, meta: BundleMeta) -> Path:
    """(Re)write ``nerkit.json`` of a bundle folder; its SHA-256 changes with it."""
    meta.validate()
    path = Path(folder) / META_FILE
    text = json.dumps(meta.to_dict(), indent=2, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def save_bundle(path: str | Path, model: Any, tokenizer: Any, meta: BundleMeta) -> Path:
    """Write model and tokenizer (safetensors) and ``nerkit.json`` into ``path``."""
    folder = Path(path)
    meta.validate()
    _check_model_tags(model, meta.tags, str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    write_bundle_meta(folder, meta)
    return folder


def load_bundle(
    path: str | Path, device: Any = "cpu", dtype: Any = None
) -> tuple[Any, Any, BundleMeta]:
    """``(model, tokenizer, meta)`` from a bundle folder; the model is in eval mode.

    ``dtype`` (a torch dtype) loads the weights straight into it; the model uses SDPA
    attention when its architecture supports it.
    """
    from nerkit.models import load_tokenizer

    folder = Path(path)
    meta = read_bundle_meta(folder)
    kwargs: dict[str, Any] = {} if dtype is None else {"dtype": dtype}
    if meta.head is not None:
        from nerkit.heads import load_tagger

        model = load_tagger(folder, meta.tags, meta.head, meta.shape_features, **kwargs)
    else:
        model = _load_token_classifier(folder, kwargs)
    _check_model_tags(model, meta.tags, str(folder))
    model.to(device)
    model.eval()
    tokenizer = load_tokenizer(str(folder))
    return model, tokenizer, meta


def _load_token_classifier(folder: Path, kwargs: dict[str, Any]) -> Any:
    from transformers import AutoModelForTokenClassification

    try:
        model = AutoModelForTokenClassification.from_pretrained(
            folder, attn_implementation="sdpa", **kwargs
        )
    except (ValueError, ImportError):  # architecture without SDPA support
        model = AutoModelForTokenClassification.from_pretrained(folder, **kwargs)
    return model


def bundle_sha256(path: str | Path) -> str:
    """SHA-256 over every file of the bundle, by relative path (sorted) and content."""
    folder = Path(path)
    digest = hashlib.sha256()
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    for file in sorted(files, key=lambda p: p.relative_to(folder).as_posix()):
        digest.update(file.relative_to(folder).as_posix().encode("utf-8"))
        digest.update(b"\x00")
        file_digest = hashlib.sha256()
        with file.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                file_digest.update(block)
        digest.update(file_digest.digest())
    return digest.hexdigest()
