"""Password guessing is slowed, then refused, per account and per client address; the counts
are in the database, so every app process agrees."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import Flask

from app import create_app
from tests.integration.accounts_support import audit_actions, changed_settings, new_person, sign_in, text

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NOT_RIGHT = "The email address or password is not right"


def fail(client, email: str, times: int = 1, **environ) -> None:
    for _ in range(times):
        response = sign_in(client, email, "not the password", **environ)
        assert response.status_code == 200 and NOT_RIGHT in text(response)


def test_after_five_failures_each_try_must_wait_longer_and_no_thread_sleeps(ctx, client) -> None:
    person = new_person()
    with time_machine.travel(START, tick=False) as clock:
        fail(client, person.email, 5)
        refused = sign_in(client, person.email)  # even the right password must wait
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "5"
        assert "Wait 5 seconds before you try again" in text(refused)
        assert f'value="{person.email}"' in text(refused)  # the form keeps what was typed
        clock.shift(timedelta(seconds=5))
        fail(client, person.email)
        assert "Wait 10 seconds before you try again" in text(sign_in(client, person.email))
        clock.shift(timedelta(seconds=10))
        fail(client, person.email)
        assert "Wait 20 seconds" in text(sign_in(client, person.email))
        clock.shift(timedelta(seconds=20))
        assert sign_in(client, person.email).status_code == 302
        # a successful sign-in starts the count again
        fail(ctx.test_client(), person.email, 4)
        assert sign_in(ctx.test_client(), person.email).status_code == 302


def test_ten_failures_lock_the_account_audited_until_the_lock_passes(ctx, client) -> None:
    person = new_person()
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(9):
            fail(client, person.email)
            clock.shift(timedelta(seconds=5 * 2**4 + 1))  # outwait every delay
        locked = sign_in(client, person.email, "still not the password")
        assert locked.status_code == 200
        message = "You have tried to sign in too many times. Wait 30 minutes before you try again"
        assert message in text(locked) and "ask an administrator to unlock your account" in text(locked)
        assert ("auth.locked", person.email) in audit_actions(actor_id=person.id)
        clock.shift(timedelta(minutes=29))
        refused = sign_in(client, person.email)
        assert refused.status_code == 429 and "Wait 60 seconds before you try again" in text(refused)
        clock.shift(timedelta(minutes=1, seconds=1))
        assert sign_in(client, person.email).status_code == 302


def test_after_a_lock_passes_one_more_failure_locks_again(ctx, client) -> None:
    person = new_person()
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(10):
            fail_or_lock = sign_in(client, person.email, "wrong")
            assert fail_or_lock.status_code == 200
            clock.shift(timedelta(seconds=81))
        clock.shift(timedelta(minutes=31))
        again = sign_in(client, person.email, "wrong")
        assert "You have tried to sign in too many times" in text(again)
        assert [a for a, _ in audit_actions(actor_id=person.id)].count("auth.locked") == 2


def test_an_unknown_email_is_slowed_and_locked_exactly_like_a_real_one(ctx) -> None:
    person = new_person()
    unknown = "nobody.here@example.org"
    answers = {}
    for email in (person.email, unknown):
        client = ctx.test_client()
        seen = []
        with time_machine.travel(START, tick=False) as clock:
            for _ in range(12):
                response = sign_in(client, email, "wrong")
                page = re.sub(r'nonce="[^"]+"', "", text(response))  # a new nonce each request
                seen.append((response.status_code, page.replace(email, "EMAIL")))
                clock.shift(timedelta(seconds=81))  # past every delay, so all 12 are tried
        answers[email] = seen
    assert answers[person.email] == answers[unknown]
    assert ("auth.locked", unknown) in audit_actions()


def test_too_many_failures_from_one_address_refuse_it_until_the_window_passes(ctx, client) -> None:
    person = new_person()
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    with time_machine.travel(START, tick=False) as clock:
        for n in range(31):  # spraying: a different email each time, so no account is slowed
            fail(client, f"guess{n}@example.org", **attacker)
            clock.shift(timedelta(seconds=20))
        refused = sign_in(client, person.email, **attacker)  # the 32nd try, 10 min 20 s in
        assert refused.status_code == 429
        assert "There have been too many failed sign-ins from your network. Wait 5 minutes" in text(refused)
        assert sign_in(ctx.test_client(), person.email, REMOTE_ADDR="198.51.100.7").status_code == 302
        clock.shift(timedelta(minutes=4, seconds=40))
        assert sign_in(client, person.email, **attacker).status_code == 302


def test_the_address_limits_are_settings(ctx, client) -> None:
    person = new_person()
    limits = changed_settings(ctx, signin_address_failures=3, signin_window_minutes=2)
    with limits, time_machine.travel(START, tick=False) as clock:
        fail(client, person.email, 3)
        fail(client, "someone.else@example.org")
        refused = sign_in(client, person.email)
        assert "from your network. Wait 2 minutes" in text(refused)
        clock.shift(timedelta(minutes=2))
        assert sign_in(client, person.email).status_code == 302


@pytest.mark.commits  # the second app has connections of its own
def test_failures_counted_by_one_app_process_are_seen_by_another(ctx, client, app) -> None:
    # Two app instances on one database stand for two gunicorn processes: an in-memory
    # counter (Flask-Limiter's default storage) would let each allow its own five.
    person = new_person()
    second: Flask = create_app(app.extensions["settings"], WTF_CSRF_ENABLED=False)
    with time_machine.travel(START, tick=False):
        fail(client, person.email, 3)
        with second.app_context():
            other = second.test_client()
            fail(other, person.email, 2)
            assert sign_in(other, person.email).status_code == 429
        assert sign_in(client, person.email).status_code == 429


@pytest.mark.commits  # each guess is a thread with its own connection
def test_guesses_sent_at_once_are_judged_one_after_another(ctx, app) -> None:
    email = new_person().email
    fail(ctx.test_client(), email, 4)
    barrier, answers = threading.Barrier(6), []

    def guess() -> None:
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            answers.append(sign_in(client, email, "parallel guess").status_code)

    threads = [threading.Thread(target=guess) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Only one guess was tried (the fifth failure); the others found it and were told to wait.
    assert sorted(answers) == [200, 429, 429, 429, 429, 429]


def test_guessing_once_a_lock_for_a_day_is_still_refused_in_words(ctx, client) -> None:
    # Each lock passes after 30 minutes and one more failure locks again, so the count grows
    # all day; the wait must stay at most the lock's length (it once doubled without end and
    # overflowed the date arithmetic: a 500 for that account).
    person = new_person()
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(60):
            response = sign_in(client, person.email, "wrong")
            assert response.status_code in (200, 429)
            clock.shift(timedelta(minutes=31))
        assert "before you try again" in text(sign_in(client, person.email, "wrong"))
        clock.shift(timedelta(minutes=31))
        assert sign_in(client, person.email).status_code == 302
