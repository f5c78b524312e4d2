"""Child and family assessment (processes/cas_assessment.bpmn), walked through the product's services.

The clock is controlled: the referral is dated Tuesday 1 December 2026, so the assessment is due
45 working days later, Friday 5 February 2027 at 17:00 London (skipping 25 and 28 December and
1 January), and the reminder fires 10 working days earlier (the setting's default), on Friday
22 January 2027. Each page is validated by the task's form, then submitted as a member of CAS.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from lxml import etree

from app.admin import services as admin
from app.extensions import db
from app.models import HumanTask, TaskState, User
from app.tasks import services as tasks
from app.timescales.working_days import end_of_working_day
from app.workflow import instances
from tests import factories
from tests.fixtures.forms import shipped_form
from tests.scenarios.walk import InstanceWalk, at, page_errors
from tests.unit.referral_support import NS, ROOT, d, submit

BPMN_FILE = ROOT / "processes" / "cas_assessment.bpmn"

REFERRED = date(2026, 12, 1)  # a Tuesday
DEADLINE = end_of_working_day(date(2027, 2, 5))  # 45 working days
REMINDER = end_of_working_day(date(2027, 1, 22))  # 10 working days before the deadline
SECOND = timedelta(seconds=1)

DECIDE = "Decide on the referral"
ALLOCATE = "Allocate a qualified social worker"
ASSESS = "Complete the child and family assessment"
CHECK = "Check the assessment will finish on time"
LATE = "Record why the assessment is late"
AUTHORISE = "Authorise the assessment"
OUTCOME = "Record the assessment outcome"

TEXT = "Seen at home and at school; see the case notes."
PAGES: dict[str, dict[str, Any]] = {
    "cas.referral_decision": {
        "referral_decision": "assessment",
        "referral_decision_reasons": "Repeated absence with neglect indicators; s17 assessment needed.",
        "referrer_told": "yes",
    },
    "cas.allocate": {
        "social_worker_name": "Chris Okafor",
        "allocated_on": d(date(2026, 12, 3)),
        "allocation_plan": "See Amelia alone at school this week; health and police checks.",
    },
    "cas.assessment": {
        "child_seen": "yes",
        "child_seen_on": d(date(2026, 12, 10)),
        "child_views": "I want to go to school but mornings at home are hard.",
        "assessment_analysis": TEXT,
        "assessment_completed_on": d(date(2026, 12, 10)),
    },
    "cas.assessment_reminder": {"assessment_on_track": "yes", "reminder_note": ""},
    "cas.record_delay": {
        "delay_reason": "The health assessment was not received until 3 February.",
        "expected_completion_date": d(date(2027, 2, 19)),
        "delay_action_agreed": "Chris to finish the analysis; manager to read it on 18 February.",
    },
    "cas.authorise": {"authorisation_decision": "authorised", "authorisation_notes": ""},
    "cas.outcome": {
        "assessment_outcome": "child_in_need",
        "outcome_reasons": TEXT,
        "early_help_consent": "",
        "family_told": "yes",
    },
}


class Assessment(InstanceWalk):
    """One case on the child and family assessment, run through the services."""

    def __init__(self, app: Flask, people: dict[str, User], clock: Any) -> None:
        super().__init__(app, people, clock)
        self.case = factories.bare_case(people["social_worker"], first_name="Amelia")
        start = {
            "case_reference": self.case.reference,
            "child_name": "Amelia Smith",
            "referral_date": REFERRED.isoformat(),
        }
        self.instance = instances.start_process(self.case, "cas_assessment", start, people["social_worker"])
        db.session.commit()

    def task(self, name: str) -> HumanTask:
        [task] = [t for t in factories.open_tasks(self.case) if t.name == name]
        assert (task.lane, task.team.name) == ("CAS", "CAS")
        assert task.form_key.startswith("cas.") and task.documentation
        return task

    def do(self, name: str, on: date, who: str = "social_worker", **changes: Any) -> HumanTask:
        self.on(on)
        task = self.task(name)
        data = submit(self.app, task.form_key, {**PAGES[task.form_key], **changes})
        tasks.complete_task(task, data, self.people[who])
        db.session.commit()
        return task

    def errors(self, name: str, on: date, who: str, **changes: Any) -> dict[str, list[str]]:
        """What the task's page, sent as `do` sends it, must correct ({} if none)."""
        self.on(on)
        task = self.task(name)
        return page_errors(task, {**PAGES[task.form_key], **changes}, self.people[who])

    def to_assessment(self) -> None:
        assert self.task(DECIDE).due_at == end_of_working_day(date(2026, 12, 2))  # referral + 1
        self.do(DECIDE, date(2026, 12, 2))
        assert self.task(ALLOCATE).due_at == end_of_working_day(date(2026, 12, 3))  # decision + 1
        self.do(ALLOCATE, date(2026, 12, 3), "manager")
        assert self.task(ASSESS).due_at == DEADLINE


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(at(REFERRED, 9), tick=False) as traveller:
        yield traveller


