"""Attendance support (processes/attendance_support.bpmn), walked through the product's services.

A school asks for support on Tuesday 1 December 2026 (the LA's default term dates: autumn term to
18 December, spring term from 4 January with an INSET day that day). The tier comes from the
decision table and the at-risk band setting; each page is validated by its task's form, then
submitted by a member of the lane's team. Hand-worked due dates are in the comments.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from app.admin import services as admin
from app.cases.services import refer_child
from app.extensions import db
from app.models import Case, HumanTask, Meeting, ProcessInstance, User
from app.tasks import services as tasks
from app.timescales.term_dates import load_default_terms_if_empty
from app.timescales.working_days import end_of_working_day
from app.workflow import instances
from tests import factories
from tests.scenarios.walk import InstanceWalk, at
from tests.unit.referral_support import d, errors_for, submit

REQUESTED = date(2026, 12, 1)  # a Tuesday in the autumn term
MEETING_DUE = end_of_working_day(date(2026, 12, 15))  # 10 school days: 2-4, 7-11, 14, 15 December

EARLY = "Take early action with the family"
MEET = "Hold an attendance meeting with the family"
AGAIN = "Meet the family again"
PLAN = "Agree the attendance plan"
TSM = "Discuss at the targeting support meeting"
REVIEW = "Review the attendance plan"

UNIVERSAL = "No targeted support needed (universal)"
IMPROVED = "Closed: attendance improved"
EARLY_HELP = "Referred to Early Help (multi-agency support)"
LEGAL = "Referred for legal planning: support not engaged with"
HEALTH = "Health needs: referred to the medical needs pathway"
MISSING = "Child not found: notified as missing education"
SAFEGUARDING = "Safeguarding concern: referred to children's social care"

MEETING_PAGE: dict[str, Any] = {
    "meeting_held": "yes",
    "meeting_date": d(date(2026, 12, 10)),
    "meeting_attendees": "Sam Begum, mother; Jo Smith, Head of Year 6",
    "meeting_not_held_reason": "",
    "attendance_now_percent": "82.5",
    "barriers": ["anxiety", "bullying"],
    "barriers_detail": "Amelia says two girls in Year 6 make her feel sick on Sunday nights.",
    "support_offered": ["pastoral", "adjustments"],
    "support_taken_up": "accepted",
    "support_declined_reason": "",
    "next_step": "plan",
    "referral_reasons": "",
}
PAGES: dict[str, dict[str, Any]] = {
    "attendance.early_actions": {
        **MEETING_PAGE,
        "attendance_now_percent": "93.0",
        "first_day_calling": "yes",
        "plan_actions": "Soft start at 8.40 with her mentor; mum texts the office by 9 on any absence.",
        "next_review_date": d(date(2027, 1, 22)),
    },
    "attendance.meeting": {**MEETING_PAGE, "child_views": "I want to go but Mondays are the worst."},
    "attendance.plan": {
        "plan_actions": "School: mentor and soft start from Monday. Mum: morning routine chart.",
        "plan_lead": "Jo Smith, Head of Year 6",
        "target_attendance_percent": "92",
        "next_review_date": d(date(2027, 1, 29)),
        "needs_multi_agency": "no",
        "tsm_date": ["", "", ""],
    },
    "attendance.tsm": {
        "tsm_held_on": d(date(2027, 1, 14)),
        "tsm_attendees": "Jo Brennan, ACE; Jo Smith, school; Dana Lewis, Early Help SPOC",
        "attendance_now_percent": "44.0",
        "tsm_school_update": "Calls daily; two home visits; barriers at home beyond school.",
        "tsm_actions": "Early Help to contact mum this week; school keeps the soft start.",
        "lead_practitioner": "Dana Lewis, Early Help",
        "tsm_decision": "early_help",
        "referral_reasons": "Housing and a parent's illness keep Amelia at home.",
    },
    "attendance.review": {
        "review_held_on": d(date(2027, 1, 29)),
        "review_attendees": "Sam Begum, mother; Jo Smith, Head of Year 6",
        "attendance_now_percent": "91.5",
        "review_child_views": "Lunch club helps.",
        "review_progress": "Late marks halved; the mentor sessions are working.",
        "support_result": "working",
        "review_outcome": "improved",
        "next_review_date": ["", "", ""],
        "tsm_date": ["", "", ""],
        "referral_reasons": "",
    },
}


class Support(InstanceWalk):
    """One pupil's attendance support, run through the services."""

    def __init__(self, app: Flask, people: dict[str, User], clock: Any, percent: str) -> None:
        super().__init__(app, people, clock)
        referral = factories.referral(attendance_percent=Decimal(percent), referral_date=REQUESTED)
        self.case: Case = refer_child(referral, people["school"], process_id="attendance_support")
        db.session.commit()
        self.instance = self.all_instances()[0]

    def all_instances(self) -> list[ProcessInstance]:
        db.session.expire_all()
        return list(
            db.session.scalars(
                select(ProcessInstance)
                .where(ProcessInstance.case_id == self.case.id)
                .order_by(ProcessInstance.id)
            )
        )

    def open(self) -> list[HumanTask]:  # type: ignore[override]
        """The open tasks themselves: the tests look at the one task now open."""
        return self.open_tasks()

    def next_is(self, name: str, team: str, due: datetime) -> HumanTask:
        """The one task now open, the team whose queue holds it and when it is due."""
        [task] = self.open()
        assert (task.name, task.lane, task.team.name, task.due_at) == (name, team, team, due)
        assert task.form_key.startswith("attendance.") and task.documentation
        return task

    def do(self, name: str, on: date, who: str = "school", **changes: Any) -> None:
        self.on(on)
        [task] = [t for t in self.open() if t.name == name]
        data = submit(self.app, task.form_key, {**PAGES[task.form_key], **changes})
        tasks.complete_task(task, data, self.people[who])
        db.session.commit()

    def force(self, name: str, on: date, data: dict[str, Any]) -> None:
        """Complete a task with data no form would send, to test the diagram's own guard."""
        self.on(on)
        [task] = [t for t in self.open() if t.name == name]
        tasks.complete_task(task, data, self.people["school"])
        db.session.commit()

    def data(self) -> dict[str, Any]:
        return instances._load(self.state()).data

    def handed_to(self) -> list[tuple[str, str]]:  # type: ignore[override]
        """(process, start message) of each process this one handed the case to, oldest first."""
        return [(i.process_version.process_id, i.start_message) for i in super().handed_to()]

    def meetings(self) -> list[tuple[str, date]]:
        rows = db.session.scalars(select(Meeting).where(Meeting.case_id == self.case.id).order_by(Meeting.id))
        return [(m.kind, m.held_on) for m in rows]


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(at(REQUESTED, 9), tick=False) as traveller:
        yield traveller


