"""What a process owner chooses to move running cases between versions."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.formkit.base import GovForm
from app.formkit.wtforms33 import RadioField

_strip = [lambda v: v.strip() if isinstance(v, str) else v]


class MoveForm(GovForm):
    source = RadioField(
        "Move cases from version",
        widget=GovRadioInput(),
        validators=[DataRequired("Select the version the cases are on")],
        invalid_choice_message="Select the version the cases are on",
    )
    target = RadioField(
        "To version",
        widget=GovRadioInput(),
        validators=[DataRequired("Select the version to move them to")],
        invalid_choice_message="Select the version to move them to",
    )
    cases = TextAreaField(
        "Which cases (optional)",
        widget=GovTextArea(),
        filters=_strip,
        description="Case references, one a line. Leave empty for every running case of that version.",
        validators=[Length(max=20000, message="List at most a few hundred case references at once")],
    )
    reason = TextAreaField(
        "Reason for moving them",
        widget=GovTextArea(),
        filters=_strip,
        description="Kept in each case's history. Needed to move cases; not for a dry run.",
        validators=[Length(max=2000, message="The reason must be 2000 characters or fewer")],
    )

    def references(self) -> list[str]:
        return [r.strip() for r in (self.cases.data or "").replace(",", "\n").splitlines() if r.strip()]
