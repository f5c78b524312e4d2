"""What the viewer and designer bundle tests share: the harness's bundles, and reading what a save
posted."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from tests.browser.harness_server import ROOT, HarnessServer

BUNDLES = ROOT / "app" / "static" / "vendor" / "designer"


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


HARNESS = Path(__file__).resolve().parent / "harness"


NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core",
    "dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/",
}


SHIPPED = sorted(path.stem for path in (ROOT / "processes").glob("*.bpmn"))


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


def _casework(page: Any, element_id: str) -> None:
    # Clicked off-centre, clear of the previous selection's context pad. A straight sequence
    # flow has a flat box, which Playwright would call invisible, so the mouse clicks itself.
    box = page.locator(f".djs-element[data-element-id='{element_id}']").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.5)
    header = page.locator(".bio-properties-panel-group-header", has_text="Casework")
    if "open" not in (header.get_attribute("class") or "").split():  # the panel remembers it open
        header.click()


SELECTED = (
    "id => document.querySelector(`.djs-element[data-element-id='${id}']`).classList.contains('selected')"
)


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
