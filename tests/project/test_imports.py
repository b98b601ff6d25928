"""The package's import graph: every module imports on its own (in a fresh interpreter), and no module-level import
circle exists (the graph is read from the source with ast, so an import hidden in a cycle that happens to resolve in
one import order still fails). Function-level imports are listed separately: they may only point down the layers
(they defer a heavy import), never close a circle through the module-level graph."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests._paths import REPO

ROOT = REPO
PACKAGE = ROOT / "dealerlab"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _target(name: str) -> str | None:
    """The dealerlab module an import names (``dealerlab.x.y`` → itself, or its nearest existing parent)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def import_edges(module: str, *, top_level: bool) -> set[str]:
    """The dealerlab modules ``module`` imports: at module level (``top_level``) or inside functions only."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    base = module if _is_package(module) else module.rpartition(".")[0]
    nested: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nested.update(id(n) for n in ast.walk(node) if n is not node)
    edges = set()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)) or ((id(node) in nested) == top_level):
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            if node.level:
                parent = base
                for _ in range(node.level - 1):
                    parent = parent.rpartition(".")[0]
                src = f"{parent}.{node.module}" if node.module else parent
            else:
                src = node.module or ""
            names = [f"{src}.{a.name}" if f"{src}.{a.name}" in MODULES else src for a in node.names]
        for n in names:
            if n.split(".")[0] == "dealerlab" and (t := _target(n)) and t != module:
                edges.add(t)
    return edges


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A circle of ``graph`` (as a list of nodes, first = last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def _graph(*, with_functions: bool) -> dict[str, set[str]]:
    graph = {m: import_edges(m, top_level=True) for m in MODULES}
    if with_functions:
        for m in MODULES:
            graph[m] |= import_edges(m, top_level=False)
    # a package's submodule needs its parent package's __init__ only to locate it: ``dealerlab`` re-exports its
    # subpackages, which is not a circle of the code
    return graph


def test_find_cycle_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_module_level_import_circle():
    cycle = find_cycle(_graph(with_functions=False))
    assert cycle is None, "import circle: " + " → ".join(cycle)


#: function-level imports that point back up on purpose, ``(importer, imported)``, each with why (keep it empty)
DEFERRED_BACK_EDGES: set[tuple[str, str]] = set()


def test_no_circle_through_function_level_imports():
    graph = _graph(with_functions=True)
    for a, b in DEFERRED_BACK_EDGES:
        assert b in import_edges(a, top_level=False), f"{a} → {b} is no longer imported: remove it from the list"
        graph[a].discard(b)
    cycle = find_cycle(graph)
    assert cycle is None, "import circle (function-level imports included): " + " → ".join(cycle)


def test_lowest_layer_imports_nothing_above_it():
    lowest = {"dealerlab.errors", "dealerlab._options", "dealerlab.i18n", "dealerlab._io", "dealerlab._output",
              "dealerlab._docstrings"}
    for m in lowest:
        # the root package only for its ``__version__`` (written into output manifests)
        above = (import_edges(m, top_level=True) | import_edges(m, top_level=False)) - lowest - {"dealerlab"}
        assert not above, f"{m} imports {sorted(above)}"


#: the modules allowed to read a file of the package while they are imported: the exercise modules of the course build
#: their exercises when imported, from their content file (dealerlab/exercises/course/_content.py says so)
READS_AT_IMPORT = "dealerlab/exercises/course/"
#: what they may read then: their own content files (course/*.toml), and, because exercises/course/targets.py computes
#: its model answers with dealerlab.targets when imported, these (a known wart: do not add to it; compute on first use)
READS_WHILE_BUILDING = ("dealerlab/data/holidays_cn.csv", "dealerlab/messages/targets/days.toml",
                        "dealerlab/messages/targets/rebalance.toml", "dealerlab/messages/targets/split.toml")


def test_every_module_imports_in_isolation():
    """Each module in a fresh interpreter (an import that only works after another module was imported fails), and
    reading no file of the package while it is imported (docs/STYLE.md #5: data files, catalogues, the enumerations of
    the data contract are read on first use), except where an exercise module of the course builds its exercises."""
    code = (
        "import importlib, os, sys\n"
        "package = os.path.realpath('dealerlab') + os.sep\n"
        "allowed = os.path.realpath(sys.argv[1])\n"
        f"extra = {READS_WHILE_BUILDING!r}\n"
        "reads = []\n"
        "def _building_exercises():\n"
        "    f = sys._getframe(2)\n"
        "    while f is not None:\n"
        "        if f.f_code.co_name == '<module>' and os.path.realpath(f.f_code.co_filename).startswith(allowed):\n"
        "            return True\n"
        "        f = f.f_back\n"
        "    return False\n"
        "def _audit(event, args):\n"
        "    if event != 'open' or not isinstance(args[0], (str, bytes, os.PathLike)):\n"
        "        return\n"
        "    path = os.path.realpath(os.fsdecode(args[0]))\n"
        "    exempt = (path.startswith(allowed) and path.endswith('.toml')) or os.path.relpath(path) in extra\n"
        "    if path.startswith(package) and not path.endswith(('.py', '.pyc')) and not (exempt and _building_exercises()):\n"
        "        reads.append(f'{current} reads {os.path.relpath(path)} when imported')\n"
        "sys.addaudithook(_audit)\n"
        "failed = []\n"
        "for current in sys.argv[2:]:\n"
        "    for m in [k for k in sys.modules if k == 'dealerlab' or k.startswith('dealerlab.')]:\n"
        "        del sys.modules[m]\n"
        "    try:\n"
        "        importlib.import_module(current)\n"
        "    except Exception as err:\n"
        "        failed.append(f'{current}: {type(err).__name__}: {err}')\n"
        "print('\\n'.join(failed + sorted(set(reads))))\n"
    )
    names = [m for m in MODULES if not m.endswith("__main__")]
    out = subprocess.run([sys.executable, "-c", code, READS_AT_IMPORT, *names], capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "", out.stdout


@pytest.mark.parametrize("module", ["dealerlab.metrics", "dealerlab.figures", "dealerlab.report.sections"])
def test_registries_do_not_import_back(module):
    """The registries are imported by the families and sections; they must not import them back at module level
    (figures and the sections package import the families/sections, the families import only the registry)."""
    importers = {m for m in MODULES if module in import_edges(m, top_level=True)}
    back = import_edges(module, top_level=True) & importers
    assert not back, f"{module} and {sorted(back)} import each other"
