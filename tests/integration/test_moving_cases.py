"""Moving running cases between versions of a process (app/workflow/migration.py, app/moves): one
instance moved keeps its open task (id, holder, due date) under the new name, with one audit
event; a dry run writes nothing; a batch from the pages moves the cases that can move, lists the
others with the reason, and moves back; one batch at a time, and no publishing meanwhile; only
process owners and admins.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.config import ROOT
from app.extensions import db
from app.jobs import each_in_savepoint
from app.models import (
    AuditEvent,
    Case,
    HumanTask,
    MigrationRun,
    MigrationStatus,
    ProcessInstance,
    ProcessVersion,
    User,
)
from app.moves import services
from app.processes.checks import Bundle, check
from app.processes.publishing import PublishRefused, make_current, publish
from app.tasks.services import claim_task, complete_task
from app.workflow.instances import start_process
from app.workflow.library import current_version
from app.workflow.migration import Mover
from tests import factories
from tests.conftest import login
from tests.fixtures.diagrams import boundary_timer
from tests.fixtures.moves.diagrams import PROCESS, chain, task

REFERRAL = "referral_to_early_help"
REFERRAL_BPMN = ROOT / "processes" / f"{REFERRAL}.bpmn"
REFERRAL_FORMS = ROOT / "forms" / f"{REFERRAL}.json"
TRIAGE = b'<bpmn:userTask id="triage" name="Triage the referral">'

V1 = chain(task("a", "Alpha"), task("b", "Bravo"))
V2 = chain(task("a", "Alpha, renamed"))  # Alpha renamed, Bravo gone: a case at Bravo cannot move


def publish_referral(owner: User, triage_name: str) -> ProcessVersion:
    """A new version of the referral pathway with its triage task renamed, published as an owner does."""
    xml = REFERRAL_BPMN.read_bytes()
    assert xml.count(TRIAGE) == 1
    xml = xml.replace(TRIAGE, f'<bpmn:userTask id="triage" name="{triage_name}">'.encode())
    checked = check(Bundle(REFERRAL_BPMN.name, xml, b"", REFERRAL_FORMS.read_text(encoding="utf-8")))
    assert checked.publishable, checked.errors
    return publish(checked, owner, f"Triage is now '{triage_name}'").version


def instance_of(case: Case) -> ProcessInstance:
    return db.session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case.id)).one()


def migrated_events(instance: ProcessInstance) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.action == "process.migrated", AuditEvent.instance_id == instance.id
    )
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def case_on(version: ProcessVersion, worker: User, at_bravo: bool = False) -> Case:
    """A case running the test process (on `version`, current), at Alpha or past it at Bravo."""
    case = factories.bare_case(worker)
    start_process(case, PROCESS, {}, worker)
    if at_bravo:
        complete_task(factories.only_open_task(case), {"note": "done"}, worker)
    db.session.commit()
    assert instance_of(case).process_version_id == version.id
    return case


def two_cases(people: dict[str, User]) -> tuple[ProcessVersion, ProcessVersion, Case, Case]:
    """Version 1 with a case at Alpha and one at Bravo, then version 2 published."""
    v1 = factories.publish_test_diagram(V1, "moving.bpmn")
    at_alpha = case_on(v1, people["practitioner"])
    at_bravo = case_on(v1, people["practitioner"], at_bravo=True)
    v2 = factories.publish_test_diagram(V2, "moving.bpmn")
    db.session.commit()
    return v1, v2, at_alpha, at_bravo


def page_text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


# -- one instance ------------------------------------------------------------------------------


def test_a_referral_at_triage_moves_keeping_its_task(client: FlaskClient, people: dict[str, User]) -> None:
    worker, owner = people["practitioner"], people["owner"]
    case = factories.refer(people["school"])
    instance = instance_of(case)
    v1 = instance.process_version
    triage = factories.only_open_task(case)
    claim_task(triage, worker)
    db.session.commit()
    kept = (triage.id, triage.assignee_id, triage.due_at, triage.form_key)
    assert kept[1] == worker.id and kept[2] is not None
    v2 = publish_referral(owner, "Triage the referral and choose a route")
    db.session.commit()

    moved = Mover(v1, v2).move(instance.id, owner, "Clearer name for triage")
    db.session.commit()

    assert moved.check.can_move is True and moved.check.reasons == []
    db.session.expire_all()
    assert instance_of(case).process_version_id == v2.id != v1.id
    task = factories.only_open_task(case)
    assert (task.id, task.assignee_id, task.due_at, task.form_key) == kept
    assert task.name == "Triage the referral and choose a route"
    events = migrated_events(instance)
    assert len(events) == 1
    assert events[0].actor_id == owner.id and events[0].case_id == case.id
    assert events[0].before == {"version": v1.number}
    assert events[0].after is not None and events[0].after["version"] == v2.number
    assert "Clearer name for triage" in events[0].detail

    login(client, worker.email)
    assert f"/tasks/{task.id}" in page_text(client, "/worklist")
    page = page_text(client, f"/tasks/{task.id}")
    assert "Triage the referral and choose a route" in page


def test_a_dry_run_lists_each_case_and_writes_nothing(people: dict[str, User]) -> None:
    v1, v2, at_alpha, at_bravo = two_cases(people)

    def snapshot() -> Any:
        rows = db.session.execute(
            select(ProcessInstance.id, ProcessInstance.process_version_id, ProcessInstance.state,
                   ProcessInstance.version).order_by(ProcessInstance.id)
        ).all()  # fmt: skip
        tasks = db.session.execute(select(HumanTask.id, HumanTask.name, HumanTask.state)).all()
        counted = [count(m) for m in (ProcessInstance, HumanTask, AuditEvent, MigrationRun)]
        return rows, sorted(tasks), counted

    before = snapshot()
    checks = services.dry_run(v1, v2, [])
    db.session.flush()
    assert snapshot() == before

    assert [(c.case_id, c.reference) for c in checks] == [
        (at_alpha.id, at_alpha.reference),
        (at_bravo.id, at_bravo.reference),
    ]
    alpha, bravo = checks[0].check, checks[1].check
    assert alpha.can_move is True and alpha.reasons == []
    assert alpha.changes == ["Its open task 'Alpha' is called 'Alpha, renamed' from now on"]
    assert bravo.can_move is False
    assert bravo.reasons == ["Its open step 'Bravo' is not in the new version"]
    only = services.dry_run(v1, v2, [at_bravo.reference])
    assert [c.instance_id for c in only] == [instance_of(at_bravo).id]


def test_an_open_task_whose_form_the_target_does_not_define_cannot_move(people: dict[str, User]) -> None:
    v1 = factories.publish_test_diagram(chain(task("a", "Alpha")), "moving.bpmn")
    case = case_on(v1, people["practitioner"])
    v2 = factories.publish_test_diagram(chain(task("a", "Alpha", form_key="test.other")), "moving.bpmn")
    db.session.commit()
    instance = instance_of(case)

    check = Mover(v1, v2).check(instance)
    assert check.can_move is False
    assert check.reasons == [
        f"Its open task (a) would show the form 'test.other', which version {v2.number} does not define"
    ]
    moved = Mover(v1, v2).move(instance.id, people["owner"], "Try anyway")
    db.session.commit()
    assert moved.check.can_move is False
    db.session.expire_all()
    assert instance_of(case).process_version_id == v1.id
    assert factories.only_open_task(case).form_key == "test.note"
    assert migrated_events(instance) == []


def test_a_case_waiting_on_a_timer_keeps_its_deadline_when_moved_days_later(people: dict[str, User]) -> None:
    worker, started = people["practitioner"], datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    timed = boundary_timer('"P10D"')
    v1 = factories.publish_test_diagram(timed, "timed.bpmn")
    with time_machine.travel(started, tick=False):
        case = factories.bare_case(worker)
        start_process(case, "timed_boundary", {}, worker)
        db.session.commit()
    assert instance_of(case).next_timer_at == started + timedelta(days=10)
    v2 = factories.publish_test_diagram(timed.replace(b'"Do the work"', b'"Do the work now"'), "timed.bpmn")
    with time_machine.travel(started + timedelta(days=3), tick=False):
        assert Mover(v1, v2).move(instance_of(case).id, worker, "Renamed").check.can_move is True
        db.session.commit()
    db.session.expire_all()
    instance = instance_of(case)
    assert (instance.process_version_id, instance.next_timer_at) == (v2.id, started + timedelta(days=10))
    assert factories.only_open_task(case).name == "Do the work now"


def test_an_open_task_whose_bpmn_id_changed_can_be_done_after_the_move(people: dict[str, User]) -> None:
    worker = people["practitioner"]
    v1 = factories.publish_test_diagram(V1, "moving.bpmn")
    case = case_on(v1, worker)
    # A redrawn Alpha: the same step in the same place, with a new id (matched by position).
    v2 = factories.publish_test_diagram(chain(task("a_redrawn", "Alpha"), task("b", "Bravo")), "moving.bpmn")
    db.session.commit()
    assert Mover(v1, v2).move(instance_of(case).id, people["owner"], "Redrawn").check.can_move is True
    db.session.commit()
    alpha = factories.only_open_task(case)
    assert alpha.bpmn_id == "a_redrawn"  # fails: still "a"
    complete_task(alpha, {"note": "done"}, worker)
    assert factories.only_open_task(case).bpmn_id == "b"


# -- a batch from the pages, and moving back ---------------------------------------------------


def test_a_batch_moves_the_cases_that_can_move_lists_the_others_and_moves_back(
    client: FlaskClient, people: dict[str, User]
) -> None:
    v1, v2, at_alpha, at_bravo = two_cases(people)
    alpha, bravo = instance_of(at_alpha), instance_of(at_bravo)
    login(client, people["owner"].email)
    assert "Dry run: 1 of 2 can move" in page_text(client, f"/processes/{PROCESS}/move?source=1&target=2")
    move = f"/processes/{PROCESS}/move"
    response = client.post(move, data={"source": "1", "target": "2", "reason": "  "})
    assert response.status_code == 400 and count(MigrationRun) == 0
    assert "Enter the reason for moving these cases" in html.unescape(response.get_data(as_text=True))

    response = client.post(move, data={"source": "1", "target": "2", "cases": "", "reason": "No Bravo"})
    assert response.status_code == 302
    run = db.session.scalars(select(MigrationRun)).one()
    assert response.headers["Location"].endswith(f"/processes/moves/{run.id}")
    assert (run.status, run.total, run.done, run.moved) == (MigrationStatus.FINISHED, 2, 2, 1)
    assert json.loads(run.refused_json) == [
        {"instance_id": bravo.id, "reasons": ["Its open step 'Bravo' is not in the new version"]}
    ]
    db.session.expire_all()
    assert (alpha.process_version_id, bravo.process_version_id) == (v2.id, v1.id)
    assert factories.only_open_task(at_alpha).name == "Alpha, renamed"
    assert factories.only_open_task(at_bravo).name == "Bravo"
    page = page_text(client, f"/processes/moves/{run.id}")
    assert "Cases moved from version 1 to 2" in page
    assert f"{at_bravo.reference}</td>" in page and "Its open step 'Bravo' is not in the new version" in page
    assert at_alpha.reference not in page
    assert "Move these 1 cases back to version 1" in page
    assert services.moved_ids(run) == [alpha.id]
    assert services.dry_run(v1, v2, [at_alpha.reference]) == []  # it is on version 2 now

    response = client.post(f"/processes/moves/{run.id}/back")
    assert response.status_code == 302
    back = db.session.scalars(select(MigrationRun).where(MigrationRun.id != run.id)).one()
    assert response.headers["Location"].endswith(f"/processes/moves/{back.id}")
    assert (back.source_version_id, back.target_version_id) == (v2.id, v1.id)
    assert (back.status, back.total, back.moved, json.loads(back.instance_ids_json)) == (
        MigrationStatus.FINISHED, 1, 1, [alpha.id],
    )  # fmt: skip
    db.session.expire_all()
    assert (alpha.process_version_id, bravo.process_version_id) == (v1.id, v1.id)
    assert factories.only_open_task(at_alpha).name == "Alpha"
    assert [(e.before, e.after["version"]) for e in migrated_events(alpha)] == [
        ({"version": 1}, 2),
        ({"version": 2}, 1),
    ]
    assert migrated_events(bravo) == []


# -- one batch at a time, and no publishing meanwhile ------------------------------------------


def referral_batch(people: dict[str, User]) -> tuple[ProcessVersion, ProcessVersion, MigrationRun]:
    """A referral case on the shipped version, version 2 published, and a batch started (not run)."""
    owner = people["owner"]
    factories.refer(people["school"])
    v1 = current_version(REFERRAL)
    v2 = publish_referral(owner, "Triage the referral, v2")
    run = services.start(v1, v2, [], owner, "Rename triage")
    db.session.commit()
    assert run.status == MigrationStatus.RUNNING
    return v1, v2, run


def test_a_batch_needs_a_reason_and_a_running_case(people: dict[str, User]) -> None:
    owner = people["owner"]
    factories.refer(people["school"])
    v1 = current_version(REFERRAL)
    v2 = publish_referral(owner, "Triage the referral, v2")
    for reason in ("", " \n\t "):
        with pytest.raises(services.MigrationRefused, match="Enter the reason"):
            services.start(v1, v2, [], owner, reason)
    with pytest.raises(services.MigrationRefused, match="nothing to move"):
        services.start(v1, v2, ["NO-SUCH-CASE"], owner, "A reason")
    assert count(MigrationRun) == 0


def test_while_a_batch_runs_no_other_batch_starts_and_nothing_is_published(people: dict[str, User]) -> None:
    owner = people["owner"]
    v1, v2, run = referral_batch(people)
    assert services.in_progress(REFERRAL) == run
    with pytest.raises(services.MigrationRefused, match="being moved already"):
        services.start(v1, v2, [], owner, "Again")
    with pytest.raises(PublishRefused) as refused:
        publish_referral(owner, "Triage the referral, v3")
    assert [p.reason for p in refused.value.problems] == ["migration_running"]
    with pytest.raises(PublishRefused) as refused:
        make_current(REFERRAL, v1.number, owner, "Back to the first")
    assert [p.reason for p in refused.value.problems] == ["migration_running"]
    assert current_version(REFERRAL).id == v2.id

    services.run_batch(run.id, each_in_savepoint)
    db.session.commit()
    assert (run.status, run.moved) == (MigrationStatus.FINISHED, 1)
    assert services.in_progress(REFERRAL) is None
    assert make_current(REFERRAL, v1.number, owner, "Back to the first").id == v1.id
    assert publish_referral(owner, "Triage the referral, v3").number == v2.number + 1


def test_a_batch_that_stopped_moving_for_ten_minutes_is_failed(people: dict[str, User]) -> None:
    owner = people["owner"]
    v1, v2, run = referral_batch(people)
    run.updated_at = datetime.now(UTC) - timedelta(minutes=9)
    db.session.commit()
    assert services.in_progress(REFERRAL) == run  # slow, not dead
    assert run.status == MigrationStatus.RUNNING

    run.updated_at = datetime.now(UTC) - timedelta(minutes=11)
    db.session.commit()
    assert services.in_progress(REFERRAL) is None
    assert run.status == MigrationStatus.FAILED and run.finished_at is not None
    again = services.start(v1, v2, [], owner, "Once more")
    assert again.id != run.id and again.status == MigrationStatus.RUNNING


def test_a_batch_that_stopped_moving_does_not_block_publishing(people: dict[str, User]) -> None:
    _, v2, run = referral_batch(people)
    run.updated_at = datetime.now(UTC) - timedelta(minutes=30)
    db.session.commit()
    assert publish_referral(people["owner"], "Triage the referral, v3").number == v2.number + 1


# -- who may move cases ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["practitioner", "manager"])
def test_only_process_owners_and_admins_may_move_cases(
    client: FlaskClient, people: dict[str, User], who: str
) -> None:
    _, _, run = referral_batch(people)
    run.status = MigrationStatus.FINISHED
    db.session.commit()
    login(client, people[who].email)
    move = f"/processes/{REFERRAL}/move"
    for response in (
        client.get(move),
        client.get(f"{move}?source=1&target=2"),
        client.post(move, data={"source": "1", "target": "2", "reason": "Mine now"}),
        client.get(f"/processes/moves/{run.id}"),
        client.post(f"/processes/moves/{run.id}/back"),
    ):
        assert response.status_code == 403, response.request.path
    assert count(MigrationRun) == 1


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_owners_and_admins_see_the_pages_and_an_unknown_batch_is_not_found(
    client: FlaskClient, people: dict[str, User], who: str
) -> None:
    _, _, run = referral_batch(people)
    login(client, people[who].email)
    assert "Move running cases of Referral to Early Help" in page_text(client, f"/processes/{REFERRAL}/move")
    assert "Moving cases from version" in page_text(client, f"/processes/moves/{run.id}")
    assert client.post(f"/processes/moves/{run.id}/back").status_code == 400  # still running
    assert client.get(f"/processes/moves/{run.id + 1000}").status_code == 404
    assert client.post(f"/processes/moves/{run.id + 1000}/back").status_code == 404
    assert client.get("/processes/no_such_process/move").status_code == 404
