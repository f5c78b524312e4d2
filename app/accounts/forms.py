"""Forms an administrator fills in about an account."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovTextInput
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.formkit.base import GovForm
from app.formkit.wtforms33 import RadioField, SelectChoice, SelectMultipleField
from app.models import Role, Team

_strip = [lambda v: v.strip() if isinstance(v, str) else v]


class TeamsField(SelectMultipleField):
    """Team checkboxes whose answers must be teams on the list, said in the page's voice."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = []
            raise ValueError("Select teams from the list") from None

    def pre_validate(self, form: Any) -> None:
        listed = {choice.value for choice in self.choices or []}
        if any(value not in listed for value in self.data or []):
            raise ValidationError("Select teams from the list")


class AccountForm(GovForm):
    """The name, role and teams of an account (and its email, when it is created)."""

    email = StringField(
        "Email address",
        widget=GovTextInput(),
        filters=_strip,
        validators=[
            DataRequired("Enter their email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=_strip,
        validators=[
            DataRequired("Enter their full name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[SelectChoice(r.value, r.label) for r in Role],
        validators=[DataRequired("Select their role")],
        invalid_choice_message="Select their role",
    )
    teams = TeamsField(
        "Teams",
        widget=GovCheckboxesInput(),
        coerce=int,
        description="Tasks in these teams' queues are theirs to pick up. Administrators need none.",
    )

    def __init__(self, teams: list[Team], *, new: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.teams.choices = [SelectChoice(t.id, t.name) for t in teams]
        if not new:
            del self.email


class ConfirmForm(GovForm):
    """A button that confirms an action (the CSRF token is all it carries)."""
