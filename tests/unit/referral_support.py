"""Referral to Early Help, shared by its unit tests: constants, good pages, helpers, the Walk.

Not a test module. The fixtures that build on it are in tests/unit/conftest.py; the tests are
in test_referral_diagram.py (the diagram), test_referral_walks.py (every path through it),
test_referral_forms.py and test_referral_form_errors.py (the forms of its tasks).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from lxml import etree

from app.engine import Engine, ParsedDiagram, ReadyTask, RunningWorkflow, ThrownMessage
from app.formkit.base import TaskForm
from app.models import Case, Child, HumanTask
from app.pathways.registry import TaskContext
from app.pathways.run import check_answers
from app.timescales.working_days import deadline_iso
from tests.fixtures.forms import shipped_bundles, shipped_form

ROOT = Path(__file__).resolve().parents[2]
BPMN_FILE = ROOT / "processes" / "referral_to_early_help.bpmn"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
LANES = {"Early Help", "Schools", "CAS", "ACE"}
FLOW_NODES = {"startEvent", "endEvent", "userTask", "exclusiveGateway"}
LONDON = ZoneInfo("Europe/London")


HELPERS = {"add_working_days": deadline_iso, "today": lambda: date.today().isoformat()}
START_DATA: dict[str, Any] = {
    "case_reference": "C0000042",
    "child_name": "Amelia Begum",
    "referral_date": "2026-03-02",  # a Monday
    "attendance_percent": 82.5,
    "has_social_worker": False,
    "looked_after": False,
    "concern_reasons": "Attendance has fallen since October half term; often late on Mondays.",
}

EARLY_HELP, SCHOOLS, CAS, ACE = "Early Help", "Schools", "CAS", "ACE"
CLOSED = "Closed: outcomes met"
SCHOOL_CLOSED = "Closed: school-led support worked"
STEPPED_UP = "Stepped up to social care"
LEGAL = "Referred for legal planning"


# -- helpers ---------------------------------------------------------------------------------------
def d(day: date) -> list[str]:
    """A date as the GOV.UK date input posts it: three boxes with the same name."""
    return [str(day.day), str(day.month), str(day.year)]


def five_pm(year: int, month: int, day: int) -> datetime:
    """When a task due on that day becomes late: 17:00 London time, in UTC."""
    return datetime(year, month, day, 17, 0, tzinfo=LONDON).astimezone(UTC)


def local_name(el: Any) -> str:
    return str(etree.QName(el).localname)


def process(root: Any) -> Any:
    return root.find("bpmn:process", NS)


def flow_nodes(root: Any) -> dict[str, Any]:
    return {el.get("id"): el for el in process(root) if local_name(el) in FLOW_NODES}


def form_fields(form_app: Flask, key: str) -> dict[str, Any]:
    with form_app.app_context():
        form = shipped_form(key)(meta={"csrf": False}, formdata=None)
        return {f.name: f for f in form.data_fields()}


def process_form_keys(diagram: ParsedDiagram) -> list[str]:
    return [t.form_key for t in diagram.user_tasks]


def rule_context(form_key: str) -> TaskContext:
    """What the form's named rules are given when a page is posted, for a task with that form on
    a stand-in case (made in memory, never saved: the rules of these forms read the answers, the
    clock and the local settings, not the case's records)."""
    child = Child(first_name="Amelia", last_name="Begum", school="Riverside Primary School")
    case = Case(reference=START_DATA["case_reference"], child=child)
    task = HumanTask(form_key=form_key, case=case)
    return TaskContext(task, None, date.today(), {}, shipped_bundles()[form_key])


def posted(form_app: Flask, form_key: str, post: dict[str, Any]) -> tuple[TaskForm, bool]:
    """Post a page to the task's form and check it as the app does: the form's own checks, then
    its named rules (app/pathways); the form, and whether every answer may be kept."""
    with form_app.test_request_context(method="POST", data=post):
        form = shipped_form(form_key)()
        return form, check_answers(form, rule_context(form_key))


def submit(form_app: Flask, form_key: str, post: dict[str, Any]) -> dict[str, Any]:
    """Post a page to the task's form; return what the app would give the engine."""
    form, valid = posted(form_app, form_key, post)
    assert valid, form.errors
    return form.to_task_data()


def errors_for(form_app: Flask, form_key: str, post: dict[str, Any]) -> dict[str, list[str]]:
    """What the page would say needs correcting: the form's own errors and its rules'."""
    form, valid = posted(form_app, form_key, post)
    assert not valid
    return dict(form.errors)


TEXT = "Recorded with the family; see the case notes for detail."

# One page each form accepts, for a clock at 16 March 2026 (a Monday).
GOOD: dict[str, dict[str, Any]] = {
    "referral.triage": {
        "existing_involvement": "none",
        "triage_decision": "seek_consent",
        "triage_reasons": "Attendance 82.5%, no open plan; mother asked the school for help.",
    },
    "referral.consent": {
        "consent": "given",
        "consent_date": d(date(2026, 3, 12)),
        "consent_given_by": "Sam Begum, mother",
        "consent_share_with": ["school", "health"],
        "consent_notes": "",
    },
    "referral.allocate": {
        "lead_practitioner_name": "Dana Lewis",
        "lead_practitioner_service": "Early Help, Riverside hub",
        "family_had_say": "yes",
        "allocation_date": d(date(2026, 3, 13)),
        "allocation_notes": "",
    },
    "referral.assessment": {
        "assessment_date": d(date(2026, 3, 16)),
        "needs_identified": ["school_attendance", "emotional_wellbeing", "bullying"],
        "other_needs": "",
        "child_voice": "I get a bad tummy on Sunday nights because of Year 6 girls.",
        "family_strengths": "Mum is committed; grandmother helps with the school run.",
        "assessment_summary": "Anxiety linked to friendship problems; mornings are the pinch point.",
    },
    "referral.taf_meeting": {
        "taf_meeting_date": d(date(2026, 3, 16)),
        "family_attended": "yes",
        "taf_attendees": "Jo Smith, Head of Year 6; Kim Lee, school nurse",
        "plan_outcomes": "Attendance above 90% by the end of the summer term.",
        "plan_actions": "School: soft start and a mentor from next week. Nurse: sleep advice by 1 April.",
        "next_review_date": d(date(2026, 4, 24)),
    },
    "referral.review": {
        "review_date": d(date(2026, 3, 16)),
        "review_attendance_percent": "91.5",
        "review_progress": "Mentor sessions are working; late marks halved.",
        "review_child_views": "School is better now I have lunch club.",
        "review_outcome": "continue",
        "next_review_date": d(date(2026, 5, 1)),
        "review_outcome_reasons": "",
    },
    "referral.advise_school": {
        "school_contact_name": "Alex Patel, attendance lead",
        "advice_given": "Hold an attendance meeting with mum and agree an attendance plan.",
        "school_support_recommended": ["attendance_meeting", "attendance_plan"],
        "safeguarding_concern": "no",
        "safeguarding_details": "",
        "school_review_date": d(date(2026, 4, 24)),
    },
    "referral.school_support": {
        "school_support_provided": ["attendance_meeting", "attendance_plan", "pastoral_support"],
        "school_support_details": TEXT,
        "family_engagement": "engaged",
        "school_attendance_percent": "93",
        "school_review_held_date": d(date(2026, 3, 16)),
        "school_outcome": "improved",
        "school_outcome_reasons": "",
    },
}


def good(form_key: str, **changes: Any) -> dict[str, Any]:
    return {**GOOD[form_key], **changes}


class Walk:
    """One case through the process: the app's view of it, saved and reloaded at every wait."""

    def __init__(self, diagram: ParsedDiagram, form_app: Flask, clock: Any) -> None:
        self.engine = Engine(HELPERS)
        self.form_app = form_app
        self.clock = clock
        self.on(date(2026, 3, 2))
        self.diagram = diagram
        self.running: RunningWorkflow = self.engine.start(diagram, START_DATA)
        self.seen: list[str] = []
        self.thrown: list[ThrownMessage] = []
        self.reload()

    def on(self, day: date) -> None:
        self.clock.move_to(datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC))

    def reload(self) -> None:
        self.running = self.engine.load(self.running.dump(), self.diagram)

    def next_is(self, bpmn_id: str, lane: str, due: datetime) -> ReadyTask:
        """The one task now waiting, its team and its due time (worked out now, as the app does)."""
        ready = self.running.ready_tasks()
        assert [(t.bpmn_id, t.lane) for t in ready] == [(bpmn_id, lane)]
        task = ready[0]
        assert task.form_key.startswith("referral.")
        assert task.documentation
        assert self.running.due_at(task.id) == due
        assert not self.running.is_completed()
        return task

    def complete(self, bpmn_id: str, on: date, post: dict[str, Any]) -> dict[str, Any]:
        self.on(on)
        self.reload()
        [task] = [t for t in self.running.ready_tasks() if t.bpmn_id == bpmn_id]
        data = submit(self.form_app, task.form_key, post)
        self.running.complete_task(task.id, data)
        self.thrown.extend(self.running.take_thrown_messages())
        self.seen.append(task.id)
        self.reload()
        return data

    def ended_at(self) -> str:
        assert self.running.is_completed()
        assert self.running.ready_tasks() == []
        return self.running.end_event_name()


