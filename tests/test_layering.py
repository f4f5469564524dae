"""The import layers, read from the source with ``ast``: what may import what.

- ``shared`` is the ground floor: it imports no service and not the gateway.
- ``services.<x>`` imports only itself and ``shared``: never another service, never the gateway.
- ``gateway`` imports only itself and ``shared``.
- Nothing outside ``tests`` imports ``tests`` (the benchmarks start the suite through shared).
- No import cycles between the suite's modules.

Every import counts, also one inside a function or under ``TYPE_CHECKING``: a deferred
import that hides a cycle is still a cycle in the design.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from shared.registry import service_names
from shared.settings import REPO_ROOT

PACKAGES = ("shared", "services", "gateway", "tests", "bench")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every Python module of the suite by dotted name (``bench`` scripts included)."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            if ".venv" not in path.parts and "__pycache__" not in path.parts:
                found[module_name(path)] = path
    return found


def _resolve_relative(module: str, path: Path, level: int, target: str | None) -> str:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{target}" if target else package


def imported_names(module: str, path: Path) -> Iterator[str]:
    """The dotted names ``module`` imports; ``from a import b`` gives ``a.b`` if that is a
    module of the suite, else ``a``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = (
                _resolve_relative(module, path, node.level, node.module)
                if node.level
                else node.module or ""
            )
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield candidate if candidate in modules() else base


@cache
def graph() -> dict[str, frozenset[str]]:
    """Each module of the suite → the modules of the suite it imports."""
    known = modules()
    edges: dict[str, frozenset[str]] = {}
    for module, path in known.items():
        targets = set()
        for name in imported_names(module, path):
            # ``import a.b.c`` runs a.b.c; the nearest module of the suite is what we follow.
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        edges[module] = frozenset(targets)
    return edges


def layer(module: str) -> str:
    """``services.<x>`` for a service's modules, else the top package."""
    parts = module.split(".")
    if parts[0] == "services" and len(parts) > 1:
        return f"services.{parts[1]}"
    return parts[0]


def imports_outside(owner: str, allowed: tuple[str, ...]) -> list[str]:
    """What the modules of layer ``owner`` import from the suite outside ``allowed``."""
    return [
        f"{module} imports {target}"
        for module, targets in sorted(graph().items())
        if layer(module) == owner
        for target in sorted(targets)
        if layer(target) not in allowed
    ]


def assert_none(found: list[str]) -> None:
    assert not found, "\n" + "\n".join(found)


def test_the_tree_is_read() -> None:
    """The rules below see the real tree: every app package and its modules."""
    names = set(modules())
    assert {"shared.registry", "gateway.main", "tests.harness"} <= names
    for service in service_names():
        assert f"services.{service}.main" in names
    assert "shared.registry" in graph()["shared.cli"]


def test_shared_imports_only_shared() -> None:
    assert_none(imports_outside("shared", ("shared",)))


@pytest.mark.parametrize("service", service_names())
def test_a_service_imports_only_itself_and_shared(service: str) -> None:
    own = f"services.{service}"
    assert_none(imports_outside(own, (own, "shared")))


def test_the_gateway_imports_only_itself_and_shared() -> None:
    assert_none(imports_outside("gateway", ("gateway", "shared")))


def test_nothing_but_the_tests_imports_the_tests() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in sorted(graph().items())
        if layer(module) != "tests"
        for target in sorted(targets)
        if layer(target) == "tests"
    ]
    assert_none(wrong)


def cycles(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_cycles_finds_a_cycle_and_only_that() -> None:
    edges = {
        "a": frozenset({"b"}),
        "b": frozenset({"c"}),
        "c": frozenset({"a"}),
        "d": frozenset({"a"}),
    }
    assert cycles(edges) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    assert_none([" -> ".join(cycle) for cycle in cycles(graph())])
