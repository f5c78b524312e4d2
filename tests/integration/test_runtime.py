"""The runtime on a real database: projection, audit, locking, incidents."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, HumanTask, Incident, InstanceStatus, ProcessInstance, TaskState
from app.tasks import services as tasks
from app.transactions import in_own_transaction
from app.workflow import instances
from tests import factories
from tests.fixtures.diagrams import two_step


@pytest.fixture
def two_step_case(ctx, people):
    factories.publish_test_diagram(two_step())
    case = factories.bare_case(people["practitioner"])
    instance = instances.start_process(
        case, "two_step", {"referral_date": "2026-12-04"}, people["practitioner"]
    )
    db.session.commit()
    return case, instance


def test_starting_a_process_projects_its_first_task_into_the_lane_team_queue(two_step_case, teams) -> None:
    case, instance = two_step_case
    [task] = factories.open_tasks(case)
    assert task.name == "First step"
    assert task.team_id == teams["Early Help"].id
    assert task.form_key == "test.note"
    assert task.documentation == "Do the first thing well."
    assert task.due_at == datetime(2026, 12, 7, 17, 0, tzinfo=UTC)
    assert task.assignee_id is None
    assert instance.status == InstanceStatus.RUNNING
    assert instance.process_version.process_id == "two_step"


def test_completing_a_task_moves_the_case_on_and_records_who_and_what(two_step_case, people) -> None:
    case, instance = two_step_case
    first = factories.only_open_task(case)
    version_before = instance.version
    tasks.complete_task(first, {"note": "go"}, people["practitioner"])
    db.session.commit()
    second = factories.only_open_task(case)
    assert second.name == "Second step"
    db.session.refresh(first)
    assert first.state == TaskState.COMPLETED
    assert first.completed_by_id == people["practitioner"].id
    assert first.data == {"note": "go"}
    db.session.refresh(instance)
    assert instance.version == version_before + 1
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id))]
    assert "task.completed" in actions and "process.started" in actions

    tasks.complete_task(second, {"note": "done"}, people["practitioner"])
    db.session.commit()
    db.session.refresh(instance)
    assert instance.status == InstanceStatus.COMPLETED
    assert instance.end_event == "Done"
    assert factories.open_tasks(case) == []


def test_a_completed_task_cannot_be_completed_again(two_step_case, people) -> None:
    case, _ = two_step_case
    first = factories.only_open_task(case)
    tasks.complete_task(first, {"note": "stop"}, people["practitioner"])
    db.session.commit()
    with pytest.raises(tasks.TaskNotOpen):
        tasks.complete_task(first, {"note": "go"}, people["family_worker"])
    db.session.rollback()
    assert tasks.get_task(first.id).completed_by_id == people["practitioner"].id


def test_someone_outside_the_team_cannot_work_the_task(two_step_case, people) -> None:
    case, _ = two_step_case
    first = factories.only_open_task(case)
    with pytest.raises(tasks.NotAllowed):
        tasks.claim_task(first, people["ace"])
    with pytest.raises(tasks.TaskNotFound):  # not in their queues nor on a case they may see
        tasks.complete_task(first, {"note": "go"}, people["ace"])


def test_claim_release_and_manager_assignment(two_step_case, people) -> None:
    case, _ = two_step_case
    task = factories.only_open_task(case)
    tasks.claim_task(task, people["practitioner"])
    assert task.assignee_id == people["practitioner"].id
    with pytest.raises(tasks.NotAllowed):
        tasks.claim_task(task, people["family_worker"])
    with pytest.raises(tasks.NotAllowed):
        tasks.release_task(task, people["family_worker"])
    with pytest.raises(tasks.NotAllowed):
        tasks.assign_task(task, people["family_worker"], people["practitioner"])  # not a manager
    with pytest.raises(tasks.NotAllowed):
        tasks.assign_task(task, people["ace"], people["manager"])  # not in the task's team
    tasks.assign_task(task, people["family_worker"], people["manager"], "Covering leave")
    assert task.assignee_id == people["family_worker"].id
    with pytest.raises(tasks.NotAllowed):
        tasks.complete_task(task, {"note": "go"}, people["practitioner"])  # held by someone else
    tasks.release_task(task, people["manager"], "Back to the team for the morning")
    assert task.assignee_id is None
    db.session.commit()


def test_an_engine_failure_saves_nothing_and_raises_an_incident(ctx, people) -> None:
    factories.publish_test_diagram(two_step(condition="undefined_name == 1", process_id="broken_two_step"))
    case = factories.bare_case(people["practitioner"])
    instance = instances.start_process(case, "broken_two_step", {"referral_date": "2026-12-04"}, None)
    db.session.commit()
    state_before, version_before = instance.state, instance.version
    task = factories.only_open_task(case)
    with pytest.raises(tasks.EngineFailed) as caught:
        tasks.complete_task(task, {"note": "go"}, people["practitioner"])
    in_own_transaction(lambda: tasks.record_engine_failure(caught.value, people["practitioner"]))
    db.session.expire_all()
    instance = db.session.get(ProcessInstance, instance.id)
    assert instance.state == state_before
    assert instance.status == InstanceStatus.INCIDENT
    assert instance.version == version_before + 1  # only the status changed
    task = db.session.get(HumanTask, task.id)
    assert task.state == TaskState.OPEN and task.data is None
    [incident] = db.session.scalars(select(Incident).where(Incident.instance_id == instance.id))
    assert incident.task_name == "First step"
    assert "undefined_name" in incident.message


def test_a_step_the_diagram_reserves_for_managers_is_theirs_alone(ctx, people) -> None:
    factories.publish_test_diagram(two_step(process_id="manager_step", second_role="manager"))
    case = factories.bare_case(people["practitioner"])
    instances.start_process(case, "manager_step", {"referral_date": "2026-12-04"}, None)
    db.session.commit()
    tasks.complete_task(factories.only_open_task(case), {"note": "go"}, people["practitioner"])
    db.session.commit()
    authorise = factories.only_open_task(case)
    assert authorise.required_role == "manager"
    with pytest.raises(tasks.NotAllowed, match="Only a manager"):
        tasks.claim_task(authorise, people["practitioner"])
    with pytest.raises(tasks.NotAllowed, match="Only a manager"):
        tasks.complete_task(authorise, {"note": "self-approved"}, people["family_worker"])
    with pytest.raises(tasks.NotAllowed, match="Only a manager"):
        tasks.assign_task(authorise, people["family_worker"], people["manager"])
    assert [u.email for u in tasks.assignable_users(authorise)] == ["manager@example.org"]
    tasks.complete_task(authorise, {"note": "authorised"}, people["manager"])
    db.session.commit()
    assert factories.open_tasks(case) == []
