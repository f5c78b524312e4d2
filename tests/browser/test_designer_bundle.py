"""The viewer and designer bundles (app/static/src/designer/) in real Chromium, under the app's
Content-Security-Policy, on a static harness (tests/browser/harness/) with a fake bundle and save
endpoint: not the Flask app, whose designer routes are written separately.

Every test ends with no policy violation, no script error and no unexpected console error.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ARGS, CHROMIUM
from tests.browser.harness_server import ROOT, HarnessServer

pytestmark = pytest.mark.browser

BUNDLES = ROOT / "app" / "static" / "vendor" / "designer"
HARNESS = Path(__file__).resolve().parent / "harness"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core",
    "dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/",
}
SHIPPED = sorted(path.stem for path in (ROOT / "processes").glob("*.bpmn"))

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') +
    ' at ' + e.sourceFile + ':' + e.lineNumber + ' ' + (e.sample || ''));
});
"""


class Watched:
    """A page, with everything the browser complained about while the test drove it."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _console(self, message: Any) -> None:
        # The harness answers some requests with errors on purpose (a missing diagram, a 422,
        # a 500): Chromium logs those as "Failed to load resource", which is not a fault.
        if "Content Security Policy" in message.text or (
            message.type == "error" and "Failed to load resource" not in message.text
        ):
            self.problems.append(f"console {message.type}: {message.text}")

    def assert_clean(self) -> None:
        assert self.page.evaluate("window.__violations") == []
        assert self.problems == []


@pytest.fixture(scope="module")
def harness() -> Iterator[HarnessServer]:
    if not (BUNDLES / "viewer.js").exists() or not (BUNDLES / "designer.js").exists():
        pytest.fail("The front-end bundles are not built: run `make assets`")
    with HarnessServer() as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium") and not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def watched(harness: HarnessServer, browser: Any) -> Iterator[Watched]:
    harness.backend.bundle = {}
    harness.backend.save_answers.clear()
    harness.backend.saves.clear()
    context = browser.new_context(base_url=harness.url, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield Watched(page)
    context.close()


def _bundle(
    process: str, *, bpmn: str | None = None, dmn: str | None = None, forms: str | None = None
) -> dict:
    dmn_file = ROOT / "processes" / f"{process}.dmn"
    forms_file = ROOT / "forms" / f"{process}.json"
    return {
        "process_id": process,
        "bpmn_xml": bpmn if bpmn is not None else (ROOT / "processes" / f"{process}.bpmn").read_text(),
        "dmn_xml": dmn if dmn is not None else (dmn_file.read_text() if dmn_file.exists() else ""),
        "forms_json": forms if forms is not None else forms_file.read_text(),
    }


SMALL_FORMS = json.dumps(
    {
        "process": "small",
        "forms": [
            {"type": "default", "id": "small.first", "schemaVersion": 19, "components": []},
            {"type": "default", "id": "small.second", "schemaVersion": 19, "components": []},
        ],
    }
)


def _small_bundle() -> dict:
    return _bundle("small", bpmn=(HARNESS / "small.bpmn").read_text(), dmn="", forms=SMALL_FORMS)


def _open_designer(watched: Watched, harness: HarnessServer, bundle: dict) -> Any:
    harness.backend.bundle = bundle
    page = watched.page
    page.goto("/harness/designer.html")
    page.locator("#app-designer[data-ready='true']").wait_for()
    return page


def _save(page: Any) -> None:
    page.get_by_role("button", name="Save draft").click()


def _saved_payload(harness: HarnessServer, count: int = 1) -> dict:
    assert len(harness.backend.saves) == count
    return json.loads(harness.backend.saves[-1]["body"])


def _parse(xml: str) -> ET.Element:
    return ET.fromstring(xml)  # noqa: S314 (our own shipped files, and what our own bundle sent)


def _task_properties(xml: str, task_id: str) -> dict[str, str]:
    task = _parse(xml).find(f".//bpmn:userTask[@id='{task_id}']", NS)
    assert task is not None
    return {p.get("name"): p.get("value") for p in task.iterfind(".//spiff:property", NS)}


TEXT_THE_PRODUCT_READS = (
    "documentation",
    "conditionExpression",
    "script",
    "timeDate",
    "timeCycle",
    "timeDuration",
)


def _what_the_product_reads(xml: str) -> dict[str, list]:
    """Everything of a diagram the engine or the pages read, keyed so order does not matter."""
    root = _parse(xml)
    found: dict[str, list] = {"properties": [], "payloads": [], "decisions": [], "text": []}
    for element in root.iter():
        for holder in element.findall("bpmn:extensionElements", NS):
            for properties in holder.findall("spiff:properties", NS):
                for prop in properties.findall("spiff:property", NS):
                    found["properties"].append((element.get("id"), prop.get("name"), prop.get("value")))
            for payload in holder.findall("spiff:messagePayload", NS):
                found["payloads"].append((element.get("id"), payload.text))
            for decision in holder.findall("spiff:calledDecisionId", NS):
                found["decisions"].append((element.get("id"), decision.text))
        for tag in TEXT_THE_PRODUCT_READS:
            for child in element.findall(f"bpmn:{tag}", NS):
                found["text"].append((element.get("id"), tag, (child.text or "").strip()))
    return {key: sorted(value, key=repr) for key, value in found.items()}


def _rules(dmn: str) -> list[list[str | None]]:
    """Each decision table rule's cells, in order."""
    return [
        [t.text for t in rule.iterfind(".//dmn:text", NS)] for rule in _parse(dmn).iterfind(".//dmn:rule", NS)
    ]


