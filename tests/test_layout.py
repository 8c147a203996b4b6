"""The layout of the source and the tests, checked on the source itself:

- tests mirror the package: `src/vpccost/<package>/<module>.py` is tested by `tests/<package>/test_<module>.py`
  (a leading underscore dropped: `_version.py` → `test_version.py`); a package's `__init__.py` that holds code by
  `tests/<package>/test_<package>.py`, the package root's by `tests/test_api.py`; `__main__.py` by `test_main.py`.
  An `__init__.py` holding only a docstring (and imports of `__future__`) needs none;
- an item key (`vpccost.pricing.items.ITEMS`) is spelled as a string only in the item registry and in the option
  modules; everywhere else the constants are imported. Every string constant counts, docstrings included: comments
  are not code, and no other exception is needed;
- no import cycle among vpccost's modules, counting imports inside functions and leaving out `if TYPE_CHECKING:`
  blocks. The one edge allowed back is `vpccost.results` importing `vpccost.outputs.*` inside a function (its
  documented seam to the renderers).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

from tests.conftest import REPO
from vpccost.pricing.items import ITEMS

PACKAGE = REPO / "src" / "vpccost"
TESTS = REPO / "tests"
NOT_MIRRORS = {
    "tests/test_layout.py": "the layout of the source and the tests",
    "tests/test_notebooks.py": "the notebooks under notebooks/",
    "tests/support/test_synthetic_flowlogs.py": "tests/support/synthetic_flowlogs.py, the flow-log generator",
}
"""Test modules that test something other than a source module, and what."""
ITEM_KEYS_ALLOWED_IN = ("vpccost.options", "vpccost.pricing.items")
"""The modules (and packages, with every module under them) that may spell an item key."""
LAZY_BACK_EDGE = ("vpccost.results", "vpccost.outputs.")


def source_modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def holds_code(path: Path) -> bool:
    """More than a docstring and `from __future__` imports."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
        if not (docstring or future):
            return True
    return False


def mirror_of(path: Path) -> Path | None:
    """The test module that mirrors a source file, or None when the file needs none."""
    parts = path.relative_to(PACKAGE).parts
    folder, name = parts[:-1], parts[-1]
    if name == "__init__.py":
        if not holds_code(path):
            return None
        return TESTS / "test_api.py" if not folder else TESTS.joinpath(*folder, f"test_{folder[-1]}.py")
    if name == "__main__.py":
        return TESTS.joinpath(*folder, "test_main.py")
    return TESTS.joinpath(*folder, f"test_{name.lstrip('_')}")


def test_every_source_module_has_a_test_module() -> None:
    missing = [
        f"{path.relative_to(REPO)} → {expected.relative_to(REPO)}"
        for path in source_modules().values()
        if (expected := mirror_of(path)) is not None and not expected.is_file()
    ]
    assert missing == [], "source modules without a test module:\n" + "\n".join(missing)


def test_every_test_module_mirrors_a_source_module_or_says_what_it_tests() -> None:
    mirrors = {expected for path in source_modules().values() if (expected := mirror_of(path)) is not None}
    scenarios = TESTS / "scenarios"
    strays = [
        str(path.relative_to(REPO))
        for path in sorted(TESTS.rglob("test_*.py"))
        if path not in mirrors and scenarios not in path.parents and str(path.relative_to(REPO)) not in NOT_MIRRORS
    ]
    assert strays == [], "test modules that mirror no source module:\n" + "\n".join(strays)


def test_every_test_folder_is_a_package() -> None:
    folders = {path.parent for path in TESTS.rglob("test_*.py")}
    assert sorted(str(folder.relative_to(REPO)) for folder in folders if not (folder / "__init__.py").is_file()) == []


def item_key_literals(modules: Mapping[str, Path]) -> Iterator[tuple[Path, int, str]]:
    """(file, line, key) of every string constant equal to an item key, outside the modules allowed to spell them."""
    keys = set(ITEMS)
    for name, path in modules.items():
        if any(name == allowed or name.startswith(f"{allowed}.") for allowed in ITEM_KEYS_ALLOWED_IN):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in keys:
                yield path, node.lineno, node.value


