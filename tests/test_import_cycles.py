"""The project's modules import each other without cycles, the voice coach never plans, and
the domain package ``bot`` imports neither the voice coach nor the operations code.

Every ``.py`` under ``bot/``, ``actions/``, ``voice/``, ``operations/`` and ``scripts/`` is
parsed with :mod:`ast` (nothing is imported). Each import between project modules is an edge:
module-level, inside functions and under ``TYPE_CHECKING`` alike (a cycle that only holds at run
time, or only for the type checker, is still a cycle to untangle). Relative imports are resolved,
and ``from package import name`` where ``name`` is a submodule is an edge to that submodule.
Scripts run with ``scripts/`` on ``sys.path``, so a script's ``import bench_model`` is an edge
to ``scripts/bench_model.py``.

The cycle finder is tested on a hand-made graph, so the repository-wide check is known to be
able to fail.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("bot", "actions", "voice", "operations", "scripts")
# ``scripts/`` is not a package: its files import each other by bare name.
SCRIPTS = "scripts"

# Import cycles that are known and not fixed yet: (module, module it imports) edges that close
# a cycle, each with why it is left. Empty: keep it so, and fix a new cycle rather than list it.
KNOWN_CYCLE_EDGES: dict[tuple[str, str], str] = {}

# The plan package. The voice coach must not plan (the bot does; voice/coach.py says so): no
# module under voice/ imports it. The bot's decisions reach the voice coach as data through
# bot.protocol (the starter session included: bot.protocol.plan_sessions.starter_session).
PLAN_PACKAGE = "bot.plan"
VOICE_PACKAGE = "voice"


@dataclass(frozen=True)
class ImportEdge:
    """One import of a project module by another.

    Attributes:
        source: The importing module (dotted name).
        target: The imported module (dotted name).
        where: ``path:line`` of the import statement.
    """

    source: str
    target: str
    where: str


Graph = Mapping[str, Mapping[str, str]]


def module_name(path: Path, root: Path = PROJECT_ROOT) -> str:
    """The dotted module name of a source file (``voice/audio/__init__.py`` is ``voice.audio``).

    Args:
        path: A ``.py`` file under ``root``.
        root: The project root.

    Returns:
        The dotted name.
    """
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(root: Path = PROJECT_ROOT) -> list[Path]:
    """Every ``.py`` file of the source directories, without caches.

    Args:
        root: The project root.

    Returns:
        The files, sorted.
    """
    files: list[Path] = []
    for directory in SOURCE_DIRS:
        files += (p for p in (root / directory).rglob("*.py") if "__pycache__" not in p.parts)
    return sorted(files)


def _longest_known(name: str, modules: set[str]) -> str | None:
    """The longest prefix of dotted ``name`` that is a project module, or None."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def _absolute(name: str, source: str, modules: set[str]) -> str:
    """``name`` as a project name: a script's bare import of a sibling script is prefixed."""
    if source.startswith(f"{SCRIPTS}.") and f"{SCRIPTS}.{name.split('.')[0]}" in modules:
        return f"{SCRIPTS}.{name}"
    return name


def _resolve_from(node: ast.ImportFrom, source: str, is_package: bool) -> str:
    """The module a ``from ... import`` statement imports from, relative imports resolved."""
    if node.level == 0:
        return node.module or ""
    package = source.split(".") if is_package else source.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(path: Path, modules: set[str], root: Path = PROJECT_ROOT) -> list[ImportEdge]:
    """The imports of project modules in one file, wherever the statement is.

    Args:
        path: The file.
        modules: All project module names.
        root: The project root.

    Returns:
        One edge per imported project module and statement (self-imports left out).
    """
    source = module_name(path, root)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    edges: list[ImportEdge] = []

    def add(name: str, line: int) -> None:
        target = _longest_known(_absolute(name, source, modules), modules)
        if target is not None and target != source:
            edges.append(ImportEdge(source, target, f"{path.relative_to(root)}:{line}"))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_from(node, source, is_package)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if _absolute(submodule, source, modules) in modules:
                    add(submodule, node.lineno)
                else:
                    add(base, node.lineno)
    return edges


def import_graph(root: Path = PROJECT_ROOT) -> dict[str, dict[str, str]]:
    """The project's import graph.

    Args:
        root: The project root.

    Returns:
        ``graph[module][imported module]`` is where (``path:line``) the first such import is.
    """
    files = source_files(root)
    modules = {module_name(path, root) for path in files}
    graph: dict[str, dict[str, str]] = {module: {} for module in modules}
    for path in files:
        for edge in imports_of(path, modules, root):
            graph[edge.source].setdefault(edge.target, edge.where)
    return graph