def _zoom(page: Any, container: str) -> float:
    viewport = page.locator(f"{container} .djs-container > svg > g.viewport")
    transform = viewport.get_attribute("transform") or ""
    match = re.match(r"matrix\(([-\d.e]+)", transform)
    return float(match.group(1)) if match else 1.0


# The viewer ###################################################################################


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


# The designer: the diagram ####################################################################


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


def _casework(page: Any, element_id: str) -> None:
    # Clicked off-centre, clear of the previous selection's context pad. A straight sequence
    # flow has a flat box, which Playwright would call invisible, so the mouse clicks itself.
    box = page.locator(f".djs-element[data-element-id='{element_id}']").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.5)
    header = page.locator(".bio-properties-panel-group-header", has_text="Casework")
    if "open" not in (header.get_attribute("class") or "").split():  # the panel remembers it open
        header.click()


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


SELECTED = (
    "id => document.querySelector(`.djs-element[data-element-id='${id}']`).classList.contains('selected')"
)


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


def _leaving_asks(page: Any) -> bool:
    """Closes the page as a person would; answers whether the browser asked first."""
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    return asked == ["beforeunload"]


def _edit_a_form(page: Any) -> None:
    page.get_by_role("tab", name="Forms").click()
    page.locator(".app-designer__form-editor .fjs-form-field").first.click()
    properties = page.locator(".app-designer__form-properties")
    properties.locator(".bio-properties-panel-group-header", has_text="General").click()
    properties.locator("[data-entry-id='label'] .cm-content").click()
    page.keyboard.type("!")


def _edit_the_diagram(page: Any) -> None:
    page.locator(".djs-element[data-element-id='do_it']").click()
    page.locator(".bio-properties-panel-group-header", has_text="Casework").click()
    page.get_by_label("Role").fill("manager")
    page.get_by_label("Role").press("Tab")


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


# The designer: forms and decision tables ######################################################


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


UNKNOWN_KEYS_FORMS = {
    "process": "small",
    "x_wrapper": {"kept": True},
    "forms": [
        {
            "type": "default",
            "id": "small.first",
            "schemaVersion": 19,
            "x_form": "kept",
            "components": [
                {
                    "key": "a",
                    "type": "textfield",
                    "label": "A",
                    "x_component": {"deep": [1, 2]},
                    "validate": {"required": True, "x_rule": "a_rule"},
                    "properties": {"requiredMessage": "Enter A"},
                },
                {
                    "key": "b",
                    "type": "radio",
                    "label": "B",
                    "values": [{"label": "Yes", "value": "yes"}],
                    "id": "Own_id",
                },
            ],
        },
        # not a form the editor can open (no "type"): kept as it is
        {"id": "small.odd", "components": [{"key": "c", "type": "textfield"}]},
    ],
}


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
