"""Bad input in the address, the query string and the body gets a clear answer, never a 500.

Each test names what an attacker (or a mistyped link) sends and what comes back; the walk over
every route is test_bad_input_walk.py.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.auth.services import create_api_token
from app.inputs import MAX_PAGE
from tests import factories
from tests.conftest import login


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def token(ctx, people) -> str:
    return create_api_token(people["practitioner"], "tests")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- ids in the address ------------------------------------------------------------------------


@pytest.mark.parametrize("number", [str(2**31 - 1), str(2**31), str(2**63), str(10**30), "9" * 5000])
def test_an_id_too_big_for_the_database_is_not_found(client: FlaskClient, number: str) -> None:
    login(client, "admin@example.org")
    for url in [
        f"/admin/calendars/terms/{number}/closures",
        f"/admin/calendars/terms/{number}/delete",
        f"/processes/referral_to_early_help/v{number}.bpmn",
    ]:
        response = client.get(url)
        assert response.status_code == 404 and "Page not found" in text(response), url
    for url in [f"/incidents/{number}/resolve", f"/admin/calendars/closures/{number}/delete"]:
        assert client.post(url, data={"resolution": "x"}).status_code == 404, url


def test_a_nul_byte_in_the_address_is_not_found(client: FlaskClient, people) -> None:
    login(client, "admin@example.org")
    case = factories.refer(people["school"])
    for url in [
        "/cases/%00",
        f"/cases/{case.reference}%00",
        "/tasks/%00",
        "/processes/%00",
        "/api/v1/cases/%00",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post("/tasks/%00/claim").status_code == 404


# -- the query string --------------------------------------------------------------------------


@pytest.mark.parametrize("page", [str(10**30), "9" * 5000, "-1", "0", "abc", "NaN", ""])
def test_any_page_number_shows_the_nearest_page_of_the_worklist(client: FlaskClient, people, page) -> None:
    case = factories.refer(people["school"])
    login(client, "practitioner@example.org")
    client.post(f"/tasks/{factories.only_open_task(case).id}/claim")
    response = client.get(f"/worklist?page={page}&team={10**30}")
    assert response.status_code == 200
    assert "Triage the referral" in text(response)  # the only page, not an empty page beyond it


def test_the_api_answers_a_page_number_beyond_any_queue_and_refuses_one_that_is_not_a_number(
    client: FlaskClient, token: str
) -> None:
    beyond = client.get(f"/api/v1/tasks?page={10**30}", headers=bearer(token))
    assert (
        beyond.status_code == 200
        and beyond.get_json()["page"] == MAX_PAGE
        and beyond.get_json()["tasks"] == []
    )
    refused = client.get("/api/v1/tasks?page=NaN", headers=bearer(token))
    assert refused.status_code == 400 and refused.get_json()["message"] == "page must be a whole number"


@pytest.mark.parametrize("value", ["%00", "a%00b", "%0D%0ASet-Cookie:%20x=1", "%1B[2J", "%7F"])
def test_a_control_character_in_the_query_string_is_refused(client: FlaskClient, value: str) -> None:
    login(client, "practitioner@example.org")
    response = client.get(f"/worklist?process={value}")
    assert response.status_code == 400
    assert "The web address contains a character that is not allowed" in text(response)


def test_signing_in_never_redirects_with_a_header_split_into_two(client: FlaskClient) -> None:
    response = client.post(
        "/login?next=/worklist%0D%0ASet-Cookie:%20session=stolen",
        data={"email": "practitioner@example.org", "password": "demo"},
    )
    assert response.status_code == 400 and "Set-Cookie" not in str(response.headers.get("Location"))


def test_a_nul_byte_in_an_answer_is_refused_and_nothing_is_saved(client: FlaskClient, people) -> None:
    from app.extensions import db
    from app.models import Case

    login(client, "school@example.org")
    response = client.post("/referrals/new", data={"first_name": "Isla\x00", "last_name": "Nowak"})
    assert response.status_code == 400
    assert "Your answers contain a character that is not allowed. Remove it and try again" in text(response)
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0


# -- bodies ------------------------------------------------------------------------------------


def test_a_body_over_the_size_limit_is_refused_with_a_413(client: FlaskClient, token: str, people) -> None:
    limit = client.application.extensions["settings"].max_request_bytes
    assert limit == 2 * 1024 * 1024
    login(client, "school@example.org")
    big = {"concern_reasons": "x" * (limit + 1)}
    assert client.post("/referrals/new", data=big).status_code == 413
    task = factories.only_open_task(factories.refer(people["school"]))
    api = client.post(
        f"/api/v1/tasks/{task.id}/complete",
        data="[" + " " * limit + "]",
        content_type="application/json",
        headers=bearer(token),
    )
    assert api.status_code == 413


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a": ' * 100_000 + "1" + "}" * 100_000,
        '{"triage_decision": NaN}',
        '{"triage_decision": Infinity}',
        '{"triage_reasons": 1e999999}',
        '{"triage_reasons": "\\u0000"}',
        '{"triage_reasons": "\\udc00"}',
        "{not json",
    ],
)
def test_the_api_refuses_json_it_cannot_safely_read_with_a_400(
    client: FlaskClient, token: str, people, body: str
) -> None:
    task = factories.only_open_task(factories.refer(people["school"]))
    response = client.post(
        f"/api/v1/tasks/{task.id}/complete", data=body, content_type="application/json", headers=bearer(token)
    )
    assert response.status_code == 400 and "Traceback" not in text(response)
    assert factories.only_open_task(task.case).id == task.id  # nothing moved


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/login", '{"email": {"a": 1}, "password": "demo"}'),
        ("/login", '{"email": "practitioner@example.org", "password": ["demo", {"x": 1}]}'),
        ("/login", "[1, 2]"),
        ("/referrals/new", '"text"'),
        ("/referrals/new", "[" * 1000 + "]" * 1000),
        ("/admin/calendars/terms/new", '{"starts_on": [[1, 3, 2026]]}'),
    ],
)
def test_a_page_s_form_posted_as_json_that_is_not_an_object_of_answers_is_refused(
    client: FlaskClient, url: str, body: str
) -> None:
    login(client, "admin@example.org")
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400 and "Traceback" not in text(response)


def test_a_page_s_form_posted_as_a_json_object_of_answers_is_read_like_the_page(client: FlaskClient) -> None:
    response = client.post(
        "/login",
        json={"email": "practitioner@example.org", "password": 12345},
        content_type="application/json",
    )
    assert response.status_code == 200 and "The email address or password is not right" in text(response)
