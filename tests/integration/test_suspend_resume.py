"""A manager suspends a process on a case with a reason and resumes it with one: while it is
suspended its tasks cannot be claimed, assigned or completed (pages and API), its timers do not
fire and worklists say so; once resumed, a timer that fell due meanwhile fires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from app import scheduling
from app.extensions import db
from app.models import AuditEvent, InstanceStatus, ProcessInstance, TaskState
from app.workflow import instances, suspension
from tests import factories
from tests.conftest import login
from tests.fixtures.diagrams import boundary_timer, two_step

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday


def _case(people, xml: bytes, process_id: str):
    factories.publish_test_diagram(xml)
    case = factories.bare_case(people["practitioner"])
    instance = instances.start_process(case, process_id, {"referral_date": "2026-12-01"}, None)
    db.session.commit()
    return case, instance


def _status(instance) -> InstanceStatus:
    db.session.expire_all()
    return db.session.get(ProcessInstance, instance.id).status


def _actions(instance) -> list[tuple[str, str]]:
    return [
        (e.action, e.detail)
        for e in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.instance_id == instance.id, AuditEvent.action.like("process.%"))
            .order_by(AuditEvent.id)
        )
    ]


def _suspend_on_the_page(client, case, instance, reason: str):
    return client.post(f"/cases/{case.reference}/processes/{instance.id}/suspend", data={"reason": reason})


def test_a_manager_suspends_from_the_case_page_with_a_reason(client, people) -> None:
    case, instance = _case(people, two_step(), "two_step")
    login(client, "manager@example.org")
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    url = f"/cases/{case.reference}/processes/{instance.id}/suspend"
    assert f'href="{url}"' in page
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Why are you suspending it?" in confirm.get_data(as_text=True)

    refused = _suspend_on_the_page(client, case, instance, "   ")
    assert refused.status_code == 400 and "Enter why you are suspending it" in refused.get_data(as_text=True)
    assert _status(instance) == InstanceStatus.RUNNING

    done = _suspend_on_the_page(client, case, instance, "Family moved out of the area; checking")
    assert done.status_code == 302
    assert _status(instance) == InstanceStatus.SUSPENDED
    assert _actions(instance)[-1] == ("process.suspended", "Family moved out of the area; checking")
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Suspended" in page and "Family moved out of the area; checking" in page
    assert f'href="/cases/{case.reference}/processes/{instance.id}/resume"' in page


def test_a_practitioner_cannot_suspend_and_sees_no_control(client, people) -> None:
    case, instance = _case(people, two_step(), "two_step")
    login(client, "practitioner@example.org")
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "/suspend" not in page
    assert _suspend_on_the_page(client, case, instance, "I would like to").status_code == 403
    assert _status(instance) == InstanceStatus.RUNNING


def test_an_instance_of_another_case_answers_404(client, people) -> None:
    _, instance = _case(people, two_step(), "two_step")
    other = factories.refer(people["school"])
    login(client, "manager@example.org")
    assert _suspend_on_the_page(client, other, instance, "Wrong case").status_code == 404
    assert _status(instance) == InstanceStatus.RUNNING


def test_while_suspended_its_tasks_are_refused_everywhere_and_say_why(client, people) -> None:
    case, instance = _case(people, two_step(), "two_step")
    task = factories.only_open_task(case)
    suspension.suspend(instance.id, people["manager"], "Awaiting a court decision")
    db.session.commit()

    login(client, "practitioner@example.org")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "This process is suspended" in page
    assert people["manager"].name in page and "Awaiting a court decision" in page
    assert "Save and continue" not in page and "Claim this task" not in page

    refused = client.post(f"/tasks/{task.id}", data={"note": "My careful note"})
    assert refused.status_code == 409
    body = refused.get_data(as_text=True)
    assert "This process is suspended" in body and "My careful note" in body
    assert "Save and continue" not in body
    assert client.post(f"/tasks/{task.id}/claim").status_code == 409

    queue = client.get("/worklist?view=team").get_data(as_text=True)
    row = next(r for r in queue.split("<tr") if task.id in r)
    assert "Suspended" in row and "Claim" not in row

    login(client, "manager@example.org")
    assign = client.post(
        f"/tasks/{task.id}/assign", data={"assignee_id": str(people["practitioner"].id), "reason": "Cover"}
    )
    assert assign.status_code == 409 and "This process is suspended" in assign.get_data(as_text=True)

    db.session.expire_all()
    fresh = factories.only_open_task(case)
    assert (fresh.state, fresh.assignee_id) == (TaskState.OPEN, None)


def test_the_api_refuses_to_complete_a_suspended_process_task(client, people) -> None:
    from app.auth.services import create_api_token

    case, instance = _case(people, two_step(), "two_step")
    task = factories.only_open_task(case)
    suspension.suspend(instance.id, people["manager"], "Paused")
    token = create_api_token(people["practitioner"], "suspend test")
    db.session.commit()
    answer = client.post(
        f"/api/v1/tasks/{task.id}/complete", json={"note": "go"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 409
    assert answer.get_json()["error"] == "suspended"
    assert answer.get_json()["message"] == "This process is suspended"
    assert factories.only_open_task(case).state == TaskState.OPEN


def test_timers_wait_while_suspended_and_fire_once_resumed(ctx, client, people, monkeypatch) -> None:
    scheduled: dict[int, datetime] = {}

    class Scheduler:  # stands in for the running scheduler: what it is told after each commit
        def schedule(self, instance_id: int, due: datetime) -> None:
            scheduled[instance_id] = due

    monkeypatch.setitem(ctx.extensions, "timers", Scheduler())
    with time_machine.travel(T0, tick=False) as clock:
        case, instance = _case(people, boundary_timer('"PT2H"'), "timed_boundary")
        suspension.suspend(instance.id, people["manager"], "Paused for a review")
        db.session.commit()

        clock.move_to(T0 + timedelta(hours=3))
        assert scheduling.sweep(ctx) == 0  # due, but suspended: nothing fires
        assert [t.name for t in factories.open_tasks(case)] == ["Do the work"]
        db.session.expire_all()
        assert instances.fire_timers(instances.lock_instance(instance.id)) is False  # the lock re-checks
        db.session.rollback()

        scheduled.clear()
        login(client, "manager@example.org")
        resumed = client.post(
            f"/cases/{case.reference}/processes/{instance.id}/resume", data={"reason": "Review done"}
        )
        assert resumed.status_code == 302
        assert _status(instance) == InstanceStatus.RUNNING
        assert scheduled == {instance.id: T0 + timedelta(hours=2)}  # the scheduler was told at once
        assert scheduling.sweep(ctx) == 1
        assert [t.name for t in factories.open_tasks(case)] == ["Timer task"]
    assert _actions(instance)[-2:] == [
        ("process.suspended", "Paused for a review"),
        ("process.resumed", "Review done"),
    ]


def test_a_finished_process_cannot_be_suspended(client, people) -> None:
    case, instance = _case(people, two_step(), "two_step")
    instance.status = InstanceStatus.COMPLETED
    db.session.commit()
    login(client, "manager@example.org")
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert f"/processes/{instance.id}/suspend" not in page
    refused = _suspend_on_the_page(client, case, instance, "Why not")
    assert refused.status_code == 302
    asked = client.get(f"/cases/{case.reference}/processes/{instance.id}/resume", follow_redirects=True)
    assert "This process is not suspended" in asked.get_data(as_text=True)
    assert _status(instance) == InstanceStatus.COMPLETED
    assert [a for a, _ in _actions(instance)] == ["process.started"]
