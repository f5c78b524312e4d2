"""An incident's error in plain words: what happened, at which step, and what to do about it.

The engine's messages (app/engine/runtime.py `_engine_error`, app/engine/limits.py, the hand-offs
of app/workflow/instances.py, the scheduler's fault) are written for a process owner; a manager
reads these instead, with the engine's message kept behind "Technical detail".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FIX_DIAGRAM = (
    "Ask a process owner to fix the diagram, publish the fixed version and move this case onto it. "
    "Then retry."
)
_STEP_FAILED = re.compile(
    r"^The process could not (?P<action>.+?)(?: at '(?P<at>[^']*)')?: (?P<detail>.*)$", re.S
)
_LIMIT = re.compile(
    r"^(?P<kind>A condition|A script|A timer|A message|A decision table|A loop expression|An expression|"
    r"The due date[^ ]*) in the diagram (?P<reason>.+?)(?: at '(?P<at>[^']*)')?$",
    re.S,
)
_NO_RECEIVER = re.compile(
    r"^'(?P<sender>.+)' hands the case on with the message '(?P<message>[^']+)', but no"
)
_LOOP = re.compile(r"^The processes hand the case to each other in a loop \(at '(?P<message>[^']+)'\)")
_UNDEFINED = re.compile(r"name '(?P<name>[^']+)' is not defined")
_NO_CONDITION = re.compile(r"No conditions satisfied for (?P<gateway>[^.\s]+)")
_PYTHON_ERROR = re.compile(r"\b(?P<error>[A-Z][A-Za-z]*Error):\s*(?P<text>[^.]+)")
_ACTIONS = {
    "move on": "The case could not move on to its next step",
    "fire a timer": "A deadline or wait on this case fell due, but the process could not act on it",
    "accept the form": "The answers were checked, but the process could not prepare the next step",
    "start": "The process could not start",
    "work out a due date": "The due date of the next step could not be worked out",
}
_KINDS = {
    "A condition": "A decision in the diagram",
    "A script": "A calculation in the diagram",
    "A timer": "A deadline in the diagram",
    "A message": "A message in the diagram",
    "A decision table": "A decision table",
    "A loop expression": "A repeated step in the diagram",
    "An expression": "An expression in the diagram",
}


@dataclass(frozen=True)
class PlainError:
    what_happened: str
    where: str
    what_to_do: str


def explain(message: str, task_name: str = "") -> PlainError:
    """The engine's message for an incident in a manager's words (never raises)."""
    if message.startswith("A timer could not be fired:"):
        return PlainError(
            "A deadline or wait on this case fell due, but the system failed while acting on it "
            "(a fault in the system, not in the diagram).",
            _where(task_name, ""),
            "Tell the system's support team. Once they say it is fixed, retry.",
        )
    if found := _NO_RECEIVER.match(message):
        return PlainError(
            f"‘{found['sender']}’ passes the case on to another process (with the message "
            f"‘{found['message']}’), but no published process takes it up.",
            _where(task_name, ""),
            f"Ask a process owner to publish the process that starts with ‘{found['message']}’, or to fix "
            "the message's name in this diagram and move this case onto the fixed version. Then retry.",
        )
    if found := _LOOP.match(message):
        return PlainError(
            "The processes pass the case back and forth between each other without stopping.",
            _where(task_name, found["message"]),
            FIX_DIAGRAM,
        )
    if found := _LIMIT.match(message):
        kind = _KINDS.get(found["kind"], "An expression in the diagram")
        if found["kind"].startswith("The due date"):
            kind = "Working out a due date"
        return PlainError(
            f"{kind} went beyond what the system allows (it {found['reason']}), so it was stopped.",
            _where(task_name, found["at"] or ""),
            "Ask a process owner to simplify that part of the diagram and move this case onto the fixed "
            "version. If the work is genuine and the limit too low, an administrator can raise it. "
            "Then retry.",
        )
    if found := _STEP_FAILED.match(message):
        action = found["action"]
        happened = _ACTIONS.get(action, f"The process could not {action}")
        if action.startswith("receive the message"):
            happened = f"The process could not {action}"
        where = _where(task_name, found["at"] or "")
        return PlainError(f"{happened}: {_cause(found['detail'])}", where, FIX_DIAGRAM)
    return PlainError(
        "A step of the process failed.",
        _where(task_name, ""),
        "Ask a process owner to read the technical detail below and fix the cause. Then retry.",
    )


def _cause(detail: str) -> str:
    if found := _UNDEFINED.search(detail):
        return (
            f"the diagram uses ‘{found['name']}’, which this case does not have (a misspelt name, or an "
            "answer no form asks for)."
        )
    if found := _NO_CONDITION.search(detail):
        return (
            f"none of the routes out of the decision ‘{found['gateway']}’ fits this case's answers, and the "
            "diagram has no route to take otherwise."
        )
    if "isoformat" in detail or "Unable to parse" in detail:
        return "a date or period in the diagram could not be understood."
    if found := _PYTHON_ERROR.search(detail):
        return f"a calculation in the diagram failed ({_python_error(found['error'], found['text'])})."
    return "something in the diagram could not be worked out."


def _python_error(error: str, text: str) -> str:
    if error == "ZeroDivisionError":
        return "it divides by zero"
    if error == "KeyError":
        return f"it looks up {text.strip()}, which is missing"
    if error == "TypeError":
        return "it mixes values of different kinds, such as a date and a number"
    return text.strip().rstrip(".")


def _where(task_name: str, at: str) -> str:
    """The step: the task being done when it failed, and the element of the diagram that failed."""
    if task_name and at and at != task_name:
        return f"After ‘{task_name}’, at ‘{at}’"
    if task_name or at:
        return f"At ‘{task_name or at}’"
    return "Not known"
