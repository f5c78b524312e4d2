"""Errors in the user's terms: JSON for the API, GOV.UK pages for people, never a traceback."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from werkzeug import exceptions

from app import create_app
from app.config import Settings
from app.extensions import db
from app.worklist import queries
from tests.conftest import login

THREE_MB = 3 * 1024 * 1024


@pytest.fixture
def token(ctx) -> str:
    result = ctx.test_cli_runner().invoke(args=["users", "create-token", "practitioner@example.org"])
    return result.output.strip()


@pytest.fixture
def unhandled(ctx, monkeypatch) -> Iterator[None]:
    """Let the app turn exceptions into answers, as in production (tests let them propagate)."""
    monkeypatch.setitem(ctx.config, "PROPAGATE_EXCEPTIONS", False)
    yield


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_api_error(response, status: int, error: str) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == error and body["message"], body
    return body


def test_unknown_api_addresses_and_methods_answer_json(client, token) -> None:
    assert_api_error(client.get("/api/v1/no-such-thing", headers=bearer(token)), 404, "not_found")
    assert_api_error(client.get("/api/v2/tasks"), 404, "not_found")
    wrong_method = client.delete("/api/v1/tasks", headers=bearer(token))
    body = assert_api_error(wrong_method, 405, "method_not_allowed")
    assert "GET" in wrong_method.headers["Allow"] and "DELETE" in body["message"]
    assert_api_error(client.post("/api/v1/openapi.json"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    ("raised", "status", "error"),
    [
        (exceptions.BadRequest(), 400, "bad_request"),
        (exceptions.Forbidden(), 403, "forbidden"),
        (exceptions.Conflict(), 409, "conflict"),
        (exceptions.TooManyRequests(retry_after=30), 429, "too_many_requests"),
        pytest.param(
            exceptions.ServiceUnavailable(),
            503,
            "service_unavailable",
            marks=pytest.mark.expects_server_error,
        ),
    ],
)
def test_any_http_error_inside_the_api_answers_json(
    client, token, monkeypatch, raised: exceptions.HTTPException, status: int, error: str
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(queries, "worklist", refuse)
    response = client.get("/api/v1/tasks", headers=bearer(token))
    body = assert_api_error(response, status, error)
    assert "<" not in body["message"]  # words, not Werkzeug's HTML
    if status == 429:
        assert response.headers["Retry-After"] == "30"


@pytest.mark.expects_server_error
def test_an_unexpected_failure_in_the_api_answers_json_500_with_a_reference(
    client, token, monkeypatch, unhandled, caplog
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("internal detail: /srv/app/worklist/queries.py line 12")

    monkeypatch.setattr(queries, "worklist", fail)
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/tasks", headers=bearer(token))
    body = assert_api_error(response, 500, "server_error")
    raw = response.get_data(as_text=True)
    assert "Traceback" not in raw and "internal detail" not in raw
    assert re.fullmatch(r"[0-9A-F]{8}", body["reference"])
    assert body["reference"] in body["message"]
    logged = [r for r in caplog.records if body["reference"] in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info[0] is RuntimeError  # support can find it


@pytest.mark.expects_server_error
def test_an_unexpected_failure_on_a_page_says_sorry_and_gives_a_reference(
    client, monkeypatch, unhandled, caplog
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise KeyError("internal detail")

    login(client, "practitioner@example.org")
    monkeypatch.setattr(queries, "worklist", fail)
    with caplog.at_level(logging.ERROR):
        response = client.get("/worklist")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert "Sorry, there is a problem with the service" in html
    assert "Traceback" not in html and "internal detail" not in html
    reference = re.search(r"reference <strong>([0-9A-F]{8})</strong>", html).group(1)
    assert [r for r in caplog.records if reference in r.getMessage() and r.exc_info]
    # the error page is a page like any other: policy, no caching
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.expects_server_error
def test_a_failed_database_statement_still_gets_the_sorry_page(client, monkeypatch, unhandled) -> None:
    def broken_query(*_args: object, **_kwargs: object) -> None:
        db.session.execute(text("select * from no_such_table"))  # aborts a PostgreSQL transaction

    login(client, "practitioner@example.org")
    monkeypatch.setattr(queries, "worklist", broken_query)
    response = client.get("/worklist")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
    monkeypatch.undo()
    assert client.get("/worklist").status_code == 200  # and the next request is unharmed


def test_other_page_errors_are_gov_uk_pages_not_server_defaults(client) -> None:
    login(client, "practitioner@example.org")
    wrong_method = client.delete("/worklist")
    html = wrong_method.get_data(as_text=True)
    assert wrong_method.status_code == 405 and "govuk-heading-l" in html
    assert "Method Not Allowed" not in html  # Werkzeug's wording


def test_a_form_sent_without_its_csrf_token_gets_a_page_saying_what_to_do(ctx, people) -> None:
    ctx.config["WTF_CSRF_ENABLED"] = True
    try:
        response = ctx.test_client().post("/login", data={"email": "a@example.org", "password": "x"})
    finally:
        ctx.config["WTF_CSRF_ENABLED"] = False
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "govuk-heading-l" in html
    assert "reload the page" in html and "CSRF" not in html


def test_a_form_over_the_size_limit_gets_a_page_in_plain_words(client) -> None:
    login(client, "practitioner@example.org")
    response = client.post("/referrals/new", data={"concern_reasons": "x" * THREE_MB})
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "govuk-heading-l" in html
    assert "2MB or less" in html
    assert "Request Entity Too Large" not in html


def test_an_api_body_over_the_size_limit_answers_json_413(client, token) -> None:
    big = {"reasons": "x" * THREE_MB}
    for url in ["/api/v1/tasks/anything/complete", "/api/v1/tasks/anything/claim"]:
        body = assert_api_error(client.post(url, json=big, headers=bearer(token)), 413, "too_large")
        assert "2MB" in body["message"]


@pytest.fixture
def small_limit_app(app: Flask) -> Flask:
    """A second app on the same database with a 10 KB limit on request bodies."""
    return create_app(
        Settings(
            env="test",
            secret_key="test-secret",
            database_url=app.config["SQLALCHEMY_DATABASE_URI"],
            instance_dir=Path(app.instance_path),
            max_request_bytes=10 * 1024,
        ),
        WTF_CSRF_ENABLED=False,
    )


def test_the_size_limit_is_the_setting(small_limit_app: Flask) -> None:
    client = small_limit_app.test_client()
    with small_limit_app.app_context():
        refused = client.post("/login", data={"email": "x" * 20_000, "password": "demo"})
        assert refused.status_code == 413 and "10KB or less" in refused.get_data(as_text=True)
        api = client.post("/api/v1/tasks/anything/claim", data="x" * 20_000)
        assert api.status_code == 413 and "10KB" in api.get_json()["message"]
        within = client.post("/login", data={"email": "x" * 5_000, "password": "demo"})
        # read, and answered on the sign-in page (an email that long is refused by the form)
        assert within.status_code == 400
        assert "254 characters or fewer" in within.get_data(as_text=True)
