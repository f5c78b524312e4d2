"""The `flask users` commands: set a password, deactivate, reactivate, unlock, list; all audited."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.integration.accounts_support import NEW_PASSWORD, PASSWORD, audit_actions, new_person, sign_in


def run(ctx, *args: str, typed: str | None = None):
    return ctx.test_cli_runner().invoke(args=["users", *args], input=typed)


def test_set_password_asks_twice_applies_the_rules_and_signs_the_person_out(ctx, client) -> None:
    person = new_person()
    sign_in(client, person.email)
    result = run(ctx, "set-password", person.email, typed=f"short\nshort\n{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Your password must be 12 characters or more" in result.output
    assert NEW_PASSWORD not in result.output  # never echoed
    assert client.get("/worklist").status_code == 302
    assert sign_in(ctx.test_client(), person.email, PASSWORD).status_code == 200
    assert sign_in(ctx.test_client(), person.email, NEW_PASSWORD).status_code == 302
    assert ("account.password_set", f"{person.email} (from the command line)") in audit_actions()


def test_a_temporary_password_must_be_changed_at_next_sign_in(ctx) -> None:
    person = new_person()
    result = run(ctx, "set-password", "--temporary", person.email, typed=f"{NEW_PASSWORD}\n" * 2)
    assert "to be changed at next sign-in" in result.output
    assert sign_in(ctx.test_client(), person.email, NEW_PASSWORD).headers["Location"] == "/password"


def test_deactivate_and_reactivate(ctx) -> None:
    person = new_person()
    assert "Deactivated" in run(ctx, "deactivate", person.email).output
    assert sign_in(ctx.test_client(), person.email).status_code == 200
    assert "Reactivated" in run(ctx, "reactivate", person.email).output
    assert sign_in(ctx.test_client(), person.email).status_code == 302
    actions = [a for a, _ in audit_actions()]
    assert "account.deactivated" in actions and "account.reactivated" in actions


def test_unlock_lifts_a_lock(ctx) -> None:
    person = new_person()
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        for _ in range(10):
            sign_in(ctx.test_client(), person.email, "wrong")
            clock.shift(timedelta(seconds=81))
        assert "locked" in run(ctx, "list").output.split(person.email)[1].split("\n")[0]
        assert f"Unlocked {person.email}" in run(ctx, "unlock", person.email).output
        assert sign_in(ctx.test_client(), person.email).status_code == 302
    assert f"{person.email} was not locked" in run(ctx, "unlock", person.email).output


def test_list_shows_everyone(ctx) -> None:
    output = run(ctx, "list").output
    emails = set(db.session.scalars(select(User.email)))
    assert all(email in output for email in emails)
    assert "social.worker@example.org\tChris Okafor\tpractitioner\tCAS\tactive" in output


def test_unknown_emails_fail_clearly(ctx) -> None:
    for command in ("set-password", "deactivate", "reactivate", "unlock"):
        result = run(ctx, command, "nobody@example.org", typed="x\n")
        assert (
            result.exit_code == 1
            and "There is no user with the email address nobody@example.org" in result.output
        )


def test_create_applies_the_password_rules(ctx) -> None:
    email = f"robin.{uuid.uuid4().hex[:8]}@example.org"
    typed = f"password1234\npassword1234\n{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    result = run(
        ctx, "create", email, "--name", "Robin Cli", "--role", "manager", "--team", "ACE", typed=typed
    )
    assert "too common or too easy to guess" in result.output and f"Created {email}" in result.output
    assert sign_in(ctx.test_client(), email, NEW_PASSWORD).status_code == 302
    taken = run(ctx, "create", email, "--name", "Robin Again", "--role", "manager")
    assert taken.exit_code == 1 and "There is already an account with this email address" in taken.output


def test_revoking_tokens_is_audited(ctx) -> None:
    person = new_person()
    run(ctx, "create-token", person.email)
    assert "Revoked 1 token" in run(ctx, "revoke-tokens", person.email).output
    assert [a for a, _ in audit_actions(actor_id=person.id)] == ["api_token.created", "api_token.revoked"]
