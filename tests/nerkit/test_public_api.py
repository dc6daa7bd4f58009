"""The public library API: ``from nerkit import ...`` for notebook users."""

from __future__ import annotations

import subprocess
import sys

import pytest

import nerkit
from tests.conftest import REPO_ROOT


def test_every_public_name_resolves_to_its_module_object():
    from nerkit.documents import Document
    from nerkit.predictor import Predictor

    assert nerkit.Document is Document and nerkit.Predictor is Predictor
    for name in nerkit.__all__:
        assert getattr(nerkit, name).__name__ == name
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        nerkit.Nope  # noqa: B018


def test_importing_nerkit_does_not_load_torch():
    code = "import sys, nerkit; nerkit.Document; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_readme_example_reads_a_bundle(tmp_path, tiny_model, tokenizer, contract_tags):
    from nerkit import BundleMeta, OutputPath, generate_corpus, save_bundle

    docs = generate_corpus(1, seed=3)
    bundle = save_bundle(tmp_path / "b", tiny_model, tokenizer, BundleMeta(tags=contract_tags))
    (out,) = OutputPath.from_bundle(bundle, device="cpu").predict([docs[0].text])
    assert out.entities and all(docs[0].text[e.start : e.end] == e.text for e in out.entities)


def test_every_command_takes_its_exit_statuses_from_one_table():
    import registry.__main__ as registry_main
    import serve.__main__ as serve_main
    import serve.batch.__main__ as batch_main
    from nerkit.exitcodes import ExitCode

    assert serve_main.EXIT_STARTUP_FAILED is ExitCode.NOT_STARTED
    assert batch_main.EXIT_STARTUP_FAILED is ExitCode.NOT_STARTED
    assert registry_main.EXIT_REFUSED is ExitCode.REFUSED == 2
    assert registry_main.EXIT_ERROR is ExitCode.FAILED == 1
    readme = (REPO_ROOT / "README.md").read_text()
    for code in ExitCode:
        assert f"\n| {int(code)} | " in readme, f"README's exit table lacks {int(code)}"
