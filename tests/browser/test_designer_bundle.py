"""The designer bundle's diagram editor in real Chromium under the app's Content-Security-Policy,
on a static harness with a fake bundle and save endpoint (not the Flask app). Every test ends with
no policy violation, no script error and no unexpected console error."""

from __future__ import annotations

import json

import pytest

from tests.browser.bundle_helpers import (
    NS,
    SELECTED,
    SHIPPED,
    Watched,
    _bundle,
    _casework,
    _edit_a_form,
    _edit_the_diagram,
    _leaving_asks,
    _open_designer,
    _parse,
    _rules,
    _save,
    _saved_payload,
    _small_bundle,
    _task_properties,
    _what_the_product_reads,
)

pytestmark = pytest.mark.browser


def test_the_panel_edits_conditions_scripts_message_payloads_and_timers(watched, harness) -> None:
    page = _open_designer(watched, harness, _small_bundle())
    _casework(page, "flow_yes")
    page.get_by_label("Condition").fill("answer == 'yes'")
    _casework(page, "tally")
    page.get_by_label("Script").fill("total = 1 + 1")
    _casework(page, "end_message")
    page.get_by_label("Message payload").fill('{"referral_date": today()}')
    # timers are the standard panel's "Timer" group
    box = page.locator(".djs-element[data-element-id='wait_a_day']").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.5)
    page.locator(".bio-properties-panel-group-header", has_text="Timer").click()
    page.get_by_label("Type").select_option("timeDate")
    page.get_by_label("Value").fill("add_working_days(referral_date, 1)")
    _casework(page, "do_it")  # the last field is written when it loses focus
    page.wait_for_timeout(500)
    _save(page)
    page.get_by_role("status").filter(has_text="Saved").wait_for()

    root = _parse(_saved_payload(harness)["bpmn_xml"])
    condition = root.find(".//bpmn:sequenceFlow[@id='flow_yes']/bpmn:conditionExpression", NS)
    assert condition is not None and condition.text == "answer == 'yes'"
    assert condition.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "bpmn:tFormalExpression"
    assert root.findtext(".//bpmn:scriptTask[@id='tally']/bpmn:script", namespaces=NS) == "total = 1 + 1"
    payload = "bpmn:messageEventDefinition/bpmn:extensionElements/spiff:messagePayload"
    assert root.findtext(f".//bpmn:endEvent[@id='end_message']/{payload}", namespaces=NS) == (
        '{"referral_date": today()}'
    )
    timer = root.find(
        ".//bpmn:intermediateCatchEvent[@id='wait_a_day']/bpmn:timerEventDefinition/bpmn:timeDate", NS
    )
    assert timer is not None and timer.text == "add_working_days(referral_date, 1)"
    assert timer.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "bpmn:tFormalExpression"
    # the gateway's default flow has no condition to fill in by mistake
    box = page.locator(".djs-element[data-element-id='flow_no']").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.7)
    page.wait_for_function(SELECTED, arg="flow_no")
    page.locator(".bio-properties-panel-header-type", has_text="Default flow").wait_for()
    assert page.locator(".bio-properties-panel-group-header", has_text="Casework").count() == 0
    watched.assert_clean()


@pytest.mark.parametrize("process", SHIPPED)
def test_a_shipped_pathway_saved_unedited_keeps_what_the_product_reads(watched, harness, process) -> None:
    bundle = _bundle(process)
    page = _open_designer(watched, harness, bundle)
    assert page.locator(".app-designer__warnings").count() == 0  # nothing the designer could not read
    _save(page)
    page.get_by_role("status").filter(has_text="Saved").wait_for()
    payload = _saved_payload(harness)
    saved = _what_the_product_reads(payload["bpmn_xml"])
    assert saved == _what_the_product_reads(bundle["bpmn_xml"])
    assert saved["properties"]  # every pathway has user tasks with properties
    assert json.loads(payload["forms_json"]) == json.loads(bundle["forms_json"])
    if bundle["dmn_xml"]:
        assert _rules(payload["dmn_xml"]) == _rules(bundle["dmn_xml"])
    else:
        assert payload["dmn_xml"] == ""
    watched.assert_clean()


