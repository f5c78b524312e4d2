"""Errors the engine boundary raises; nothing outside app/engine sees SpiffWorkflow's own."""

from __future__ import annotations

import re

_ADDRESS = re.compile(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-f]+>")
_RAW_BYTES = re.compile(r"b'<[^']{40,}'|b\"<[^\"]{40,}\"")


def scrub(text: str) -> str:
    """An engine message without object addresses or raw XML: `<Element {…}targetRef at 0x7f…>`
    becomes 'a targetRef element'."""
    text = _ADDRESS.sub(lambda m: f"a {m.group(1)} element", text)
    text = _RAW_BYTES.sub("an element", text)
    text = re.sub(r"\s*\b0x[0-9a-f]{6,}\b", "", text)
    return re.sub(r"\s+", " ", text).strip()


class EngineError(Exception):
    """The engine could not run the diagram (a condition, script or timer expression failed).

    The in-memory workflow that raised this must be thrown away, never saved.
    """

    def __init__(self, message: str, *, task_id: str | None = None, task_name: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.task_id = task_id
        self.task_name = task_name


class TaskNotReady(Exception):
    """The task is not waiting for input any more (completed, cancelled or never existed)."""

    def __init__(self, task_id: str, state: str) -> None:
        super().__init__(f"Task {task_id} is {state}")
        self.task_id = task_id
        self.state = state


class InvalidDiagram(Exception):
    """A BPMN file cannot be used: it does not parse, or breaks one of the product's rules."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems

    def __reduce__(self) -> tuple[type[InvalidDiagram], tuple[list[str]]]:
        return (InvalidDiagram, (self.problems,))  # so it crosses process boundaries whole
