"""Checks of an uploaded diagram that need only its XML, run before the engine reads it: safe
reading, which process it holds to run, another engine's dialect, unresolved references and
modelling mistakes. Each problem names its element, with its line."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from app.engine.checks.bundling import with_called_diagrams
from app.engine.checks.dialects import dialect_problems
from app.engine.checks.problems import ElementIndex, Problem, Severity, describe
from app.engine.checks.reading import Unreadable, read_xml
from app.engine.checks.references import decision_ids, reference_problems
from app.engine.checks.structure import B, main_process, modelling_problems

__all__ = [
    "ElementIndex",
    "Problem",
    "Severity",
    "StaticResult",
    "Unreadable",
    "describe",
    "read_xml",
    "static_checks",
    "with_called_diagrams",
]


@dataclass
class StaticResult:
    root: etree._Element | None
    index: ElementIndex | None
    process_id: str
    problems: list[Problem]


def static_checks(xml: bytes, filename: str, dmn: bytes, max_bytes: int) -> StaticResult:
    """Read the diagram (and its decision tables) and check what the XML alone can show."""
    try:
        root = read_xml(xml, filename, max_bytes)
    except Unreadable as exc:
        return StaticResult(None, None, "", [exc.problem])
    index = ElementIndex(root, filename)
    problems: list[Problem] = []
    dmn_root = None
    if dmn:
        dmn_name = filename.rsplit(".", 1)[0] + ".dmn"
        try:
            dmn_root = read_xml(dmn, dmn_name, max_bytes, "decision table file")
        except Unreadable as exc:
            problems.append(exc.problem)
    process, found = main_process(root, index)
    if process is None:
        return StaticResult(root, index, "", problems + found)
    for each in _with_called(root, process):
        problems += dialect_problems(each, index)
        problems += reference_problems(root, each, index, decision_ids(dmn_root))
        problems += modelling_problems(each, index)
    return StaticResult(root, index, process.get("id") or "", problems)


def _with_called(root: etree._Element, process: etree._Element) -> list[etree._Element]:
    """The process and every process in the file it calls, directly or through others."""
    by_id = {p.get("id"): p for p in root.findall(f"{B}process")}
    found, queue = [process], [process]
    while queue:
        for call in queue.pop().iter(f"{B}callActivity"):
            called = by_id.get(call.get("calledElement"))
            if called is not None and called not in found:
                found.append(called)
                queue.append(called)
    return found
