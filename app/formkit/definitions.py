"""Task form definitions: the data a pathway's forms are made of, and the checks they must pass.

A pathway's forms are one JSON file, `forms/<process_id>.json`:

    {"process": "child_in_need_plan", "forms": [<form>, ...]}

where each <form> is a form-js schema (the format Camunda Modeler and bpmn.io's form editor
write) whose `id` is the form key a user task names. Of form-js, the product reads these
components and settings:

    textfield, textarea   label, description (the hint), validate.required, validate.maxLength
    number                label, description, decimalDigits (0: a whole number),
                          validate.required, validate.min, validate.max
    radio, checklist      label, description, values [{label, value}], validate.required
    datetime (subtype     dateLabel, description, validate.required
      "date")
    any of them           conditional.hide: when the field does not apply (a FEEL condition,
                          app/formkit/conditions.py); a hidden field is never required

and these custom properties (form-js `properties`, all text):

    requiredMessage  the error when a required field is left empty, in the GOV.UK voice
    lengthMessage    the error when text is too long (default: "<label> must be N characters or less")
    errorName        how errors name the field when its label will not do ("Hours a week")
    dateLimit        past | before_today | future
    yearsBack        how far back a date may be (default 25 years)
    yearsAhead       how far ahead a date may be (default 5 years)
    rules            named rules (app/pathways), comma-separated, run once the field's own checks pass
    meeting          the column of a recorded meeting this answer fills (held_on, attendees, ...)

Everything else a form needs is a named rule or effect, never code in the definition.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.formkit.conditions import ConditionError, parse

FIELD_TYPES = frozenset({"textfield", "textarea", "number", "radio", "checklist", "datetime"})
PROPERTIES = frozenset(
    {
        "requiredMessage",
        "lengthMessage",
        "errorName",
        "dateLimit",
        "yearsBack",
        "yearsAhead",
        "rules",
        "meeting",
    }
)
VALIDATE_KEYS = {
    "textfield": {"required", "maxLength"},
    "textarea": {"required", "maxLength"},
    "number": {"required", "min", "max"},
    "radio": {"required"},
    "checklist": {"required"},
    "datetime": {"required"},
}
DATE_LIMITS = frozenset({"past", "before_today", "future"})
_KEY = re.compile(r"[a-z][a-z0-9_]{0,62}\Z")
_FORM_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\Z")
RESERVED_KEYS = frozenset({"typename", "csrf_token", "submit", "case_reference", "child_name"})
MOST_FORMS, MOST_FIELDS, MOST_CHOICES = 200, 100, 100
LONGEST_TEXT = 20_000


class InvalidForms(ValueError):
    """Form definitions that cannot be used; `problems` name the form and field of each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class FormBundle:
    """One process's task form definitions, checked, with the text they were read from."""

    process_id: str
    text: str
    forms: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # The WTForms classes built from these forms, by form key (app/formkit/builder.py fills it).
    built: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def fields(self, form_key: str) -> list[Mapping[str, Any]]:
        return list(self.forms[form_key]["components"])

    def rule_names(self) -> Iterator[tuple[str, str, str]]:
        """(form key, field key, rule name) for every named rule the forms use."""
        for form_key, form in self.forms.items():
            for component in form["components"]:
                for name in split_names(component.get("properties", {}).get("rules", "")):
                    yield form_key, component["key"], name


def split_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def empty_bundle(process_id: str) -> FormBundle:
    return FormBundle(process_id, "")


def load_bundle(text: str, filename: str) -> FormBundle:
    """Read and check a process's form definitions; InvalidForms lists every problem."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidForms([f"{filename} is not valid JSON: {exc}"]) from None
    if not isinstance(document, dict) or not isinstance(document.get("forms"), list):
        raise InvalidForms([f'{filename} must be an object with a list of forms under "forms"'])
    process_id = document.get("process")
    if not isinstance(process_id, str) or not process_id:
        raise InvalidForms([f'{filename} must name its process under "process"'])
    problems: list[str] = []
    forms: dict[str, Mapping[str, Any]] = {}
    if len(document["forms"]) > MOST_FORMS:
        problems.append(f"{filename} holds more than {MOST_FORMS} forms")
    for index, form in enumerate(document["forms"][:MOST_FORMS]):
        where = f"{filename}: form {index + 1}"
        if not isinstance(form, dict):
            problems.append(f"{where} is not an object")
            continue
        form_key = form.get("id")
        if not isinstance(form_key, str) or not _FORM_KEY.match(form_key):
            problems.append(f"{where} needs an id like 'cin.review' (the formKey its user task names)")
            continue
        if form_key in forms:
            problems.append(f"{filename}: two forms have the id '{form_key}'")
            continue
        problems.extend(form_problems(form, f"{filename}: the form '{form_key}'"))
        forms[form_key] = form
    if problems:
        raise InvalidForms(problems)
    return FormBundle(process_id, text, forms)


def form_problems(form: Mapping[str, Any], where: str) -> list[str]:
    """What is wrong with one form-js schema, for the product's use; [] if nothing."""
    if form.get("type", "default") != "default":
        return [f'{where} must be a form (type "default")']
    components = form.get("components")
    if not isinstance(components, list) or not components:
        return [f"{where} has no fields"]
    if len(components) > MOST_FIELDS:
        return [f"{where} has more than {MOST_FIELDS} fields"]
    problems: list[str] = []
    keys: list[str] = []
    for index, component in enumerate(components):
        if not isinstance(component, dict):
            problems.append(f"{where}: field {index + 1} is not an object")
            continue
        key = component.get("key")
        named = f"{where}, field '{key}'" if isinstance(key, str) else f"{where}, field {index + 1}"
        if not isinstance(key, str) or not _KEY.match(key) or keyword.iskeyword(key):
            problems.append(f"{named} needs a key of small letters, digits and underscores")
            continue
        if key in RESERVED_KEYS:
            problems.append(f"{named}: the key '{key}' is reserved")
        if key in keys:
            problems.append(f"{where} has two fields with the key '{key}'")
        keys.append(key)
        problems.extend(_component_problems(component, named))
    for component in components:
        hide = component.get("conditional", {}).get("hide") if isinstance(component, dict) else None
        if isinstance(hide, str) and hide.strip():
            try:
                unknown = parse(hide).names - set(keys)
            except ConditionError:
                continue  # reported with the field
            if unknown:
                problems.append(
                    f"{where}, field '{component.get('key')}': its condition names "
                    f"{', '.join(sorted(unknown))}, which this form does not ask"
                )
    return problems


