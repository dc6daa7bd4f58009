"""The house in order: no module over 400 lines and no function over 60, outside tests and data.

Every Python file of the project's packages is read with ``ast``; a function's length is
``end_lineno - lineno + 1`` (decorators aside, docstring and nested functions included).
The check itself is tested on temporary files, so it is known to fail when it should.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("nerkit", "train", "evaluate", "registry", "serve", "bench")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def over_the_limits(path: Path, root: Path) -> list[str]:
    """What in one file is too long, as ``file: ...`` lines (none when all is within)."""
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(root).as_posix()
    problems = []
    lines = len(text.splitlines())
    if lines > MAX_MODULE_LINES:
        problems.append(f"{name}: {lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(text, filename=name)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                problems.append(
                    f"{name}:{node.lineno} {node.name}() has {length} lines "
                    f"(at most {MAX_FUNCTION_LINES})"
                )
    return problems


def problems_under(folder: Path, root: Path) -> list[str]:
    """Every problem of the Python files under ``folder``."""
    return [p for path in sorted(folder.rglob("*.py")) for p in over_the_limits(path, root)]


@pytest.mark.parametrize("package", PACKAGES)
def test_modules_and_functions_stay_within_the_limits(package: str) -> None:
    problems = problems_under(REPO / package, REPO)
    assert not problems, "split by responsibility:\n" + "\n".join(problems)


def long_module() -> str:
    return "\n".join(f"VALUE_{i} = {i}" for i in range(MAX_MODULE_LINES + 1)) + "\n"


def long_function(kind: str = "def") -> str:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES - 1))
    return f"{kind} long():\n{body}    return None\n"


def method_too_long() -> str:
    return "class Holder:\n" + "".join(f"    {line}\n" for line in long_function().splitlines())


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (long_module(), ["toolong.py: 401 lines (at most 400)"]),
        (long_function(), ["toolong.py:1 long() has 61 lines (at most 60)"]),
        (long_function("async def"), ["toolong.py:1 long() has 61 lines (at most 60)"]),
        (method_too_long(), ["toolong.py:2 long() has 61 lines (at most 60)"]),
        (
            "x = 1\n" * MAX_MODULE_LINES + long_function(),
            [
                "toolong.py: 461 lines (at most 400)",
                "toolong.py:401 long() has 61 lines (at most 60)",
            ],
        ),
    ],
    ids=["module", "function", "async-function", "method", "both"],
)
def test_the_check_finds_what_is_too_long(tmp_path: Path, source: str, expected: list[str]) -> None:
    package = tmp_path / "package"
    package.mkdir()
    (package / "toolong.py").write_text(source, encoding="utf-8")
    (package / "short.py").write_text("def short():\n    return 1\n", encoding="utf-8")
    assert problems_under(package, package) == expected


def test_a_module_and_function_at_the_limits_pass(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES - 2))
    function = f"def exactly():\n{body}    return None\n"
    filler = "\n" * (MAX_MODULE_LINES - len(function.splitlines()))
    (tmp_path / "limits.py").write_text(filler + function, encoding="utf-8")
    assert problems_under(tmp_path, tmp_path) == []