def test_problems_of_a_refused_draft_are_listed_and_select_their_element(watched, harness) -> None:
    harness.backend.save_answers.append(
        (
            422,
            {
                "saved": False,
                "problems": [
                    {"message": "Triage names no form", "element_id": "triage", "severity": "error"},
                    {"message": "The process has no name", "element_id": None, "severity": "error"},
                    {"message": "A message nobody receives", "element_id": "not_here", "severity": "error"},
                    {"message": "Consent may be late", "element_id": "seek_consent", "severity": "warning"},
                ],
            },
        )
    )
    page = _open_designer(watched, harness, _bundle("referral_to_early_help"))
    _save(page)
    summary = page.locator(".govuk-error-summary")
    summary.get_by_text("There is a problem").wait_for()
    assert summary.evaluate("e => e === document.activeElement")
    assert summary.locator("li").all_inner_texts() == [
        "Triage names no form",
        "The process has no name",
        "A message nobody receives",
    ]
    assert summary.get_by_role("link").all_inner_texts() == ["Triage names no form"]
    warnings = page.locator(".app-designer__warnings")
    assert warnings.get_by_role("link").all_inner_texts() == ["Consent may be late"]
    assert page.get_by_role("status").count() == 0
    triage = page.locator(".djs-element[data-element-id='triage']")
    assert "app-marker--problem" in (triage.get_attribute("class") or "")

    page.get_by_role("link", name="Triage names no form").click()
    page.wait_for_function(SELECTED, arg="triage")
    assert page.evaluate("document.activeElement.closest('#app-designer-canvas') !== null")
    page.locator(".bio-properties-panel-header-label", has_text="Triage the referral").wait_for()
    page.locator(".bio-properties-panel-group-header", has_text="Casework").click()
    assert page.get_by_label("Form", exact=True).input_value() == "referral.triage"
    assert page.get_by_label("Due date").input_value() == "add_working_days(referral_date, 1)"

    page.get_by_role("link", name="Consent may be late").click()
    seek_consent = page.locator(".djs-element[data-element-id='seek_consent']")
    page.wait_for_function(SELECTED, arg="seek_consent")
    assert "selected" not in (triage.get_attribute("class") or "").split()
    assert "app-marker--problem" in (seek_consent.get_attribute("class") or "")
    watched.assert_clean()


def test_a_failed_save_says_so_and_keeps_the_edits(watched, harness) -> None:
    harness.backend.save_answers.append((500, "<html><body>Sorry</body></html>"))
    page = _open_designer(watched, harness, _small_bundle())
    page.locator(".djs-element[data-element-id='do_it']").click()
    page.locator(".bio-properties-panel-group-header", has_text="Casework").click()
    page.get_by_label("Due date").fill("add_days(start_date, 3)")
    page.get_by_label("Due date").press("Tab")
    page.wait_for_timeout(500)

    _save(page)
    page.locator(".govuk-error-summary").get_by_text("The draft could not be saved. Try again.").wait_for()
    assert page.get_by_label("Due date").input_value() == "add_days(start_date, 3)"
    assert page.get_by_role("status").count() == 0

    _save(page)  # the server is back: what was drawn is still there to save
    page.get_by_role("status").filter(has_text="Saved").wait_for()
    assert page.locator(".govuk-error-summary").count() == 0
    payload = _saved_payload(harness, count=2)
    assert _task_properties(payload["bpmn_xml"], "do_it") == {"dueDate": "add_days(start_date, 3)"}
    watched.assert_clean()


def test_the_modelers_menus_draw_under_the_policy(watched, harness) -> None:
    page = _open_designer(watched, harness, _small_bundle())
    page.locator(".djs-element[data-element-id='do_it']").click()
    page.locator(".djs-context-pad .entry[data-action='replace']").click()  # the change-type menu
    page.locator(".djs-popup .entry").first.wait_for()
    page.keyboard.press("Escape")
    page.locator(".djs-element[data-element-id='do_it']").click()
    page.keyboard.press("Control+a")
    page.locator(".djs-context-pad .entry[data-action='align-elements']").click()
    icons = page.locator(".djs-popup .djs-popup-entry-icon svg")
    icons.first.wait_for()
    assert icons.count() == 8
    watched.assert_clean()


def test_leaving_with_unsaved_changes_asks_first(watched, harness, browser) -> None:
    page = _open_designer(watched, harness, _bundle("referral_to_early_help"))
    page.get_by_role("tab", name="Forms").click()  # opening forms in the editor is no change
    page.locator(".app-designer__form-editor .fjs-form-field").first.wait_for()
    page.get_by_role("tab", name="Diagram").click()
    watched.assert_clean()
    assert not _leaving_asks(page)

    for edit, bundle in (
        (_edit_a_form, _bundle("referral_to_early_help")),
        (_edit_the_diagram, _small_bundle()),
    ):
        context = browser.new_context(base_url=harness.url, viewport={"width": 1400, "height": 1000})
        edited = Watched(context.new_page())
        page = _open_designer(edited, harness, bundle)
        edit(page)
        page.wait_for_timeout(500)  # the panels' inputs are debounced
        edited.assert_clean()
        assert _leaving_asks(page), edit.__name__
        context.close()
