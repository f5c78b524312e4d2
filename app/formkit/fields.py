"""GOV.UK-pattern fields the form builder (task forms) and the product's other forms use."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import wtforms
from govuk_frontend_wtf import wtforms_widgets as gov
from wtforms import ValidationError
from wtforms.validators import DataRequired, Length, StopValidation

from app.formkit.wtforms33 import (
    DecimalField,
    FloatField,
    SelectChoice,
)

Choices = Sequence[SelectChoice]
# Only a tampered or hand-made post can send an answer that is not on the page; say what to do.
NOT_LISTED = "Select an answer from the list"


def _blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def require(field: wtforms.Field, message: str) -> None:
    """For validate_<field> rules: the field must be answered, unless a typing error already says why."""
    if _blank(field.data) and not field.errors:
        raise ValidationError(message)


# A date on a child's case is after 1900 and, unless a field says otherwise, within the child's
# lifetime (up to 25 for these services) before today and a few years after it.
FLOOR_YEAR = 1900
YEARS_BACK, YEARS_AHEAD = 25, 5
LIMITS = {  # limit: (the date is acceptable if, the message's ending)
    "past": (lambda day, today: day <= today, "must be today or in the past"),
    "before_today": (lambda day, today: day < today, "must be in the past"),
    "future": (lambda day, today: day >= today, "must be today or in the future"),
}


def long_date(day: date) -> str:
    """A date as GOV.UK writes it: 3 December 2026."""
    return f"{day.day} {day:%B %Y}"


def years_from(day: date, years: int) -> date:
    """The same day `years` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class GovDateField(wtforms.DateField):
    """GOV.UK day, month and year boxes: a page posts three values, the JSON API one ("27 3 2026").

    Nothing typed is None; `message` makes an answer required; `limit` is "past", "future" or
    "before_today". Which dates are plausible is a property of the field: after 1900, and no more
    than `years_back` years before today nor `years_ahead` years after it.
    """

    def __init__(
        self,
        label: str,
        message: str = "",
        *,
        limit: str = "",
        years_back: int = YEARS_BACK,
        years_ahead: int = YEARS_AHEAD,
        error_name: str = "",
        **kwargs: Any,
    ) -> None:
        if limit and limit not in LIMITS:
            raise ValueError(f"limit must be one of {', '.join(LIMITS)}, not {limit!r}")
        kwargs.setdefault("description", "For example, 27 3 2026")
        super().__init__(label, format="%d %m %Y", widget=gov.GovDateInput(), **kwargs)
        self.message, self.limit, self.error_name = message, limit, error_name or label
        self.years_back, self.years_ahead = years_back, years_ahead
        self.flags.required = bool(message)

    def process_formdata(self, valuelist: list[str]) -> None:
        parts = [str(v).strip() for v in valuelist]
        parts = parts[0].split() if len(parts) == 1 else parts
        self.data = None
        # GovDateInput unpacks raw_data into its three boxes when the page is shown again.
        self.raw_data = (parts if len(parts) == 3 else [" ".join(parts), "", ""]) if any(parts) else None
        if not any(parts):
            return
        if len(parts) != 3 or not all(p.isdigit() for p in parts if p):
            raise ValueError(f"{self.error_name} must be a real date")
        missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part]
        if missing:
            raise ValueError(f"{self.error_name} must include a {' and '.join(missing)}")
        if len(parts[2]) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = datetime.strptime(" ".join(parts), "%d %m %Y").date()
        except ValueError:
            raise ValueError(f"{self.error_name} must be a real date") from None

    def pre_validate(self, form: Any) -> None:
        if self.message and self.data is None and not self.process_errors:
            raise StopValidation(self.message)
        if self.data is not None and (problem := self.implausible(self.data, date.today())):
            raise ValidationError(problem)

    def implausible(self, day: date, today: date) -> str:
        """What is wrong with `day` as an answer to this field, in the user's words; "" if nothing."""
        if day.year <= FLOOR_YEAR:
            return f"{self.error_name} must be after {FLOOR_YEAR}"
        if self.limit:
            acceptable, ending = LIMITS[self.limit]
            if not acceptable(day, today):
                return f"{self.error_name} {ending}"
        if day <= (earliest := years_from(today, -self.years_back)):
            return f"{self.error_name} must be after {long_date(earliest)}"
        if day >= (latest := years_from(today, self.years_ahead)):
            return f"{self.error_name} must be before {long_date(latest)}"
        return ""


# A number typed into a form has at most this many digits before or after the point; anything
# longer ("1e999999", "0.000…1") is a typing error, and would overflow the arithmetic downstream.
MOST_DIGITS = 12


def sensible_number(value: Decimal | float) -> bool:
    """Finite (no NaN, sNaN or Infinity) and no more than MOST_DIGITS digits either side of the point."""
    if isinstance(value, float):
        return math.isfinite(value) and abs(value) < 10**MOST_DIGITS
    return value.is_finite() and -MOST_DIGITS <= value.adjusted() < MOST_DIGITS


class GovDecimalField(DecimalField):
    """A decimal typed in a text box; NaN, Infinity and absurd exponents get the invalid message."""

    def __init__(self, label: str, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", gov.GovTextInput())
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not sensible_number(self.data):
            self.data = None
            raise ValueError(self.invalid_value_message or "Enter a number")


class GovFloatField(FloatField):
    """A number typed in a text box, kept as a float; NaN, Infinity and absurd sizes are refused."""

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not sensible_number(self.data):
            self.data = None
            raise ValueError(self.invalid_value_message or "Enter a number")


def text(label: str, message: str = "", *, limit: int = 200) -> wtforms.StringField:
    checks: list[Any] = [DataRequired(message)] if message else []
    checks.append(Length(max=limit, message=f"{label.rstrip('?')} must be {limit} characters or less"))
    strip = [lambda v: v.strip() if isinstance(v, str) else v]
    if limit > 200:
        return wtforms.TextAreaField(label, checks, filters=strip, widget=gov.GovTextArea())
    return wtforms.StringField(label, checks, filters=strip, widget=gov.GovTextInput())
