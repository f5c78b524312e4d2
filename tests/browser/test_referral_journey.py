"""In a real browser: sign in, refer a child, complete the first task, see it leave the worklist."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("CASEWORK_SCREENSHOTS", "test-artifacts"))


def test_refer_a_child_and_complete_triage(page) -> None:
    page.goto("/worklist")
    assert "/login" in page.url  # signed-out visitors go to sign-in first
    page.get_by_label("Email address").fill("practitioner@example.org")
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Worklist").wait_for()

    page.get_by_role("link", name="Refer a child").click()
    page.get_by_label("An attendance concern for Early Help").check()  # nothing is chosen for you
    page.get_by_label("First name").fill("Oscar")
    page.get_by_label("Last name").fill("Mensah")
    dob = page.get_by_role("group", name="Date of birth")
    dob.get_by_label("Day").fill("4")
    dob.get_by_label("Month").fill("9")
    dob.get_by_label("Year").fill("2016")
    page.get_by_label("School", exact=True).fill("Parkview Primary School")
    page.get_by_label("Year group").select_option("Year 5")
    page.get_by_role("textbox", name="Attendance this school year").fill("86.5")
    page.get_by_label("Reasons for concern").fill("Absent most Mondays; mother says he has stomach aches.")
    page.get_by_label("Your name").fill("Priya Shah")
    page.get_by_label("Your role").fill("Family support worker")
    page.get_by_label("Your organisation").fill("Early Help")
    page.get_by_role("button", name="Send referral").click()

    # Forgot the referral date: the error summary says so and nothing typed is lost.
    page.get_by_text("There is a problem").wait_for()
    assert page.get_by_role("link", name="Enter the date of referral").is_visible()
    assert page.get_by_label("First name").input_value() == "Oscar"
    referral = page.get_by_role("group", name="Date of referral")
    referral.get_by_label("Day").fill("20")
    referral.get_by_label("Month").fill("11")
    referral.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Send referral").click()

    page.get_by_role("heading", name="Oscar Mensah").wait_for()
    assert page.get_by_text("Referral recorded").is_visible()

    page.get_by_role("link", name="Worklist").click()
    page.get_by_role("link", name="My team's tasks").click()
    row = page.get_by_role("row").filter(has_text="Oscar Mensah")
    assert row.get_by_role("link", name="Triage the referral").is_visible()
    row.get_by_role("button", name="Claim").click()
    page.get_by_role("heading", name="Triage the referral").wait_for()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "task.png"), full_page=True)

    page.get_by_label("No one").check()
    page.get_by_label("Offer Early Help and ask for consent").check()
    page.get_by_role("textbox", name="Reasons for your decision").fill(
        "No open plan; the family asked for help."
    )
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Oscar Mensah").wait_for()
    assert page.get_by_role("link", name="Seek consent from the family").is_visible()
    page.get_by_role("link", name="Worklist").click()
    page.get_by_role("heading", name="Worklist").wait_for()
    assert page.get_by_role("link", name="Triage the referral").count() == 0
    page.screenshot(path=str(SHOTS / "worklist.png"), full_page=True)


def test_a_process_owner_sees_the_referral_diagram_drawn(page) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill("owner@example.org")
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Processes", exact=True).click()
    page.get_by_role("link", name="Referral to Early Help", exact=True).click()
    page.locator("#diagram[data-drawn='true'] svg").first.wait_for()
    assert page.locator("#diagram .djs-element[data-element-id='triage']").count() == 1
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "process.png"), full_page=True)


def test_the_process_library_draws_every_published_diagram(page) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill("owner@example.org")
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.goto("/processes")
    cards = page.locator(".govuk-summary-card").count()
    assert cards >= 4
    page.wait_for_function(
        "n => document.querySelectorAll('.app-diagram[data-drawn=\"true\"] svg').length >= n", arg=cards
    )
    # Every drawing has its tasks: bpmn-js drew shapes, not an import error.
    for drawing in page.locator(".app-diagram").all():
        assert drawing.locator(".djs-element").count() > 3
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "library.png"), full_page=True)


def test_the_attendance_questions_appear_only_for_a_pathway_that_asks_them(page) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect  # waits for the page to catch up
    page.goto("/login")
    page.get_by_label("Email address").fill("school@example.org")
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Worklist").wait_for()
    page.goto("/referrals/new")
    attendance = page.locator("#attendance_percent")
    early_help = page.get_by_label("An attendance concern for Early Help")
    expect(early_help).to_have_attribute("aria-expanded", "false")  # the page's script has run
    expect(attendance).to_be_hidden()  # nothing chosen yet, so nothing to ask

    page.get_by_label("A child missing education").check()
    expect(attendance).to_be_hidden()
    early_help.check()
    expect(attendance).to_be_visible()
    expect(early_help).to_have_attribute("aria-expanded", "true")
    expect(early_help).to_have_attribute("aria-controls", "attendance-questions")
    page.get_by_label("A pupil who will miss 15 or more school days").check()
    expect(attendance).to_be_hidden()

    # Sent without a pathway that asks: no error about attendance, which the user cannot see.
    page.get_by_role("button", name="Send referral").click()
    page.get_by_text("There is a problem").wait_for()
    expect(page.get_by_role("link", name="Enter the child's attendance as a percentage")).to_have_count(0)
    expect(attendance).to_be_hidden()
