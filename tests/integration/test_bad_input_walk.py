"""Every route, walked with hostile values: bad input gets an answer, never a 500.

The routes are read from the app's URL map, so a route added tomorrow is walked too. Field
and query names are read from the pages themselves (every form and link the walk sees), so a
new form is posted with its own field names. The data is a small demo caseload, loaded once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
import wtforms
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Rule
from wtforms.fields.core import UnboundField

from app.access import can_work_task
from app.auth.services import create_api_token, find_user_by_email
from app.demo import load_demo
from app.extensions import db
from app.formkit.fields import GovDateField, GovFloatField
from app.models import (
    Case,
    HumanTask,
    MigrationRun,
    MigrationStatus,
    SavedView,
    SchoolClosure,
    TaskState,
    User,
)
from app.revisions.services import create_from_version
from app.timescales.settings import SETTINGS
from app.trials.services import start as start_trial
from app.workflow.library import current_version
from tests.conftest import _empty_tables, login
from tests.fixtures.forms import shipped_form

LONG = "x" * 10_000
HOSTILE_PATH = ["0", "-1", str(2**31), str(2**63), str(10**30), "NaN", LONG, "ünïcødé ☃", "../..", "\x00"]
HOSTILE_QUERY = [str(10**30), "-1", "NaN", "<script>alert(1)</script>", "\x00", LONG, "/\r\nX-Injected: 1"]
HOSTILE_ANSWERS = ["NaN", "sNaN", "Infinity", "-Infinity", "1e999999", "", str(10**30), LONG, "\x00", "-1"]
HOSTILE_DATES = [
    ["", "3", "2026"],
    ["1", "1", "1"],
    ["1", "1", "0001"],
    ["1", "1", "9999"],
    ["31", "2", "2026"],
    [str(10**30), "1", "2026"],
    ["NaN", "1e999999", "-1"],
]
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
DEEP_JSON = "[" * 100_000 + "]" * 100_000
BIG_BODY = b"x" * (3 * 1024 * 1024)
USERS = ("admin@example.org", "practitioner@example.org")
# The walk's failed sign-ins come from an address of their own, so that counting failures per
# address never locks out the address the rest of the tests sign in from.
WALK_ADDRESS = {"REMOTE_ADDR": "192.0.2.1"}


@dataclass
class FormSeen:
    """A form on a page: where it posts, the names it sends, and which of them are dates."""

    method: str
    action: str
    names: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)


class _PageReader(HTMLParser):
    """The forms and the query-string names of links on one page."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url, self.forms, self.query_names = page_url, list[FormSeen](), set[str]()
        self._form: FormSeen | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "?" in a.get("href", ""):
            self.query_names |= {k for k, _ in parse_qsl(urlsplit(a["href"]).query, keep_blank_values=True)}
        elif tag == "form":
            action = urlsplit(a.get("action") or self.page_url).path
            self._form = FormSeen(a.get("method", "get").lower(), action)
            self.forms.append(self._form)
        elif tag in {"input", "select", "textarea"} and self._form is not None and a.get("name"):
            self._form.names.add(a["name"])
            if "govuk-date-input__input" in a.get("class", ""):
                self._form.dates.add(a["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


@dataclass
class Walker:
    """Signed-in clients, what the pages showed them, and every answer that was a 500."""

    app: Flask
    headers: dict[str, dict[str, str]]
    samples: dict[str, str]
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    forms: dict[str, FormSeen] = field(default_factory=dict)
    query_names: dict[str, set[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    signed_out: bool = False  # whether the last call signed its user out

    def client(self, who: str) -> FlaskClient:
        """A client signed in as `who` (every demo user's password is "demo")."""
        if who not in self.clients:
            self.clients[who] = self.app.test_client()
            login(self.clients[who], who)
        return self.clients[who]

    def call(self, who: str, method: str, url: str, **kwargs: Any) -> Any:
        client = self.client(who)
        self.requests += 1
        try:
            response = client.open(
                url, method=method, headers=self.headers.get(who, {}), environ_base=WALK_ADDRESS, **kwargs
            )
        except Exception as exc:  # TESTING propagates what would be a 500 in production
            self.failures.append(f"{who} {method} {url[:120]!r} -> {exc.__class__.__name__}: {exc!s:.160}")
            return None
        body = response.get_data(as_text=True)
        if response.status_code >= 500 or "Traceback" in body:
            self.failures.append(f"{who} {method} {url[:120]!r} -> {response.status_code}")
        self.signed_out = response.status_code == 302 and "/login" in response.headers.get("Location", "")
        if self.signed_out:
            login(client, who)  # a route that signs out (or a lapsed session): sign in again
        if method == "GET" and response.status_code == 200 and response.mimetype == "text/html":
            self._read(url, body)
        return response

    def assert_no_500(self) -> None:
        (failures, self.failures), (requests, self.requests) = (self.failures, []), (self.requests, 0)
        assert not failures, f"{len(failures)} of {requests} answers were 500s:\n" + "\n".join(failures)
        assert requests > 0

    def _read(self, url: str, body: str) -> None:
        reader = _PageReader(urlsplit(url).path)
        reader.feed(body)
        path = urlsplit(url).path
        self.query_names.setdefault(path, set()).update(reader.query_names)
        for form in reader.forms:
            if form.method == "get":
                self.query_names[path] |= form.names
            else:
                seen = self.forms.setdefault(form.action, FormSeen("post", form.action))
                seen.names |= form.names - {"csrf_token"}
                seen.dates |= form.dates


def url_for_rule(rule: Rule, values: dict[str, str]) -> str:
    """The rule's path with each argument replaced by the given (quoted) value."""

    def fill(match: re.Match[str]) -> str:
        return quote(values[match.group(1)], safe="")

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", fill, rule.rule)


def walked_rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule.count("<"), r.rule))


def hostile_bodies(form: FormSeen, count: int = len(HOSTILE_ANSWERS)) -> Iterator[MultiDict[str, str]]:
    """`count` bodies giving every field of the form a hostile answer, and date fields broken dates.

    The answers turn with each field, so with `count` at its default every field gets every answer.
    """
    for n in range(count):
        body: MultiDict[str, str] = MultiDict()
        for k, name in enumerate(sorted(form.names)):
            if name in form.dates:
                for part in HOSTILE_DATES[(n + k) % len(HOSTILE_DATES)]:
                    body.add(name, part)
            else:
                body.add(name, HOSTILE_ANSWERS[(n + k) % len(HOSTILE_ANSWERS)])
        yield body


def hostile_json_bodies(form: FormSeen) -> Iterator[str]:
    """JSON that is not an object of answers, and objects whose answers are not text."""
    yield from [DEEP_JSON, "[1, 2]", '"text"', "1", "null", '{"a": NaN}', '{"a": "\\u0000"}']
    for answer in [{"a": 1}, [[1], "x"], 10**30, True] if form.names else []:
        yield json.dumps({name: answer for name in sorted(form.names)})


def users_for(app: Flask, rule: Rule) -> tuple[str, ...]:
    """Both users for a route that checks who is asking; one for a public route (such as sign-in)."""
    public = getattr(app.view_functions[rule.endpoint], "__access__", None) == "public"
    return USERS[:1] if public else USERS


@pytest.fixture(scope="module")
def walker(app: Flask) -> Iterator[Walker]:
    with app.app_context():
        load_demo(case_count=4)
        db.session.commit()
        closure = db.session.scalars(select(SchoolClosure).order_by(SchoolClosure.id)).first()
        assert closure is not None  # the default calendar has closure days
        task = db.session.scalars(select(HumanTask).where(HumanTask.state == TaskState.OPEN)).first()
        case = db.session.scalars(select(Case)).first()
        assert task is not None and case is not None
        owner = find_user_by_email("owner@example.org")
        assert owner is not None
        referral = current_version("referral_to_early_help")
        draft = create_from_version(referral, owner)
        trial = start_trial(draft, owner)
        run = MigrationRun(
            process_id=referral.process_id,
            source_version=referral,
            target_version=referral,
            status=MigrationStatus.FINISHED,
            reason="The walk's batch",
        )
        db.session.add(run)
        admin = find_user_by_email("admin@example.org")
        assert admin is not None
        view = SavedView(user_id=admin.id, kind="cases", name="The walk's view", query="overdue=1")
        db.session.add(view)
        db.session.flush()
        samples = {
            "view_id": str(view.id),
            "draft_id": str(draft.id),
            "trial_id": str(trial.id),
            "run_id": str(run.id),
            "reference": task.case.reference,
            "task_id": task.id,
            "instance_id": str(case.instances[0].id),  # the case's own process (a diagram page)
            "term_id": str(closure.term_id),
            "closure_id": str(closure.id),
            "name": next(iter(SETTINGS)),
            "process_id": "referral_to_early_help",
            "number": "1",
            "filename": "js/init.js",
        "figure": "assessments",  # a dashboard figure's list of cases
        }
        tokens = {email: create_api_token(find_user_by_email(email), "walk") for email in USERS}  # type: ignore[arg-type]
        db.session.commit()
        headers = {email: {"Authorization": f"Bearer {tokens[email]}"} for email in USERS}
        yield Walker(app, headers, samples)
        db.session.rollback()
        _empty_tables()
        db.session.remove()


def test_every_route_answers_hostile_path_values_without_a_500(app: Flask, walker: Walker) -> None:
    for rule in walked_rules(app):
        for method in sorted(rule.methods - SKIPPED_METHODS):
            for argument in rule.arguments:
                for value in HOSTILE_PATH:
                    url = url_for_rule(rule, {**walker.samples, argument: value})
                    for who in users_for(app, rule):
                        walker.call(who, method, url)
    walker.assert_no_500()


def test_every_page_answers_hostile_query_values_without_a_500(app: Flask, walker: Walker) -> None:
    pages = [r for r in walked_rules(app) if "GET" in r.methods and set(r.arguments) <= set(walker.samples)]
    for rule in pages:  # first, read every page as it is: its links name the query parameters
        for who in USERS:
            walker.call(who, "GET", url_for_rule(rule, walker.samples))
    for rule in pages:
        path = url_for_rule(rule, walker.samples)
        names = walker.query_names.get(path, set()) | {"page", "view", "sort", "status", "team", "next"}
        for value in HOSTILE_QUERY:
            query = "&".join(f"{quote(n)}={quote(value, safe='')}" for n in sorted(names))
            for who in users_for(app, rule):
                walker.call(who, "GET", f"{path}?{query}")
    walker.assert_no_500()
    assert {"view", "sort", "page"} <= walker.query_names["/worklist"]  # the links were read


def test_every_form_answers_hostile_answers_without_a_500(app: Flask, walker: Walker) -> None:
    pages = [r for r in walked_rules(app) if "GET" in r.methods and set(r.arguments) <= set(walker.samples)]
    for rule in pages:
        walker.call("admin@example.org", "GET", url_for_rule(rule, walker.samples))
    every_name = FormSeen("post", "", set().union(*(f.names for f in walker.forms.values())))
    every_name.dates = set().union(*(f.dates for f in walker.forms.values()))
    posts = [r for r in walked_rules(app) if "POST" in r.methods and set(r.arguments) <= set(walker.samples)]
    for rule in posts:
        url = url_for_rule(rule, walker.samples)
        form = walker.forms.get(url, every_name)
        posts_of_form: list[dict[str, Any]] = [{"data": body} for body in hostile_bodies(form)]
        posts_of_form.append({"data": BIG_BODY, "content_type": "application/x-www-form-urlencoded"})
        # Flask-WTF reads a JSON body as a form's answers.
        posts_of_form += [{"data": b, "content_type": "application/json"} for b in hostile_json_bodies(form)]
        for who in users_for(app, rule):
            for post in posts_of_form:
                walker.call(who, "POST", url, **post)
                if walker.signed_out:  # the route signs out (as /logout does): nothing more to post
                    break
    walker.assert_no_500()
    assert {"date_of_birth", "attendance_percent"} <= walker.forms["/referrals/new"].dates | walker.forms[
        "/referrals/new"
    ].names
    assert any(path.startswith("/admin/") for path in walker.forms)  # the admin forms were posted


def test_every_task_form_in_the_demo_answers_hostile_answers_without_a_500(walker: Walker) -> None:
    open_tasks = db.session.scalars(
        select(HumanTask).where(HumanTask.state == TaskState.OPEN).order_by(HumanTask.id)
    ).all()
    one_per_form = {t.form_key: t for t in open_tasks}
    assert len(one_per_form) >= 10
    people = db.session.scalars(select(User).order_by(User.id)).all()
    for task in one_per_form.values():
        # Someone who may work the task, so the page shows its form and a post is validated.
        who = next(u.email for u in people if can_work_task(u, task) and task.assignee_id in (None, u.id))
        url = f"/tasks/{task.id}"
        walker.call(who, "GET", url)
        # A few bodies per form: test_hostile_answers.py gives each field every answer on its own.
        for body in hostile_bodies(walker.forms[url], count=3):
            walker.call(who, "POST", url, data=body)
    walker.assert_no_500()
    kinds = set().union(*(field_kinds(shipped_form(key)) for key in one_per_form))
    assert {GovDateField, GovFloatField, wtforms.IntegerField} <= kinds  # dates and numbers were posted


def field_kinds(form_class: type) -> set[type]:
    """The classes of a form's fields, read from its declaration."""
    declared = (getattr(form_class, name) for name in dir(form_class))
    return {f.field_class for f in declared if isinstance(f, UnboundField)}


def test_the_api_answers_oversized_deep_and_broken_json_without_a_500(app: Flask, walker: Walker) -> None:
    task_id = walker.samples["task_id"]
    bodies: list[tuple[bytes | str, str]] = [
        (DEEP_JSON, "application/json"),
        ('{"a": ' * 50_000 + "1" + "}" * 50_000, "application/json"),
        (BIG_BODY, "application/json"),
        ('{"triage_decision": NaN, "x": Infinity}', "application/json"),
        ('{"x": 1e999999}', "application/json"),
        ('{"x": "\\u0000", "y": "\\ud800"}', "application/json"),
        ('{"x": ' + "1" * 5000 + "}", "application/json"),
        ("{not json", "application/json"),
        ("\xff\xfe", "application/json"),
        ("[]", "application/json"),
        ("", "text/plain"),
    ]
    posts = [r for r in walked_rules(app) if r.rule.startswith("/api/") and "POST" in r.methods]
    assert posts
    for rule in posts:
        url = url_for_rule(rule, {**walker.samples, "task_id": task_id})
        for body, content_type in bodies:
            for who in USERS:
                walker.call(who, "POST", url, data=body, content_type=content_type)
    walker.assert_no_500()
