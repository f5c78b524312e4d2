"""A problem found in an uploaded diagram, said in the process owner's words and pinned to the
element it is about (its id, name and line), so a page can list it and draw it highlighted."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Literal, cast

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a diagram. `message` is a sentence without the file's name; `reason` a
    short code that groups problems for counting (the corpus figures) and for tests."""

    message: str
    reason: str
    file: str = ""
    element_id: str = ""
    element_name: str = ""
    line: int | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.file, f"line {self.line}" if self.line else "") if part)
        return f"{where}: {self.message}" if where else self.message

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def kind_of(element: etree._Element) -> str:
    """'user task' for bpmn:userTask: the element's kind in words."""
    tag = etree.QName(element).localname if isinstance(element.tag, str) else "element"
    return re.sub(r"(?<!^)(?=[A-Z])", " ", tag).lower()


def describe(element: etree._Element, *, capital: bool = False) -> str:
    """ "the user task 'Triage the referral' (triage)": an element as a message names it."""
    name, element_id = (element.get("name") or "").strip(), element.get("id") or ""
    the = "The" if capital else "the"
    if name and element_id:
        return f"{the} {kind_of(element)} '{name}' ({element_id})"
    if name:
        return f"{the} {kind_of(element)} '{name}'"
    return f"{the} {kind_of(element)} {element_id or 'without an id'}"


class ElementIndex:
    """The elements of one file by id, to pin problems to them."""

    def __init__(self, root: etree._Element, filename: str) -> None:
        self.filename = filename
        self.by_id: dict[str, etree._Element] = {}
        for element in root.iter():
            element_id = element.get("id") if isinstance(element.tag, str) else None
            if element_id and element_id not in self.by_id:
                self.by_id[element_id] = element

    def problem(
        self, element: etree._Element | None, message: str, reason: str, severity: Severity = "error"
    ) -> Problem:
        if element is None:
            return Problem(message, reason, self.filename, severity=severity)
        return Problem(
            message,
            reason,
            self.filename,
            element_id=element.get("id") or "",
            element_name=(element.get("name") or "").strip(),
            line=cast("int | None", element.sourceline),  # lxml-stubs type it oddly
            severity=severity,
        )

    def about(self, message: str, reason: str, severity: Severity = "error") -> Problem:
        """A problem from a message that names its element in words (the product's older checks
        write "the user task 'Triage' (triage)" or just its name): pinned to that element."""
        prefix = re.match(r"^(\S+\.(?:bpmn|dmn|json)): ", message)
        file = prefix.group(1) if prefix else self.filename
        message = message[prefix.end() :] if prefix else message
        message = message[:1].upper() + message[1:]
        if file != self.filename:  # about the forms or the decision tables, not the diagram
            return Problem(message, reason, file.rsplit("/", 1)[-1], severity=severity)
        for found in re.finditer(r"\(([A-Za-z_][\w.\-]*)\)", message):
            if found.group(1) in self.by_id:
                return self.problem(self.by_id[found.group(1)], message, reason, severity)
        for found in re.finditer(r"'([^']+)'", message):
            named = [e for e in self.by_id.values() if (e.get("name") or "").strip() == found.group(1)]
            if len(named) == 1:
                return self.problem(named[0], message, reason, severity)
        return Problem(message, reason, self.filename, severity=severity)