def triage(walk: Walk, decision: str) -> None:
    walk.next_is("triage", EARLY_HELP, five_pm(2026, 3, 3))  # 1 working day after the referral
    walk.complete("triage", date(2026, 3, 3), good("referral.triage", triage_decision=decision))


def early_help_to_first_review(walk: Walk) -> None:
    triage(walk, "seek_consent")
    walk.next_is("seek_consent", EARLY_HELP, five_pm(2026, 3, 9))  # referral + 5 working days
    walk.complete(
        "seek_consent", date(2026, 3, 5), good("referral.consent", consent_date=d(date(2026, 3, 5)))
    )
    walk.next_is("allocate_lead_practitioner", EARLY_HELP, five_pm(2026, 3, 12))  # consent + 5
    walk.complete(
        "allocate_lead_practitioner",
        date(2026, 3, 10),
        good("referral.allocate", allocation_date=d(date(2026, 3, 10))),
    )
    walk.next_is("early_help_assessment", EARLY_HELP, five_pm(2026, 3, 24))  # allocation + 10
    walk.complete(
        "early_help_assessment",
        date(2026, 3, 20),
        good("referral.assessment", assessment_date=d(date(2026, 3, 20))),
    )
    # allocation + 15 working days: Tuesday 31 March, after the clocks go forward (16:00 UTC)
    walk.next_is("taf_meeting", EARLY_HELP, five_pm(2026, 3, 31))
    assert walk.running.due_at(walk.running.ready_tasks()[0].id) == datetime(2026, 3, 31, 16, tzinfo=UTC)
    walk.complete(
        "taf_meeting",
        date(2026, 3, 27),
        good(
            "referral.taf_meeting",
            taf_meeting_date=d(date(2026, 3, 27)),
            next_review_date=d(date(2026, 5, 1)),
        ),
    )


