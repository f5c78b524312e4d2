"""Rules every route and page must keep, checked across the whole app."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Rule

from app.auth.services import create_user
from app.config import ROOT
from app.extensions import db
from app.models import AuditEvent, MigrationRun, MigrationStatus, Role, SavedView, SchoolClosure, SchoolTerm
from app.oversight.services import record_incident
from app.revisions.services import create_from_version
from app.timescales.settings import SETTINGS
from app.transactions import commit_or_roll_back, in_own_transaction
from app.trials.services import start as start_trial
from app.workflow import instances
from app.workflow.library import current_version
from app.worklist import queries as worklist_queries
from tests import factories
from tests.checked_client import CheckedClient
from tests.conftest import login
from tests.fixtures.diagrams import two_step

# Signed out, then one person of each role (a school's own staff are practitioners).
WALKERS = (None, "practitioner@example.org", "manager@example.org", "owner@example.org", "admin@example.org")
# What the walk's posts do, as the audit trail records it. Not "task.assigned": giving a task to
# someone else needs a reason typed, which the walk's forms leave blank (as for resolving an
# incident); tests/integration/test_reassign_with_reason.py walks it through the checked client.
DONE_BY_THE_WALK = {
    "task.claimed",
    "task.released",
    "incident.retried",
    "account.deactivated",
    "account.reactivated",
    "account.password_reset",
    "school_term.closure_removed",
    "school_term.deleted",
    "auth.signed_out",
}


def test_every_route_declares_who_may_use_it(app: Flask) -> None:
    undeclared = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        if not hasattr(view, "__access__"):
            undeclared.append(rule.rule)
    assert undeclared == []


def test_only_the_engine_package_imports_spiffworkflow() -> None:
    offenders = []
    for path in list((ROOT / "app").rglob("*.py")) + list((ROOT / "forms").rglob("*.py")):
        if "engine" in path.relative_to(ROOT).parts[:2]:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] == "SpiffWorkflow" for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_routes_never_touch_the_database_session() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "app").rglob("routes.py")
        if re.search(r"db\.session\.", p.read_text())
    ]
    assert offenders == []


def test_signed_out_visitors_are_sent_to_sign_in(client) -> None:
    for url in ["/worklist", "/cases", "/referrals/new", "/incidents"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_every_post_form_on_every_page_carries_a_csrf_token(ctx, people) -> None:
    csrf_app: Flask = ctx
    csrf_app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = csrf_app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/login", data={"email": "manager@example.org", "password": "demo", "csrf_token": token}
        )
        assert response.status_code == 302
        case = factories.refer(people["school"])
        task = factories.only_open_task(case)
        pages = [
            "/worklist",
            "/worklist?view=team",
            "/cases",
            "/referrals/new",
            "/incidents",
            f"/cases/{case.reference}",
            f"/tasks/{task.id}",
        ]
        posting = set()
        for url in pages:
            html = client.get(url).get_data(as_text=True)
            for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, flags=re.S | re.I):
                assert 'name="csrf_token"' in form, url
                posting.add(url)
        assert {"/referrals/new", f"/tasks/{task.id}"} <= posting  # the forms were found to check
        # and a post without a token is refused
        assert client.post(f"/tasks/{task.id}/claim").status_code == 400
    finally:
        csrf_app.config["WTF_CSRF_ENABLED"] = False


class FormValues(HTMLParser):
    """The answers each post form on a page sends as drawn: the values it shows, each radio
    group's first choice, each select's chosen (or first) option, or the first real one where it
    starts blank ("Choose a person"), boxes already ticked."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, MultiDict[str, str]] = {}
        self._form: MultiDict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = self.forms.setdefault(urlsplit(a.get("action", "")).path, MultiDict())
        elif self._form is None or not (a.get("name") or self._select):
            return
        elif tag == "input" and a.get("type") in ("radio", "checkbox"):
            if "checked" in a or (a["type"] == "radio" and a["name"] not in self._form):
                self._form.setlist(a["name"], [a.get("value", "on")]) if a["type"] == "radio" else None
                if a["type"] == "checkbox":
                    self._form.add(a["name"], a.get("value", "on"))
        elif tag == "input" and a.get("type") not in ("submit", "button"):
            self._form.add(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            value, current = a.get("value", ""), self._form.get(self._select)
            # the chosen option; where a select starts blank, the first a person could choose
            if ("selected" in a and value) or current is None or (current == "" and value):
                self._form.setlist(self._select, [value])
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.add(a["name"], "")

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.setlist(self._textarea, [self._form[self._textarea] + data])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@pytest.fixture
def walk_values(ctx, people) -> dict[str, str]:
    """A value for each argument of every route: a case with an open task, an incident, a school
    term with a closure day, an account to act on (all rolled back after the test)."""
    case = factories.refer(people["school"])
    factories.publish_test_diagram(two_step(process_id="walk_incident"))
    broken = factories.bare_case(people["practitioner"])
    instance = instances.start_process(broken, "walk_incident", {"referral_date": "2026-12-04"}, None)
    db.session.commit()
    incident = in_own_transaction(lambda: record_incident(instance.id, "The walk's incident", None))
    term = SchoolTerm(
        school="Hammond Academy", name="Walk term", starts_on=date(2026, 9, 3), ends_on=date(2026, 10, 16)
    )
    term.closures.append(SchoolClosure(day=date(2026, 9, 4), reason="INSET day"))
    account = create_user(
        "walk.target@example.org", "Walk Target", "walk-target-password", Role.PRACTITIONER, []
    )
    db.session.add(term)
    referral = current_version("referral_to_early_help")
    draft = create_from_version(referral, people["owner"])
    run = MigrationRun(
        process_id=referral.process_id,
        source_version=referral,
        target_version=referral,
        status=MigrationStatus.FINISHED,
        reason="The walk's batch",
    )
    db.session.add(run)
    trial = start_trial(draft, people["owner"])
    view = SavedView(user_id=people["manager"].id, kind="cases", name="The walk's view", query="overdue=1")
    db.session.add(view)
    db.session.commit()
    return {
        "view_id": str(view.id),
        "trial_id": str(trial.id),
        "draft_id": str(draft.id),
        "run_id": str(run.id),
        "reference": case.reference,
        "task_id": factories.only_open_task(case).id,
        "instance_id": str(factories.only_open_task(case).instance_id),
        "incident_id": str(incident.id),
        "term_id": str(term.id),
        "closure_id": str(term.closures[0].id),
        "user_id": str(account.id),
        "name": next(iter(SETTINGS)),
        "process_id": "referral_to_early_help",
        "number": "1",
        "filename": "js/init.js",
        "figure": "assessments",  # a dashboard figure's list of cases
    }


@dataclass
class RouteWalk:
    """One person (or nobody) walking every route, noting each answer the checked client refused."""

    app: Flask
    who: str | None
    values: dict[str, str]
    failures: list[str] = field(default_factory=list)
    answers: list[tuple[str, str, int]] = field(default_factory=list)  # method, url, status
    forms: dict[str, MultiDict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.client = self.app.test_client()
        if self.who:
            login(self.client, self.who)

    def url(self, rule: Rule) -> str:
        return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: self.values[m.group(1)], rule.rule)

    def send(self, method: str, url: str, data: MultiDict[str, str] | None = None) -> Any:
        try:
            response = self.client.open(url, method=method, data=data)
        except pytest.fail.Exception as failed:
            self.failures.append(f"as {self.who or 'nobody signed in'}: {failed}")
            return None
        self.answers.append((method, url, response.status_code))
        if self.who and response.status_code == 302 and "/login" in response.headers.get("Location", ""):
            login(self.client, self.who)  # signed out (by /logout, say): sign in again
        if method == "GET" and response.mimetype == "text/html":
            reader = FormValues()
            reader.feed(response.get_data(as_text=True))
            self.forms |= reader.forms
        return response

    def walk(self, rules: list[Rule]) -> None:
        """Read each page, then send each post empty and as its page's form was drawn."""
        for rule in rules:
            url = self.url(rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                self.send(method, url)
                if method != "GET" and url in self.forms:
                    self.send(method, url, self.forms[url])


def test_no_request_leaves_uncommitted_changes(ctx, walk_values) -> None:
    """Every route, as each role and signed out. The checked client fails any request that ends
    with changes neither committed nor rolled back (tests/checked_client.py), or a server error."""
    rules = sorted(
        (r for r in ctx.url_map.iter_rules() if r.endpoint != "static"),
        key=lambda r: (r.rule == "/logout", r.rule),  # signing out last
    )
    walks = [RouteWalk(ctx, who, walk_values) for who in WALKERS]
    for walk in walks:
        walk.walk(rules)
    failures = [failure for walk in walks for failure in walk.failures]
    assert failures == [], "\n".join(failures)
    sent = {(method, url) for walk in walks for method, url, _ in walk.answers}
    assert sent >= {(m, walks[0].url(r)) for r in rules for m in r.methods - {"HEAD", "OPTIONS"}}
    # The posts that did their work were committed (so those paths were walked, and kept).
    db.session.rollback()
    kept = set(db.session.scalars(select(AuditEvent.action)))
    assert kept >= DONE_BY_THE_WALK, DONE_BY_THE_WALK - kept


def test_a_request_that_leaves_changes_uncommitted_fails_its_test(ctx, client, people, monkeypatch) -> None:
    """The check above can fail: with the request edge's commit taken away, claiming a task
    leaves its change neither committed nor rolled back, and the client says so."""
    login(client, "practitioner@example.org")
    task = factories.only_open_task(factories.refer(people["school"]))
    edge = [f for f in ctx.after_request_funcs[None] if f is not commit_or_roll_back]
    monkeypatch.setitem(ctx.after_request_funcs, None, edge)
    with pytest.raises(
        pytest.fail.Exception, match=f"POST /tasks/{task.id}/claim answered 302:\n.*neither committed"
    ):
        client.post(f"/tasks/{task.id}/claim")


def test_a_server_error_fails_its_test_unless_the_test_expects_one(ctx, client, monkeypatch) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a fault")

    monkeypatch.setitem(ctx.config, "PROPAGATE_EXCEPTIONS", False)  # the sorry page, as in production
    monkeypatch.setattr(worklist_queries, "worklist", fail)
    login(client, "practitioner@example.org")
    with pytest.raises(
        pytest.fail.Exception,
        match=r"GET /worklist answered 500:\n  a server error .*\n  the page is the server",
    ):
        client.get("/worklist")
    monkeypatch.setattr(CheckedClient, "server_errors_expected", True)  # as marked expects_server_error
    assert client.get("/worklist").status_code == 500


def test_python_files_stay_small() -> None:
    big = [
        f"{p.relative_to(ROOT)} ({n} lines)"
        for p in list(Path(ROOT / "app").rglob("*.py")) + list(Path(ROOT / "forms").rglob("*.py"))
        if (n := len(p.read_text().splitlines())) > 400
    ]
    assert big == []


def test_transactions_are_decided_only_at_the_edges() -> None:
    """The request edge (app/transactions.py), the job runners (timers, batches) and the commands
    (app/cli.py and a feature's commands.py) commit or roll back; no service, route or pathway
    does it for itself."""
    edges = {
        "app/transactions.py",
        "app/scheduling.py",
        "app/jobs.py",
        "app/cli.py",
        "app/processes/commands.py",
    }
    deciding = {
        str(p.relative_to(ROOT))
        for p in (ROOT / "app").rglob("*.py")
        if re.search(r"\.(commit|rollback)\(\)", p.read_text())
    }
    assert deciding <= edges, deciding - edges


def test_a_refused_request_keeps_nothing_whatever_it_answers(ctx, people) -> None:
    """A service that refuses marks the request: even a redirect with a message rolls back,
    while a request that was not refused commits what it did."""
    from flask import Response

    from app.audit import record
    from app.extensions import db
    from app.models import AuditEvent
    from app.transactions import Refusal, commit_or_roll_back

    def kept(detail: str) -> bool:
        return bool(db.session.scalars(db.select(AuditEvent).where(AuditEvent.detail == detail)).all())

    with ctx.test_request_context("/anything", method="POST"):
        record("case.viewed", people["practitioner"], detail="half-done")
        try:
            raise Refusal("not allowed")
        except Refusal:
            commit_or_roll_back(Response(status=302))  # the route answered with a redirect
    assert not kept("half-done")
    with ctx.test_request_context("/anything", method="POST"):
        record("case.viewed", people["practitioner"], detail="done")
        commit_or_roll_back(Response(status=302))
    assert kept("done")
