"""One builder: a task form definition (form-js JSON, see definitions.py) becomes a WTForms form
with the GOV.UK widgets the pages use.

Built classes are kept per definition (a version's definitions never change), so a page or a
submission costs a dictionary look-up, not a build.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from typing import Any

import wtforms
from govuk_frontend_wtf import wtforms_widgets as gov
from wtforms import ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation

from app.formkit.base import TaskForm
from app.formkit.conditions import Condition, parse
from app.formkit.definitions import FormBundle, split_names
from app.formkit.fields import NOT_LISTED, YEARS_AHEAD, YEARS_BACK, GovDateField, GovFloatField, require
from app.formkit.wtforms33 import IntegerField, RadioField, SelectChoice, SelectMultipleField

Validator = Callable[[Any, wtforms.Field], None]
_strip = [lambda v: v.strip() if isinstance(v, str) else v]
_built: dict[str, type[TaskForm]] = {}
_lock = threading.Lock()


def form_class(bundle: FormBundle, form_key: str) -> type[TaskForm]:
    """The WTForms class for one form of a bundle (KeyError if the bundle has no such form)."""
    cls: type[TaskForm] | None = bundle.built.get(form_key)
    if cls is None:
        cls = bundle.built[form_key] = _shared(form_key, bundle.forms[form_key])
    return cls


def _shared(form_key: str, schema: Mapping[str, Any]) -> type[TaskForm]:
    """One class for equal definitions, whichever versions hold them (most revisions leave most
    forms as they were)."""
    digest = hashlib.sha256(json.dumps([form_key, schema], sort_keys=True).encode("utf-8")).hexdigest()
    cls = _built.get(digest)
    if cls is None:
        with _lock:
            cls = _built.get(digest) or build(form_key, schema)
            _built[digest] = cls
    return cls


def build(form_key: str, schema: Mapping[str, Any]) -> type[TaskForm]:
    """Make the form class for a checked definition (definitions.form_problems found nothing)."""
    attrs: dict[str, Any] = {"form_key": form_key}
    rules: dict[str, tuple[str, ...]] = {}
    for component in schema["components"]:
        key = component["key"]
        attrs[key] = _field(component)
        names = split_names(component.get("properties", {}).get("rules", ""))
        if names:
            rules[key] = tuple(names)
    attrs["field_rules"] = rules
    name = "".join(part.title() for part in form_key.replace(".", "_").split("_")) + "Form"
    return type(name, (TaskForm,), attrs)


def _condition(component: Mapping[str, Any]) -> Condition | None:
    hide = (component.get("conditional") or {}).get("hide")
    return parse(hide) if isinstance(hide, str) and hide.strip() else None


def _answers(form: Any) -> dict[str, Any]:
    return {field.name: field.data for field in form.data_fields()}


def _when_it_applies(hidden: Condition, message: str, choices: set[str] | None) -> Validator:
    """Required only where the field applies (its condition does not hide it)."""

    def check(form: Any, field: wtforms.Field) -> None:
        if hidden.holds(_answers(form)):
            return
        require(field, message)
        if choices is not None and field.data not in choices:
            raise StopValidation(message)

    return check


def _one_of(choices: set[str], message: str) -> Validator:
    """An optional radio's answer, if given, is one of its choices."""

    def check(_form: Any, field: wtforms.Field) -> None:
        if field.data not in (None, "") and field.data not in choices:
            raise StopValidation(message)

    return check


def _field(component: Mapping[str, Any]) -> Any:
    kind = component["type"]
    props: Mapping[str, str] = component.get("properties", {})
    validate: Mapping[str, Any] = component.get("validate", {})
    hidden = _condition(component)
    required = bool(validate.get("required"))
    message = props.get("requiredMessage", "")
    always = required and hidden is None  # required whatever else is answered
    label = component.get("dateLabel" if kind == "datetime" else "label", "")
    common: dict[str, Any] = {"description": component.get("description", "")}
    if kind == "datetime":
        checks: list[Any] = (
            [_when_it_applies(hidden, message, None)] if required and hidden is not None else []
        )
        return GovDateField(
            label,
            message if always else "",
            limit=props.get("dateLimit", ""),
            years_back=int(props.get("yearsBack", YEARS_BACK)),
            years_ahead=int(props.get("yearsAhead", YEARS_AHEAD)),
            error_name=props.get("errorName", ""),
            validators=checks,
            **common,
        )
    if kind in {"radio", "checklist"}:
        return _choice_field(kind, label, component, message, always, required, hidden, common)
    if kind == "number":
        return number_field(component)
    checks = [DataRequired(message)] if always else []
    if required and hidden is not None:
        checks.insert(0, _when_it_applies(hidden, message, None))
    limit = int(validate.get("maxLength", 200 if kind == "textfield" else 5000))
    checks.append(
        Length(
            max=limit,
            message=props.get("lengthMessage") or f"{label.rstrip('?')} must be {limit} characters or less",
        )
    )
    if kind == "textarea":
        return wtforms.TextAreaField(label, checks, filters=_strip, widget=gov.GovTextArea(), **common)
    return wtforms.StringField(label, checks, filters=_strip, widget=gov.GovTextInput(), **common)


