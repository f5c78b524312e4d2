"""Children missing education: what the forms ask for, and the demo data.

The walk, its page data, its fixtures and the hand-worked dates are in tests/scenarios/cme_support.py:
Hammond Academy tells the council on Monday 16 November 2026 that Kacper has been absent without
permission since Monday 2 November; 20 school days of absence are complete on Friday 27 November,
so deletion is possible from Monday 30 November. All times are 17:00 London (17:00 UTC in winter).
"""

from __future__ import annotations

from datetime import date

import time_machine
from flask import Flask
from sqlalchemy import select

from app.cme import services as cme
from app.extensions import db
from app.models import CmeStatus, HumanTask, User
from app.timescales.term_dates import load_default_terms_if_empty
from tests.scenarios.cme_support import (
    DAY_21,
    NOTIFIED,
    PAGES,
)
from tests.scenarios.walk import at
from tests.unit.referral_support import d, errors_for, submit


# -- the forms ----------------------------------------------------------------------------------
def test_the_notification_form_asks_for_what_each_reason_needs(ctx: Flask) -> None:
    with time_machine.travel(at(NOTIFIED), tick=False):
        errors = errors_for(
            ctx,
            "cme.notification",
            {**PAGES["cme.notification"], "first_absence_date": ["", "", ""], "school_name": ""},
        )
        assert errors["first_absence_date"] == ["Enter the first day of the continuous absence"]
        assert errors["school_name"] == ["Enter the school"]
        errors = errors_for(
            ctx, "cme.notification", {**PAGES["cme.notification"], "register_notice": "deletion"}
        )
        assert errors["register_change_date"] == ["Enter the date of the change to the register"]
        # The deletion decision is timed in school days from the first day of absence: without the
        # school's term dates the notification cannot be recorded, rather than fail later.
        assert "ask an administrator to add the term dates" in errors["first_absence_date"][0]
        load_default_terms_if_empty()
        late = submit(
            ctx,
            "cme.notification",
            {
                **PAGES["cme.notification"],
                "register_notice": "new_registration",
                "register_change_date": d(date(2026, 11, 11)),
            },
        )
        assert late["register_notice_late"] is False  # 11 -> 16 Nov is 5 days: in time


def test_the_deletion_form_needs_g_n_o_codes_and_no_grounds_of_sickness(ctx: Flask) -> None:
    with time_machine.travel(at(DAY_21), tick=False):
        errors = errors_for(
            ctx,
            "cme.deletion_decision",
            {**PAGES["cme.deletion_decision"], "all_sessions_gno": "no", "sickness_grounds": "yes"},
        )
        assert "every session was G, N or O" in errors["all_sessions_gno"][0]
        assert "grounds to believe they are ill" in errors["sickness_grounds"][0]


def test_the_outcome_form_closes_on_a_school_only_when_the_school_confirms(ctx: Flask) -> None:
    with time_machine.travel(at(date(2026, 12, 2)), tick=False):
        errors = errors_for(ctx, "cme.outcome", {**PAGES["cme.outcome"], "new_school_confirmed": "no"})
        assert "confirm the child is on its roll" in errors["new_school_confirmed"][0]
        errors = errors_for(ctx, "cme.outcome", {**PAGES["cme.outcome"], "cme_outcome": "not_suitable"})
        assert errors["parent_names"] == ["Enter the names of the parents"]
        assert errors["education_concerns"] == ["Enter why the child's education is not suitable"]


# -- demo data ----------------------------------------------------------------------------------
def test_the_demo_opens_cme_cases_at_different_stages(ctx: Flask, people: dict[str, User]) -> None:
    import random

    from app.demo import cme as demo_cme

    load_default_terms_if_empty()
    by_email = {u.email: u for u in people.values()}
    with time_machine.travel(at(date(2026, 11, 23)), tick=False):
        opened = demo_cme.seed(by_email, date(2026, 11, 23), random.Random(7))
        db.session.commit()
    assert 6 <= opened <= 10
    rows = cme.register("")
    assert len(rows) >= opened - 1
    statuses = {r.record.status for r in rows}
    assert CmeStatus.MISSING in statuses and CmeStatus.CLOSED in statuses
    open_tasks = db.session.scalars(select(HumanTask).where(HumanTask.state == "open")).all()
    teams = {t.team.name for t in open_tasks}
    assert {"ACE", "Schools"} <= teams
    assert any(t.due_at < at(date(2026, 11, 23)) for t in open_tasks)  # some are overdue
