"""Access by case, proven on every route that takes a case, task or incident: a person of another
team, and a manager of another team, get 404 from each and change nothing (or, on a route for
other roles, the same 403 as for an id that does not exist: nothing about the case shows). The routes are read
from the app, so a new route that takes one of these ids is tried as soon as it exists."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.auth.services import create_api_token
from app.extensions import db
from app.models import AuditEvent, HumanTask, Incident, ProcessInstance
from app.oversight.services import record_incident
from app.transactions import in_own_transaction
from app.workflow import instances
from tests import factories
from tests.conftest import login
from tests.fixtures.diagrams import two_step

IDS = {
    "reference",
    "task_id",
    "instance_id",
    "meeting_id",
    "notice_id",
    "record_id",
    "incident_id",
    "case_id",
}
MADE_UP = {
    "reference": "C9999999",
    "task_id": "00000000-0000-0000-0000-000000000000",
    "incident_id": "999999",
    "instance_id": "999999",
}
# Routes that take one of these ids but are not about a case (a draft's test has its own tasks).
NOT_ABOUT_A_CASE = {"trials.task"}
# Outsiders: a practitioner and a manager whose teams hold nothing on the case.
OUTSIDERS = ("medical.needs@example.org", "solicitor@example.org")


def _state() -> tuple[object, ...]:
    """What an outsider's request must not change: the tasks, instances, incidents and every
    audit event but the refusals' own (there are none: a 404 records nothing)."""
    return (
        tuple(db.session.execute(select(HumanTask.id, HumanTask.state, HumanTask.assignee_id)).all()),
        tuple(db.session.execute(select(ProcessInstance.id, ProcessInstance.version)).all()),
        tuple(db.session.execute(select(Incident.id, Incident.resolved_at)).all()),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )


@pytest.fixture
def a_case(ctx, people):
    """An Early Help case with an open task, and an incident on another instance of it."""
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    factories.publish_test_diagram(two_step(process_id="access_incident"))
    broken = instances.start_process(case, "access_incident", {"referral_date": "2026-12-04"}, None)
    db.session.commit()
    incident = in_own_transaction(lambda: record_incident(broken.id, "An incident on the case", None))
    return {
        "reference": case.reference,
        "task_id": task.id,
        "incident_id": str(incident.id),
        "instance_id": str(broken.id),
    }


def _case_routes(app) -> list:
    rules = [
        r for r in app.url_map.iter_rules() if set(r.arguments) & IDS and r.endpoint not in NOT_ABOUT_A_CASE
    ]
    assert {r.endpoint for r in rules} >= {"cases.show", "tasks.show", "tasks.claim", "api.case"}
    return rules


def test_another_teams_people_get_404_everywhere_and_change_nothing(ctx, client, people, a_case) -> None:
    rules = _case_routes(ctx)
    unknown = {a for r in rules for a in r.arguments} - set(a_case)
    assert not unknown, f"add a sample value for {unknown} (and a case it belongs to)"
    for email in OUTSIDERS:
        login(client, email)
        headers = {"Authorization": f"Bearer {create_api_token(people_by_email(people, email), 'access')}"}
        db.session.commit()
        before = _state()
        for rule in rules:
            url = _url(rule, a_case)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                api = url.startswith("/api/")
                extra = {"headers": headers, "json": {"triage_reasons": "x"}} if api else {"data": {"a": "x"}}
                answer = client.open(url, method=method, **extra)
                if answer.status_code == 403:  # a route for other roles: it must not depend on the id
                    made_up = client.open(_url(rule, MADE_UP), method=method, **extra)
                    assert made_up.status_code == 403, (email, method, url)
                    continue
                assert answer.status_code == 404, (email, method, url, answer.status_code)
        db.session.expire_all()
        assert _state() == before, email


def _url(rule, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule.rule)


def people_by_email(people, email):
    return next(user for user in people.values() if user.email == email)


def test_the_same_routes_open_for_the_team_that_holds_the_case(ctx, client, people, a_case) -> None:
    """So the 404s above are about access, not broken URLs."""
    login(client, "practitioner@example.org")  # Early Help holds the triage task
    assert client.get(f"/cases/{a_case['reference']}").status_code == 200
    assert client.get(f"/tasks/{a_case['task_id']}").status_code == 200