def review(walk: Walk, on: date, outcome: str, next_review: date | None = None, **changes: Any) -> None:
    post = good(
        "referral.review",
        review_date=d(on),
        review_outcome=outcome,
        next_review_date=d(next_review) if next_review else ["", "", ""],
        **changes,
    )
    walk.complete("taf_review", on, post)


def advise(walk: Walk, on: date, safeguarding: str) -> None:
    if safeguarding == "yes":
        post = good(
            "referral.advise_school",
            safeguarding_concern="yes",
            safeguarding_details="Child disclosed being left alone overnight.",
            school_support_recommended=[],
            school_review_date=["", "", ""],
        )
    else:
        post = good("referral.advise_school", school_review_date=d(date(2026, 4, 17)))
    walk.complete("advise_school", on, post)


def school_support_reviewed(walk: Walk, outcome: str) -> None:
    walk.next_is("school_led_support", SCHOOLS, five_pm(2026, 4, 17))  # the review date agreed
    reasons = "" if outcome == "improved" else "Attendance is still 71% and mum has not engaged."
    walk.complete(
        "school_led_support",
        date(2026, 4, 17),
        good(
            "referral.school_support",
            school_review_held_date=d(date(2026, 4, 17)),
            school_outcome=outcome,
            school_outcome_reasons=reasons,
        ),
    )


def hands_to_cas(walk: Walk, on: date) -> None:
    """The step-up ends the referral and sends CAS the referral, dated the day it was made."""
    assert walk.ended_at() == STEPPED_UP
    [message] = walk.thrown
    assert message.name == "cas_referral"
    assert message.payload["referral_date"] == on.isoformat()
    assert message.payload["concern_reasons"] == START_DATA["concern_reasons"]


def hands_to_legal_planning(walk: Walk, on: date) -> None:
    """The referral ends and ACE's legal planning process receives the case, dated that day;
    it checks that support came first before anything else."""
    assert walk.ended_at() == LEGAL
    [message] = walk.thrown
    assert message.name == "legal_planning_referral"
    assert message.payload["referral_date"] == on.isoformat()