@pytest.fixture
def walk(ctx: Flask, people: dict[str, User], clock: Any) -> Assessment:
    return Assessment(ctx, people, clock)


# -- the statutory clock ---------------------------------------------------------------------------
def test_the_reminder_comes_ten_working_days_before_the_deadline_while_the_assessment_stays_open(
    walk: Assessment,
) -> None:
    walk.to_assessment()
    assert walk.state().next_timer_at == REMINDER == datetime(2027, 1, 22, 17, 0, tzinfo=UTC)
    assert walk.sweep(REMINDER - SECOND) == 0
    assert walk.open() == {ASSESS}
    assert walk.sweep(REMINDER + SECOND) == 1
    assert walk.open() == {ASSESS, CHECK}
    reminder = walk.task(CHECK)
    assert reminder.due_at == end_of_working_day(date(2027, 1, 25))
    assert walk.state().next_timer_at == DEADLINE  # the deadline is still to come
    walk.do(CHECK, date(2027, 1, 25))
    assert walk.open() == {ASSESS}
    assert walk.task(ASSESS).due_at == DEADLINE


def test_the_reminder_follows_the_setting_an_administrator_changed(
    walk: Assessment, people: dict[str, User]
) -> None:
    admin.change_setting("assessment_reminder_working_days", "5", people["admin"])
    db.session.commit()
    walk.to_assessment()
    five_before = end_of_working_day(date(2027, 1, 29))  # 40 working days after the referral
    assert walk.state().next_timer_at == five_before
    assert walk.sweep(REMINDER + SECOND) == 0  # the default's day passes quietly
    assert walk.open() == {ASSESS}
    assert walk.sweep(five_before + SECOND) == 1
    assert walk.open() == {ASSESS, CHECK}


def test_at_the_deadline_the_manager_must_record_why_and_the_assessment_stays_open(
    walk: Assessment,
) -> None:
    walk.to_assessment()
    walk.sweep(REMINDER + SECOND)
    walk.do(CHECK, date(2027, 1, 25), assessment_on_track="no", reminder_note="Health report awaited.")
    assert walk.sweep(DEADLINE - SECOND) == 0
    assert walk.sweep(DEADLINE + SECOND) == 1
    assert walk.open() == {ASSESS, LATE}
    assert walk.task(LATE).due_at == end_of_working_day(date(2027, 2, 8))  # next working day
    assert walk.state().next_timer_at is None
    walk.do(LATE, date(2027, 2, 8), "manager")
    assert walk.open() == {ASSESS}
    walk.do(ASSESS, date(2027, 2, 15), assessment_completed_on=d(date(2027, 2, 15)))
    # Awaiting authorisation past the deadline (its timer fell due as the task opened), but the
    # delay is already on record: no second ask.
    walk.sweep(datetime(2027, 2, 15, 18, 0, tzinfo=UTC))
    assert walk.open() == {AUTHORISE}
    assert walk.state().next_timer_at is None
    walk.do(AUTHORISE, date(2027, 2, 16), "manager")
    walk.do(OUTCOME, date(2027, 2, 16), "manager")
    # the finished timer branches' end events are not taken for the outcome
    assert walk.ended_at() == "Child in need plan (s17)"


