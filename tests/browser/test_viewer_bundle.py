"""The viewer bundle in real Chromium under the app's Content-Security-Policy, on the static
harness: it draws, zooms, marks, counts, labels and adds a minimap to large diagrams."""

from __future__ import annotations

import pytest

from tests.browser.bundle_helpers import (
    _zoom,
)

pytestmark = pytest.mark.browser


def test_the_viewer_draws_zooms_marks_counts_and_adds_a_minimap_to_large_diagrams(watched) -> None:
    page = watched.page
    page.goto("/harness/viewer.html")
    page.locator("#large[data-drawn='true'] svg").first.wait_for()
    page.locator("#small[data-drawn='true'] svg").first.wait_for()
    page.get_by_text("The diagram could not be loaded (404)").wait_for()

    # a shipped diagram is drawn
    triage = page.locator("#large .djs-element[data-element-id='triage']")
    assert triage.count() == 1

    # the zoom buttons are real buttons, work by mouse and by keyboard, and fit it back
    fitted = _zoom(page, "#large")
    page.get_by_role("button", name="Zoom in (the Referral to Early Help diagram)").click()
    zoomed_in = _zoom(page, "#large")
    assert zoomed_in > fitted * 1.05
    page.get_by_role("button", name="Zoom out (the Referral to Early Help diagram)").focus()
    page.keyboard.press("Enter")
    zoomed_out_once = _zoom(page, "#large")
    assert zoomed_out_once < zoomed_in
    page.keyboard.press("Space")
    assert _zoom(page, "#large") < zoomed_out_once
    page.get_by_role("button", name="Fit to screen (the Referral to Early Help diagram)").click()
    assert _zoom(page, "#large") == pytest.approx(fitted, rel=0.02)
    assert page.locator("#small").evaluate("e => e.previousElementSibling.getAttribute('role')") == "group"

    # markers: the named kind lands on the named element, with its own colour and outline;
    # an unknown kind or an id not in the diagram is ignored
    assert "app-marker--problem" in (triage.get_attribute("class") or "")
    seek_consent = page.locator("#large .djs-element[data-element-id='seek_consent']")
    assert "app-marker--active" in (seek_consent.get_attribute("class") or "")
    flow = page.locator("#large .djs-element[data-element-id='flow_triage_route']")
    assert "app-marker--changed" in (flow.get_attribute("class") or "")
    gateway = page.locator("#large .djs-element[data-element-id='gw_triage']")
    assert "app-marker" not in (gateway.get_attribute("class") or "")
    outline = triage.locator(".djs-visual > :first-child").evaluate(
        "e => [getComputedStyle(e).stroke, getComputedStyle(e).strokeWidth]"
    )
    assert outline == ["rgb(212, 53, 28)", "5px"]
    active = seek_consent.locator(".djs-visual > :first-child").evaluate("e => getComputedStyle(e).stroke")
    assert active == "rgb(29, 112, 184)"

    # the path taken: a flow drawn solid and thicker in green
    taken = page.locator("#large .djs-element[data-element-id='flow_start_triage']")
    assert "app-marker--taken" in (taken.get_attribute("class") or "")
    line = taken.locator(".djs-visual > path").first.evaluate(
        "e => [getComputedStyle(e).stroke, getComputedStyle(e).strokeWidth]"
    )
    assert line == ["rgb(0, 112, 60)", "4px"]

    # notes: a text label under its element (who holds a task, when it is due); a note for an id
    # not in the diagram, or one that is not text, is not drawn
    notes = page.locator("#large .app-diagram-note")
    assert notes.count() == 1
    assert page.locator("#large [data-container-id='seek_consent'] .app-diagram-note").inner_text() == (
        "SP, due 7 Dec 17:00"
    )

    # counts: a badge link to its href on its element; links off this site are not drawn
    badges = page.locator("#large a.app-count-badge")
    assert badges.count() == 1
    badge = page.get_by_role("link", name="3 at Triage the referral")
    assert badge.inner_text() == "3"
    assert badge.get_attribute("href").endswith("/cases?at=triage")
    assert page.locator("#large [data-container-id='triage'] a.app-count-badge").count() == 1
    assert page.locator("#large").get_attribute("role") == "group"

    # a minimap on the large diagram (more than 25 flow elements), none on the small one
    assert page.locator("#large .djs-minimap.open").is_visible()
    assert page.locator("#large").get_attribute("class").split().count("app-diagram--minimap") == 1
    assert not page.locator("#small .djs-minimap").is_visible()
    # in a small frame it starts closed, and opens from the keyboard
    page.locator("#large-small[data-drawn='true']").wait_for()
    assert page.locator("#large-small .djs-minimap").is_visible()
    assert page.locator("#large-small .djs-minimap.open").count() == 0
    toggle = page.locator("#large-small").get_by_role("button", name="Minimap")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    assert page.locator("#large-small .djs-minimap.open").is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    watched.assert_clean()
