"""Two people submitting the same task at the same moment: exactly one wins.

Runs with real threads and real connections, on SQLite (version counter) and on
PostgreSQL (row lock plus version counter) when DATABASE_URL points at one.
"""

from __future__ import annotations

import threading

import pytest

from app.extensions import db
from app.models import HumanTask, ProcessInstance, TaskState, User
from app.tasks import services as tasks
from app.workflow import instances
from tests import factories
from tests.fixtures.diagrams import two_step

# Each submission is a thread with its own connection: it must see what the test commits.
pytestmark = pytest.mark.commits

ROUNDS = 8


def _race(app, task_id: str, user_ids: list[int]) -> dict[int, object]:
    barrier = threading.Barrier(len(user_ids))
    results: dict[int, object] = {}

    def attempt(user_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                task = tasks.get_task(task_id)
                barrier.wait(timeout=10)
                tasks.complete_task(task, {"note": f"go, typed by {user_id}"}, user)
                db.session.commit()
                results[user_id] = "won"
            except tasks.TaskNotOpen:
                db.session.rollback()
                fresh = tasks.get_task(task_id)
                results[user_id] = ("lost", fresh.completed_by_id, fresh.completed_at)
            except Exception as exc:  # a failure here is a test failure, reported below
                db.session.rollback()
                results[user_id] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_simultaneous_submissions_of_one_task_have_exactly_one_winner(ctx, people) -> None:
    # Each person types their own note; both notes take the process to the second step.
    factories.publish_test_diagram(two_step(condition="note.startswith('go')"))
    a, b = people["practitioner"], people["family_worker"]
    for _ in range(ROUNDS):
        case = factories.bare_case(a)
        instance = instances.start_process(case, "two_step", {"referral_date": "2026-12-04"}, a)
        db.session.commit()
        task_id = factories.only_open_task(case).id
        version = instance.version

        results = _race(ctx, task_id, [a.id, b.id])

        outcomes = sorted(str(r) if not isinstance(r, tuple) else r[0] for r in results.values())
        assert outcomes == ["lost", "won"], results
        [winner] = [uid for uid, r in results.items() if r == "won"]
        [loser_result] = [r for r in results.values() if isinstance(r, tuple)]
        assert loser_result[1] == winner  # the loser is told who completed it
        assert loser_result[2] is not None  # and when
        db.session.expire_all()
        task = db.session.get(HumanTask, task_id)
        assert task.state == TaskState.COMPLETED and task.completed_by_id == winner
        assert task.data == {"note": f"go, typed by {winner}"}  # the loser's answers were never saved
        assert db.session.get(ProcessInstance, instance.id).version == version + 1
        [second] = factories.open_tasks(case)
        assert second.name == "Second step"
