"""Every error a form can show is in the GOV.UK voice, never a library's default wording.

Each form the product has (the task forms, the referral, administration, accounts, signing in
and changing a password) is posted empty, with answers of the wrong type and with answers out of
range, field by field and all at once, and every message it gives back is checked. A message is
a library default if WTForms made it: while the forms run, WTForms' own translation hook marks
every message it produces, so a default is caught whatever its wording (and however a later
WTForms words it). Messages copied from a library by hand are caught by their wording.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import wtforms
from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import Field

import app as app_package
from app.accounts.forms import AccountForm, ConfirmForm
from app.admin.forms import ClosureForm, SettingForm, TermForm
from app.auth.forms import ChangePasswordForm, LoginForm
from app.cases import services as cases
from app.cases.forms import ReferralForm, StartPathwayForm
from app.extensions import db
from app.formkit.base import GovForm, TaskForm
from app.formkit.fields import GovDateField
from app.formkit.wtforms33 import SelectChoice
from app.models import Team
from app.moves.forms import MoveForm
from app.revisions.forms import NoteForm, UploadForm
from app.timescales.settings import DEFINITIONS
from tests.conftest import login
from tests.fixtures.forms import all_form_keys, shipped_form

MARK = "⟦library default⟧ "
# Library wordings, in case one was copied into our code rather than produced by the library.
LIBRARY_WORDING = re.compile(
    r"This field is required|Not a valid|Invalid [Cc]hoice|not a valid choice|are not valid choices"
    r"|Field must be|Number must be|Date must be (at|between)|Invalid (email address|input|value)|CSRF token"
    r"|could not be coerced|could not coerce",
)
WRONG_TYPE = "not a number ☃"
OUT_OF_RANGE = ["-99999999999", "99999999999999", "1e999999", "NaN", "-1", "x" * 10_001]
DATES = [["", "3", "2026"], ["31", "2", "2026"], ["1", "1", "1800"], ["1", "1", "9999"], ["a", "b", "c"]]

Build = Callable[[MultiDict[str, Any] | None], GovForm]


def every_form(app: Flask) -> Iterator[tuple[str, Build]]:
    """Each form the product shows, built as its page builds it (choices set, arguments given)."""
    teams = list(db.session.scalars(db.select(Team)))

    def referral(data: MultiDict[str, Any] | None) -> GovForm:
        asks = {p.key for p in cases.PATHWAYS if p.asks_attendance}
        form = ReferralForm(formdata=data, meta={"csrf": False}, asks_attendance=asks)
        form.pathway.choices = [(p.key, p.label) for p in cases.PATHWAYS]
        return form

    def attendance_referral(data: MultiDict[str, Any] | None) -> GovForm:
        """The referral with a pathway chosen that asks for attendance, so its questions are checked."""
        answers = MultiDict(data or {})
        answers.setdefault("pathway", "attendance_support")
        return referral(answers if data is not None else None)

    def start_pathway(data: MultiDict[str, Any] | None) -> GovForm:
        form = StartPathwayForm(formdata=data, meta={"csrf": False})
        form.pathway.choices = [(p.key, p.label) for p in cases.PATHWAYS]
        return form

    yield "referral", referral
    yield "referral about attendance", attendance_referral
    yield "start another pathway", start_pathway
    for setting in DEFINITIONS:
        yield f"setting {setting.name}", lambda d, s=setting: SettingForm(s, formdata=d, meta={"csrf": False})
    yield "term", lambda d: TermForm(formdata=d, meta={"csrf": False})
    yield "closure", lambda d: ClosureForm(formdata=d, meta={"csrf": False})
    yield "new account", lambda d: AccountForm(teams, new=True, formdata=d, meta={"csrf": False})
    yield "account", lambda d: AccountForm(teams, new=False, formdata=d, meta={"csrf": False})
    yield "confirm", lambda d: ConfirmForm(formdata=d, meta={"csrf": False})
    yield "change note", lambda d: NoteForm(formdata=d, meta={"csrf": False})
    yield "upload a diagram", lambda d: UploadForm(formdata=d, meta={"csrf": False})

    def move(data: MultiDict[str, Any] | None) -> GovForm:
        form = MoveForm(formdata=data, meta={"csrf": False})
        form.source.choices = form.target.choices = [
            SelectChoice("1", "Version 1"),
            SelectChoice("2", "Version 2"),
        ]
        return form

    yield "move cases", move
    yield "sign in", lambda d: LoginForm(formdata=d, meta={"csrf": False})
    yield "change password", lambda d: ChangePasswordForm(12, formdata=d, meta={"csrf": False})
    for key in all_form_keys():
        cls = shipped_form(key)
        yield f"task form {key}", lambda d, c=cls: c(formdata=d, meta={"csrf": False})


def hostile_answers(form: GovForm) -> Iterator[tuple[str, MultiDict[str, Any]]]:
    """Answers to provoke every check: nothing, the wrong type, out of range; each field alone and
    all at once (cross-field rules need their neighbours answered)."""
    yield "nothing", MultiDict()
    names = [f.name for f in form if f.name != "csrf_token"]
    dates = {f.name for f in form if isinstance(f, GovDateField)}
    for round_, value in enumerate([WRONG_TYPE, *OUT_OF_RANGE, "y", "0"]):
        everything: MultiDict[str, Any] = MultiDict()
        for name in names:
            if name in dates:  # a date is three boxes: each round gets a different bad date
                everything.setlist(name, DATES[round_ % len(DATES)])
            else:
                everything.add(name, value)
                yield f"{name}={value[:20]!r}", MultiDict([(name, value)])
        yield f"every answer {value[:20]!r}", everything
    for name in dates:
        for parts in DATES:
            yield f"{name}={parts}", MultiDict([(name, p) for p in parts])


def messages(form: GovForm) -> Iterator[str]:
    for field in form:
        yield from (str(e) for e in field.errors)
    yield from (str(e) for e in form.form_errors)


def not_govuk(message: str) -> str:
    """Why `message` is not in the GOV.UK voice; "" if it is."""
    if message.startswith(MARK):
        return "a library default"
    if LIBRARY_WORDING.search(message):
        return "a library's wording"
    if message.rstrip().endswith("."):
        return "ends with a full stop"
    if not message[:1].isupper():
        return "does not start with a capital letter"
    return ""


@pytest.fixture
def marked_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every message WTForms words itself comes out marked."""
    gettext, ngettext = Field.gettext, Field.ngettext
    monkeypatch.setattr(Field, "gettext", lambda self, s: MARK + gettext(self, s))
    monkeypatch.setattr(Field, "ngettext", lambda self, s, p, n: MARK + ngettext(self, s, p, n))


