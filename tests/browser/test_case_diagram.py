"""In a real browser: from a case, open its process on the diagram and see where it is."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import factories
from tests.browser.bundle_helpers import _zoom

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("CASEWORK_SCREENSHOTS", "test-artifacts"))


def test_the_case_diagram_highlights_the_active_task_and_the_path_taken(page, people) -> None:
    case = factories.refer(people["school"], first_name="Oscar", last_name="Mensah")
    page.goto("/login")
    page.get_by_label("Email address").fill("practitioner@example.org")
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Worklist").wait_for()

    page.goto(f"/cases/{case.reference}")
    page.get_by_role("link", name="See where it is on the diagram").click()
    page.get_by_role("heading", name="Referral to Early Help: where it is").wait_for()
    page.locator("#diagram[data-drawn='true'] svg").first.wait_for()

    triage = page.locator("#diagram .djs-element[data-element-id='triage']")
    assert "app-marker--active" in (triage.get_attribute("class") or "")
    fill = triage.locator(".djs-visual > :first-child").evaluate("e => getComputedStyle(e).stroke")
    assert fill == "rgb(29, 112, 184)"
    start = page.locator("#diagram .djs-element[data-element-id='start_referral']")
    assert "app-marker--done" in (start.get_attribute("class") or "")
    flow = page.locator("#diagram .djs-element[data-element-id='flow_start_triage']")
    assert "app-marker--taken" in (flow.get_attribute("class") or "")
    note = page.locator("#diagram [data-container-id='triage'] .app-diagram-note")
    assert note.inner_text().startswith("Unallocated, due ")
    # it opens close up on where the case is, and "Fit to screen" shows all of it
    close_up = _zoom(page, "#diagram")
    assert close_up == pytest.approx(1.0, rel=0.02)
    assert triage.locator(".djs-visual > :first-child").is_visible()
    box, frame = triage.bounding_box(), page.locator("#diagram").bounding_box()
    assert frame["x"] < box["x"] and box["x"] + box["width"] < frame["x"] + frame["width"]
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "case-diagram.png"), full_page=True)
    page.get_by_role("button", name="Fit to screen").first.click()
    assert _zoom(page, "#diagram") < close_up * 0.8
    # the same in words, below it
    row = page.locator("#active-tasks").get_by_role("row").filter(has_text="Triage the referral")
    assert "Unallocated" in row.inner_text() and "Early Help" in row.inner_text()


def test_where_cases_are_draws_each_count_as_a_link_to_those_cases(page, people) -> None:
    factories.refer(people["school"], first_name="Oscar", last_name="Mensah")
    page.goto("/login")
    page.get_by_label("Email address").fill("manager@example.org")
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Processes", exact=True).first.click()
    page.locator("#process-referral_to_early_help").get_by_role("link", name="Where cases are").click()
    page.get_by_role("heading", name="Where cases are").wait_for()
    page.locator("#diagram[data-drawn='true'] svg").first.wait_for()
    badge = page.get_by_role("link", name="1 at Triage the referral")
    assert badge.inner_text() == "1"
    assert badge.get_attribute("href").endswith("/cases?pathway=referral_to_early_help&stage=triage")
    assert page.locator("#diagram [data-container-id='triage'] a.app-count-badge").count() == 1
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "where-cases-are.png"), full_page=True)
