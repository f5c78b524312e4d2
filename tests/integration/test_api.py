"""The JSON API: bearer tokens, the same access rules and validation as the pages."""

from __future__ import annotations

import json

import pytest

from app.config import ROOT
from tests import factories


@pytest.fixture
def token(ctx) -> str:
    result = ctx.test_cli_runner().invoke(args=["users", "create-token", "practitioner@example.org"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_without_a_valid_token_the_api_answers_401(client) -> None:
    assert client.get("/api/v1/tasks").status_code == 401
    response = client.get("/api/v1/tasks", headers=auth("not-a-token"))
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"


def test_a_token_is_refused_outside_the_api(client, token) -> None:
    assert client.get("/worklist", headers=auth(token)).status_code == 302


def test_create_token_for_an_unknown_user_fails_clearly(ctx) -> None:
    result = ctx.test_cli_runner().invoke(args=["users", "create-token", "nobody@example.org"])
    assert result.exit_code != 0 and "no user with the email address" in result.output


def test_claim_then_list_my_tasks_then_read_the_case(client, people, token) -> None:
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    assert client.get("/api/v1/tasks", headers=auth(token)).get_json()["total"] == 0
    team = client.get("/api/v1/tasks?view=team", headers=auth(token)).get_json()
    assert [t["id"] for t in team["tasks"]] == [task.id]
    claimed = client.post(f"/api/v1/tasks/{task.id}/claim", headers=auth(token))
    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == "practitioner@example.org"
    mine = client.get("/api/v1/tasks", headers=auth(token)).get_json()
    assert mine["tasks"][0]["name"] == "Triage the referral"
    assert mine["tasks"][0]["due_at"] is not None
    found = client.get(f"/api/v1/cases/{case.reference}", headers=auth(token)).get_json()
    assert found["child"]["name"] == "Amelia Begum"
    assert found["processes"][0]["status"] == "running"
    assert found["tasks"][0]["state"] == "open"


def test_complete_validates_with_the_task_form_and_moves_the_case_on(client, people, token) -> None:
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    bad = client.post(
        f"/api/v1/tasks/{task.id}/complete", json={"triage_decision": "maybe"}, headers=auth(token)
    )
    assert bad.status_code == 422
    fields = bad.get_json()["fields"]
    assert "triage_decision" in fields and "triage_reasons" in fields
    good = {"existing_involvement": "none", "triage_decision": "seek_consent", "triage_reasons": "API triage"}
    done = client.post(f"/api/v1/tasks/{task.id}/complete", json=good, headers=auth(token))
    assert done.status_code == 200 and done.get_json()["state"] == "completed"
    again = client.post(f"/api/v1/tasks/{task.id}/complete", json=good, headers=auth(token))
    assert again.status_code == 409 and again.get_json()["task"]["completed_by"] == "practitioner@example.org"
    assert factories.only_open_task(case).name == "Seek consent from the family"


def test_dates_and_lists_are_accepted_as_json(client, people, token) -> None:
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    triage = {"existing_involvement": "none", "triage_decision": "seek_consent", "triage_reasons": "x"}
    client.post(f"/api/v1/tasks/{task.id}/complete", json=triage, headers=auth(token))
    consent = factories.only_open_task(case)
    body = {
        "consent": "given",
        "consent_date": factories.referral().referral_date.isoformat(),
        "consent_given_by": "Sam Begum, mother",
        "consent_share_with": ["school", "health"],
    }
    response = client.post(f"/api/v1/tasks/{consent.id}/complete", json=body, headers=auth(token))
    assert response.status_code == 200, response.get_json()


def test_the_api_keeps_the_same_case_access_rules(client, people) -> None:
    case = factories.refer(people["school"])
    runner_token = (
        client.application.test_cli_runner()
        .invoke(args=["users", "create-token", "attendance.officer@example.org"])
        .output.strip()
    )
    assert client.get(f"/api/v1/cases/{case.reference}", headers=auth(runner_token)).status_code == 404
    task = factories.only_open_task(case)
    assert client.post(f"/api/v1/tasks/{task.id}/claim", headers=auth(runner_token)).status_code == 404


def test_the_openapi_document_describes_every_api_route(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {"/api/v1" + path for path in spec["paths"]}
    routes = {
        str(rule.rule).replace("<", "{").replace(">", "}")
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
    }
    assert routes == documented
    assert json.loads((ROOT / "app/api/openapi.json").read_text()) == spec


def test_a_revoked_token_no_longer_opens_the_api(ctx, client, token) -> None:
    assert client.get("/api/v1/tasks", headers=auth(token)).status_code == 200
    result = ctx.test_cli_runner().invoke(args=["users", "revoke-tokens", "practitioner@example.org"])
    assert result.exit_code == 0 and "Revoked 1 token of practitioner@example.org" in result.output
    assert client.get("/api/v1/tasks", headers=auth(token)).status_code == 401


def test_complete_says_what_body_it_needs(client, people, token) -> None:
    task = factories.only_open_task(factories.refer(people["school"]))
    url = f"/api/v1/tasks/{task.id}/complete"
    form_encoded = client.post(url, data={"triage_decision": "early_help"}, headers=auth(token))
    assert form_encoded.status_code == 415 and "as JSON" in form_encoded.get_json()["message"]
    nested = client.post(url, json={"triage_decision": {"a": 1}}, headers=auth(token))
    assert nested.status_code == 400 and "triage_decision" in nested.get_json()["message"]
    assert factories.only_open_task(task.case).id == task.id  # nothing moved