@pytest.fixture
def support(ctx: Flask, people: dict[str, User], clock: Any) -> Any:
    load_default_terms_if_empty()
    db.session.commit()
    return lambda percent: Support(ctx, people, clock, percent)


def to_plan_review(walk: Support) -> None:
    """Tier 3: the meeting, then the plan, then the first review (no targeting support meeting)."""
    walk.next_is(MEET, "Schools", MEETING_DUE)
    walk.do(MEET, date(2026, 12, 10))
    # 5 school days after the meeting on Thursday 10 December: 11, 14, 15, 16, 17 December
    walk.next_is(PLAN, "Schools", end_of_working_day(date(2026, 12, 17)))
    walk.do(PLAN, date(2026, 12, 11))
    walk.next_is(REVIEW, "Schools", end_of_working_day(date(2027, 1, 29)))  # the review date agreed


# -- the tier -----------------------------------------------------------------------------------
def test_tier_1_needs_no_targeted_support(support: Any) -> None:
    walk = support("97.0")
    assert walk.ended_at() == UNIVERSAL
    assert (walk.data()["tier"], walk.data()["tier_label"]) == (1, "Attendance above the at-risk band")


@pytest.mark.parametrize(
    ("percent", "tier", "first"),
    [("95.0", 2, EARLY), ("90.1", 2, EARLY), ("90.0", 3, MEET), ("50.1", 3, MEET), ("50.0", 4, MEET)],
)
def test_the_tier_decides_the_first_step(support: Any, percent: str, tier: int, first: str) -> None:
    walk = support(percent)
    assert walk.data()["tier"] == tier
    walk.next_is(first, "Schools", MEETING_DUE)


