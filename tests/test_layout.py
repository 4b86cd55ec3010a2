"""The size and import rules of the layout (README "Layout"): modules of at most 400
lines, functions of at most 60, and no project import hidden inside a function,
where it would dodge the import-linter contracts (``apps.py`` ``ready()`` excepted).
Migrations and tests are exempt."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "racing", "editions", "stages", "live", "riders", "teams", "toursite", "bench"
)  # fmt: skip
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def _label(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", _modules(), ids=_label)
def test_module_size(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_label(path)} has {lines} lines"


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


@pytest.mark.parametrize("path", _modules(), ids=_label)
def test_function_size(path):
    tree = ast.parse(path.read_text())
    long = [
        f"{f.name} ({f.end_lineno - f.lineno + 1} lines, line {f.lineno})"
        for f in _functions(tree)
        if f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{_label(path)}: {', '.join(long)}"


def _project_import(node: ast.AST) -> str | None:
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        name = node.module
    elif isinstance(node, ast.Import):
        name = node.names[0].name
    else:
        return None
    return name if name.split(".")[0] in PACKAGES else None


@pytest.mark.parametrize("path", _modules(), ids=_label)
def test_no_project_import_inside_a_function(path):
    tree = ast.parse(path.read_text())
    hidden = [
        f"{found} in {function.name}() line {node.lineno}"
        for function in _functions(tree)
        if not (path.name == "apps.py" and function.name == "ready")
        for node in ast.walk(function)
        if (found := _project_import(node))
    ]
    assert not hidden, f"{_label(path)}: {', '.join(hidden)}"


def test_the_rules_see_the_whole_project():
    # A package renamed or moved out of PACKAGES would escape every rule above.
    top = {
        p.parent.name
        for p in ROOT.glob("*/__init__.py")
        if p.parent.name not in ("tests",)
    }
    assert top <= set(PACKAGES)
    assert len(_modules()) > 50
