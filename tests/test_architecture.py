"""The package's imports form no circle: every module imports only modules that do not, however
indirectly, import it back, counting imports inside functions (which hide a circle from the
reader) and leaving out those only for type checkers (``if TYPE_CHECKING:``)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pytest_omics_cache"
NAME = PACKAGE.name


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden.update(id(inner) for inner in ast.walk(node))
    return hidden


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports, anywhere in it."""
    tree = ast.parse(path.read_text())
    hidden = _type_checking_nodes(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == NAME:
                found.update(f"{NAME}.{alias.name}" for alias in node.names)
            elif node.module.startswith(f"{NAME}."):
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith(f"{NAME}."))
    return found & modules


def import_graph() -> dict[str, set[str]]:
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = set(paths) - {NAME}  # the package's __init__ re-exports: it is the top
    return {name: _imports(path, modules) - {name} for name, path in paths.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def test_the_package_has_no_import_circle() -> None:
    graph = import_graph()

    assert len(graph) > 40  # every module was read
    assert circles(graph) == []


def test_the_circle_finder_finds_circles_hidden_in_functions(tmp_path: Path) -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e2"}, "e2": set()}

    assert circles(graph) == [["a", "b", "c"]]
    source = "def later():\n    from pytest_omics_cache import _b\n"
    module = tmp_path / "_a.py"
    module.write_text(source)
    assert _imports(module, {f"{NAME}._b"}) == {f"{NAME}._b"}
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n" + source[15:])
    assert _imports(module, {f"{NAME}._b"}) == set()


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's verdict on the package under ``root``, with the project's contracts."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.skip("import-linter is not installed here (python3 dev.py lint runs it)")
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [lint, "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(PACKAGE, tmp_path / NAME, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PACKAGE.parent / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layer_and_resource_contracts_hold() -> None:
    verdict = _lint_imports(PACKAGE.parent)

    assert verdict.returncode == 0, verdict.stdout
    assert "Contracts: 2 kept, 0 broken." in verdict.stdout


def test_an_import_up_a_layer_breaks_the_layers_contract(tmp_path: Path) -> None:
    root = _copy_of_the_package(tmp_path)
    options = root / NAME / "_core" / "options.py"
    # Inside a function, where it hides from the reader: the contract still sees it.
    options.write_text(
        options.read_text() + "\n\ndef _later():\n    from pytest_omics_cache._api import fake\n"
    )

    verdict = _lint_imports(root)

    assert verdict.returncode == 1
    assert (
        "pytest_omics_cache._core is not allowed to import pytest_omics_cache._api"
        in verdict.stdout
    )
    assert "pytest_omics_cache._core.options -> pytest_omics_cache._api.fake" in verdict.stdout


def test_a_resource_importing_another_breaks_the_independence_contract(tmp_path: Path) -> None:
    root = _copy_of_the_package(tmp_path)
    handlers = root / NAME / "_resources" / "runs" / "handlers.py"
    handlers.write_text(
        handlers.read_text() + "\nfrom pytest_omics_cache._resources.run_caches import store\n"
    )

    verdict = _lint_imports(root)

    assert verdict.returncode == 1
    assert "Contracts: 1 kept, 1 broken." in verdict.stdout
    assert "pytest_omics_cache._resources.runs is not allowed to import" in verdict.stdout