def test_after_downtime_past_the_deadline_only_the_delay_is_asked_for(walk: Assessment) -> None:
    walk.to_assessment()
    assert walk.sweep(DEADLINE + timedelta(days=3)) == 1  # the app was down for both timers
    assert walk.open() == {ASSESS, LATE}  # a reminder on or after the deadline day is skipped
    assert walk.state().next_timer_at is None


def test_finishing_and_authorising_in_time_means_no_timer_ever_fires(walk: Assessment) -> None:
    walk.to_assessment()
    walk.do(ASSESS, date(2026, 12, 10))
    assert walk.state().next_timer_at == DEADLINE  # authorisation is still on the 45-day clock
    walk.do(AUTHORISE, date(2026, 12, 11), "manager")
    walk.do(OUTCOME, date(2026, 12, 11), "manager")
    assert walk.state().next_timer_at is None
    version = walk.state().version
    walk.sweep(datetime(2027, 6, 1, tzinfo=UTC))  # fires only the child in need plan's review timer
    assert walk.state().version == version  # the assessment itself never woke again
    assert walk.ended_at() == "Child in need plan (s17)"
    names = {
        t.name for t in db.session.scalars(db.select(HumanTask).where(HumanTask.case_id == walk.case.id))
    }
    assert not names & {CHECK, LATE}


def test_an_assessment_finished_in_time_but_authorised_late_asks_the_manager_why(walk: Assessment) -> None:
    walk.to_assessment()
    walk.do(ASSESS, date(2026, 12, 10))
    assert walk.sweep(DEADLINE - SECOND) == 0
    assert walk.sweep(DEADLINE + SECOND) == 1
    assert walk.open() == {AUTHORISE, LATE}  # the census counts the authorisation date
    walk.do(LATE, date(2027, 2, 8), "manager")
    walk.do(AUTHORISE, date(2027, 2, 9), "manager")
    walk.do(OUTCOME, date(2027, 2, 9), "manager")
    assert walk.ended_at() == "Child in need plan (s17)"


def test_finishing_after_the_reminder_leaves_only_the_authorisation_clock(walk: Assessment) -> None:
    walk.to_assessment()
    walk.sweep(REMINDER + SECOND)
    walk.do(ASSESS, date(2027, 1, 26))
    assert walk.state().next_timer_at == DEADLINE
    assert walk.sweep(DEADLINE + timedelta(days=10)) == 1
    assert walk.open() == {AUTHORISE, CHECK, LATE}  # an unanswered reminder stays until acknowledged


# -- the referral decision -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("decision", "end"),
    [
        ("strategy_discussion", "Strategy discussion needed"),
        ("early_help", "Stepped down to Early Help"),
        ("no_further_action", "No further action"),
    ],
)
def test_the_referral_decision_can_end_before_any_assessment(
    walk: Assessment, decision: str, end: str
) -> None:
    walk.do(DECIDE, date(2026, 12, 2), referral_decision=decision)
    assert walk.ended_at() == end
    assert walk.state().next_timer_at is None
    receivers = {"strategy_discussion": "child_protection_enquiry", "early_help": "referral_to_early_help"}
    assert [i.process_version.process_id for i in walk.handed_to()] == (
        [receivers[decision]] if decision in receivers else []
    )


# -- authorisation and outcome ---------------------------------------------------------------------
def test_a_returned_assessment_goes_back_to_the_social_worker_on_the_same_clock(walk: Assessment) -> None:
    walk.to_assessment()
    walk.do(ASSESS, date(2026, 12, 10))
    walk.do(AUTHORISE, date(2026, 12, 11), "manager", authorisation_decision="returned",
            authorisation_notes="The child's views are missing: see Amelia alone.")  # fmt: skip
    assert walk.open() == {ASSESS}
    assert walk.task(ASSESS).due_at == DEADLINE  # the 45 days still run from the referral
    assert walk.state().next_timer_at == REMINDER  # both timers armed again, at the same times
    walk.do(ASSESS, date(2026, 12, 17))
    walk.do(AUTHORISE, date(2026, 12, 18), "manager")
    assert walk.open() == {OUTCOME}
    walk.do(OUTCOME, date(2026, 12, 18), "manager", assessment_outcome="s47_enquiries")
    assert walk.ended_at() == "Section 47 enquiries"


