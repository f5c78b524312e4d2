"""A number asked only where it applies (`validate.required` with `conditional.hide`): required
there, with the form's own message, and left alone where it does not apply."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.datastructures import MultiDict

from app.formkit.builder import build

SCHEMA: dict[str, Any] = {
    "type": "default",
    "id": "test.days",
    "components": [
        {
            "key": "pattern",
            "type": "radio",
            "label": "Pattern",
            "values": [{"label": "One", "value": "one"}, {"label": "Spread", "value": "spread"}],
            "validate": {"required": True},
            "properties": {"requiredMessage": "Select the pattern"},
        },
        {
            "key": "earlier_days",
            "type": "number",
            "label": "Days missed before?",
            "decimalDigits": 0,
            "conditional": {"hide": '=not(list contains(["spread"], pattern))'},
            "validate": {"required": True, "min": 0},
            "properties": {
                "requiredMessage": "Enter the days missed before",
                "errorName": "Days missed before",
            },
        },
    ],
}


def errors(app: Flask, **answers: str) -> dict[str, list[str]]:
    with app.app_context():
        form = build("test.days", SCHEMA)(formdata=MultiDict(answers), meta={"csrf": False})
        form.validate()
        return dict(form.errors)


def test_a_number_that_applies_is_required_with_its_own_message(form_app: Flask) -> None:
    assert errors(form_app, pattern="spread") == {"earlier_days": ["Enter the days missed before"]}
    assert errors(form_app, pattern="spread", earlier_days="") == {
        "earlier_days": ["Enter the days missed before"]
    }
    assert errors(form_app, pattern="spread", earlier_days="two") == {
        "earlier_days": ["Days missed before must be a whole number, like 12"]
    }
    assert errors(form_app, pattern="spread", earlier_days="-1") == {
        "earlier_days": ["Days missed before must be 0 or more"]
    }
    assert errors(form_app, pattern="spread", earlier_days="3") == {}


def test_a_number_that_does_not_apply_may_be_left_empty(form_app: Flask) -> None:
    assert errors(form_app, pattern="one") == {}
    assert errors(form_app, pattern="one", earlier_days="") == {}
