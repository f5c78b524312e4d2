"""In a real browser, a manager's journey: the dashboard, the overdue assessments behind a figure,
the case, its process on the diagram with the active task highlighted, the task reassigned with a
reason, and that reassignment found in the audit trail."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.demo.assessments import decide_and_allocate
from app.demo.clock import catch_up, claim, in_office_hours, refer
from app.demo.queries import open_task
from app.extensions import db
from app.models import User
from app.timescales.working_days import add_working_days
from app.workflow.instances import now
from tests import factories

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("CASEWORK_SCREENSHOTS", "test-artifacts"))


@pytest.fixture
def overdue_assessment(ctx) -> str:
    """A child referred to CAS 60 working days ago: decided, allocated, the assessment held by the
    social worker and now past its 45 working days (the diagram's timers have fired)."""
    people = {u.email: u for u in db.session.scalars(select(User))}
    referred = add_working_days(date.today(), -60)
    referral = factories.referral(first_name="Keira", last_name="Dunmore", referral_date=referred)
    case = refer(referral, people["manager@example.org"], "cas_assessment")
    decide_and_allocate(case, people, referred)
    assessment = open_task(case, "cas.assessment")
    assert assessment is not None
    claim(assessment, people["social.worker@example.org"], after=timedelta(hours=2))
    catch_up(in_office_hours(now() - timedelta(hours=1)), case)
    db.session.commit()
    return case.reference


def test_a_manager_finds_an_overdue_assessment_sees_it_on_its_diagram_reassigns_it_and_finds_it_in_the_trail(
    page, overdue_assessment
) -> None:
    reference = overdue_assessment
    page.goto("/login")
    page.get_by_label("Email address").fill("manager@example.org")
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Sign in").click()

    # 1. The dashboard is a manager's first page; the overdue assessments are a figure and a link.
    page.get_by_role("heading", name="Dashboard").first.wait_for()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
    page.get_by_role("link", name="1 assessments still being written past 45 working days").click()

    # 2. The list behind it holds exactly that case.
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "Keira Dunmore" in rows.first.inner_text() and reference in rows.first.inner_text()
    rows.first.get_by_role("link").filter(has_text="Dunmore").first.click()

    # 3. The case, and its assessment on the diagram with the active task highlighted.
    page.get_by_role("heading", name="Keira Dunmore").wait_for()
    page.locator("tr").filter(has_text="assessment").get_by_role(
        "link", name="See where it is on the diagram"
    ).first.click()
    page.locator("#diagram[data-drawn='true'] svg").first.wait_for()
    active = page.locator("#diagram .djs-element[data-element-id='assessment']")
    assert "app-marker--active" in (active.get_attribute("class") or "")
    task_name = "Complete the child and family assessment"
    held = page.locator("#active-tasks").get_by_role("row").filter(has_text=task_name)
    assert "Chris Okafor" in held.inner_text()
    page.screenshot(path=str(SHOTS / "manager-case-diagram.png"), full_page=True)

    # 4. Reassign it: a blank choice to start with, and a reason required.
    held.get_by_role("link", name=task_name).first.click()
    page.get_by_role("heading", name=task_name).wait_for()
    chooser = page.get_by_label("Assign to")
    assert chooser.input_value() == ""
    chooser.select_option(label="Morgan Ellis")
    page.get_by_role("button", name="Assign").click()
    page.get_by_text("There is a problem").wait_for()  # no reason: refused, the choice kept
    assert page.get_by_label("Assign to").input_value() != ""
    page.get_by_label("Why are you assigning it?").fill("Chris is on leave; I will finish the analysis.")
    page.get_by_role("button", name="Assign").click()
    page.get_by_text("Assigned to Morgan Ellis").wait_for()

    # 5. The reassignment, with its reason and before and after, in the audit trail.
    page.get_by_role("link", name="Audit").first.click()
    page.get_by_label("Case reference").fill(reference)
    page.get_by_label("What happened").select_option(label="Assigned a task")
    page.get_by_role("button", name="Search").click()
    found = page.locator("table tbody tr").filter(has_text="Chris is on leave")
    found.first.wait_for()
    text = found.first.inner_text()
    assert "Morgan Ellis" in text and "Chris Okafor" in text
    page.screenshot(path=str(SHOTS / "audit-reassignment.png"), full_page=True)
