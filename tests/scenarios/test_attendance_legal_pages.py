"""Legal planning for attendance: the demo data and the case's penalty-notice page.

The walk, its page data and its fixtures are in tests/scenarios/legal_support.py: the case is
referred for legal planning on Tuesday 1 December 2026, and school weeks come from the local
authority's default term dates (app/timescales/data).
"""

from __future__ import annotations

import random
from datetime import date
from html import unescape
from typing import Any

import time_machine
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask, User
from app.models.penalty_notices import PenaltyNotice
from tests.scenarios.legal_support import ACE, ISSUE, LEGAL, Walk
from tests.scenarios.legal_support import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.legal_support import walk_fixture as walk_fixture  # a fixture
from tests.scenarios.walk import at


# -- demo ------------------------------------------------------------------------------------------
def test_the_demo_opens_legal_planning_cases_in_the_right_queues(ctx: Flask, people: dict[str, User]) -> None:
    from app.demo.legal import seed
    from app.demo.people import ensure_people

    by_email = ensure_people()
    with time_machine.travel(at(date(2026, 11, 23)), tick=False):
        opened = seed(by_email, date(2026, 11, 23), random.Random(7))
    db.session.commit()
    assert 6 <= opened <= 10
    open_tasks = list(db.session.scalars(select(HumanTask).where(HumanTask.state == "open")))
    lanes = {t.lane for t in open_tasks}
    assert {ACE, LEGAL} <= lanes
    assert any(t.due_at is not None and t.due_at < at(date(2026, 11, 23)) for t in open_tasks)
    notices = db.session.scalars(select(PenaltyNotice)).all()
    assert {n.sequence for n in notices} == {1, 2}  # a second notice on one case is a flat £160
    assert {n.amount for n in notices if n.sequence == 2} == {160}
    # The first notice on that case was paid within 21 days of service, at £80.
    assert [(n.sequence, n.paid_amount) for n in notices if n.status == "paid_80"] == [(1, 80)]


def test_the_case_shows_each_parents_penalty_notices_and_the_3_year_count(walk: Walk, client: Any) -> None:
    from tests.conftest import login

    walk.to_route("penalty_notice")
    walk.do(ISSUE, date(2026, 12, 7))
    login(client, "attendance.officer@example.org")
    page = client.get(f"/cases/{walk.case.reference}/penalty-notices").get_data(as_text=True)
    assert "Sarah Begum" in page and "1 of 2" in page
    assert "£80 by 30 Dec 2026" in page and "£160 by 6 Jan 2027" in page
    assert "Issued, awaiting payment" in page


def test_the_issue_page_explains_a_refused_notice_and_keeps_what_was_typed(walk: Walk, client: Any) -> None:
    from tests.conftest import login

    walk.to_route("penalty_notice")
    task = walk.task(ISSUE)
    login(client, "attendance.officer@example.org")
    # 1 Sep to 27 Nov 2026 touches 12 school weeks; 8 sessions is below the threshold of 10.
    answers = {**walk.page(ISSUE), "pn_window_start": ["1", "9", "2026"], "pn_unauthorised_sessions": "8"}
    response = client.post(f"/tasks/{task.id}", data=answers)
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "The window covers 12 school weeks: it must be no more than 10 school weeks" in page
    assert "8 sessions is below the national threshold of 10: enter why the council" in page
    assert 'value="Sarah Begum"' in page and 'value="8"' in page
    assert walk.notices() == [] and walk.task(ISSUE).state == "open"