def test_item_keys_are_spelled_only_in_the_registry_and_the_options() -> None:
    found = [f"{path.relative_to(REPO)}:{line}: {key!r}" for path, line, key in item_key_literals(source_modules())]
    assert found == [], "item keys written as strings (import the constant from vpccost.pricing.items):\n" + "\n".join(
        found
    )


def test_the_item_key_scan_finds_a_key_written_as_a_string(tmp_path: Path) -> None:
    module = tmp_path / "breakeven.py"
    module.write_text('"""Prices."""\nRATE = {"nat_gateway_bytes": 1, "nat gateway bytes": 2}\n')
    assert list(item_key_literals({"vpccost.analyses.breakeven": module})) == [(module, 2, "nat_gateway_bytes")]
    assert list(item_key_literals({"vpccost.options.own_nat": module})) == []


# ---- imports ---------------------------------------------------------------------------------------------------
Edges = dict[str, dict[str, bool]]
"""Module → each vpccost module it imports → whether every such import is inside a function (lazy)."""


def import_edges(modules: Mapping[str, Path]) -> Edges:
    """The imports among `modules`, `if TYPE_CHECKING:` blocks left out. `from package import name` is an edge to
    the module `package.name` when there is one, else to `package`."""
    edges: Edges = {name: {} for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node, lazy in _imports(ast.parse(path.read_text(encoding="utf-8")), lazy=False):
            for target in _targets(node, package, modules):
                edges[name][target] = edges[name].get(target, True) and lazy
    return edges


def _imports(node: ast.AST, *, lazy: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            yield from (found for part in child.orelse for found in _imports_of(part, lazy))
            continue
        yield from _imports_of(child, lazy)


def _imports_of(node: ast.AST, lazy: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node, lazy
    else:
        yield from _imports(node, lazy=lazy or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, package: str, modules: Mapping[str, Path]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names if alias.name in modules)
        return
    if node.level:
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        module = ".".join([*base, *([node.module] if node.module else [])])
    else:
        module = node.module or ""
    for alias in node.names:
        if f"{module}.{alias.name}" in modules:
            yield f"{module}.{alias.name}"
        elif module in modules:
            yield module


def cycles(edges: Mapping[str, Mapping[str, bool]]) -> list[list[str]]:
    """The strongly connected components of more than one module (or a module importing itself), each sorted
    (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, {}))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, {}):
                    found.append(sorted(component))
    return found


def without_the_allowed_back_edge(edges: Edges) -> Edges:
    source, targets = LAZY_BACK_EDGE
    return {
        name: {
            target: lazy
            for target, lazy in imported.items()
            if not (name == source and target.startswith(targets) and lazy)
        }
        for name, imported in edges.items()
    }


def test_no_import_cycle_among_vpccosts_modules() -> None:
    found = cycles(without_the_allowed_back_edge(import_edges(source_modules())))
    assert found == [], "import cycles:\n" + "\n".join(" ↔ ".join(component) for component in found)


def test_the_only_back_edge_is_lazy_and_is_there() -> None:
    edges = import_edges(source_modules())
    back = {target: lazy for target, lazy in edges["vpccost.results"].items() if target.startswith("vpccost.outputs.")}
    assert back and all(back.values()), back
    assert cycles(edges) != []  # without the exception the seam is a cycle: the check sees it


def test_the_cycle_finder_on_a_graph_drawn_by_hand() -> None:
    # a → b → c → a is one cycle; d → d imports itself; e → a is no part of one
    graph = {"a": {"b": False}, "b": {"c": True}, "c": {"a": False}, "d": {"d": False}, "e": {"a": False}}
    assert sorted(cycles(graph)) == [["a", "b", "c"], ["d"]]
    assert cycles({"a": {"b": False}, "b": {}}) == []


def test_type_checking_imports_are_not_edges_and_function_imports_are_lazy(tmp_path: Path) -> None:
    module = tmp_path / "results.py"
    module.write_text(
        "from typing import TYPE_CHECKING\nfrom vpccost import units\nif TYPE_CHECKING:\n    import vpccost.errors\n"
        "def f():\n    from vpccost.outputs import frames\n"
    )
    modules = {**source_modules(), "vpccost.results": module}
    assert import_edges(modules)["vpccost.results"] == {"vpccost.units": False, "vpccost.outputs.frames": True}