def test_the_tier_follows_the_at_risk_band_an_administrator_sets(
    support: Any, people: dict[str, User]
) -> None:
    assert support("93.0").data()["tier"] == 2  # default band: at risk up to 95%
    admin.change_setting("at_risk_attendance_percent", "92", people["admin"])
    db.session.commit()
    narrower = support("93.0")
    assert narrower.ended_at() == UNIVERSAL
    assert support("92.0").data()["tier"] == 2
    admin.change_setting("at_risk_attendance_percent", "98", people["admin"])
    db.session.commit()
    assert support("97.5").data()["tier"] == 2


# -- tier 2: school-led -------------------------------------------------------------------------
def test_at_risk_school_led_support_that_works_closes(support: Any) -> None:
    walk = support("93.0")
    walk.next_is(EARLY, "Schools", MEETING_DUE)
    walk.do(EARLY, date(2026, 12, 10))
    walk.next_is(REVIEW, "Schools", end_of_working_day(date(2027, 1, 22)))  # the review date agreed
    walk.do(REVIEW, date(2027, 1, 22), review_held_on=d(date(2027, 1, 22)))
    assert walk.ended_at() == IMPROVED
    assert walk.meetings() == [
        ("attendance_meeting", date(2026, 12, 10)),
        ("attendance_plan_review", date(2027, 1, 22)),
    ]


def test_at_risk_child_who_cannot_be_found_is_notified_as_missing_education(support: Any) -> None:
    walk = support("93.0")
    walk.do(
        EARLY,
        date(2026, 12, 4),
        meeting_held="no",
        meeting_date=d(date(2026, 12, 4)),
        meeting_attendees="",
        meeting_not_held_reason="No answer at home; neighbours say the family moved out.",
        next_step="child_not_found",
        referral_reasons="Not seen since 20 November; phones dead; home visit found the flat empty.",
        barriers=[],
        barriers_detail="",
        support_offered=[],
        support_taken_up="",
    )
    assert walk.ended_at() == MISSING
    assert walk.meetings() == []  # no meeting took place


# -- tiers 3 and 4 ------------------------------------------------------------------------------
def test_a_plan_reviewed_until_attendance_improves_closes(support: Any) -> None:
    walk = support("82.5")
    to_plan_review(walk)
    walk.do(
        REVIEW,
        date(2027, 1, 29),
        review_outcome="continue",
        support_result="working",
        next_review_date=d(date(2027, 3, 12)),
    )
    walk.next_is(REVIEW, "Schools", end_of_working_day(date(2027, 3, 12)))
    walk.do(REVIEW, date(2027, 3, 12), review_held_on=d(date(2027, 3, 12)))
    assert walk.ended_at() == IMPROVED
    assert [kind for kind, _ in walk.meetings()] == [
        "attendance_meeting",
        "attendance_plan_review",
        "attendance_plan_review",
    ]


def test_a_severely_absent_pupil_goes_to_the_targeting_support_meeting_and_on_to_early_help(
    support: Any,
) -> None:
    walk = support("45.0")
    walk.do(MEET, date(2026, 12, 10))
    # Severely absent: always discussed, though the plan says no other agencies are needed. No
    # meeting date given: 6 school weeks from Friday 11 December, skipping the Christmas holiday
    # (weeks of 14 Dec, 4, 11, 18, 25 Jan and 1 Feb): Friday 5 February 2027.
    walk.do(PLAN, date(2026, 12, 11))
    walk.next_is(TSM, "ACE", end_of_working_day(date(2027, 2, 5)))
    walk.do(TSM, date(2027, 1, 14), "ace")
    assert walk.ended_at() == EARLY_HELP
    assert walk.handed_to() == [("referral_to_early_help", "early_help_referral")]
    [triage] = factories.open_tasks(walk.case)
    assert (triage.name, triage.team.name) == ("Triage the referral", "Early Help")
    early_help = walk.all_instances()[1]
    received = instances._load(early_help).data
    assert received["attendance_percent"] == 44.0
    assert received["referral_date"] == "2027-01-14"
    assert received["concern_reasons"].startswith("Severely absent (attendance now 44.0%). Barriers: Amelia")
    assert "Housing and a parent's illness" in received["concern_reasons"]
    assert ("targeting_support_meeting", date(2027, 1, 14)) in walk.meetings()


