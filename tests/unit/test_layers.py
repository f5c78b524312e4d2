"""The layers hold: no import cycles between modules, and the import-linter contracts are kept.

`make test` runs `lint-imports` as well; these tests make plain `pytest` catch a broken layer
too, naming the modules involved.
"""

from __future__ import annotations

import subprocess
import sys

import grimp

from app.config import ROOT

ROOT_PACKAGES = ("app", "forms")


def import_cycles(graph: grimp.ImportGraph) -> list[str]:
    """Each group of modules that import one another, as one shortest cycle through it.

    Function-level imports count (a lazy import still ties the two modules together);
    imports under `if TYPE_CHECKING:` do not, when the graph was built without them.
    """
    cycles = []
    for group in _strongly_connected(graph):
        first = min(group)
        chains = [
            graph.find_shortest_chain(importer=imported, imported=first)
            for imported in graph.find_modules_directly_imported_by(first)
            if imported in group
        ]
        shortest = min((chain for chain in chains if chain), key=len)
        cycles.append(" -> ".join((first, *shortest)))
    return sorted(cycles)


def _strongly_connected(graph: grimp.ImportGraph) -> list[set[str]]:
    """Tarjan's algorithm without recursion; only groups of two or more modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, imported = work[-1]
            for nxt in imported:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.find_modules_directly_imported_by(nxt)))))
                    break
                if nxt in on_stack:
                    low[module] = min(low[module], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == module:
                            break
                    if len(group) > 1:
                        groups.append(group)
    return groups


def test_the_cycle_finder_names_a_cycle_and_ignores_a_chain() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in [
        ("p.a", "p.b"),
        ("p.b", "p.c"),
        ("p.c", "p.a"),
        ("p.c", "p.d"),
        ("p.e", "p.d"),
    ]:
        graph.add_import(importer=importer, imported=imported)
    assert import_cycles(graph) == ["p.a -> p.b -> p.c -> p.a"]


def test_no_module_in_the_app_or_forms_imports_itself_through_others() -> None:
    graph = grimp.build_graph(*ROOT_PACKAGES, exclude_type_checking_imports=True, cache_dir=None)
    assert import_cycles(graph) == []


def test_the_import_contracts_in_pyproject_are_kept() -> None:
    # `lint-imports` as a fresh process, so the graph is read from the files as they are now.
    command = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", command, "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
