"""In real Chromium, under the Content-Security-Policy: bpmn-js still draws, GOV.UK Frontend
still starts, and the browser reports no violation on any page we open."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests import factories

pytestmark = pytest.mark.browser

# Runs before any page script (Playwright injects it outside the page's policy).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') +
    ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""

# Every GOV.UK component on the page marks itself initialised (data-govuk-<name>-init).
UNSTARTED_COMPONENTS = """
() => Array.from(document.querySelectorAll('[data-module]'))
  .filter(el => !el.hasAttribute('data-' + el.dataset.module + '-init'))
  .map(el => el.dataset.module)
"""


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    return problems


def _assert_clean(page, problems: list[str]) -> None:
    assert page.evaluate("window.__violations") == []
    assert problems == []


def _govuk_frontend_started(page) -> None:
    classes = page.evaluate("document.body.className")
    # the GOV.UK template's inline script (it needs the nonce) adds both classes
    assert "js-enabled" in classes and "govuk-frontend-supported" in classes
    assert page.evaluate("document.querySelectorAll('[data-module]').length") > 0
    assert page.evaluate(UNSTARTED_COMPONENTS) == []


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Worklist").wait_for()


def test_diagrams_are_drawn_under_the_policy_with_no_violation(page) -> None:
    problems = _watch(page)
    _sign_in(page, "owner@example.org")
    _govuk_frontend_started(page)

    page.goto("/processes/referral_to_early_help")
    page.locator("#diagram[data-drawn='true'] svg").first.wait_for()
    assert page.locator("#diagram .djs-element[data-element-id='triage']").count() == 1
    _govuk_frontend_started(page)
    _assert_clean(page, problems)

    page.goto("/processes")
    cards = page.locator(".govuk-summary-card").count()
    page.wait_for_function(
        "n => document.querySelectorAll('.app-diagram[data-drawn=\"true\"] svg').length >= n", arg=cards
    )
    _assert_clean(page, problems)


def test_form_pages_work_under_the_policy_with_no_violation(page, people) -> None:
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    db.session.commit()  # the live server reads it on another connection
    problems = _watch(page)

    page.goto("/login")
    _govuk_frontend_started(page)
    _sign_in(page, "practitioner@example.org")

    page.goto("/referrals/new")
    page.get_by_role("button", name="Send referral").click()
    page.get_by_text("There is a problem").wait_for()
    _govuk_frontend_started(page)
    # the error summary component moved focus to itself: GOV.UK Frontend is running
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")

    page.goto(f"/tasks/{task.id}")
    page.get_by_role("heading", name="Triage the referral").wait_for()
    _govuk_frontend_started(page)
    _assert_clean(page, problems)
