"""Forms an administrator fills in: a local setting, a term, a closure day."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField, ValidationError

from app.formkit.base import GovForm
from app.formkit.fields import GovDateField, text
from app.timescales.settings import SettingDefinition, parse_setting_value


class SettingForm(GovForm):
    value = StringField("Value", widget=GovTextInput())

    def __init__(self, setting: SettingDefinition, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setting = setting
        self.value.label.text = setting.label
        self.value.description = setting.description

    def validate_value(self, field: StringField) -> None:
        # Python will not read a number of more than 4,300 digits; no setting needs more than 9.
        if len((field.data or "").strip().lstrip("-")) > 9:
            raise ValidationError(self.setting.range_message())
        try:
            parse_setting_value(self.setting, field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


# School calendars matter for the cases open now: terms from the last 10 years to 5 years ahead.
TERM_YEARS_BACK, TERM_YEARS_AHEAD = 10, 5


def calendar_date(label: str, message: str, example: str) -> GovDateField:
    """A date in a school's calendar, within the years its terms may fall in."""
    return GovDateField(
        label,
        message,
        description=f"For example, {example}",
        years_back=TERM_YEARS_BACK,
        years_ahead=TERM_YEARS_AHEAD,
    )


class TermForm(GovForm):
    school = text("School", limit=200)
    name = text("Name of the term", limit=60)
    starts_on = calendar_date("Start date", "Enter the date the term starts", "1 9 2026")
    ends_on = calendar_date("End date", "Enter the date the term ends", "23 10 2026")


class ClosureForm(GovForm):
    day = calendar_date("Date", "Enter the date the school is closed", "2 9 2026")
    reason = text("Reason", limit=200)