def test_the_targeting_support_meeting_is_due_on_the_date_the_plan_gives(support: Any) -> None:
    walk = support("80.0")
    walk.do(MEET, date(2026, 12, 10))
    walk.do(PLAN, date(2026, 12, 11), needs_multi_agency="yes", tsm_date=d(date(2027, 1, 20)))
    walk.next_is(TSM, "ACE", end_of_working_day(date(2027, 1, 20)))
    walk.do(TSM, date(2027, 1, 20), "ace", tsm_decision="continue", referral_reasons="")
    walk.next_is(REVIEW, "Schools", end_of_working_day(date(2027, 1, 29)))


def test_a_review_can_put_the_pupil_forward_to_the_meeting_which_refers_a_safeguarding_concern(
    support: Any,
) -> None:
    walk = support("82.5")
    to_plan_review(walk)
    walk.do(
        REVIEW,
        date(2027, 1, 29),
        review_outcome="tsm",
        support_result="not_working",
        next_review_date=d(date(2027, 3, 5)),
    )
    # No meeting date: 6 school weeks from Friday 29 January; half term is 15-19 February, so the
    # weeks of 1, 8, 22 Feb and 1, 8, 15 March: Friday 19 March 2027.
    walk.next_is(TSM, "ACE", end_of_working_day(date(2027, 3, 19)))
    walk.do(
        TSM,
        date(2027, 2, 4),
        "ace",
        tsm_held_on=d(date(2027, 2, 4)),
        tsm_decision="safeguarding",
        referral_reasons="Mum disclosed at the meeting that Amelia is left alone overnight.",
    )
    assert walk.ended_at() == SAFEGUARDING
    assert walk.handed_to() == [("cas_assessment", "cas_referral")]
    [decision] = factories.open_tasks(walk.case)
    assert (decision.name, decision.team.name) == ("Decide on the referral", "CAS")
    assert instances._load(walk.all_instances()[1]).data["step_up_reasons"].startswith("Mum disclosed")


def test_legal_planning_follows_support_that_was_not_engaged_with(support: Any) -> None:
    walk = support("78.0")
    to_plan_review(walk)
    walk.do(
        REVIEW,
        date(2027, 1, 29),
        support_result="not_engaged",
        review_outcome="legal_planning",
        attendance_now_percent="74.0",
        referral_reasons="Mentor sessions and the soft start refused; mum missed two meetings.",
    )
    assert walk.ended_at() == LEGAL
    assert walk.handed_to() == [("attendance_legal_planning", "legal_planning_referral")]
    [check] = factories.open_tasks(walk.case)
    # ACE checks the support within 5 working days of Friday 29 January: Friday 5 February
    assert (check.name, check.team.name) == ("Check support was offered first", "ACE")
    assert check.due_at == end_of_working_day(date(2027, 2, 5))


def test_support_first_legal_planning_without_support_tried_returns_to_the_family(support: Any) -> None:
    walk = support("78.0")
    to_plan_review(walk)
    # The form refuses this; the diagram's guard holds even so.
    page = {**PAGES["attendance.review"], "review_outcome": "legal_planning", "support_result": "working"}
    data = {k: v for k, v in page.items() if not isinstance(v, list)} | {
        "review_held_on": "2027-01-29",
        "attendance_now_percent": 80.0,
        "next_review_date": None,
        "tsm_date": None,
    }
    walk.force(REVIEW, date(2027, 1, 29), data)
    # 10 school days after the review on Friday 29 January: 1-5 and 8-12 February
    walk.next_is(AGAIN, "Schools", end_of_working_day(date(2027, 2, 12)))
    walk.do(AGAIN, date(2027, 2, 5), meeting_date=d(date(2027, 2, 5)))
    # 5 school days after 5 February: 8-12 February
    walk.next_is(PLAN, "Schools", end_of_working_day(date(2027, 2, 12)))


