"""In a real browser: the dashboard's chart is drawn from its JSON block (no inline script), the
table with the same numbers is beside it, and with reduced motion nothing animates."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import factories

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("CASEWORK_SCREENSHOTS", "test-artifacts"))


def test_the_chart_is_drawn_beside_its_table(ctx, people, page) -> None:
    factories.refer(people["school"])  # an open triage task in Early Help's queue
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.emulate_media(reduced_motion="reduce")
    page.goto("/login")
    page.get_by_label("Email address").fill("manager@example.org")
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()  # a manager starts here

    canvas = page.locator('canvas[data-chart="chart-teams-data"]')
    page.locator('canvas[data-chart="chart-teams-data"][data-drawn="true"]').wait_for()
    assert canvas.is_visible()
    assert canvas.get_attribute("data-animated") == "false"  # the reader asked for reduced motion
    # Something was painted: some pixel of the canvas is not transparent.
    painted = canvas.evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) return true } return false }"""
    )
    assert painted
    table = page.locator("#by-team")
    assert table.is_visible()
    assert (
        table.get_by_role("row")
        .filter(has_text="Early Help")
        .get_by_role("link")
        .first.inner_text()
        .startswith("1")
    )
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
