"""The house rules of kg/: data flows one way, and no import closes a cycle.

Every import is read with `ast`, including imports inside functions (lazy
ones) and `importlib` targets written as strings ("kg.view.export:write_turtle"),
because a lazy import breaks a layer just as surely as a top-level one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kg"

#: The kernel: the article model, names, numbers, config, errors, the vocabulary, ingest
#: and the writer of output files.
KERNEL = {
    "kg",
    "kg.config",
    "kg.errors",
    "kg.ingest",
    "kg.lexicon",
    "kg.model",
    "kg.names",
    "kg.namespace",
    "kg.normalize",
    "kg.output",
}
#: Which layers each layer may import (besides itself and the kernel).
ALLOWED: dict[str, set[str]] = {
    "kernel": set(),
    "nlp": set(),
    "graph": set(),
    "store": set(),
    "web": set(),
    "build": {"nlp", "graph", "store", "web"},
    "view": {"store"},
    "eval": {"store"},
    "sparql": {"store", "view"},
    "top": {"nlp", "graph", "store", "web", "build", "view", "eval", "sparql"},
}
_MODULE_STRING = re.compile(r"^kg(?:\.[a-z_]+)+(?::[A-Za-z_]\w*)?$")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> str:
    if module in KERNEL:
        return "kernel"
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in ALLOWED):
        return parts[1] if parts[1] in ALLOWED else "top"
    return "top"  # kg.cli, kg.progress


def _resolve(target: str, modules: dict[str, Path]) -> str | None:
    """The kg module an import names: itself if it is one, else its longest known prefix."""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target or None


def imports_of(path: Path, modules: dict[str, Path], me: str | None = None) -> set[str]:
    """Every kg module `path` imports anywhere in its body, lazily or by importlib string."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = me or module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from kg.graph import rdf` imports the submodule kg.graph.rdf.
            names = [f"{base}.{alias.name}" for alias in node.names] or [base]
            names = [n if n in modules else base for n in names]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _MODULE_STRING.match(node.value)
        ):
            names = [node.value.partition(":")[0]]
        for name in names:
            if name == "kg" or name.startswith("kg."):
                resolved = _resolve(name, modules)
                if resolved and resolved != me:
                    found.add(resolved)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {name: imports_of(path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_breaks(graph: dict[str, set[str]]) -> list[str]:
    broken = []
    for module, targets in sorted(graph.items()):
        mine = layer(module)
        for target in sorted(targets):
            theirs = layer(target)
            if theirs in {mine, "kernel"} or theirs in ALLOWED[mine]:
                continue
            broken.append(f"{module} ({mine}) imports {target} ({theirs})")
    return broken


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_every_import_respects_the_layers() -> None:
    assert layer_breaks(import_graph()) == []


def test_the_kernel_imports_only_the_kernel() -> None:
    graph = import_graph()
    assert {t for m in KERNEL for t in graph[m] if t not in KERNEL} == set()


def test_every_subpackage_declares_its_interface() -> None:
    for sub in ("nlp", "graph", "store", "web", "build", "sparql", "view", "eval"):
        tree = ast.parse((PACKAGE / sub / "__init__.py").read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), sub
        if sub != "nlp.rules":
            assigned = {
                t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                if isinstance(t, ast.Name)
            }
            assert "__all__" in assigned, sub


#: Modules still over the limit, each with the work that splits it. Only ever shrinks.
OVERSIZED: dict[str, str] = {}


def test_modules_stay_small() -> None:
    """A module past ~600 lines wants splitting into rooms of its own."""
    long = {
        name
        for name, path in all_modules().items()
        if len(path.read_text(encoding="utf-8").splitlines()) > 650
    }
    assert long == set(OVERSIZED)


# The checker itself must be able to fail: each case is a graph it must reject.
@pytest.mark.parametrize(
    ("graph", "cyclic", "broken"),
    [
        ({"kg.nlp.a": {"kg.nlp.b"}, "kg.nlp.b": {"kg.nlp.a"}}, True, False),
        ({"kg.graph.rdf": {"kg.build.spool"}, "kg.build.spool": set()}, False, True),
        ({"kg.model": {"kg.store"}, "kg.store": set()}, False, True),
        ({"kg.view.viz": {"kg.sparql.query"}, "kg.sparql.query": set()}, False, True),
        ({"kg.sparql.query": {"kg.view.viz", "kg.store"}, "kg.view.viz": set()}, False, False),
    ],
)
def test_the_checker_rejects_what_it_should(
    graph: dict[str, set[str]], cyclic: bool, broken: bool
) -> None:
    assert bool(cycles(graph)) is cyclic
    assert bool(layer_breaks(graph)) is broken


def test_lazy_and_string_imports_are_seen(tmp_path: Path) -> None:
    modules = {"kg.view.export": Path(), "kg.store": Path(), "kg.view.graphio": Path()}
    source = tmp_path / "probe.py"
    source.write_text(
        "def f():\n    from kg.store import open_store\n\nW = 'kg.view.graphio:write_gexf'\n"
    )
    assert imports_of(source, modules, "kg.view.probe") == {"kg.store", "kg.view.graphio"}
