"""Testing a draft before it is live: a walk through its diagram with the answers the process
owner chooses, on a throwaway case (a made-up child that is never saved), with a clock they move
forward to see deadlines fall due. Forms, their rules and the pathway's calculations run as they
would on a real case; effects that keep records (registers, ledgers, meetings) and hand-offs to
other processes are reported, not run. Nothing of a test touches a real case."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from werkzeug.datastructures import MultiDict

from app import audit
from app.extensions import db
from app.formkit.base import TaskForm, plain
from app.formkit.builder import form_class
from app.formkit.definitions import InvalidForms
from app.models import Case, Child, DraftTrial, HumanTask, ProcessDraft, User
from app.pathways.registry import TaskContext
from app.pathways.run import calculate, check_answers
from app.processes.checks import Checked, check
from app.revisions.services import bundle_of
from app.transactions import Refusal
from app.workflow import EngineError, InvalidDiagram
from app.workflow.instances import case_facts
from app.workflow.library import content_hash_of, get_engine
from app.workflow.trials import RunningWorkflow, fire_timers_due_by, waiting_timers
from app.workflow.validation import read_checked

MAX_DAYS = 3 * 366


class TrialRefused(Refusal):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _child() -> Child:
    return Child(
        first_name="Test",
        last_name="Child",
        date_of_birth=date.today().replace(year=date.today().year - 10),
        school="Test School",
        year_group="Year 5",
        has_social_worker=False,
        looked_after=False,
        send_support=False,
        has_ehcp=False,
        social_worker_name="",
    )


def _case(child: Child) -> Case:
    """A made-up case the test's forms and rules can read; never added to the database."""
    return Case(
        reference="TEST-0001",
        child=child,
        concern_reasons="A test of a draft diagram",
        attendance_percent=Decimal("85.0"),
        referral_date=date.today(),
        referrer_name="A process owner",
        referrer_role="Process owner",
        referrer_organisation="The council",
    )


def _checked(draft: ProcessDraft, again: bool = True) -> Checked:
    """The draft's diagram and forms: checked once more when a test starts, then read as checked
    (its last check found no errors, and every save checks it again)."""
    if not again and not draft.has_errors:
        try:
            return read_checked(bundle_of(draft))
        except (InvalidDiagram, InvalidForms):  # changed since: say what the check says
            pass
    checked = check(bundle_of(draft))
    if checked.diagram is None or checked.forms is None or checked.errors:
        first = checked.errors[0].message if checked.errors else "it could not be read"
        raise TrialRefused(f"Fix the draft's problems before testing it (the first: {first})")
    return checked


def _log(trial: DraftTrial, what: str) -> None:
    trial.log_json = json.dumps([*json.loads(trial.log_json or "[]"), {"day": trial.days_on, "what": what}])


def start(draft: ProcessDraft, actor: User) -> DraftTrial:
    checked = _checked(draft)
    assert checked.diagram is not None
    case = _case(_child())
    try:
        running = get_engine().start(checked.diagram, case_facts(case))
    except EngineError as exc:
        raise TrialRefused(f"The draft fails as soon as it starts: {exc.message}") from None
    trial = DraftTrial(
        draft_id=draft.id, content_hash=_hash(draft), state=running.dump(), created_by_id=actor.id
    )
    _log(trial, "Started, on a made-up case referred today")
    _after_step(trial, running)
    db.session.add(trial)
    db.session.flush()
    audit.record("process.draft_tested", actor, detail=f"{draft.name}: test {trial.id} of draft {draft.id}")
    return trial


def _hash(draft: ProcessDraft) -> str:
    return content_hash_of(draft.bpmn_xml, draft.dmn_xml, draft.forms_json)


@dataclass
class TrialView:
    trial: DraftTrial
    running: RunningWorkflow
    checked: Checked
    stale: bool  # the draft has changed since the test started

    @property
    def log(self) -> list[dict[str, Any]]:
        return list(json.loads(self.trial.log_json or "[]"))

    @property
    def clock(self) -> date:
        return date.today() + timedelta(days=self.trial.days_on)