def _text(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= LONGEST_TEXT


def _component_problems(component: Mapping[str, Any], named: str) -> list[str]:
    kind = component.get("type")
    if kind not in FIELD_TYPES:
        return [f"{named}: the field type '{kind}' is not one the product can show"]
    problems: list[str] = []
    label = component.get("dateLabel" if kind == "datetime" else "label")
    if not _text(label) or not str(label).strip():
        problems.append(f"{named} needs a {'dateLabel' if kind == 'datetime' else 'label'}")
    if "description" in component and not _text(component["description"]):
        problems.append(f"{named}: its description (hint) must be text")
    if kind == "datetime" and component.get("subtype", "date") != "date":
        problems.append(f"{named}: only dates are supported, not times")
    if kind in {"radio", "checklist"}:
        problems.extend(_choice_problems(component.get("values"), named))
    validate = component.get("validate", {})
    if not isinstance(validate, dict):
        problems.append(f"{named}: 'validate' must be an object")
        validate = {}
    for name in sorted(set(validate) - VALIDATE_KEYS[kind]):
        problems.append(f"{named}: the check '{name}' is not supported for a {kind}")
    for name in ("maxLength", "min", "max"):
        if name in validate and (not isinstance(validate[name], int) or isinstance(validate[name], bool)):
            problems.append(f"{named}: '{name}' must be a whole number")
    if "required" in validate and not isinstance(validate["required"], bool):
        problems.append(f"{named}: 'required' must be true or false")
    problems.extend(_property_problems(component.get("properties", {}), named, kind, validate))
    hide = (
        component.get("conditional", {}).get("hide")
        if isinstance(component.get("conditional"), dict)
        else None
    )
    if hide is not None:
        try:
            parse(str(hide))
        except ConditionError as exc:
            problems.append(f"{named}: its condition cannot be read: {exc}")
    return problems


def _choice_problems(values: Any, named: str) -> list[str]:
    if not isinstance(values, list) or not values:
        return [f"{named} needs its choices (values)"]
    if len(values) > MOST_CHOICES:
        return [f"{named} has more than {MOST_CHOICES} choices"]
    seen: set[str] = set()
    problems = []
    for choice in values:
        if not isinstance(choice, dict) or not _text(choice.get("value")) or not _text(choice.get("label")):
            problems.append(f"{named}: each choice needs a value and a label")
            continue
        if choice["value"] in seen:
            problems.append(f"{named}: the choice '{choice['value']}' is listed twice")
        seen.add(choice["value"])
    return problems


def _property_problems(props: Any, named: str, kind: str, validate: Mapping[str, Any]) -> list[str]:
    if not isinstance(props, dict):
        return [f"{named}: 'properties' must be an object"]
    problems = [
        f"{named}: the property '{n}' is not one the product reads" for n in sorted(set(props) - PROPERTIES)
    ]
    problems += [
        f"{named}: the property '{n}' must be text" for n, v in sorted(props.items()) if not _text(v)
    ]
    if problems:
        return problems
    if validate.get("required") and not props.get("requiredMessage", "").strip():
        problems.append(f"{named}: a required field needs a requiredMessage saying what to enter")
    if "dateLimit" in props and (kind != "datetime" or props["dateLimit"] not in DATE_LIMITS):
        problems.append(f"{named}: dateLimit must be past, before_today or future, on a date")
    for name in ("yearsBack", "yearsAhead"):
        if name in props and (
            kind != "datetime" or not props[name].isdigit() or not 0 < int(props[name]) <= 120
        ):
            problems.append(f"{named}: {name} must be a number of years from 1 to 120, on a date")
    return problems
