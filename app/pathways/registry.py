"""Named Python that pathways' form definitions and diagrams call by name.

What a form definition cannot say as data is a plain function registered under a name:

- a **rule** checks one answer with what the form cannot see (the case, the database, the
  clock); a field names it in its `rules` property. It returns the error to show, or None.
- a **calculation** works out answers the process needs from the form's answers and the case
  (a penalty notice's amount and due dates); a user task names it in its `calculations`
  property. What it returns is added to the task's data before the process moves on.
- an **effect** keeps what a completed task recorded outside the workflow (a meeting, the CME
  register, the penalty-notice ledger); a user task names it in its `effects` property. It runs
  after the process has moved on, in the same transaction: if it fails, nothing is kept.

Each receives an explicit context (the task, its case, the person, today's date, the answers),
never `request` or `flask.g`. Publishing refuses a version that names one that does not exist.
A name may carry arguments, as a diagram writes them: `record_meeting(icpc, invited=cpe.icpc:x)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from app.formkit.builder import form_class
from app.formkit.definitions import FormBundle

if TYPE_CHECKING:
    from app.formkit.base import TaskForm
    from app.models import Case, HumanTask, User


@dataclass(frozen=True)
class TaskContext:
    """What a rule, calculation or effect may know: the task being completed, its case, who is
    completing it, today's date, and the answers (typed values for rules and calculations, the
    saved data for effects)."""

    task: HumanTask
    actor: User | None
    today: date
    answers: Mapping[str, Any]
    bundle: FormBundle  # the forms of the task's process version
    field: str = ""  # for a rule: the field it checks

    @property
    def case(self) -> Case:
        """The task's case (read only when a rule or effect asks for it)."""
        return self.task.case

    @property
    def value(self) -> Any:
        return self.answers.get(self.field)

    def form(self, form_key: str = "") -> type[TaskForm]:
        """The form class of this task (or of another form of the same process version)."""
        return form_class(self.bundle, form_key or self.task.form_key)

    def components(self, form_key: str = "") -> list[Mapping[str, Any]]:
        """The definition's fields of this task's form (or another of the same version)."""
        return self.bundle.fields(form_key or self.task.form_key)


Rule = Callable[[TaskContext], "str | None"]
Calculation = Callable[[TaskContext], "Mapping[str, Any]"]
Effect = Callable[..., None]  # (TaskContext, *args: str, **kwargs: str)
# A publish-time check of a named function's use: (arguments, keyword arguments, form fields) -> problems
UseCheck = Callable[[tuple[str, ...], Mapping[str, str], "FormUse"], "list[str]"]


@dataclass(frozen=True)
class FormUse:
    """Where a name is used, for its publish-time check: the form's definition and the bundle."""

    form_key: str
    bundle: FormBundle

    @property
    def components(self) -> list[Mapping[str, Any]]:
        return self.bundle.fields(self.form_key) if self.form_key in self.bundle.forms else []


@dataclass
class Named:
    function: Callable[..., Any]
    check: UseCheck | None = None
    # A calculation's: how pages name the answers it adds ({"pn_served_on": "Presumed served on"}).
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Registry:
    kind: str
    entries: dict[str, Named] = field(default_factory=dict)

    def add(
        self,
        name: str,
        function: Callable[..., Any],
        check: UseCheck | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        if not _NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a {self.kind} name (small letters, digits, dots, underscores)")
        existing = self.entries.get(name)
        if existing is not None and existing.function is not function:
            raise ValueError(f"Two {self.kind}s are registered as {name!r}")
        self.entries[name] = Named(function, check, dict(labels or {}))

    def get(self, name: str) -> Callable[..., Any]:
        return self.entries[name].function

    def __contains__(self, name: object) -> bool:
        return name in self.entries


RULES = Registry("rule")
CALCULATIONS = Registry("calculation")
EFFECTS = Registry("effect")
_NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
F = TypeVar("F", bound=Callable[..., Any])


def rule(name: str) -> Callable[[F], F]:
    """Register a rule: `def check(ctx: TaskContext) -> str | None`."""
    return _register(RULES, name, None)


def calculation(name: str, labels: Mapping[str, str] | None = None) -> Callable[[F], F]:
    """Register a calculation: `def work_out(ctx: TaskContext) -> Mapping[str, Any]`; `labels`
    name the answers it adds, as a completed task's answers are shown."""
    return _register(CALCULATIONS, name, None, labels)


def calculated_labels() -> dict[str, str]:
    """How pages name the answers calculations add to a task's data (no form asks them)."""
    return {key: label for named in CALCULATIONS.entries.values() for key, label in named.labels.items()}


def effect(name: str, check: UseCheck | None = None) -> Callable[[F], F]:
    """Register an effect: `def keep(ctx: TaskContext, *args: str, **kwargs: str) -> None`;
    `check` looks at how a diagram uses it when the diagram is published."""
    return _register(EFFECTS, name, check)


def _register(
    registry: Registry, name: str, check: UseCheck | None, labels: Mapping[str, str] | None = None
) -> Callable[[F], F]:
    def decorate(function: F) -> F:
        registry.add(name, function, check, labels)
        return function

    return decorate


@dataclass(frozen=True)
class Call:
    """A use of a named function as written: name(arg, key=value)."""

    name: str
    args: tuple[str, ...] = ()
    kwargs: Mapping[str, str] = field(default_factory=dict)


_CALL = re.compile(r"\s*([a-z][a-z0-9_.]*)\s*(?:\((.*)\))?\s*\Z", re.S)


def parse_calls(text: str) -> list[Call]:
    """`record_meeting(icpc, invited=cpe.icpc:x), cme.add_to_register` as calls; ValueError if
    it cannot be read."""
    calls = []
    for part in _split_top_level(text):
        match = _CALL.match(part)
        if match is None:
            raise ValueError(f"cannot read {part.strip()!r}: write a name, or name(argument, ...)")
        args: list[str] = []
        kwargs: dict[str, str] = {}
        for item in (match.group(2) or "").split(","):
            item = item.strip()
            if not item:
                continue
            key, eq, value = item.partition("=")
            if eq:
                kwargs[key.strip()] = value.strip()
            else:
                args.append(item)
        calls.append(Call(match.group(1), tuple(args), kwargs))
    return calls


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = list[str](), 0, list[str]()
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def use_problems(registry: Registry, text: str, use: FormUse, where: str) -> list[str]:
    """What is wrong with the named functions a diagram or form writes in `text`; [] if nothing."""
    try:
        calls = parse_calls(text)
    except ValueError as exc:
        return [f"{where}: {exc}"]
    problems = []
    for call in calls:
        named = registry.entries.get(call.name)
        if named is None:
            problems.append(f"{where} names the {registry.kind} '{call.name}', which does not exist")
        elif named.check is not None:
            problems.extend(f"{where}: {p}" for p in named.check(call.args, call.kwargs, use))
    return problems
