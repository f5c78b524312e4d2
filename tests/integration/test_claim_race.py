"""Two people claiming one task at the same moment: exactly one gets it, the other is told who.

Real threads, each with its own test client, session and database connection, released
together by a barrier; on SQLite, and on PostgreSQL when DATABASE_URL points at one. Release
and assignment change only the holder the request read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, HumanTask, TaskState, User
from app.tasks import services as tasks
from app.workflow import instances
from tests import factories
from tests.conftest import login
from tests.fixtures.diagrams import two_step

# Each attempt is a thread with its own connection: it must see what the test commits.
pytestmark = pytest.mark.commits

ROUNDS = 15
CLAIMED = "You have claimed this task"


def _signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    login(client, email)
    return client


def _at_once(attempts: dict[int, Callable[[], tuple[int, Any]]]) -> dict[int, tuple[int, Any]]:
    """Run each user's attempt in its own thread, released together; results by user id."""
    barrier = threading.Barrier(len(attempts))
    results: dict[int, tuple[int, Any]] = {}

    def run(user_id: int, attempt: Callable[[], tuple[int, Any]]) -> None:
        try:
            barrier.wait(timeout=10)
            results[user_id] = attempt()
        except Exception as exc:  # reported by the test's assertions
            results[user_id] = (0, repr(exc))

    threads = [threading.Thread(target=run, args=item) for item in attempts.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _claim_page(client: FlaskClient, url: str) -> Callable[[], tuple[int, Any]]:
    """Post the claim button; the status, and the page the user then sees."""

    def attempt() -> tuple[int, str]:
        response = client.post(url)
        status = response.status_code
        if status == 302:
            response = client.get(response.headers["Location"])
        return status, response.get_data(as_text=True)

    return attempt


def test_two_simultaneous_claims_from_the_pages_have_exactly_one_winner(ctx, people) -> None:
    a, b = people["practitioner"], people["family_worker"]
    clients = {a.id: _signed_in(ctx, a.email), b.id: _signed_in(ctx, b.email)}
    for _ in range(ROUNDS):
        case = factories.refer(people["school"])
        task_id = factories.only_open_task(case).id

        url = f"/tasks/{task_id}/claim"
        results = _at_once({uid: _claim_page(client, url) for uid, client in clients.items()})

        winners = [uid for uid, (status, page) in results.items() if status == 302 and CLAIMED in page]
        assert len(winners) == 1, {uid: (s, p[:300]) for uid, (s, p) in results.items()}
        [winner] = winners
        [(loser_status, loser_page)] = [r for uid, r in results.items() if uid != winner]
        winner_name = db.session.get(User, winner).name
        assert loser_status == 409
        assert f"This task is already assigned to {winner_name}" in loser_page
        assert CLAIMED not in loser_page
        db.session.expire_all()
        assert db.session.get(HumanTask, task_id).assignee_id == winner
        claims = db.session.scalar(
            select(func.count()).where(AuditEvent.action == "task.claimed", AuditEvent.task_id == task_id)
        )
        assert claims == 1


def _claim_api(client: FlaskClient, url: str, token: str) -> Callable[[], tuple[int, Any]]:
    def attempt() -> tuple[int, Any]:
        response = client.post(url, headers={"Authorization": f"Bearer {token}"})
        return response.status_code, response.get_json()

    return attempt


def test_two_simultaneous_claims_through_the_api_have_exactly_one_winner(ctx, people) -> None:
    # Before claims were one conditional UPDATE, the API held on SQLite only by accident (the
    # token's last-used time is written first, taking SQLite's one write lock before the task
    # was read) and both callers got the task on PostgreSQL.
    a, b = people["practitioner"], people["family_worker"]
    tokens = {
        u.id: ctx.test_cli_runner().invoke(args=["users", "create-token", u.email]).output.strip()
        for u in (a, b)
    }
    for _ in range(5):
        case = factories.refer(people["school"])
        task_id = factories.only_open_task(case).id
        url = f"/api/v1/tasks/{task_id}/claim"
        results = _at_once({uid: _claim_api(ctx.test_client(), url, token) for uid, token in tokens.items()})

        winners = [uid for uid, (status, _) in results.items() if status == 200]
        assert len(winners) == 1, results
        [(_, refusal)] = [r for uid, r in results.items() if uid != winners[0]]
        assert (
            refusal["message"] == f"This task is already assigned to {db.session.get(User, winners[0]).name}"
        )


def _meanwhile(app: Flask, change: Callable[[], None]) -> None:
    """Run `change` as another request would, in its own transaction, and commit it."""

    def run() -> None:
        with app.app_context():
            change()
            db.session.commit()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)


def test_a_release_or_assignment_applies_only_to_the_holder_it_read(ctx, people) -> None:
    manager, holder, other = people["manager"], people["practitioner"], people["family_worker"]
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    tasks.claim_task(task, holder)
    db.session.commit()

    stale = factories.only_open_task(case)  # the holder's release page, read now
    _meanwhile(ctx, lambda: tasks.assign_task(tasks.get_task(task.id), other, manager, "Covering leave"))
    with pytest.raises(tasks.TaskTaken, match=f"^This task is already assigned to {other.name}$"):
        tasks.release_task(stale, holder)
    db.session.rollback()

    stale = factories.only_open_task(case)  # the manager's assign, read while Dana holds it
    _meanwhile(ctx, lambda: tasks.release_task(tasks.get_task(task.id), other))
    with pytest.raises(tasks.TaskTaken, match=r"^This task has just been released to the team queue$"):
        tasks.assign_task(stale, holder, manager, "Back from leave")
    db.session.rollback()

    db.session.expire_all()
    assert db.session.get(HumanTask, task.id).assignee_id is None
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.task_id == task.id).order_by(AuditEvent.id)
    ).all()
    assert actions == ["task.claimed", "task.assigned", "task.released"]


def test_a_task_claimed_after_its_page_was_read_cannot_be_completed_by_someone_else(ctx, people) -> None:
    factories.publish_test_diagram(two_step())
    claimer, other = people["practitioner"], people["family_worker"]
    case = factories.bare_case(claimer)
    instances.start_process(case, "two_step", {"referral_date": "2026-12-04"}, claimer)
    db.session.commit()
    task = factories.only_open_task(case)  # the other's form page, read while nobody held it
    _meanwhile(ctx, lambda: tasks.claim_task(tasks.get_task(task.id), claimer))
    with pytest.raises(tasks.TaskTaken, match=f"^This task is already assigned to {claimer.name}$"):
        tasks.complete_task(task, {"note": "go"}, other)
    db.session.rollback()
    db.session.expire_all()
    held = db.session.get(HumanTask, task.id)
    assert (held.state, held.assignee_id, held.completed_by_id) == (TaskState.OPEN, claimer.id, None)
