"""Sessions are kept on the server: signing out ends them, they expire, and changing a
password ends them. A copied or forged cookie opens nothing once its session has ended."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie
from sqlalchemy import select

from app.auth.sessions import SESSION_KEY
from app.extensions import db
from app.models import UserSession
from tests.integration.accounts_support import (
    NEW_PASSWORD,
    PASSWORD,
    audit_actions,
    changed_settings,
    new_person,
    sign_in,
    text,
)

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def cookie(client: FlaskClient) -> str:
    found = client.get_cookie("session")
    assert found is not None
    return found.value


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of this one's session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie(client))
    return other


def session_data(app: Flask, client: FlaskClient) -> dict:
    return dict(app.session_interface.get_signing_serializer(app).loads(cookie(client)))


def signed_in(client: FlaskClient) -> bool:
    return client.get("/worklist").status_code == 200


def test_signing_out_ends_the_session_so_a_copied_cookie_no_longer_works(ctx, client) -> None:
    person = new_person()
    assert sign_in(client, person.email).status_code == 302
    thief = copy_of(ctx, client)
    assert signed_in(thief)
    client.post("/logout")
    assert not signed_in(client)
    response = thief.get("/worklist")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert ("auth.signed_out", "") in audit_actions(actor_id=person.id)


def test_each_sign_in_starts_a_fresh_session_and_ends_the_one_the_browser_held(ctx, client) -> None:
    person = new_person()
    sign_in(client, person.email)
    first = session_data(ctx, client)[SESSION_KEY]
    planted = copy_of(ctx, client)  # someone kept the cookie this browser had before
    sign_in(client, person.email)
    assert session_data(ctx, client)[SESSION_KEY] != first
    assert signed_in(client) and not signed_in(planted)


def test_a_cookie_naming_a_user_without_a_live_session_opens_nothing(ctx, client) -> None:
    person = new_person()
    # Before sessions were kept on the server, a signed cookie holding a user id was enough, forever.
    forged = ctx.session_interface.get_signing_serializer(ctx).dumps(
        {"_user_id": str(person.id), "_fresh": True}
    )
    client.set_cookie("session", forged)
    assert not signed_in(client)
    # Remember-me is off: a remember cookie alone does not sign anyone in either.
    remembered = ctx.test_client()
    remembered.set_cookie("remember_token", encode_cookie(str(person.id)))
    assert not signed_in(remembered)


def test_a_session_left_idle_ends_and_the_sign_in_page_says_why(ctx, client) -> None:
    person = new_person()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, person.email)
        for _ in range(6):  # busy for two hours: a request every 20 minutes keeps it open
            clock.shift(timedelta(minutes=20))
            assert signed_in(client)
        clock.shift(timedelta(minutes=31))
        response = client.get("/cases")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        page = text(client.get(response.headers["Location"]))
    assert "You were signed out because you did nothing for 30 minutes. Sign in again to continue." in page
    assert "Sign in to continue" not in page.replace("Sign in again to continue", "")
    assert "signed out because" not in text(client.get("/login"))  # said once


def test_the_idle_limit_is_a_setting(ctx, client) -> None:
    person = new_person()
    with changed_settings(ctx, session_idle_minutes=5), time_machine.travel(START, tick=False) as clock:
        sign_in(client, person.email)
        clock.shift(timedelta(minutes=4))
        assert signed_in(client)
        clock.shift(timedelta(minutes=6))
        assert not signed_in(client)
        assert "did nothing for 5 minutes" in text(client.get("/login"))


def test_a_session_ends_after_the_absolute_limit_however_busy(ctx, client) -> None:
    person = new_person()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, person.email)
        for _ in range(11 * 3):  # a request every 20 minutes for 11 hours
            clock.shift(timedelta(minutes=20))
            assert signed_in(client)
        clock.shift(timedelta(minutes=61))
        assert not signed_in(client)
        page = text(client.get("/login"))
    assert "You were signed out because you had been signed in for 12 hours" in page


def test_the_last_request_time_is_written_at_most_once_a_minute(ctx, client) -> None:
    person = new_person()

    def last_seen() -> datetime:
        db.session.expire_all()
        return db.session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == person.id))

    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, person.email)
        for _ in range(5):
            clock.shift(timedelta(seconds=10))
            assert signed_in(client)
        assert last_seen() == START
        clock.shift(timedelta(seconds=11))
        assert signed_in(client)
        assert last_seen() == START + timedelta(seconds=61)


def test_changing_your_password_signs_you_out_everywhere_else_but_not_here(ctx, client) -> None:
    person = new_person()
    sign_in(client, person.email)
    elsewhere = ctx.test_client()
    sign_in(elsewhere, person.email)
    thief = copy_of(ctx, client)
    response = client.post(
        "/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert "Your password has been changed" in text(client.get("/worklist"))
    assert not signed_in(elsewhere) and not signed_in(thief)
    assert "You were signed out because your password was changed" in text(elsewhere.get("/login"))
    assert sign_in(ctx.test_client(), person.email, PASSWORD).status_code == 200  # old one refused
    assert sign_in(ctx.test_client(), person.email, NEW_PASSWORD).status_code == 302
    assert ("auth.password_changed", "") in audit_actions(actor_id=person.id)


def test_api_tokens_are_not_sessions(ctx, client) -> None:
    person = new_person()
    token = ctx.test_cli_runner().invoke(args=["users", "create-token", person.email]).output.strip()
    with time_machine.travel(datetime.now(UTC) + timedelta(days=2), tick=False):
        response = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
