"""The import graph: the house reads faces → service → answer → index → ingest, one way.

Every module of the installed code (``ingest/``, ``index/``, ``vanban/``, ``app.py``)
is parsed, not imported, and every import it names is collected — at module
level, inside functions and under ``TYPE_CHECKING`` alike, since a lazy import
is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("ingest", "index", "vanban")
LOADS_BY_PATH = frozenset({"spec_from_file_location", "SourceFileLoader", "run_path"})


def module_name(path: Path) -> str:
    """``vanban/answer/tasks.py`` → ``vanban.answer.tasks``; ``__init__.py`` names its package."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> dict[str, Path]:
    """Every module of the installed code, by dotted name."""
    found = {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}
    found["app"] = ROOT / "app.py"
    return found


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The dotted name a ``from … import`` refers to, relative ones resolved."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports(path: Path, module: str) -> Iterator[str]:
    """Every module ``path`` imports, anywhere in its body (also ``import_module("x")``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield _absolute(node, module, path.name == "__init__.py")
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", "")) in {"import_module",
                                                                                "__import__"}):
            yield node.args[0].value


def loads_by_path(path: Path) -> list[int]:
    """Lines that load code from a file path instead of importing it."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        name = (node.attr if isinstance(node, ast.Attribute)
                else node.id if isinstance(node, ast.Name) else None)
        if name in LOADS_BY_PATH:
            lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom):
            lines += [node.lineno for a in node.names if a.name in LOADS_BY_PATH]
    return lines


def top(name: str) -> str:
    return name.split(".", 1)[0]


GRAPH = {name: {top(i) for i in imports(path, name)} for name, path in sources().items()}


def _offenders(layer: str, forbidden: set[str]) -> dict[str, set[str]]:
    return {name: deps & forbidden for name, deps in GRAPH.items()
            if top(name) == layer and deps & forbidden}


def test_the_parser_sees_real_imports() -> None:
    """The checks below can fail: the graph holds the edges we know exist."""
    assert {"ingest", "index", "vanban", "app"} <= {top(n) for n in GRAPH}
    assert "index" in GRAPH["vanban.service"] and "ingest" in GRAPH["index.chunks"]
    assert "gradio" in GRAPH["app"]  # imported lazily, inside functions
    assert "app" in GRAPH["vanban.cli"]  # ``vanban serve``, also lazily
    assert list(imports(ROOT / "vanban" / "answer" / "__init__.py", "vanban.answer"))


def test_ingest_imports_nothing_above_it() -> None:
    assert _offenders("ingest", {"index", "vanban", "app"}) == {}


def test_index_imports_nothing_from_vanban_or_the_app() -> None:
    assert _offenders("index", {"vanban", "app"}) == {}


def test_only_app_imports_gradio() -> None:
    assert {name for name, deps in GRAPH.items() if "gradio" in deps} == {"app"}


def test_the_library_imports_no_face() -> None:
    """Nothing below the faces imports the gradio wiring: ``vanban.cli`` is the only caller."""
    assert {name for name, deps in GRAPH.items() if "app" in deps} == {"vanban.cli"}


@pytest.mark.parametrize("layer", ["ingest", "index", "vanban"])
def test_no_code_is_loaded_by_file_path(layer: str) -> None:
    offenders = {name: lines for name, path in sources().items()
                 if top(name) == layer and (lines := loads_by_path(path))}
    assert offenders == {}


def test_the_path_loader_check_can_fail(tmp_path: Path) -> None:
    script = tmp_path / "loader.py"
    script.write_text("import importlib.util\n"
                      "spec = importlib.util.spec_from_file_location('x', 'evals/x.py')\n",
                      encoding="utf-8")
    assert loads_by_path(script) == [2]


def test_relative_imports_resolve_to_their_package() -> None:
    node = ast.parse("from ..search import Hit").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _absolute(node, "index.sub.mod", is_package=False) == "index.search"


def test_importing_the_package_loads_no_heavy_module() -> None:
    """``import vanban`` is cheap: no numpy, store, model or gradio until ``Vanban`` is used."""
    import subprocess
    import sys

    code = ("import sys, vanban; heavy = ('numpy', 'chromadb', 'gradio', 'underthesea', "
            "'vanban.service'); print(sorted(m for m in heavy if m in sys.modules)); "
            "vanban.Vanban; print('vanban.service' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=True, timeout=120).stdout.split("\n")
    assert out[:2] == ["[]", "True"]
