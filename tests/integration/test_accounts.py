"""Administrators manage accounts in the product; every change is audited."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Role, Team, User
from tests.conftest import login
from tests.integration.accounts_support import (
    NEW_PASSWORD,
    PASSWORD,
    audit_actions,
    new_person,
    sign_in,
    text,
)


def team_id(name: str) -> int:
    return db.session.scalar(select(Team.id).where(Team.name == name))


def temporary_password(response) -> str:
    found = re.search(r'id="temporary-password"><code>([^<]+)</code>', text(response))
    assert found, text(response)[:2000]
    return found.group(1)


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_only_administrators_reach_the_accounts_pages(client, people) -> None:
    login(client, "manager@example.org")
    for url in ["/accounts", "/accounts/new", f"/accounts/{people['practitioner'].id}"]:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/accounts/{people['practitioner'].id}/unlock").status_code == 403
    assert "/accounts" not in text(client.get("/worklist"))


def test_the_list_shows_each_persons_role_teams_status_and_last_sign_in(client, people) -> None:
    person = new_person()
    sign_in(client, person.email)
    client.post("/logout")
    login(client, "admin@example.org")
    page = text(client.get("/accounts"))
    row = page[page.index(f'id="account-{person.id}"') :]
    row = row[: row.index("</tr>")]
    assert person.email in row and "Lead practitioner" in row and "Early Help" in row
    assert "Active" in row and "Never" not in row
    assert 'href="/accounts"' in text(client.get("/worklist"))  # in the administrator's menu


def test_creating_an_account_gives_a_temporary_password_the_person_must_replace(ctx, client) -> None:
    login(client, "admin@example.org")
    email = "Jordan.New@Example.org"
    response = client.post(
        "/accounts/new",
        data={
            "email": email,
            "name": "Jordan New",
            "role": "manager",
            "teams": [team_id("CAS"), team_id("ACE")],
        },
    )
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    temporary = temporary_password(response)
    user = db.session.scalar(select(User).where(User.email == "jordan.new@example.org"))
    assert user.role == Role.MANAGER and sorted(user.team_ids) == sorted([team_id("CAS"), team_id("ACE")])
    created = events("account.created")[-1]
    assert created.after == {
        "email": "jordan.new@example.org",
        "name": "Jordan New",
        "role": "manager",
        "teams": ["ACE", "CAS"],
        "active": True,
    }
    assert created.actor.email == "admin@example.org"

    person = ctx.test_client()
    first = sign_in(person, "jordan.new@example.org", temporary)
    assert first.headers["Location"] == "/password"
    blocked = person.get("/worklist")  # nothing else until they choose their own
    assert blocked.status_code == 302 and blocked.headers["Location"] == "/password"
    assert person.post("/tasks/1/claim").headers["Location"] == "/password"
    page = text(person.get("/password"))
    assert "An administrator has reset your password" in page and "Choose a new password to continue" in page
    changed = person.post(
        "/password",
        data={"current_password": temporary, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert changed.headers["Location"] == "/worklist"
    assert person.get("/worklist").status_code == 200


def test_a_taken_or_malformed_email_is_refused_and_the_form_keeps_what_was_typed(client, people) -> None:
    login(client, "admin@example.org")
    taken = client.post(
        "/accounts/new", data={"email": "MANAGER@example.org", "name": "Someone Else", "role": "practitioner"}
    )
    assert taken.status_code == 400
    assert "There is already an account with this email address" in text(taken)
    assert 'value="Someone Else"' in text(taken)
    malformed = client.post("/accounts/new", data={"email": "not an email", "name": "X Y", "role": "admin"})
    assert "Enter an email address in the correct format" in text(malformed)
    bad = client.post(
        "/accounts/new", data={"email": "", "name": "", "role": "emperor", "teams": ["abc", "99999"]}
    )
    assert bad.status_code == 400
    for message in ["Enter their email address", "Enter their full name", "Select their role"]:
        assert message in text(bad)
    assert "Select teams from the list" in text(bad)
    unlisted = client.post(
        "/accounts/new", data={"email": "new@example.org", "name": "X Y", "role": "admin", "teams": ["99999"]}
    )
    assert unlisted.status_code == 400 and "Select teams from the list" in text(unlisted)


def test_changing_a_role_and_teams_is_audited_with_before_and_after(client) -> None:
    person = new_person()
    login(client, "admin@example.org")
    form = client.get(f"/accounts/{person.id}/edit")
    assert 'value="Pat Example"' in text(form)
    response = client.post(
        f"/accounts/{person.id}/edit",
        data={"name": "Pat Example", "role": "manager", "teams": [team_id("ACE")]},
    )
    assert response.headers["Location"] == f"/accounts/{person.id}"
    assert "Pat Example’s account has been changed" in text(client.get(response.headers["Location"]))
    changed = events("account.changed")[-1]
    assert changed.before["role"] == "practitioner" and changed.before["teams"] == ["Early Help"]
    assert changed.after["role"] == "manager" and changed.after["teams"] == ["ACE"]
    assert changed.detail == person.email


def test_an_administrator_cannot_lock_themselves_out(client, people) -> None:
    login(client, "admin@example.org")
    admin = people["admin"]
    demoted = client.post(f"/accounts/{admin.id}/edit", data={"name": admin.name, "role": "manager"})
    assert demoted.status_code == 400 and "You cannot change your own role" in text(demoted)
    refused = client.post(f"/accounts/{admin.id}/deactivate")
    assert refused.status_code == 400 and "You cannot deactivate your own account" in text(refused)
    db.session.expire_all()
    assert admin.role == Role.ADMIN and admin.active


def test_deactivating_signs_the_person_out_and_stops_sign_in_and_api_tokens(ctx, client) -> None:
    person = new_person()
    token = ctx.test_cli_runner().invoke(args=["users", "create-token", person.email]).output.strip()
    theirs = ctx.test_client()
    sign_in(theirs, person.email)
    login(client, "admin@example.org")
    assert "Deactivate Pat Example’s account?" in text(client.get(f"/accounts/{person.id}/deactivate"))
    client.post(f"/accounts/{person.id}/deactivate")
    assert theirs.get("/worklist").status_code == 302
    assert "because your account was deactivated" in text(theirs.get("/login"))
    assert sign_in(ctx.test_client(), person.email).status_code == 200
    assert (
        ctx.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    assert "Deactivated" in text(client.get("/accounts"))
    client.post(f"/accounts/{person.id}/reactivate")
    assert sign_in(ctx.test_client(), person.email).status_code == 302
    assert [a for a, _ in audit_actions(actor_id=client_admin_id())][-2:] == [
        "account.deactivated",
        "account.reactivated",
    ]


def client_admin_id() -> int:
    return db.session.scalar(select(User.id).where(User.email == "admin@example.org"))


def test_resetting_a_password_signs_the_person_out_and_the_old_password_stops_working(ctx, client) -> None:
    person = new_person()
    theirs = ctx.test_client()
    sign_in(theirs, person.email)
    login(client, "admin@example.org")
    assert "Reset Pat Example’s password?" in text(client.get(f"/accounts/{person.id}/reset-password"))
    response = client.post(f"/accounts/{person.id}/reset-password")
    temporary = temporary_password(response)
    assert "This is the only time it is shown" in text(response)
    assert "because an administrator reset your password" in text(
        theirs.get("/worklist", follow_redirects=True)
    )
    assert sign_in(ctx.test_client(), person.email, PASSWORD).status_code == 200
    assert sign_in(ctx.test_client(), person.email, temporary).headers["Location"] == "/password"
    assert events("account.password_reset")[-1].detail == person.email


def test_an_administrator_can_unlock_an_account_early(ctx, client) -> None:
    person = new_person()
    guesser = ctx.test_client()
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        for _ in range(10):
            guesser.post("/login", data={"email": person.email, "password": "wrong"})
            clock.shift(timedelta(seconds=81))  # outwait each delay
    login(client, "admin@example.org")
    assert "Locked" in text(client.get("/accounts"))
    page = text(client.get(f"/accounts/{person.id}"))
    assert "Locked after too many failed sign-ins until" in page and "Unlock account" in page
    response = client.post(f"/accounts/{person.id}/unlock")
    assert "Pat Example can sign in again" in text(client.get(response.headers["Location"]))
    assert sign_in(ctx.test_client(), person.email).status_code == 302
    assert ("auth.unlocked", person.email) in audit_actions(actor_id=client_admin_id())


def test_no_audit_event_holds_a_password_or_its_hash(ctx, client) -> None:
    person = new_person()
    login(client, "admin@example.org")
    temporary = temporary_password(client.post(f"/accounts/{person.id}/reset-password"))
    client.post("/accounts/new", data={"email": "casey.x@example.org", "name": "Casey X", "role": "admin"})
    ctx.test_cli_runner().invoke(args=["users", "set-password", person.email], input=f"{NEW_PASSWORD}\n" * 2)
    db.session.expire_all()
    trail = json.dumps([[e.before, e.after, e.detail] for e in db.session.scalars(select(AuditEvent))])
    hashes = [u.password_hash for u in db.session.scalars(select(User))]
    assert temporary not in trail and NEW_PASSWORD not in trail and "argon2" not in trail
    assert not any(h in trail for h in hashes)


def test_an_unknown_account_is_not_found(client) -> None:
    login(client, "admin@example.org")
    assert client.get("/accounts/999999").status_code == 404
    assert client.post("/accounts/999999/unlock").status_code == 404