def test_meeting_the_family_again_leads_to_a_revised_plan(support: Any) -> None:
    walk = support("93.0")
    walk.do(EARLY, date(2026, 12, 10))
    walk.do(
        REVIEW,
        date(2027, 1, 22),
        review_held_on=d(date(2027, 1, 22)),
        review_outcome="meet_again",
        support_result="not_working",
    )
    # 10 school days after Friday 22 January: 25-29 January and 1-5 February
    walk.next_is(AGAIN, "Schools", end_of_working_day(date(2027, 2, 5)))
    walk.do(AGAIN, date(2027, 1, 27), meeting_date=d(date(2027, 1, 27)))
    walk.next_is(PLAN, "Schools", end_of_working_day(date(2027, 2, 3)))  # 28, 29 Jan, 1, 2, 3 Feb


# Where a referral on from the meeting goes (the meeting is on Thursday 10 December 2026).
REFERRED_ON = {
    "health": (
        ("medical_needs", "medical_needs_referral"),
        # the school's sickness return within 2 working days: Monday 14 December
        ("Record the school's sickness return", "Schools", date(2026, 12, 14)),
    ),
    "child_not_found": (
        ("children_missing_education", "cme_notification"),
        # the notification recorded within 1 working day: Friday 11 December
        ("Record the notification and add the child to the CME register", "ACE", date(2026, 12, 11)),
    ),
}


@pytest.mark.parametrize(("step", "end"), [("health", HEALTH), ("child_not_found", MISSING)])
def test_the_meeting_can_refer_straight_on(support: Any, step: str, end: str) -> None:
    walk = support("60.0")
    walk.do(MEET, date(2026, 12, 10), next_step=step, referral_reasons="See the meeting notes.")
    assert walk.ended_at() == end
    handed, (name, team, due) = REFERRED_ON[step]
    assert walk.handed_to() == [handed]
    [task] = factories.open_tasks(walk.case)
    assert (task.name, task.team.name, task.due_at) == (name, team, end_of_working_day(due))


def test_a_safeguarding_concern_at_the_meeting_goes_to_cas_at_once(support: Any) -> None:
    walk = support("60.0")
    walk.do(MEET, date(2026, 12, 10), next_step="safeguarding", referral_reasons="Bruising seen on arm.")
    assert walk.ended_at() == SAFEGUARDING
    assert walk.handed_to() == [("cas_assessment", "cas_referral")]


@pytest.mark.parametrize(("outcome", "end"), [("health", HEALTH), ("child_not_found", MISSING)])
def test_a_review_can_refer_on(support: Any, outcome: str, end: str) -> None:
    walk = support("82.5")
    to_plan_review(walk)
    walk.do(
        REVIEW,
        date(2027, 1, 29),
        review_outcome=outcome,
        support_result="not_working",
        referral_reasons="See the review notes.",
    )
    assert walk.ended_at() == end


def test_a_review_can_refer_for_early_help(support: Any) -> None:
    walk = support("82.5")
    to_plan_review(walk)
    walk.do(
        REVIEW,
        date(2027, 1, 29),
        review_outcome="early_help",
        support_result="not_working",
        referral_reasons="Family needs whole-family help with housing.",
    )
    assert walk.ended_at() == EARLY_HELP
    assert walk.handed_to() == [("referral_to_early_help", "early_help_referral")]