def test_the_checker_knows_a_library_default_from_our_words(ctx, marked_defaults) -> None:
    with ctx.test_request_context(method="POST"):
        form = wtforms.Form(formdata=MultiDict([("n", "x")]))
        field = wtforms.IntegerField("Number", [wtforms.validators.InputRequired()]).bind(form, "n")
        field.process(MultiDict([("n", "x")]))
        assert not field.validate(form)
        assert not_govuk(field.errors[0]) == "a library default"
    assert not_govuk("Not a valid decimal value") == "a library's wording"
    assert not_govuk("Enter the child's attendance as a percentage") == ""
    assert not_govuk("Enter your name.") == "ends with a full stop"


def test_every_form_answers_bad_input_in_the_govuk_voice(ctx, marked_defaults) -> None:
    found: dict[str, set[str]] = {}
    checked = 0
    with ctx.test_request_context(method="POST"):
        for name, build in every_form(ctx):
            for answers_name, answers in hostile_answers(build(None)):
                form = build(answers)
                form.validate()
                for message in messages(form):
                    checked += 1
                    if why := not_govuk(message):
                        said = message.removeprefix(MARK)[:90]
                        found.setdefault(f"{name}: {said!r} ({why})", set()).add(answers_name[:60])
    assert checked > 2000
    assert not found, "\n".join(
        f"{problem} after {sorted(how)[:3]}" for problem, how in sorted(found.items())
    )


# Radios built straight from WTForms with validate_choice=False in form classes the pathway work
# is turning into data; the data builder should make them optional radios (forms/fields.py).
KEEPS_ANY_ANSWER: set[tuple[str, str]] = set()  # every radio refuses an answer not on its list


def test_an_answer_that_is_not_one_of_the_choices_is_refused_in_the_govuk_voice(ctx, marked_defaults) -> None:
    kept: set[tuple[str, str]] = set()
    refused = 0
    with ctx.test_request_context(method="POST"):
        for name, build in every_form(ctx):
            for field in build(None):
                if not isinstance(field, wtforms.SelectFieldBase) or field.name == "csrf_token":
                    continue
                form = build(MultiDict([(field.name, "not-on-the-list")]))
                form.validate()
                if not form[field.name].errors:
                    kept.add((name, field.name))
                    continue
                refused += 1
                assert not [m for m in form[field.name].errors if not_govuk(m)], (name, field.name)
    assert refused > 100
    assert kept == KEEPS_ANY_ANSWER


def test_every_form_class_in_the_product_is_checked(ctx) -> None:
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        importlib.import_module(module.name)

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    with ctx.test_request_context(method="POST"):
        checked = {type(build(None)) for _, build in every_form(ctx)}
    # Task forms are built from definitions (every shipped one is checked above); the classes
    # written in Python are the other forms, and each must be checked too.
    ours = {
        c
        for c in subclasses(GovForm)
        if not c.__module__.startswith("tests.") and not issubclass(c, TaskForm)
    }
    assert ours - checked == set()
    assert {f"task form {key}" for key in all_form_keys()} <= {name for name, _ in every_form(ctx)}


def test_a_form_sent_without_its_csrf_token_is_answered_in_plain_words(ctx) -> None:
    client = ctx.test_client()
    login(client, "practitioner@example.org")
    ctx.config["WTF_CSRF_ENABLED"] = True
    try:
        for url in ["/login", "/referrals/new", "/password"]:
            page = client.post(url, data={"first_name": "Isla"}).get_data(as_text=True)
            assert "Sorry, your form could not be sent" in page, url
            assert not LIBRARY_WORDING.search(page), url
    finally:
        ctx.config["WTF_CSRF_ENABLED"] = False
