"""The package's modules import one another without a circle (issue 11).

A circle hides which module is the lower one; it works in Python only while every import in it
stays inside a function. The test reads every edition/**/*.py with `ast` (module-level and
function-level imports alike) and looks for circles in the graph of modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "edition"

#: circles known and not yet broken, each with why: this list may only shrink (it is empty: the
#: text reader's body reading is read/body.py, which letters and closings use without a circle).
KNOWN: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that the file imports, wherever in the file the import is."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            # `from . import x` imports the module x; `from .x import name` imports x
            out |= {f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names}
    return {m for m in out if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imported(p, modules) for p in paths}


def circles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """Each strongly connected group of two or more modules (Tarjan), as a sorted tuple."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out = set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.add(tuple(sorted(group)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def pairs(groups: set[tuple[str, ...]], graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """The two-way imports inside the circles, the unit that KNOWN lists."""
    return {(a, b) for group in groups for a in group for b in group
            if a < b and b in graph[a] and a in graph[b]}


def test_the_graph_is_read():
    graph = import_graph()
    assert "edition.tei" in graph["edition.build"]  # `from . import apparatus, tei`
    assert "edition.render.pandoc" in graph["edition.render.ast"]  # `from .pandoc import …`
    assert "edition.render.epub" in graph["edition.build"]  # inside a function
    assert "edition.render.pdf" in graph["edition.bench"]  # `from .render import pdf`


def test_no_import_circle():
    graph = import_graph()
    found = circles(graph)
    # every circle found is made only of the known two-way imports
    known_groups = circles({m: {w for w in graph[m] if tuple(sorted((m, w))) in KNOWN} for m in graph})
    assert found == known_groups, f"import circles: {sorted(found)}; known: {sorted(KNOWN)}"
    assert pairs(found, graph) == KNOWN, f"two-way imports {sorted(pairs(found, graph))}, known {sorted(KNOWN)}"


def test_circles_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == {("a", "b", "c")}
