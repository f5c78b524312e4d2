"""Attendance support: what the forms ask for, and the demo data.

The walk, its page data and its fixtures are in tests/scenarios/attendance_support_walk.py: a school
asks for support on Tuesday 1 December 2026, on the LA's default term dates (autumn term to
18 December, spring term from 4 January with an INSET day that day). Hand-worked due dates are in
the comments.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Case, Meeting, ProcessInstance, User
from app.timescales.term_dates import load_default_terms_if_empty
from tests import factories
from tests.scenarios.attendance_support_walk import (
    EARLY,
    IMPROVED,
    MEET,
    PAGES,
    PLAN,
    REVIEW,
    TSM,
    UNIVERSAL,
)
from tests.scenarios.attendance_support_walk import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.walk import at
from tests.unit.referral_support import d, errors_for, submit


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

    from app.demo import attendance as demo_attendance

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
        # Early action, the meeting and the plan are dated from the request, so can be overdue; a
        # review or targeting support meeting is dated when agreed, which the forms allow only ahead.
        assert overdue == {"Aisha", "Harry", "Sofia"}
        ends = {i.end_event for i in db.session.scalars(select(ProcessInstance)) if i.end_event}
        assert ends == {UNIVERSAL, IMPROVED}
        assert db.session.scalars(select(Meeting.held_on)).all()
        assert max(db.session.scalars(select(Meeting.held_on))) <= today