def test_returned_after_the_deadline_asks_the_manager_why_and_skips_the_reminder(walk: Assessment) -> None:
    walk.to_assessment()
    walk.do(ASSESS, date(2027, 2, 4))  # day 44: no timer has fired
    walk.do(AUTHORISE, date(2027, 2, 9), "manager", authorisation_decision="returned",
            authorisation_notes="The analysis does not explain the risks.")  # fmt: skip
    assert walk.open() == {ASSESS, LATE}
    walk.do(LATE, date(2027, 2, 9), "manager")
    assert walk.state().next_timer_at is None
    assert walk.open() == {ASSESS}


OUTCOMES = [
    ("s47_enquiries", "Section 47 enquiries"),
    ("immediate_protection", "Legal action for immediate protection"),
    ("looked_after", "Child becoming looked after"),
    ("child_in_need", "Child in need plan (s17)"),
    ("step_down_early_help", "Outcome: stepped down to Early Help"),
    ("no_further_action", "No further action and closed"),
]
# Where each outcome hands the case (outcome recorded Friday 11 December 2026).
HANDED_TO: dict[str, tuple[str, str, dict[str, tuple[str, datetime | None]]]] = {
    "child_in_need": (
        "child_in_need_plan",
        "child_in_need_plan_agreed",
        {
            # 10 working days from 11 December: 25 and 28 December are bank holidays
            "Hold the child in need planning meeting": ("CAS", end_of_working_day(date(2026, 12, 29))),
            "Keep the child in need plan under review": ("CAS", None),
        },
    ),
    "s47_enquiries": (
        "child_protection_enquiry",
        "strategy_discussion_needed",
        # the strategy discussion within 1 working day (the setting's default): Monday 14 December
        {"Hold the strategy discussion": ("CAS", end_of_working_day(date(2026, 12, 14)))},
    ),
    "immediate_protection": (
        "care_planning",
        "care_planning_referral",
        # immediate harm: the legal planning meeting is held the same day
        {"Hold the legal planning meeting": ("Legal Services", end_of_working_day(date(2026, 12, 11)))},
    ),
    "looked_after": (
        "care_planning",
        "care_planning_referral",
        # 5 working days (care_legal_planning_working_days) from Friday 11 December: Friday 18 December
        {"Hold the legal planning meeting": ("Legal Services", end_of_working_day(date(2026, 12, 18)))},
    ),
    "step_down_early_help": (
        "referral_to_early_help",
        "early_help_referral",
        # Early Help triages within 1 working day of the step-down: Monday 14 December
        {"Triage the referral": ("Early Help", end_of_working_day(date(2026, 12, 14)))},
    ),
}


@pytest.mark.parametrize(("outcome", "end"), OUTCOMES)
def test_every_outcome_ends_at_its_own_end_event(walk: Assessment, outcome: str, end: str) -> None:
    walk.to_assessment()
    walk.do(ASSESS, date(2026, 12, 10))
    walk.do(AUTHORISE, date(2026, 12, 11), "manager")
    consent = "yes" if outcome == "step_down_early_help" else ""
    walk.do(OUTCOME, date(2026, 12, 11), "manager", assessment_outcome=outcome, early_help_consent=consent)
    assert walk.ended_at() == end
    done = db.session.scalars(
        db.select(HumanTask).where(HumanTask.case_id == walk.case.id, HumanTask.state == TaskState.COMPLETED)
    )
    # Authorisation and outcome happen at the same frozen instant, so compare as a set of steps.
    assert sorted(t.name for t in done) == sorted([DECIDE, ALLOCATE, ASSESS, AUTHORISE, OUTCOME])
    handed = walk.handed_to()
    if outcome not in HANDED_TO:
        assert handed == []
        return
    process_id, message, next_tasks = HANDED_TO[outcome]
    [instance] = handed
    assert (instance.process_version.process_id, instance.start_message) == (process_id, message)
    assert instance.case_id == walk.case.id  # the same case: its history comes with it
    assert walk.next_tasks() == next_tasks


