"""A diagram whose call activities call processes drawn in other files: those files' processes
(and the messages, signals, errors and escalations they use, and their drawings) are taken into
the main file, so the version is one document, as the engine reads it."""

from __future__ import annotations

from lxml import etree

from app.engine.checks.problems import Problem
from app.engine.checks.reading import Unreadable, read_xml
from app.engine.checks.structure import local

TAKEN = {"process", "message", "signal", "error", "escalation", "dataStore"}
DRAWINGS = "{http://www.omg.org/spec/BPMN/20100524/DI}BPMNDiagram"


def with_called_diagrams(
    main: bytes, filename: str, called: list[tuple[str, bytes]], max_bytes: int
) -> bytes:
    """The main diagram with the processes of the called files added; Unreadable if a file cannot
    be read or holds an element whose id the main diagram already uses."""
    root = read_xml(main, filename, max_bytes)
    ids = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    for name, data in called:
        other = read_xml(data, name, max_bytes, "called diagram")
        if local(other) != "definitions":
            raise Unreadable(Problem("The file is not a BPMN diagram.", "not_bpmn", name))
        taken = [child for child in other if local(child) in TAKEN or child.tag == DRAWINGS]
        if not any(local(child) == "process" for child in taken):
            raise Unreadable(Problem("The file holds no process to call.", "no_process", name))
        clash = next(
            (
                e.get("id")
                for child in taken
                for e in child.iter()
                if isinstance(e.tag, str) and e.get("id") in ids
            ),
            None,
        )
        if clash:
            raise Unreadable(
                Problem(
                    f"The id '{clash}' is in both {filename} and this file: give one of them another id.",
                    "duplicate_id",
                    name,
                )
            )
        for child in taken:
            ids.update(e.get("id") for e in child.iter() if isinstance(e.tag, str) and e.get("id"))
            root.append(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
