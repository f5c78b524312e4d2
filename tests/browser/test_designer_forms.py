"""The designer bundle's forms and decision tables tabs in real Chromium, under the policy."""

from __future__ import annotations

import json

import pytest

from tests.browser.bundle_helpers import (
    NS,
    SMALL_FORMS,
    UNKNOWN_KEYS_FORMS,
    _bundle,
    _open_designer,
    _parse,
    _save,
    _saved_payload,
    _small_bundle,
    _task_properties,
)

pytestmark = pytest.mark.browser


def test_editing_a_user_tasks_form_and_due_date_posts_them_in_the_diagram(watched, harness) -> None:
    page = _open_designer(watched, harness, _small_bundle())
    page.locator(".djs-element[data-element-id='do_it']").click()
    page.locator(".bio-properties-panel-group-header", has_text="Casework").click()
    form = page.get_by_label("Form", exact=True)
    assert form.locator("option").all_inner_texts() == ["(no form)", "small.first", "small.second"]
    form.select_option("small.second")
    page.get_by_label("Due date").fill("add_working_days(start_date, 5)")
    page.get_by_label("Effects").fill("record_meeting(small_meeting)")
    page.get_by_label("Due date").press("Tab")
    page.wait_for_timeout(500)  # the panel's inputs are debounced

    _save(page)
    page.get_by_role("status").filter(has_text="Saved").wait_for()
    sent = harness.backend.saves[-1]
    assert sent["headers"]["Content-Type"] == "application/json"
    assert sent["headers"]["X-CSRFToken"] == "harness-csrf-token"
    payload = _saved_payload(harness)
    assert payload["process_id"] == "small"
    assert payload["dmn_xml"] == ""
    assert json.loads(payload["forms_json"]) == json.loads(SMALL_FORMS)
    assert 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"' in payload["bpmn_xml"]
    assert _task_properties(payload["bpmn_xml"], "do_it") == {
        "formKey": "small.second",
        "dueDate": "add_working_days(start_date, 5)",
        "effects": "record_meeting(small_meeting)",
    }
    watched.assert_clean()


def test_forms_round_trip_through_the_form_editor(watched, harness) -> None:
    bundle = _bundle("referral_to_early_help")
    original = json.loads(bundle["forms_json"])
    page = _open_designer(watched, harness, bundle)
    page.get_by_role("tab", name="Forms").click()
    forms = page.locator(".app-form-list__select")
    assert forms.all_inner_texts() == [form["id"] for form in original["forms"]]
    for index in range(forms.count()):  # each form goes through the editor
        forms.nth(index).click()
        page.locator(".app-designer__form-editor .fjs-form-field").first.wait_for()
    _save(page)
    page.get_by_role("status").filter(has_text="Saved").wait_for()
    assert json.loads(_saved_payload(harness)["forms_json"]) == original
    watched.assert_clean()