def view(trial: DraftTrial, draft: ProcessDraft) -> TrialView:
    checked = _checked(draft, again=False)
    assert checked.diagram is not None
    running = get_engine().load(trial.state, checked.diagram)
    return TrialView(trial, running, checked, stale=trial.content_hash != _hash(draft))


def ready(view_: TrialView) -> list[dict[str, Any]]:
    """The tasks waiting for someone, with when each is due."""
    return [
        {
            "id": t.id,
            "name": t.name,
            "lane": t.lane,
            "form_key": t.form_key,
            "due": view_.running.due_at(t.id),
        }
        for t in view_.running.ready_tasks()
    ]


def timers(view_: TrialView) -> list[Any]:
    return waiting_timers(view_.running)


def form_for(view_: TrialView, form_key: str, formdata: MultiDict[str, str] | None = None) -> TaskForm:
    assert view_.checked.forms is not None
    return form_class(view_.checked.forms, form_key)(formdata=formdata)


def complete(view_: TrialView, task_id: str, formdata: MultiDict[str, str], actor: User) -> TaskForm | None:
    """Submit answers to one of the test's tasks. Returns the form with its errors if they need
    correcting (nothing changes), or None once the test has moved on."""
    task = next((t for t in view_.running.ready_tasks() if t.id == task_id), None)
    if task is None:
        raise TrialRefused("That task is not waiting in this test any more")
    assert view_.checked.forms is not None and view_.checked.diagram is not None
    form = form_for(view_, task.form_key, formdata)
    human = HumanTask(
        id=task.id, name=task.name, form_key=task.form_key, bpmn_id=task.bpmn_id, lane=task.lane
    )
    human.case = _case(_child())
    info = next((u for u in view_.checked.diagram.user_tasks if u.bpmn_id == task.bpmn_id), None)
    typed = {field.name: field.data for field in form.data_fields()}
    ctx = TaskContext(human, actor, view_.clock, typed, view_.checked.forms)
    if not check_answers(form, ctx):
        return form
    data = form.to_task_data()
    if info is not None and info.calculations:
        data.update({k: plain(v) for k, v in calculate(info.calculations, ctx).items()})
    try:
        view_.running.complete_task(task_id, data)
    except EngineError as exc:
        raise TrialRefused(f"The draft failed after '{task.name}': {exc.message}") from None
    _log(view_.trial, f"Completed '{task.name}'")
    if info is not None and info.effects:
        _log(view_.trial, f"Would then run: {info.effects} (not run in a test)")
    _after_step(view_.trial, view_.running)
    return None


def move_clock(view_: TrialView, days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise TrialRefused(f"Move the clock forward by 1 to {MAX_DAYS} days")
    view_.trial.days_on += days
    moment = datetime.combine(view_.clock, datetime.max.time(), tzinfo=UTC)
    try:
        fired = fire_timers_due_by(view_.running, moment)
    except EngineError as exc:
        raise TrialRefused(f"A timer failed: {exc.message}") from None
    _log(view_.trial, f"Moved the clock on {days} days to {view_.clock:%-d %B %Y}")
    for name in fired:
        _log(view_.trial, f"The timer '{name}' fired")
    _after_step(view_.trial, view_.running)


def _after_step(trial: DraftTrial, running: RunningWorkflow) -> None:
    for message in running.take_thrown_messages():
        _log(
            trial,
            f"Handed the case on with the message '{message.name}' (a test does not start the next process)",
        )
    if running.is_completed():
        _log(trial, f"Ended: {running.end_event_name() or 'an end event without a name'}")
    trial.state = running.dump()


def find(trial_id: int) -> DraftTrial | None:
    return db.session.get(DraftTrial, trial_id) if 0 < trial_id < 2**31 else None