def _choice_field(
    kind: str,
    label: str,
    component: Mapping[str, Any],
    message: str,
    always: bool,
    required: bool,
    hidden: Condition | None,
    common: dict[str, Any],
) -> Any:
    choices = [SelectChoice(str(c["value"]), str(c["label"])) for c in component["values"]]
    values = {c.value for c in choices}
    wrong = message or NOT_LISTED
    if kind == "checklist":
        checks: list[Any] = [InputRequired(message)] if always else []
        if required and hidden is not None:
            checks.insert(0, _when_it_applies(hidden, message, None))
        checks.append(_all_listed(values, wrong))
        return SelectMultipleField(
            label, checks, choices=choices, validate_choice=False, widget=gov.GovCheckboxesInput(), **common
        )
    if always:
        return RadioField(
            label,
            [InputRequired(message)],
            choices=choices,
            invalid_choice_message=message,
            widget=gov.GovRadioInput(),
            **common,
        )
    checks = [_when_it_applies(hidden, message, values)] if required and hidden is not None else []
    checks.append(_one_of(values, wrong))
    return RadioField(
        label, checks, choices=choices, validate_choice=False, widget=gov.GovRadioInput(), **common
    )


def _all_listed(values: set[str], message: str) -> Validator:
    def check(_form: Any, field: wtforms.Field) -> None:
        if any(v not in values for v in field.data or []):
            raise StopValidation(message)

    return check


def number_field(component: Mapping[str, Any]) -> Any:
    """A whole number (decimalDigits 0) or a decimal typed in a text box, with its bounds."""
    props: Mapping[str, str] = component.get("properties", {})
    validate: Mapping[str, Any] = component.get("validate", {})
    label = component.get("label", "")
    whole = component.get("decimalDigits") == 0
    name = props.get("errorName") or label.rstrip("?")
    hidden = _condition(component)
    required = bool(validate.get("required"))
    message = props.get("requiredMessage", "")
    checks: list[Any] = []
    if required and hidden is not None:
        checks.append(_number_where_it_applies(hidden, message))
    else:
        checks.append(InputRequired(message) if required else Optional())
    low, high = validate.get("min"), validate.get("max")
    if low is not None or high is not None:
        checks.append(_within(name, low, high, whole))
    invalid = f"{name} must be a whole number, like 12" if whole else f"{name} must be a number, like 85.5"
    field_type = IntegerField if whole else GovFloatField
    return field_type(
        label,
        checks,
        invalid_value_message=invalid,
        widget=gov.GovTextInput(),
        description=component.get("description", ""),
    )


def _number_where_it_applies(hidden: Condition, message: str) -> Validator:
    """An empty box is not a typing error: required (with `message`) where the field applies,
    left alone where it does not, as InputRequired() and Optional() each do alone."""

    def check(form: Any, field: wtforms.Field) -> None:
        if field.raw_data and str(field.raw_data[0]).strip():
            return  # typed: its own checks follow
        field.errors = []
        raise StopValidation() if hidden.holds(_answers(form)) else StopValidation(message)

    return check


def _within(name: str, low: int | None, high: int | None, whole: bool) -> Validator:
    def check(_form: Any, field: wtforms.Field) -> None:
        if field.data is None:  # a typing error has its own message
            return
        if whole or low is None or high is None:
            if low is not None and field.data < low:
                raise ValidationError(f"{name} must be {low:,} or more")
            if high is not None and field.data > high:
                raise ValidationError(f"{name} must be {high:,} or less")
        elif not low <= field.data <= high:
            raise ValidationError(f"{name} must be between {low:g} and {high:g}")

    return check