def test_forms_can_be_edited_added_and_removed_keeping_what_the_editor_does_not_know(watched, harness):
    bundle = _bundle("referral_to_early_help")
    original = json.loads(bundle["forms_json"])
    page = _open_designer(watched, harness, bundle)
    page.get_by_role("tab", name="Forms").click()
    page.locator(".app-form-list__select", has_text="referral.advise_school").click()
    editor = page.locator(".app-designer__form-editor")
    field = editor.locator(".fjs-form-field", has_text="Who at the school did you advise?")
    field.first.click()
    properties = page.locator(".app-designer__form-properties")
    properties.locator(".bio-properties-panel-group-header", has_text="General").click()
    label = page.locator(".app-designer__form-properties [data-entry-id='label'] .cm-content")
    label.click()
    page.keyboard.press("End")
    page.keyboard.type(" today")
    page.wait_for_timeout(500)

    page.get_by_role("button", name="Add a form").click()
    page.get_by_text("Error: Enter the id of the new form").wait_for()
    page.get_by_label("Id of a new form").fill("referral.follow_up")
    page.get_by_role("button", name="Add a form").click()
    page.get_by_role("button", name="Remove referral.triage").click()
    assert "referral.triage" not in page.locator(".app-form-list__select").all_inner_texts()

    _save(page)
    page.get_by_role("status").filter(has_text="Saved").wait_for()
    saved = json.loads(_saved_payload(harness)["forms_json"])
    kept = [f["id"] for f in original["forms"] if f["id"] != "referral.triage"]
    expected_ids = [*kept, "referral.follow_up"]
    assert [f["id"] for f in saved["forms"]] == expected_ids
    assert saved["process"] == original["process"]
    edited = next(f for f in saved["forms"] if f["id"] == "referral.advise_school")
    before = next(f for f in original["forms"] if f["id"] == "referral.advise_school")
    first = edited["components"][0]
    assert first["label"] == "Who at the school did you advise? today"
    # everything else of the edited form is as it was, our GOV.UK messages included
    assert {**first, "label": before["components"][0]["label"]} == before["components"][0]
    assert first["properties"] == {"requiredMessage": "Enter who at the school you advised"}
    assert edited["components"][1:] == before["components"][1:]
    new = saved["forms"][-1]
    assert new["components"] == [] and new["type"] == "default"
    watched.assert_clean()


def test_the_form_editor_keeps_what_it_does_not_know_and_what_it_cannot_open(watched, harness) -> None:
    bundle = _small_bundle()
    bundle["forms_json"] = json.dumps(UNKNOWN_KEYS_FORMS)
    page = _open_designer(watched, harness, bundle)
    page.get_by_role("tab", name="Forms").click()
    page.locator(".app-designer__form-editor .fjs-form-field").first.wait_for()
    page.locator(".app-form-list__select", has_text="small.odd").click()
    page.get_by_text("The form small.odd cannot be opened in the editor").wait_for()
    assert not page.locator(".app-designer__form-editor").is_visible()
    page.locator(".app-form-list__select", has_text="small.first").click()
    page.locator(".app-designer__form-editor .fjs-form-field").first.wait_for()
    _save(page)
    page.get_by_role("status").filter(has_text="Saved").wait_for()
    assert json.loads(_saved_payload(harness)["forms_json"]) == UNKNOWN_KEYS_FORMS
    watched.assert_clean()


def test_decision_tables_start_hidden_and_can_be_added(watched, harness) -> None:
    page = _open_designer(watched, harness, _small_bundle())
    assert not page.get_by_role("tab", name="Decision tables").is_visible()
    diagram_tab = page.get_by_role("tab", name="Diagram")
    assert diagram_tab.get_attribute("aria-selected") == "true"
    diagram_tab.focus()
    page.keyboard.press("ArrowRight")  # the tabs work from the keyboard
    forms_tab = page.get_by_role("tab", name="Forms")
    assert forms_tab.get_attribute("aria-selected") == "true"
    assert forms_tab.evaluate("e => e === document.activeElement")
    assert page.locator("#app-panel-forms").is_visible()
    assert not page.locator("#app-panel-diagram").is_visible()
    page.keyboard.press("ArrowRight")  # the hidden tab is skipped
    assert diagram_tab.get_attribute("aria-selected") == "true"

    page.get_by_role("button", name="Add decision tables").click()
    tables_tab = page.get_by_role("tab", name="Decision tables")
    assert tables_tab.get_attribute("aria-selected") == "true"
    page.locator(".app-designer__dmn .tjs-table").wait_for()
    assert not page.get_by_role("button", name="Add decision tables").is_visible()
    _save(page)
    page.get_by_role("status").filter(has_text="Saved").wait_for()
    dmn = _parse(_saved_payload(harness)["dmn_xml"])
    assert [d.get("id") for d in dmn.iterfind("dmn:decision", NS)] == ["decision_1"]
    assert dmn.find("dmn:decision/dmn:decisionTable", NS) is not None
    watched.assert_clean()