def strongly_connected(graph: Graph) -> list[list[str]]:
    """Tarjan's strongly connected components of ``graph`` (iterative; each sorted).

    Args:
        graph: ``graph[node]`` holds the nodes it points to.

    Returns:
        The components, each a sorted list of nodes.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterable[str]]] = []
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        work.append((start, iter(sorted(graph.get(start, {})))))
        while work:
            node, children = work[-1]
            child = next(iter(children), None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, {})))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def _path_back(graph: Graph, start: str, members: set[str]) -> list[str]:
    """A shortest cycle ``[start, ..., start]`` inside ``members`` (breadth-first)."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for child in sorted(graph.get(node, {})):
                if child not in members:
                    continue
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    raise ValueError(f"{start} is on no cycle")


def find_cycles(graph: Graph) -> list[list[str]]:
    """One concrete cycle per strongly connected component that has one.

    Args:
        graph: ``graph[node]`` holds the nodes it points to.

    Returns:
        Cycles as ``[a, b, ..., a]``, each starting at its component's first node (sorted).
    """
    cycles: list[list[str]] = []
    for component in strongly_connected(graph):
        start = component[0]
        if len(component) > 1 or start in graph.get(start, {}):
            cycles.append(_path_back(graph, start, set(component)))
    return cycles


def describe(cycle: list[str], graph: Graph) -> str:
    """A cycle, one import per line with where it is."""
    steps = [
        f"  {source} -> {target}  ({graph[source][target]})"
        for source, target in itertools.pairwise(cycle)
    ]
    return "\n".join(steps)


def _component_of(module: str, graph: Graph) -> list[str]:
    """The modules on an import cycle with ``module`` (its strongly connected component)."""
    return next(c for c in strongly_connected(graph) if module in c)


def _without_known(graph: Graph) -> dict[str, dict[str, str]]:
    return {
        source: {
            target: where
            for target, where in targets.items()
            if (source, target) not in KNOWN_CYCLE_EDGES
        }
        for source, targets in graph.items()
    }


# -- the cycle finder itself -------------------------------------------------------------------


def test_the_cycle_finder_finds_a_cycle_in_a_hand_made_graph() -> None:
    graph = {
        "a": {"b": "a.py:1"},
        "b": {"c": "b.py:1", "d": "b.py:2"},
        "c": {"a": "c.py:1"},
        "d": {"e": "d.py:1"},
        "e": {},
        "f": {"f": "f.py:1"},
    }
    assert find_cycles(graph) == [["a", "b", "c", "a"], ["f", "f"]]
    assert "c -> a  (c.py:1)" in describe(["a", "b", "c", "a"], graph)
    del graph["c"]["a"], graph["f"]["f"]
    assert find_cycles(graph) == []


def test_the_cycle_finder_gives_the_shortest_cycle_of_a_component() -> None:
    graph = {
        "a": {"b": "", "x": ""},
        "b": {"c": ""},
        "c": {"a": ""},
        "x": {"a": ""},
    }
    assert find_cycles(graph) == [["a", "x", "a"]]


