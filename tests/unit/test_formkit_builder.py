"""One builder makes a WTForms form from a definition, with the GOV.UK messages a page shows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import PackageLoader, PrefixLoader
from werkzeug.datastructures import MultiDict

from app.formkit.builder import build

SCHEMA: dict[str, Any] = {
    "components": [
        {
            "key": "outcome",
            "type": "radio",
            "label": "What is the outcome?",
            "description": "Pick one",
            "values": [{"label": "Continue", "value": "continue"}, {"label": "End", "value": "end"}],
            "validate": {"required": True},
            "properties": {"requiredMessage": "Select the outcome"},
        },
        {
            "key": "next_on",
            "type": "datetime",
            "subtype": "date",
            "dateLabel": "Date of the next review",
            "validate": {"required": True},
            "conditional": {"hide": '=outcome = "end"'},
            "properties": {"requiredMessage": "Enter the date of the next review", "dateLimit": "future"},
        },
        {
            "key": "hours",
            "type": "number",
            "label": "Hours a week",
            "decimalDigits": 0,
            "validate": {"required": True, "min": 1, "max": 40},
            "properties": {"requiredMessage": "Enter the hours a week"},
        },
        {
            "key": "percent",
            "type": "number",
            "label": "Attendance (%)",
            "validate": {"min": 0, "max": 100},
            "properties": {"errorName": "Attendance"},
        },
        {
            "key": "who",
            "type": "checklist",
            "label": "Who came?",
            "values": [{"label": "Mother", "value": "mother"}, {"label": "Father", "value": "father"}],
        },
        {"key": "notes", "type": "textarea", "label": "Notes", "validate": {"maxLength": 10}},
    ]
}


@pytest.fixture
def form_app() -> Iterator[Flask]:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", WTF_CSRF_ENABLED=False)
    app.jinja_loader = PrefixLoader(
        {
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }
    )
    WTFormsHelpers(app)
    with app.test_request_context():
        yield app


def errors(answers: dict[str, Any]) -> dict[str, list[str]]:
    form = build("test.review", SCHEMA)(formdata=MultiDict(answers), meta={"csrf": False})
    form.validate()
    return {name: list(messages) for name, messages in form.errors.items()}


def future() -> str:
    day = date.today().replace(year=date.today().year + 1)
    return f"{day.day} {day.month} {day.year}"


def test_nothing_answered_says_what_to_enter_for_what_applies(form_app) -> None:
    assert errors({}) == {
        "outcome": ["Select the outcome"],
        "next_on": ["Enter the date of the next review"],
        "hours": ["Enter the hours a week"],
    }


def test_a_field_its_condition_hides_is_not_required(form_app) -> None:
    assert errors({"outcome": "end", "hours": "5"}) == {}


def test_answers_out_of_bounds_or_not_listed_are_refused_in_words(form_app) -> None:
    found = errors(
        {
            "outcome": "maybe",
            "next_on": "1 1 2020",
            "hours": "41",
            "percent": "101",
            "who": ["uncle"],
            "notes": "x" * 11,
        }
    )
    assert found == {
        "outcome": ["Select the outcome"],
        "next_on": ["Date of the next review must be today or in the future"],
        "hours": ["Hours a week must be 40 or less"],
        "percent": ["Attendance must be between 0 and 100"],
        "who": ["Select an answer from the list"],
        "notes": ["Notes must be 10 characters or less"],
    }
    assert errors({"outcome": "end", "hours": "lots"}) == {
        "hours": ["Hours a week must be a whole number, like 12"]
    }


def test_good_answers_become_the_tasks_data(form_app) -> None:
    form = build("test.review", SCHEMA)(
        formdata=MultiDict(
            [
                ("outcome", "continue"),
                ("next_on", future()),
                ("hours", "12"),
                ("who", "mother"),
                ("who", "father"),
            ]
        ),
        meta={"csrf": False},
    )
    assert form.validate(), form.errors
    data = form.to_task_data()
    assert data["outcome"] == "continue" and data["hours"] == 12 and data["who"] == ["mother", "father"]
    assert isinstance(data["next_on"], str) and data["percent"] is None


def test_the_page_shows_the_hint_and_no_choice_made_for_the_user(form_app) -> None:
    form = build("test.review", SCHEMA)(formdata=None, meta={"csrf": False})
    html = str(form.outcome())
    assert "Pick one" in html and "checked" not in html
    assert form.field_labels()["next_on"] == "Date of the next review"
    assert form.choice_labels()["who"] == {"mother": "Mother", "father": "Father"}
