"""Children missing education: what the forms ask for, and the demo data.

The walk, its page data, its fixtures and the hand-worked dates are in tests/scenarios/cme_support.py:
Hammond Academy tells the council on Monday 16 November 2026 that Kacper has been absent without
permission since Monday 2 November; 20 school days of absence are complete on Friday 27 November,
so deletion is possible from Monday 30 November. All times are 17:00 London (17:00 UTC in winter).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import time_machine
from flask import Flask
from sqlalchemy import select

from app.cme import services as register_page
from app.extensions import db
from app.models import CmeStatus, HumanTask, User
from app.timescales.term_dates import load_default_terms_if_empty
from tests.scenarios.cme_support import (
    DAY_21,
    DELETION,
    NOTIFIED,
    RECORD,
    WHEREABOUTS,
    Missing,
)
from tests.scenarios.cme_support import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.cme_support import walk_fixture as walk_fixture  # a fixture
from tests.scenarios.walk import at
from tests.unit.referral_support import d


# -- the forms, as a submitted page meets them ---------------------------------------------------
def test_the_notification_form_asks_for_what_each_reason_needs(
    ctx: Flask, people: dict[str, User], clock: Any
) -> None:
    walk = Missing(ctx, people, clock)  # no term dates loaded yet
    errors = walk.refused(RECORD, first_absence_date=["", "", ""], school_name="")
    assert errors["first_absence_date"] == ["Enter the first day of the continuous absence"]
    assert errors["school_name"] == ["Enter the school"]
    errors = walk.refused(RECORD, register_notice="deletion")
    assert errors["register_change_date"] == ["Enter the date of the change to the register"]
    # The deletion decision is timed in school days from the first day of absence: without the
    # school's term dates the notification cannot be recorded, rather than fail later.
    assert errors["first_absence_date"] == [
        "The 20 school days from the first day of the continuous absence are outside the term dates "
        "we hold for the school: ask an administrator to add the term dates"
    ]
    load_default_terms_if_empty()
    db.session.commit()
    task = walk.do(
        RECORD, NOTIFIED, register_notice="new_registration", register_change_date=d(date(2026, 11, 11))
    )
    assert task.data["register_notice_late"] is False  # 11 -> 16 Nov is 5 days: in time


def test_the_deletion_form_needs_g_n_o_codes_and_no_grounds_of_sickness(walk: Missing) -> None:
    walk.recorded()
    walk.enquiries_made()
    walk.on(DAY_21)
    errors = walk.refused(DELETION, who="manager", all_sessions_gno="no", sickness_grounds="yes")
    assert errors == {
        "all_sessions_gno": ["The pupil can be deleted under this rule only if every session was G, N or O"],
        "sickness_grounds": [
            "The pupil cannot be deleted under this rule while there are grounds to believe they are ill"
        ],
    }
    # Keeping the pupil on roll asks neither.
    walk.do(
        DELETION,
        DAY_21,
        who="manager",
        deletion_decision="refuse",
        all_sessions_gno="no",
        sickness_grounds="yes",
        deletion_date=["", "", ""],
    )
    assert walk.open() == {WHEREABOUTS}


def test_the_outcome_form_closes_on_a_school_only_when_the_school_confirms(walk: Missing) -> None:
    walk.enquiries_done()
    walk.on(date(2026, 12, 2))
    assert walk.refused(WHEREABOUTS, new_school_confirmed="no") == {
        "new_school_confirmed": [
            "Ask the school to confirm the child is on its roll before closing the entry"
        ]
    }
    assert walk.refused(WHEREABOUTS, new_school_confirmed="") == {
        "new_school_confirmed": ["Select whether the school has confirmed the child is on its roll"]
    }
    errors = walk.refused(WHEREABOUTS, cme_outcome="not_suitable")
    assert errors["parent_names"] == ["Enter the names of the parents"]
    assert errors["education_concerns"] == ["Enter why the child's education is not suitable"]
    # Only a school confirms a place on its roll: another outcome does not ask.
    walk.do(
        WHEREABOUTS,
        date(2026, 12, 2),
        cme_outcome="not_found",
        found_on=["", "", ""],
        new_school="",
        new_school_confirmed="",
    )
    assert walk.record().status == CmeStatus.MISSING


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
    rows = register_page.register("")
    assert len(rows) >= opened - 1
    statuses = {r.record.status for r in rows}
    assert CmeStatus.MISSING in statuses and CmeStatus.CLOSED in statuses
    open_tasks = db.session.scalars(select(HumanTask).where(HumanTask.state == "open")).all()
    teams = {t.team.name for t in open_tasks}
    assert {"ACE", "Schools"} <= teams
    assert any(t.due_at < at(date(2026, 11, 23)) for t in open_tasks)  # some are overdue
