"""One pipeline checks a diagram bundle a process owner brings (uploaded, saved from the editor,
or named on the command line) before it can become a version: the XML alone first (safe
reading, the process to run, another engine's dialect, references, modelling mistakes), then
the engine's own reading in a worker process under a time limit, then the product's rules
(every expression compiles in the restricted environment, every user task has a form, every
lane is a team, every message has one receiver). Every problem names its element and line.

Feature packages add their own checks (the pathways' named Python) through `extra`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from app.engine import InvalidDiagram, ParsedDiagram, parse_diagram
from app.engine.checks import ElementIndex, Problem, static_checks
from app.engine.expressions import expression_problems
from app.engine.isolated import parse_in_worker
from app.extensions import db
from app.formkit.definitions import FormBundle, InvalidForms, empty_bundle, load_bundle
from app.models import ProcessVersion
from app.timescales.guidance import documentation_problems
from app.workflow.library import form_problems, get_library, lane_problems

ExtraCheck = Callable[[ParsedDiagram, FormBundle, ElementIndex], list[Problem]]


@dataclass(frozen=True)
class Bundle:
    """What becomes a version: a diagram, its decision tables and its task forms."""

    filename: str
    bpmn: bytes
    dmn: bytes = b""
    forms: str = ""  # the form-js bundle, forms/<process id>.json ("" when it has none)


@dataclass
class Checked:
    bundle: Bundle
    problems: list[Problem] = field(default_factory=list)
    process_id: str = ""
    diagram: ParsedDiagram | None = None
    forms: FormBundle | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def publishable(self) -> bool:
        return self.diagram is not None and not self.errors


def check_bundle(bundle: Bundle, extra: ExtraCheck | None = None) -> Checked:
    """Every problem with the bundle; `publishable` when it has no errors (warnings may remain)."""
    settings = current_app.extensions["settings"]
    static = static_checks(bundle.bpmn, bundle.filename, bundle.dmn, settings.diagram_max_bytes)
    checked = Checked(bundle, list(static.problems), static.process_id)
    if checked.errors or static.index is None:
        return checked
    index = static.index
    found = parse_in_worker(
        bundle.bpmn, bundle.filename, static.process_id, bundle.dmn, settings.diagram_parse_seconds
    )
    if found:
        checked.problems += [p if isinstance(p, Problem) else index.about(p, "engine_refused") for p in found]
        return checked
    try:
        diagram = parse_diagram(bundle.bpmn, bundle.filename, static.process_id, dmn=bundle.dmn)
    except InvalidDiagram as exc:  # the worker read it; kept for safety, never expected
        checked.problems += [index.about(p, "engine_refused") for p in exc.problems]
        return checked
    checked.diagram = diagram
    checked.problems += _product_problems(bundle, diagram, index)
    forms = _read_forms(bundle, diagram, index, checked.problems)
    if forms is not None:
        checked.forms = forms
        checked.problems += [
            index.about(p, "no_form") for p in form_problems(diagram, forms, bundle.filename)
        ]
        if extra is not None:
            checked.problems += extra(diagram, forms, index)
    return checked


def read_checked(bundle: Bundle) -> Checked:
    """A bundle a check has passed before (a draft without errors), parsed in this process for use
    (the worker's reading showed it terminates): no checks are run again."""
    settings = current_app.extensions["settings"]
    static = static_checks(bundle.bpmn, bundle.filename, bundle.dmn, settings.diagram_max_bytes)
    diagram = parse_diagram(bundle.bpmn, bundle.filename, static.process_id, dmn=bundle.dmn)
    forms = (
        load_bundle(bundle.forms, f"{diagram.process_id}.json")
        if bundle.forms.strip()
        else empty_bundle(diagram.process_id)
    )
    return Checked(bundle, [], diagram.process_id, diagram, forms)


def _product_problems(bundle: Bundle, diagram: ParsedDiagram, index: ElementIndex) -> list[Problem]:
    problems = [
        index.about(p, "expression") for p in expression_problems(bundle.bpmn, diagram, bundle.filename)
    ]
    problems += [index.about(p, "guidance") for p in documentation_problems(bundle.bpmn, bundle.filename)]
    if bundle.dmn:
        dmn_name = bundle.filename.rsplit(".", 1)[0] + ".dmn"
        problems += [index.about(p, "guidance") for p in documentation_problems(bundle.dmn, dmn_name)]
    problems += [index.about(p, "lane_team") for p in lane_problems(diagram)]
    problems += message_problems_of(diagram, index)
    return problems


def _read_forms(
    bundle: Bundle, diagram: ParsedDiagram, index: ElementIndex, problems: list[Problem]
) -> FormBundle | None:
    if not bundle.forms.strip():
        return empty_bundle(diagram.process_id)
    name = f"{diagram.process_id}.json"
    limit = current_app.extensions["settings"].diagram_max_bytes
    if len(bundle.forms.encode("utf-8")) > limit:
        problems.append(Problem(f"The forms are larger than {limit / 1_000_000:.0f} MB.", "forms", name))
        return None
    try:
        forms = load_bundle(bundle.forms, name)
    except InvalidForms as exc:
        problems += [Problem(p.removeprefix(f"{name}: "), "forms", name) for p in exc.problems]
        return None
    if forms.process_id != diagram.process_id:
        problems.append(
            Problem(
                f"The forms are for the process '{forms.process_id}', not '{diagram.process_id}'.",
                "forms",
                name,
            )
        )
        return None
    return forms


def message_problem_texts(diagram: ParsedDiagram) -> list[str]:
    """A message that starts this process must start no other current process, and every message
    this process sends must start exactly one (this one or a current one)."""
    library = get_library()
    others = [
        library.diagram_for(v)
        for v in db.session.scalars(select(ProcessVersion).where(ProcessVersion.is_current))
        if v.process_id != diagram.process_id
    ]
    starters: dict[str, list[ParsedDiagram]] = {}
    for each in [diagram, *others]:
        if each.start_message:
            starters.setdefault(each.start_message, []).append(each)
    problems = []
    if diagram.start_message and len(starters[diagram.start_message]) > 1:
        clashing = ", ".join(
            f"'{d.name}' ({d.process_id})" for d in starters[diagram.start_message] if d is not diagram
        )
        problems.append(
            f"The message '{diagram.start_message}' that starts this process already starts {clashing}: "
            "a hand-off would start both. Use a message of its own."
        )
    for name in sorted(diagram.thrown_messages):
        count = len(starters.get(name, []))
        if count != 1:
            problems.append(
                f"The process hands cases on with the message '{name}', which "
                + ("no process starts with" if count == 0 else f"{count} processes start with")
                + ": a hand-off must start exactly one process."
            )
    return problems


def message_problems_of(diagram: ParsedDiagram, index: ElementIndex) -> list[Problem]:
    return [index.about(text, "message_receiver") for text in message_problem_texts(diagram)]
