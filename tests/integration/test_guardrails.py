"""Rules every route and page must keep, checked across the whole app."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from flask import Flask

from app.config import ROOT
from tests import factories
from tests.conftest import login


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
        for url in pages:
            html = client.get(url).get_data(as_text=True)
            for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, flags=re.S | re.I):
                assert 'name="csrf_token"' in form, url
        # and a post without a token is refused
        assert client.post(f"/tasks/{task.id}/claim").status_code == 400
    finally:
        csrf_app.config["WTF_CSRF_ENABLED"] = False


def test_no_request_leaves_uncommitted_changes(client, people) -> None:
    from app.extensions import db

    login(client, "practitioner@example.org")
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    client.post(f"/tasks/{task.id}/claim")
    assert not db.session.new and not db.session.dirty and not db.session.deleted
    db.session.expire_all()
    assert factories.only_open_task(case).assignee_id == people["practitioner"].id


def test_python_files_stay_small() -> None:
    big = [
        f"{p.relative_to(ROOT)} ({n} lines)"
        for p in list(Path(ROOT / "app").rglob("*.py")) + list(Path(ROOT / "forms").rglob("*.py"))
        if (n := len(p.read_text().splitlines())) > 400
    ]
    assert big == []


def test_transactions_are_decided_only_at_the_edges() -> None:
    """The request edge (app/transactions.py), the job runner and the commands commit or roll back;
    no service, route or pathway does it for itself."""
    edges = {"app/transactions.py", "app/scheduling.py", "app/cli.py"}
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
