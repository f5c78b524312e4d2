"""The API is for tokens: a browser's session cookie alone cannot change anything through it."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from tests import factories
from tests.conftest import login


def create_token(app, email: str) -> str:
    result = app.test_cli_runner().invoke(args=["users", "create-token", email])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def page_csrf_token(client) -> str:
    """The token a signed-in page carries in its forms (here, the sign-out form)."""
    html = client.get("/worklist").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def task(ctx, people):
    case = factories.refer(people["school"])
    db.session.commit()
    return factories.only_open_task(case)


def assignee_of(task) -> int | None:
    db.session.expire_all()
    return factories.only_open_task(task.case).assignee_id


def test_a_signed_in_browser_cookie_alone_cannot_claim_or_complete(client, task) -> None:
    login(client, "practitioner@example.org")
    for url, body in [(f"/api/v1/tasks/{task.id}/claim", None), (f"/api/v1/tasks/{task.id}/complete", {})]:
        response = client.post(url, json=body)
        assert response.status_code == 403, url
        assert response.is_json and response.get_json()["error"] == "csrf"
        assert "CSRF" in response.get_json()["message"] or "token" in response.get_json()["message"]
    assert assignee_of(task) is None


def test_a_cookie_with_a_forged_csrf_token_is_refused(client, task) -> None:
    login(client, "practitioner@example.org")
    response = client.post(f"/api/v1/tasks/{task.id}/claim", headers={"X-CSRFToken": "forged"})
    assert response.status_code == 403 and response.get_json()["error"] == "csrf"
    assert assignee_of(task) is None


def test_a_cookie_with_its_pages_csrf_token_may_change_things(client, people, task) -> None:
    login(client, "practitioner@example.org")
    response = client.post(f"/api/v1/tasks/{task.id}/claim", headers={"X-CSRFToken": page_csrf_token(client)})
    assert response.status_code == 200, response.get_json()
    assert assignee_of(task) == people["practitioner"].id


def test_reads_may_use_the_session_cookie(client, task) -> None:
    login(client, "practitioner@example.org")
    response = client.get("/api/v1/tasks?view=team")
    assert response.status_code == 200
    assert task.id in {t["id"] for t in response.get_json()["tasks"]}


def test_without_any_credentials_a_change_is_refused_as_json(client, task) -> None:
    response = client.post(f"/api/v1/tasks/{task.id}/claim")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert assignee_of(task) is None


def test_a_token_acts_as_its_user_even_when_a_cookie_is_also_sent(client, people, task) -> None:
    token = create_token(client.application, "practitioner@example.org")
    login(client, "manager@example.org")  # the browser's cookie is someone else's
    response = client.post(f"/api/v1/tasks/{task.id}/claim", headers=bearer(token))
    assert response.status_code == 200
    assert assignee_of(task) == people["practitioner"].id
    assert response.get_json()["assignee"] == "practitioner@example.org"


@pytest.mark.parametrize(
    "authorization", ["Bearer not-a-token", "Bearer ", "Basic cHJhY3RpdGlvbmVyOmRlbW8=", "Token abc"]
)
def test_a_bad_authorization_header_is_refused_even_with_a_signed_in_cookie(
    client, task, authorization: str
) -> None:
    login(client, "practitioner@example.org")
    headers = {"Authorization": authorization, "X-CSRFToken": page_csrf_token(client)}
    for response in [
        client.get("/api/v1/tasks", headers=headers),
        client.post(f"/api/v1/tasks/{task.id}/claim", headers=headers),
    ]:
        assert response.status_code == 401
        assert response.get_json()["error"] == "unauthorized"
    assert assignee_of(task) is None


def test_the_openapi_document_says_how_to_authenticate(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "X-CSRFToken" in spec["info"]["description"]
    claim = spec["paths"]["/tasks/{task_id}/claim"]["post"]
    assert "403" in claim["responses"] and "401" in claim["responses"]


def test_with_page_csrf_checks_on_tokens_still_work_and_cookies_still_need_the_header(
    ctx, people, task
) -> None:
    ctx.config["WTF_CSRF_ENABLED"] = True  # as in production
    try:
        client = ctx.test_client()
        token = create_token(ctx, "practitioner@example.org")
        with_token = client.post(f"/api/v1/tasks/{task.id}/claim", headers=bearer(token))
        assert with_token.status_code == 200
        html = client.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        client.post("/login", data={"email": "manager@example.org", "password": "demo", "csrf_token": csrf})
        cookie_only = client.post(f"/api/v1/tasks/{task.id}/claim")
        assert cookie_only.status_code == 403 and cookie_only.get_json()["error"] == "csrf"
    finally:
        ctx.config["WTF_CSRF_ENABLED"] = False
    assert assignee_of(task) == people["practitioner"].id
