"""An incident's error in plain words, and retrying its step once the cause is fixed: one by one
or in a batch. A retry that fails again keeps the incident, with the new error, and changes
nothing of the case; one that works resolves it and the process runs on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

import pytest
import time_machine
from sqlalchemy import select

from app import scheduling
from app.engine import MB, Limits
from app.extensions import db
from app.models import AuditEvent, HumanTask, Incident, InstanceStatus, ProcessInstance, TaskState
from app.workflow import instances, suspension
from app.workflow.migration import Mover
from tests import factories
from tests.conftest import login
from tests.fixtures.diagrams import stepped, timer_step, two_step
from tests.integration.test_incident_access import NORTH, _signed_in_manager, _team_with_manager

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BROKEN = two_step(condition="undefined_name == 1", process_id="retry_me")
FIXED = two_step(condition="note == 'go'", process_id="retry_me")


def _started(people, xml: bytes, process_id: str):
    version = factories.publish_test_diagram(xml)
    case = factories.bare_case(people["practitioner"])
    instance = instances.start_process(case, process_id, {"referral_date": "2026-12-01"}, None)
    db.session.commit()
    return version, case, instance


def _failed_submission(client, people, xml: bytes = BROKEN, process_id: str = "retry_me"):
    """A case whose first task the practitioner submitted, and the diagram failed on."""
    version, case, instance = _started(people, xml, process_id)
    task = factories.only_open_task(case)
    login(client, "practitioner@example.org")
    assert client.post(f"/tasks/{task.id}", data={"note": "go"}).status_code == 500
    return version, case, instance, task


def _incident(instance) -> Incident:
    db.session.expire_all()
    return db.session.scalars(select(Incident).where(Incident.instance_id == instance.id)).one()


def _state(instance) -> tuple[object, ...]:
    db.session.expire_all()
    row = db.session.get(ProcessInstance, instance.id)
    tasks = db.session.execute(
        select(HumanTask.name, HumanTask.state, HumanTask.completed_by_id).where(
            HumanTask.instance_id == instance.id
        )
    ).all()
    return row.state, row.version, row.status, sorted(tasks)


def _retried(instance) -> list[tuple[dict | None, str]]:
    return [
        (e.after, e.detail)
        for e in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.instance_id == instance.id, AuditEvent.action == "incident.retried")
            .order_by(AuditEvent.id)
        )
    ]


def _move_to_fixed(version, instance, owner) -> None:
    fixed = factories.publish_test_diagram(FIXED)
    moved = Mover(version, fixed).move(instance.id, owner, "Fixed the condition")
    assert moved.check.can_move, moved.check.reasons
    db.session.commit()


@pytest.mark.expects_server_error
def test_the_incidents_page_says_in_plain_words_what_happened_and_what_to_do(client, people) -> None:
    _failed_submission(client, people)
    login(client, "manager@example.org")
    page = client.get("/incidents").get_data(as_text=True)
    assert "the diagram uses ‘undefined_name’, which this case does not have" in page
    assert "After ‘First step’, at ‘gw’" in page
    assert "Ask a process owner to fix the diagram, publish the fixed version and move this case" in page
    technical = page.split("Technical detail", 1)[1]
    assert "Error evaluating expression" in technical  # the engine's words, kept behind the details
    assert "Retry" in page and "Retry selected" in page


@pytest.mark.expects_server_error
def test_a_retry_before_the_fix_fails_again_and_changes_nothing(client, people) -> None:
    _, _, instance, _ = _failed_submission(client, people)
    before = _state(instance)
    incident = _incident(instance)
    assert incident.answers == {"note": ["go"]}

    login(client, "manager@example.org")
    answer = client.post(f"/incidents/{incident.id}/retry")
    assert answer.status_code == 302
    page = client.get("/incidents").get_data(as_text=True)
    assert "the retry did not work" in page and "Retried</dt>" in page
    incident = _incident(instance)
    assert incident.resolved_at is None and incident.retries == 1
    assert "undefined_name" in incident.message
    assert _state(instance) == before  # nothing of the step was kept
    assert _retried(instance) == [({"worked": False}, incident.message)]


@pytest.mark.expects_server_error
def test_fixed_by_a_new_version_the_retry_sends_the_answers_again_on_the_senders_behalf(
    client, people
) -> None:
    version, case, instance, task = _failed_submission(client, people)
    _move_to_fixed(version, instance, people["owner"])
    incident = _incident(instance)

    login(client, "manager@example.org")
    assert client.post(f"/incidents/{incident.id}/retry").status_code == 302
    incident = _incident(instance)
    practitioner = people["practitioner"].name
    assert incident.resolved_at is not None
    assert incident.resolution == f"Retried successfully (sent again on behalf of {practitioner})"
    assert db.session.get(ProcessInstance, instance.id).status == InstanceStatus.RUNNING
    done = db.session.get(HumanTask, task.id)
    assert (done.state, done.completed_by_id) == (TaskState.COMPLETED, people["practitioner"].id)
    assert done.data == {"note": "go"}
    assert [t.name for t in factories.open_tasks(case)] == ["Second step"]
    completed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.task_id == task.id, AuditEvent.action == "task.completed")
    ).one()
    assert completed.actor_id == people["manager"].id
    assert completed.detail == f"First step, on behalf of {practitioner}"
    assert _retried(instance) == [({"worked": True}, incident.resolution)]
    assert "There are no open incidents." in client.get("/incidents").get_data(as_text=True)


@pytest.mark.expects_server_error
def test_fixed_by_a_setting_the_retry_works(ctx, client, people) -> None:
    engine = ctx.extensions["engine"]
    environment = engine.script_engine.environment
    saved = engine.limits, environment.limits
    engine.limits = environment.limits = Limits(seconds=1.0, memory_bytes=8 * MB)  # at most 131,072 numbers
    try:
        xml = two_step(condition=escape("sum(range(200000)) > 0"), process_id="big_sum")
        _, case, instance, _ = _failed_submission(client, people, xml, "big_sum")
        incident = _incident(instance)
        login(client, "manager@example.org")
        page = client.get("/incidents").get_data(as_text=True)
        assert "A decision in the diagram went beyond what the system allows" in page
    finally:
        engine.limits, environment.limits = saved  # an administrator raised the limit
    assert client.post(f"/incidents/{incident.id}/retry").status_code == 302
    assert _incident(instance).resolved_at is not None
    assert [t.name for t in factories.open_tasks(case)] == ["Second step"]


def test_a_timer_incident_is_retried_by_firing_the_due_timers(ctx, client, people) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        xml = stepped(timer_step("no_such_date"), wait='"PT1H"', process_id="timer_retry")
        version, case, instance = _started(people, xml, "timer_retry")
        clock.move_to(T0 + timedelta(hours=2))
        scheduling.sweep(ctx)
        incident = _incident(instance)
        assert incident.raised_by_id is None and "no_such_date" in incident.message
        before = _state(instance)

        login(client, "admin@example.org")  # no team holds a task on the case yet: an administrator
        page = client.get("/incidents").get_data(as_text=True)
        assert "A deadline or wait on this case fell due, but the process could not act on it" in page
        client.post(f"/incidents/{incident.id}/retry")
        assert _state(instance) == before and _incident(instance).resolved_at is None

        fixed = factories.publish_test_diagram(
            stepped(timer_step("'2026-12-01T10:30:00+00:00'"), wait='"PT1H"', process_id="timer_retry")
        )
        assert Mover(version, fixed).move(instance.id, people["owner"], "Fixed the date").check.can_move
        db.session.commit()
        client.post(f"/incidents/{incident.id}/retry")
        assert _incident(instance).resolved_at is not None
        assert [t.name for t in factories.open_tasks(case)] == ["After"]
        assert [after for after, _ in _retried(instance)] == [{"worked": False}, {"worked": True}]


@pytest.mark.expects_server_error
def test_a_batch_retries_each_on_its_own_and_says_which_worked(client, people) -> None:
    version, fixable_case, fixable, _ = _failed_submission(client, people)
    _, stuck_case, stuck, _ = _failed_submission(
        client, people, two_step(condition="still_missing == 1", process_id="stuck"), "stuck"
    )
    _move_to_fixed(version, fixable, people["owner"])
    stuck_before = _state(stuck)

    login(client, "manager@example.org")
    ids = [str(_incident(fixable).id), str(_incident(stuck).id)]
    answer = client.post("/incidents/retry", data={"incident_id": ids})
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "1 of 2 worked; 1 did not" in page
    assert fixable_case.reference in page and stuck_case.reference in page
    assert _incident(fixable).resolved_at is not None
    assert _incident(stuck).resolved_at is None and _incident(stuck).retries == 1
    assert _state(stuck) == stuck_before
    assert client.post("/incidents/retry", data={}).status_code == 302  # none chosen: asked again


@pytest.mark.expects_server_error
def test_a_suspended_process_is_not_retried(client, people) -> None:
    version, _, instance, _ = _failed_submission(client, people)
    _move_to_fixed(version, instance, people["owner"])
    suspension.suspend(instance.id, people["manager"], "Hold everything")
    db.session.commit()
    login(client, "manager@example.org")
    client.post(f"/incidents/{_incident(instance).id}/retry")
    assert _incident(instance).resolved_at is None
    assert db.session.get(ProcessInstance, instance.id).status == InstanceStatus.SUSPENDED


@pytest.mark.expects_server_error
def test_an_incident_out_of_sight_answers_404_and_is_skipped_in_a_batch(client, people) -> None:
    _, _, instance, _ = _failed_submission(client, people)
    incident = _incident(instance)
    _team_with_manager(NORTH)  # a manager whose team holds nothing on the case
    _signed_in_manager(client, NORTH)
    assert client.post(f"/incidents/{incident.id}/retry").status_code == 404
    page = client.post("/incidents/retry", data={"incident_id": [str(incident.id)]}).get_data(as_text=True)
    assert "0 of 0 worked" in page
    assert _incident(instance).retries == 0


@pytest.mark.expects_server_error
def test_answers_are_not_sent_again_for_a_closed_account(client, people) -> None:
    version, case, instance, _ = _failed_submission(client, people)
    _move_to_fixed(version, instance, people["owner"])
    people["practitioner"].active = False
    db.session.commit()
    login(client, "manager@example.org")
    client.post(f"/incidents/{_incident(instance).id}/retry")
    incident = _incident(instance)
    assert incident.resolved_at is None and "undefined_name" in incident.message  # the error stays
    [(after, detail)] = _retried(instance)
    assert after == {"worked": False} and "account is closed" in detail
    assert [t.name for t in factories.open_tasks(case)] == ["First step"]
