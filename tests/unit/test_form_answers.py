"""Reading a validated form's answers, and showing a service's refusal on a field
(app/formkit/base.py: answer() and GovForm.add_error()), the two helpers the type checker asked for."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import DataRequired

from app.formkit.base import GovForm, answer


class NameForm(GovForm):
    name = StringField("Name", validators=[DataRequired("Enter your name")])
    nickname = StringField("Nickname")


def test_a_required_answer_of_a_validated_form_is_read_as_typed(form_app: Flask) -> None:
    with form_app.test_request_context():
        form = NameForm(formdata=MultiDict({"name": "Ada"}))
        assert form.validate()
        assert answer(form.name) == "Ada"


def test_an_answer_the_form_never_checked_stops_the_page_instead_of_reaching_a_service_as_none(
    form_app: Flask,
) -> None:
    with form_app.test_request_context():
        form = NameForm(formdata=MultiDict({"name": "Ada"}))
        assert form.validate()
        with pytest.raises(ValueError, match="nickname"):
            answer(form.nickname)


def test_a_refusal_is_shown_on_its_field_after_the_fields_own_errors(form_app: Flask) -> None:
    with form_app.test_request_context():
        form = NameForm(formdata=MultiDict({"name": ""}))
        assert not form.validate()
        form.add_error("name", "That name is taken")
        assert form.errors["name"] == ["Enter your name", "That name is taken"]


def test_a_refusal_can_be_shown_on_a_form_that_was_not_validated(form_app: Flask) -> None:
    """WTForms keeps an unvalidated field's errors as a tuple, which cannot be appended to."""
    with form_app.test_request_context():
        form = NameForm(formdata=MultiDict({"name": "Ada"}))
        form.add_error("name", "That name is taken")
        assert form.errors == {"name": ["That name is taken"]}
