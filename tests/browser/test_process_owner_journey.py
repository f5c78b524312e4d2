"""In a real browser, a process owner's whole loop: start a draft of the referral diagram, add a
task and its form in the editor, save (checked), test the draft, see what changed, publish, dry
run then move a running case; the practitioner's task keeps its due date, and after it the new
task arrives in the worklist."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.timescales.working_days import LONDON
from app.workflow.library import current_version
from tests import factories

pytestmark = pytest.mark.browser


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Worklist").wait_for()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()


def _add_form_with_a_question(page) -> None:
    page.get_by_role("tab", name="Forms").click()
    page.locator("#app-new-form-id").fill("referral.school_view")
    page.get_by_role("button", name="Add a form").click()
    page.locator(".fjs-form-container .fjs-empty-editor").scroll_into_view_if_needed()
    source = page.locator(".fjs-palette-field[data-field-type='textfield']").bounding_box()
    target = page.locator(".fjs-form-container .fjs-empty-editor").bounding_box()
    page.mouse.move(source["x"] + 10, source["y"] + 10)
    page.mouse.down()
    for step in range(1, 11):  # the editor's drag library follows the mouse, not a jump
        page.mouse.move(
            source["x"] + 10 + (target["x"] + target["width"] / 2 - source["x"] - 10) * step / 10,
            source["y"] + 10 + (target["y"] + 20 - source["y"] - 10) * step / 10,
        )
        page.wait_for_timeout(30)
    page.mouse.up()
    page.locator(".fjs-form-container .fjs-element[data-field-type='textfield']").first.wait_for()


def _bring_into_view(page, element_id: str) -> dict:
    """Zoom the modeler in and scroll until the element is in the clear middle of the canvas."""
    canvas = page.locator("#app-designer-canvas").bounding_box()
    middle = (canvas["x"] + canvas["width"] * 0.6, canvas["y"] + canvas["height"] / 2)
    page.mouse.move(*middle)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -400)
    page.keyboard.up("Control")
    page.wait_for_timeout(300)
    for _ in range(10):
        box = page.locator(f".djs-element[data-element-id='{element_id}']").bounding_box()
        centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        if abs(centre[0] - middle[0]) < 40 and abs(centre[1] - middle[1]) < 40:
            return box
        page.mouse.move(*middle)
        page.mouse.wheel(centre[0] - middle[0], centre[1] - middle[1])
        page.wait_for_timeout(200)
    return page.locator(f".djs-element[data-element-id='{element_id}']").bounding_box()


def _insert_user_task(page) -> None:
    page.get_by_role("tab", name="Diagram").click()
    box = _bring_into_view(page, "flow_triage_route")
    page.locator(".djs-palette .entry[data-action='create.task']").click()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.type("Record the school's view")
    page.keyboard.press("Enter")  # the new task stays selected, its context pad open
    page.locator(".djs-context-pad .entry[data-action='replace']").click()
    page.locator(".djs-popup [data-id='replace-with-user-task']").click()
    page.locator(".bio-properties-panel-header-label").filter(has_text="Record the school's view").wait_for()
    page.locator(".bio-properties-panel-group-header", has_text="Casework").click()
    page.get_by_label("Form", exact=True).select_option("referral.school_view")
    page.get_by_label("Due date").fill("add_working_days(referral_date, 3)")


def test_a_process_owner_revises_publishes_and_moves_a_running_case(page, ctx, people) -> None:
    case = factories.refer(people["school"], first_name="Maya", last_name="Okoro")
    triage = factories.only_open_task(case)
    due = triage.due_at
    triage.assignee_id = people["practitioner"].id
    db.session.commit()
    before = current_version("referral_to_early_help").number

    page.set_viewport_size({"width": 1400, "height": 1000})  # the editors want a wide page
    _sign_in(page, "owner@example.org")
    page.goto("/processes/referral_to_early_help/versions")
    page.locator(f"#version-{before}").get_by_role("button", name="Start a draft from it").click()
    page.get_by_text("Ready to publish").first.wait_for()
    page.get_by_role("link", name="Edit in the browser").click()
    page.locator("#app-designer[data-ready='true']").wait_for()

    _add_form_with_a_question(page)
    _insert_user_task(page)
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("status").filter(has_text="Saved").wait_for()
    assert page.locator(".govuk-error-summary").count() == 0

    page.get_by_role("link", name="Back to the draft").click()
    page.get_by_text("Ready to publish").first.wait_for()

    page.get_by_role("button", name="Test it").click()
    page.get_by_role("heading", name="Test the draft").wait_for()
    page.get_by_role("link", name=re.compile("Answer it")).first.click()
    page.get_by_label("No one").check()
    page.get_by_label("Offer Early Help and ask for consent").check()
    page.get_by_label("Reasons for your decision").fill("Attendance is falling; the family asked for help.")
    page.get_by_role("button", name="Submit in the test").click()
    page.get_by_role("cell", name="Record the school's view", exact=True).wait_for()
    page.get_by_role("link", name="Back to the draft").click()

    page.get_by_role("link", name="What this draft changes").click()
    added = page.get_by_role("row").filter(has_text="Record the school's view")
    added.get_by_text("Added").wait_for()
    page.go_back()

    page.get_by_label("Change note").fill("A step for the school's view after triage")
    page.get_by_role("button", name="Publish").click()
    page.get_by_text(f"Version {before + 1} is published").wait_for()

    page.goto("/processes/referral_to_early_help/move")
    page.get_by_role("radio", name=f"Version {before}: 1 running").check()
    page.get_by_role("radio", name=f"Version {before + 1} (current)", exact=True).check()
    page.get_by_role("button", name="Dry run").click()
    row = page.get_by_role("row").filter(has_text=case.reference)
    row.get_by_text("Yes").wait_for()
    page.get_by_label("Reason for moving them").fill("Guidance now asks for the school's view")
    page.get_by_role("button", name="Move the cases that can move").click()
    page.get_by_text("Cases moved from version").wait_for()
    assert re.search(r"Moved\s+\d", page.locator(".govuk-summary-list").inner_text())
    _sign_out(page)

    _sign_in(page, "practitioner@example.org")
    row = page.get_by_role("row").filter(has_text="Maya Okoro")
    row.get_by_role("link", name="Triage the referral").wait_for()
    local_due = due.astimezone(LONDON)
    assert f"{local_due.day} {local_due:%b %Y}" in row.inner_text()  # as due before the move

    row.get_by_role("link", name="Triage the referral").click()
    page.get_by_label("No one").check()
    page.get_by_label("Offer Early Help and ask for consent").check()
    page.get_by_label("Reasons for your decision").fill("Attendance is falling; the family asked for help.")
    page.get_by_role("button", name=re.compile("Complete|Submit|Save")).first.click()
    page.get_by_role("link", name="Worklist").click()
    page.get_by_role("link", name="My team's tasks").click()
    row = page.get_by_role("row").filter(has_text="Maya Okoro")
    row.get_by_role("link", name="Record the school's view").wait_for()  # the new step