def test_imports_are_found_wherever_they_are_and_resolved(tmp_path: Path) -> None:
    package = tmp_path / "voice" / "audio"
    package.mkdir(parents=True)
    (tmp_path / "voice" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("from . import player\n")
    (package / "devices.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from voice.audio.player import Player\n"
    )
    (package / "player.py").write_text("def f() -> None:\n    from .devices import x\n")
    (package / "other.py").write_text("import voice.audio.player\nfrom voice import audio\n")
    modules = {
        "voice",
        "voice.audio",
        "voice.audio.devices",
        "voice.audio.player",
        "voice.audio.other",
    }
    found = {
        (edge.source, edge.target)
        for path in sorted(tmp_path.rglob("*.py"))
        for edge in imports_of(path, modules, tmp_path)
    }
    assert found == {
        ("voice.audio", "voice.audio.player"),
        ("voice.audio.devices", "voice.audio.player"),
        ("voice.audio.player", "voice.audio.devices"),
        ("voice.audio.other", "voice.audio.player"),
        ("voice.audio.other", "voice.audio"),
    }


# -- the repository ----------------------------------------------------------------------------


def test_the_import_graph_covers_the_source_directories() -> None:
    graph = import_graph()
    for module in ("operations.cli", "actions.plan", "voice.app", "scripts.bench_configs"):
        assert module in graph
    # Spot checks: a function-level import, a factory's engine, a script's sibling script.
    assert "voice.app" in graph["operations.cli"]
    assert "voice.tts.piper_engine" in graph["voice.tts.factory"]
    assert "scripts.bench_model" in graph["scripts.bench_configs"]


def test_project_modules_import_each_other_without_cycles() -> None:
    graph = import_graph()
    stale = [edge for edge in KNOWN_CYCLE_EDGES if edge[1] not in graph.get(edge[0], {})]
    assert not stale, f"known cycle edges that no longer exist, remove them: {stale}"
    cycles = find_cycles(_without_known(graph))
    report = "\n\n".join(
        f"cycle {n} (all modules on cycles with it: {', '.join(members)}):\n{describe(c, graph)}"
        for n, (c, members) in enumerate(((c, _component_of(c[0], graph)) for c in cycles), 1)
    )
    assert not cycles, f"import cycles between project modules:\n\n{report}"


def _in_package(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def imports_from(graph: Graph, importers: str, imported: str) -> dict[str, str]:
    """The imports by modules of package ``importers`` of modules of package ``imported``.

    Args:
        graph: The import graph (``graph[module][imported module]`` is where).
        importers: A package, e.g. ``voice``.
        imported: A package, e.g. ``bot.plan`` (itself and every module under it).

    Returns:
        ``"importer -> imported"`` mapped to where the import is (``path:line``).
    """
    return {
        f"{source} -> {target}": where
        for source, targets in sorted(graph.items())
        if _in_package(source, importers)
        for target, where in sorted(targets.items())
        if _in_package(target, imported)
    }


def test_imports_from_finds_a_voice_module_importing_the_plan_in_a_hand_made_graph() -> None:
    graph = {
        "voice.session": {"bot.protocol.session": "voice/session.py:3"},
        "voice.coach": {"bot.plan.generate": "voice/coach.py:7", "bot.planner": "c.py:8"},
        "voice.x": {"bot.plan": "voice/x.py:1"},
        "voiceover": {"bot.plan.model": "voiceover.py:1"},
        "bot.protocol.plan_sessions": {"bot.plan.generate": "bot/protocol/plan_sessions.py:9"},
    }
    assert imports_from(graph, VOICE_PACKAGE, PLAN_PACKAGE) == {
        "voice.coach -> bot.plan.generate": "voice/coach.py:7",
        "voice.x -> bot.plan": "voice/x.py:1",
    }
    del graph["voice.coach"]["bot.plan.generate"], graph["voice.x"]
    assert imports_from(graph, VOICE_PACKAGE, PLAN_PACKAGE) == {}


def test_the_voice_coach_does_not_import_the_plan_package() -> None:
    graph = import_graph()
    assert any(_in_package(module, PLAN_PACKAGE) for module in graph)
    found = imports_from(graph, VOICE_PACKAGE, PLAN_PACKAGE)
    report = "\n".join(f"  {edge}  ({where})" for edge, where in found.items())
    assert not found, (
        f"{VOICE_PACKAGE}/ imports {PLAN_PACKAGE} (the voice coach never plans; take the bot's "
        f"decision as data from bot.protocol):\n{report}"
    )


# -- layers: the domain package imports neither the voice coach nor the operations code ------

# ``bot`` is the coach itself; ``voice`` is a client of it and ``operations`` runs it. Both may
# import ``bot``; ``bot`` imports neither (``operations/__init__.py`` says why).
DOMAIN_PACKAGE = "bot"
NOT_IMPORTED_BY_DOMAIN = ("voice", "operations")


def test_the_domain_package_imports_neither_voice_nor_operations() -> None:
    graph = import_graph()
    assert all(any(_in_package(m, p) for m in graph) for p in NOT_IMPORTED_BY_DOMAIN)
    crossing = {
        edge: where
        for package in NOT_IMPORTED_BY_DOMAIN
        for edge, where in imports_from(graph, DOMAIN_PACKAGE, package).items()
    }
    report = "\n".join(f"  {edge}  ({where})" for edge, where in crossing.items())
    assert not crossing, (
        f"{DOMAIN_PACKAGE}/ imports {' or '.join(NOT_IMPORTED_BY_DOMAIN)}:\n{report}"
    )