# -- the forms ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("form_key", "changes", "field", "message"),
    [
        ("attendance.meeting", {"next_step": "safeguarding"}, "referral_reasons", "Enter why you are"),
        ("attendance.meeting", {"meeting_attendees": ""}, "meeting_attendees", "Enter who came"),
        ("attendance.meeting", {"meeting_held": "no"}, "meeting_not_held_reason", "Enter why the meeting"),
        ("attendance.meeting", {"support_offered": []}, "support_offered", "Select the support"),
        ("attendance.meeting", {"support_taken_up": ""}, "support_taken_up", "Select whether the family"),
        ("attendance.meeting", {"support_taken_up": "declined"}, "support_declined_reason", "Enter why"),
        ("attendance.meeting", {"meeting_date": d(date(2026, 12, 2))}, "meeting_date", "must be today or"),
        (
            "attendance.early_actions",
            {"next_review_date": ["", "", ""]},
            "next_review_date",
            "Enter the date",
        ),
        ("attendance.early_actions", {"first_day_calling": ""}, "first_day_calling", "Select whether"),
        ("attendance.plan", {"target_attendance_percent": "120"}, "target_attendance_percent", "between 0"),
        ("attendance.plan", {"next_review_date": d(date(2026, 11, 30))}, "next_review_date", "must be today"),
        ("attendance.tsm", {"referral_reasons": ""}, "referral_reasons", "Enter why you are referring"),
        (
            "attendance.review",
            {"review_outcome": "continue"},
            "next_review_date",
            "Enter the date of the next",
        ),
        ("attendance.review", {"review_outcome": "early_help"}, "referral_reasons", "Enter why you are"),
        (
            "attendance.review",
            {"review_outcome": "legal_planning", "referral_reasons": "Asked by the head."},
            "review_outcome",
            "Legal planning comes only after support was not engaged with or did not work",
        ),
    ],
)
def test_the_forms_ask_for_what_the_next_step_needs(
    ctx: Flask, clock: Any, form_key: str, changes: dict[str, Any], field: str, message: str
) -> None:
    clock.move_to(at(date(2026, 12, 1)))
    page = {**PAGES[form_key], **changes}
    if form_key == "attendance.review":
        page["review_held_on"] = d(date(2026, 12, 1))
    if form_key == "attendance.tsm":
        page["tsm_held_on"] = d(date(2026, 12, 1))
    if form_key in ("attendance.meeting", "attendance.early_actions") and "meeting_date" not in changes:
        page["meeting_date"] = d(date(2026, 12, 1))
    errors = errors_for(ctx, form_key, page)
    assert field in errors, errors
    assert message in errors[field][0], errors[field]


def test_a_referral_on_needs_no_plan(ctx: Flask, clock: Any) -> None:
    clock.move_to(at(date(2026, 12, 1)))
    page = {
        **PAGES["attendance.early_actions"],
        "meeting_date": d(date(2026, 12, 1)),
        "next_step": "health",
        "referral_reasons": "Consultant's letter: no school for six weeks after surgery.",
        "barriers": [],
        "barriers_detail": "",
        "support_offered": [],
        "support_taken_up": "",
        "plan_actions": "",
        "next_review_date": ["", "", ""],
    }
    assert submit(ctx, "attendance.early_actions", page)["next_step"] == "health"


# -- demo data ----------------------------------------------------------------------------------
def test_the_demo_opens_cases_at_every_stage_with_tasks_in_the_right_queues(ctx: Flask) -> None:
    import random

    from app import demo_attendance

    load_default_terms_if_empty()
    by_email = {u.email: u for u in db.session.scalars(select(User))}
    today = date(2026, 11, 23)
    with time_machine.travel(at(today), tick=False):
        opened = demo_attendance.seed(by_email, today, random.Random(3))
        db.session.commit()
        cases = list(db.session.scalars(select(Case).order_by(Case.id)))
        assert opened == len(cases) == 9
        open_tasks = {c.child.first_name: factories.open_tasks(c) for c in cases}
        queues = {name: [(t.name, t.team.name) for t in found] for name, found in open_tasks.items()}
        assert queues == {
            "Leo": [(EARLY, "Schools")],
            "Aisha": [(EARLY, "Schools")],
            "Harry": [(MEET, "Schools")],
            "Sofia": [(PLAN, "Schools")],
            "Jack": [(TSM, "ACE")],
            "Maya": [(REVIEW, "Schools")],
            "Alfie": [(REVIEW, "Schools")],
            "Lily": [],
            "Noah": [],
        }
        now = datetime.now(UTC)
        overdue = {name for name, found in open_tasks.items() if found and found[0].due_at < now}
        assert overdue == {"Aisha", "Harry", "Jack", "Alfie"}
        ends = {i.end_event for i in db.session.scalars(select(ProcessInstance)) if i.end_event}
        assert ends == {UNIVERSAL, IMPROVED}
        assert db.session.scalars(select(Meeting.held_on)).all()
        assert max(db.session.scalars(select(Meeting.held_on))) <= today