def test_a_step_down_to_early_help_needs_the_familys_consent(walk: Assessment) -> None:
    walk.to_assessment()
    walk.do(ASSESS, date(2026, 12, 10))
    walk.do(AUTHORISE, date(2026, 12, 11), "manager")
    step_down = {"assessment_outcome": "step_down_early_help"}
    assert walk.errors(OUTCOME, date(2026, 12, 11), "manager", **step_down) == {
        "early_help_consent": ["Select whether the family has agreed to Early Help"]
    }
    assert walk.errors(OUTCOME, date(2026, 12, 11), "manager", **step_down, early_help_consent="no") == {
        "early_help_consent": ["Early Help needs the family's consent: select another outcome"]
    }
    # Consent is asked about a step-down only: any other outcome is kept whatever it says.
    other = {"assessment_outcome": "child_in_need", "early_help_consent": "no"}
    walk.do(OUTCOME, date(2026, 12, 11), "manager", **other)
    assert walk.ended_at() == "Child in need plan (s17)"


def test_a_referral_decision_to_step_down_hands_the_case_to_early_help(walk: Assessment) -> None:
    walk.do(DECIDE, date(2026, 12, 2), referral_decision="early_help")
    [instance] = walk.handed_to()
    assert instance.process_version.process_id == "referral_to_early_help"
    # triage due 1 working day after CAS's decision on Wednesday 2 December
    assert walk.next_tasks() == {"Triage the referral": ("Early Help", end_of_working_day(date(2026, 12, 3)))}


def test_the_six_outcomes_are_the_forms_choices(ctx: Flask) -> None:
    outcome_form = shipped_form("cas.outcome")
    assert list(outcome_form.choice_labels()["assessment_outcome"]) == [value for value, _ in OUTCOMES]


# -- the drawing -----------------------------------------------------------------------------------
def test_every_node_is_drawn_once_in_the_cas_lane_and_no_shapes_overlap() -> None:
    root = etree.parse(str(BPMN_FILE)).getroot()
    process = root.find("bpmn:process", NS)
    nodes = {
        el.get("id")
        for el in process
        if etree.QName(el).localname.endswith(("Event", "Task", "Gateway")) and el.get("id")
    }
    [lane] = process.findall("bpmn:laneSet/bpmn:lane", NS)
    assert lane.get("name") == "CAS"
    assert {ref.text for ref in lane.findall("bpmn:flowNodeRef", NS)} == nodes
    flows = {el.get("id") for el in process.findall("bpmn:sequenceFlow", NS)}
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    boxes = {}
    for shape in plane.findall("bpmndi:BPMNShape", NS):
        b = shape.find("dc:Bounds", NS)
        boxes[shape.get("bpmnElement")] = tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
    edges = {edge.get("bpmnElement") for edge in plane.findall("bpmndi:BPMNEdge", NS)}
    assert nodes <= set(boxes) and edges == flows
    drawn = sorted(nodes - {"reminder_timer", "breach_timer", "authorise_breach_timer"})  # on their task
    for i, a in enumerate(drawn):
        for b in drawn[i + 1 :]:
            (ax, ay, aw, ah), (bx, by, bw, bh) = boxes[a], boxes[b]
            assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (a, b)
    task = boxes["assessment"]
    for timer in ("reminder_timer", "breach_timer"):
        x, y, w, h = boxes[timer]
        assert task[0] <= x + w / 2 <= task[0] + task[2] and y + h / 2 == task[1] + task[3]
