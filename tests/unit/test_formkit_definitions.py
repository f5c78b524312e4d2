"""Form definitions are data a process owner writes: every problem is named, none is a traceback."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from app.config import ROOT
from app.formkit.definitions import InvalidForms, load_bundle

FORM: dict[str, Any] = {
    "type": "default",
    "id": "cin.review",
    "schemaVersion": 19,
    "components": [
        {
            "key": "review_outcome",
            "type": "radio",
            "label": "What is the outcome?",
            "values": [{"label": "Continue", "value": "continue"}, {"label": "End", "value": "end"}],
            "validate": {"required": True},
            "properties": {"requiredMessage": "Select the outcome"},
        },
        {
            "key": "next_review_date",
            "type": "datetime",
            "subtype": "date",
            "dateLabel": "Date of the next review",
            "validate": {"required": True},
            "conditional": {"hide": '=review_outcome = "end"'},
            "properties": {"requiredMessage": "Enter the date of the next review", "dateLimit": "future"},
        },
    ],
}


def bundle_text(*forms: dict[str, Any], process: str = "child_in_need_plan") -> str:
    return json.dumps({"process": process, "forms": list(forms)})


def problems(form: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidForms) as refused:
        load_bundle(bundle_text(form), "child_in_need_plan.json")
    return refused.value.problems


def changed(path: str, value: Any) -> dict[str, Any]:
    """FORM with one value replaced, e.g. changed("components.1.type", "slider")."""
    form = copy.deepcopy(FORM)
    *parts, last = path.split(".")
    target: Any = form
    for part in parts:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return form


def test_a_good_definition_loads() -> None:
    bundle = load_bundle(bundle_text(FORM), "child_in_need_plan.json")
    assert list(bundle.forms) == ["cin.review"] and bundle.process_id == "child_in_need_plan"


def test_every_shipped_definition_loads() -> None:
    for path in sorted((ROOT / "forms").glob("*.json")):
        bundle = load_bundle(path.read_text(encoding="utf-8"), path.name)
        assert bundle.process_id == path.stem and bundle.forms


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("components.1.type", "slider", "the field type 'slider' is not one the product can show"),
        ("components.0.key", "Review Outcome", "needs a key of small letters"),
        ("components.0.key", "class", "needs a key of small letters"),
        ("components.1.key", "review_outcome", "has two fields with the key 'review_outcome'"),
        ("components.0.key", "typename", "the key 'typename' is reserved"),
        ("components.0.values", [], "needs its choices"),
        ("components.0.values", [{"label": "A", "value": "a"}, {"label": "B", "value": "a"}], "listed twice"),
        ("components.0.properties", {"requiredMessage": ""}, "needs a requiredMessage"),
        ("components.0.properties", {"requiredMessage": "x", "colour": "red"}, "'colour' is not one"),
        ("components.0.properties", {"requiredMessage": 3}, "must be text"),
        ("components.1.properties.dateLimit", "tomorrow", "dateLimit must be past"),
        ("components.1.subtype", "time", "only dates are supported"),
        ("components.1.conditional", {"hide": "=import os"}, "its condition cannot be read"),
        ("components.1.conditional", {"hide": '=colour = "red"'}, "names colour, which this form does"),
        ("components.0.validate", {"required": True, "pattern": ".*"}, "'pattern' is not supported"),
        ("components.0.label", "", "needs a label"),
        ("id", "review", "needs an id like 'cin.review'"),
        ("components", [], "has no fields"),
    ],
)
def test_each_mistake_is_named_with_the_form_and_field(path: str, value: Any, expected: str) -> None:
    found = problems(changed(path, value))
    assert any(expected in problem for problem in found), found
    assert all(problem.startswith("child_in_need_plan.json") for problem in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "is not valid JSON"),
        ("[]", "must be an object with a list of forms"),
        ('{"forms": []}', "must name its process"),
        ("[" * 100_000, "is not valid JSON"),
    ],
)
def test_a_file_that_is_not_a_bundle_says_so(text: str, expected: str) -> None:
    with pytest.raises(InvalidForms) as refused:
        load_bundle(text, "x.json")
    assert expected in refused.value.problems[0]


def test_two_forms_with_one_id_are_refused() -> None:
    with pytest.raises(InvalidForms, match=r"two forms have the id 'cin\.review'"):
        load_bundle(bundle_text(FORM, FORM), "child_in_need_plan.json")
