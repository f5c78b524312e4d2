"""The base class of every form in the product, and of the task forms built from definitions."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from flask import has_request_context, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest
from wtforms import Field

from app.formkit.wtforms33 import SelectChoice, SelectField

if TYPE_CHECKING:
    from markupsafe import Markup
    from wtforms import Form
    from wtforms.meta import DefaultMeta

    class FlaskForm(Form):
        """What Flask-WTF's FlaskForm adds to WTForms' Form, for the type checker: Flask-WTF
        ships no type information, and without this every form here would be unchecked."""

        class Meta(DefaultMeta): ...

        def __init__(self, formdata: Any = ..., **kwargs: Any) -> None: ...
        def is_submitted(self) -> bool: ...
        def validate_on_submit(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool: ...
        def hidden_tag(self, *fields: Any) -> Markup: ...

else:
    from flask_wtf import FlaskForm

_NOT_DATA = {"csrf_token", "submit"}
_T = TypeVar("_T")
_T_co = TypeVar("_T_co", covariant=True)


class _Answerable(Protocol[_T_co]):
    name: str

    @property
    def data(self) -> _T_co | None: ...


def answer(field: _Answerable[_T]) -> _T:
    """The answer to a required field of a validated form, which is never None: the field's own
    checks refuse a form without it. ValueError if it is None all the same (the form was not
    validated, or the field is optional): a mistake in the page, which must not reach a service.
    """
    value = field.data
    if value is None:
        raise ValueError(f"The form has no answer to {field.name}: validate it first")
    return value


def plain(value: Any) -> Any:
    """Convert a field's value to something JSON and the workflow engine both keep."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _as_choice(choice: Any) -> SelectChoice:
    return choice if isinstance(choice, SelectChoice) else SelectChoice(*choice[:2])


# The widest answers any task form may pass on, whatever its fields: a net under fields built
# straight from WTForms, so that nothing absurd reaches the diagram's arithmetic or the database.
LARGEST_WHOLE = 1_000_000
LARGEST_NUMBER = 10**12
EARLIEST_YEAR, YEARS_AHEAD = 1900, 100


def implausible_answer(field: Field, today: date) -> str:
    """What is wrong with a validated field's value for any task, in the user's words; "" if nothing."""
    name, value = str(field.label.text).rstrip("?"), field.data
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        if value > LARGEST_WHOLE:
            return f"{name} must be {LARGEST_WHOLE:,} or less"
        if value < -LARGEST_WHOLE:
            return f"{name} must be {-LARGEST_WHOLE:,} or more"
    elif isinstance(value, (float, Decimal)):
        if not (math.isfinite(value) if isinstance(value, float) else value.is_finite()):
            return f"{name} must be a number"
        if not -LARGEST_NUMBER < value < LARGEST_NUMBER:
            return f"{name} must be less than {LARGEST_NUMBER:,}"
    elif isinstance(value, date):
        if value.year <= EARLIEST_YEAR:
            return f"{name} must be after {EARLIEST_YEAR}"
        if value.year > today.year + YEARS_AHEAD:
            return f"{name} must be a real date"
    return ""


def json_answers(body: Any) -> ImmutableMultiDict[str, str]:
    """A JSON body as a form's answers, every value as the text a page would have posted.

    The body must be an object whose values are text, numbers, true/false/null or lists of those
    (a list is a field posted several times, as checkboxes are); BadRequest for anything else.
    """
    if not isinstance(body, dict):
        raise BadRequest("Send the answers as a JSON object")
    pairs: list[tuple[str, str]] = []
    for name, value in body.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, (dict, list)):
                raise BadRequest(f"The answer to {name[:60]} must be text, a number, true or false")
            if item is True:
                pairs.append((name, "y"))
            elif item is not None and item is not False:
                pairs.append((name, str(item)))
    return ImmutableMultiDict(pairs)


def answers_from_json(body: Any) -> MultiDict[str, str]:
    """Answers sent as data (the API's JSON, the demo loader) as a page would post them: every
    value as text, lists as repeated answers, ISO dates ('2026-11-23') as the date boxes read them
    ('23 11 2026'). BadRequest for anything that is not an object of such answers."""
    return MultiDict((name, _date_as_typed(value)) for name, value in json_answers(body).items(multi=True))


def _date_as_typed(value: str) -> str:
    parts = value.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return f"{int(parts[2])} {int(parts[1])} {parts[0]}"
    return value


class GovForm(FlaskForm):
    """The base of every form here: Flask-WTF's, but a form posted as JSON is read as text answers.

    Flask-WTF hands a JSON body to the fields as it is, so a list at the top, or an object or a
    number as an answer, reached code that expects text and failed with a 500.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            # Flask-WTF's own sentinel for "read the request" is the only formdata without getlist.
            reads_request = formdata is not None and not hasattr(formdata, "getlist")
            if reads_request and has_request_context() and request.is_json and form.is_submitted():
                return json_answers(request.get_json())
            return super().wrap_formdata(form, formdata)

    def add_error(self, name: str, message: str) -> None:
        """Show `message` on the field `name`, as its own checks would (a service refused the answer).

        A new list, not append(): WTForms keeps a field's errors as a tuple until it is validated.
        """
        field = self[name]
        field.errors = [*field.errors, message]


class TaskForm(GovForm):
    """A form for one human task, built from its definition (app/formkit/builder.py). Field
    names become the keys of the task's data."""

    form_key: str = ""
    # Named rules (app/pathways) to run on each field once its own checks pass: key -> names.
    field_rules: Mapping[str, tuple[str, ...]] = {}

    def data_fields(self) -> list[Field]:
        return [f for f in self if f.name not in _NOT_DATA]

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Validate every field, then refuse what no task can use (see `implausible_answer`)."""
        valid = bool(super().validate(extra_validators))
        today = date.today()
        for field in self.data_fields():
            if not field.errors and (problem := implausible_answer(field, today)):
                field.errors = [problem]
                valid = False
        return valid

    def to_task_data(self) -> dict[str, Any]:
        """The submitted values, converted to plain types, keyed by field name."""
        return {f.name: plain(f.data) for f in self.data_fields()}

    @classmethod
    def field_labels(cls) -> dict[str, str]:
        """Field name to label, for showing what a completed task recorded."""
        return cls._describe()[0]

    @classmethod
    def choice_labels(cls) -> dict[str, dict[str, str]]:
        """For radio and select fields: stored value to the words the user chose."""
        return cls._describe()[1]

    @classmethod
    def _describe(cls) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        # Labels are fixed per class: build a form once, not once per answer shown.
        described = _DESCRIBED.get(cls)
        if described is None:
            form = cls(meta={"csrf": False}, formdata=None)
            labels = {f.name: str(f.label.text) for f in form.data_fields()}
            choices = {
                f.name: {str(c.value): str(c.label) for c in map(_as_choice, f.choices)}
                for f in form.data_fields()
                if isinstance(f, SelectField) and f.choices
            }
            described = _DESCRIBED[cls] = (labels, choices)
        return described


_DESCRIBED: dict[type[TaskForm], tuple[dict[str, str], dict[str, dict[str, str]]]] = {}
