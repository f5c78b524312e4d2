"""Hand-offs between processes by BPMN messages, on a real database.

A message end event in one process starts the process whose start event waits for that
message, on the same case, in the same transaction; if that fails, nothing moves.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from app.engine import InvalidDiagram, parse_diagram
from app.extensions import db
from app.models import AuditEvent, HumanTask, InstanceStatus, ProcessInstance, TaskState
from app.tasks import services as tasks
from app.timescales.working_days import end_of_working_day
from app.workflow import instances
from app.workflow.library import message_problems
from tests import factories
from tests.fixtures.diagrams import hand_off_receiver, hand_off_sender

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # a Friday


def sender_case(people, sender: bytes):
    factories.publish_test_diagram(sender, "sender.bpmn")
    case = factories.bare_case(people["practitioner"])
    sent = instances.start_process(case, "sender", {"referral_date": "2026-12-04"}, people["practitioner"])
    db.session.commit()
    return case, sent


def test_a_message_end_event_starts_the_receiving_process_on_the_same_case(ctx, people, teams) -> None:
    factories.publish_test_diagram(hand_off_receiver(), "receiver.bpmn")
    with time_machine.travel(NOW, tick=False):
        case, sent = sender_case(people, hand_off_sender())
        tasks.complete_task(
            factories.only_open_task(case), {"note": "risk has risen"}, people["practitioner"]
        )
        db.session.commit()
    db.session.expire_all()
    sent = db.session.get(ProcessInstance, sent.id)
    assert (sent.status, sent.end_event) == (InstanceStatus.COMPLETED, "Handed on")
    [received] = db.session.scalars(select(ProcessInstance).where(ProcessInstance.started_by_id == sent.id))
    assert received.case_id == case.id
    assert (received.process_version.process_id, received.start_message) == ("receiver", "test_hand_off")
    [task] = factories.open_tasks(case)
    assert (task.name, task.team_id) == ("Pick up the case", teams["CAS"].id)
    # The payload's sent_on (today) drives the receiver's due date: Friday + 1 working day.
    assert task.due_at == end_of_working_day(date(2026, 12, 7))
    handed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "process.handed_over"))
    assert handed is not None and handed.detail == "Sender to Receiver"


def test_the_receiver_knows_the_case_and_what_the_sender_sent(ctx, people) -> None:
    factories.publish_test_diagram(
        hand_off_receiver(due="add_working_days(referral_date, 2)"), "receiver.bpmn"
    )
    with time_machine.travel(NOW, tick=False):
        case, _ = sender_case(people, hand_off_sender())
        tasks.complete_task(
            factories.only_open_task(case), {"note": "risk has risen"}, people["practitioner"]
        )
        db.session.commit()
    [task] = factories.open_tasks(case)
    # referral_date comes from the case itself (bare_case: Friday 4 December 2026) + 2 working days.
    assert task.due_at == end_of_working_day(date(2026, 12, 8))


def test_a_message_no_process_receives_rolls_the_whole_step_back(ctx, people) -> None:
    with time_machine.travel(NOW, tick=False):
        case, sent = sender_case(people, hand_off_sender(message="nobody_receives_this"))
        state, version = sent.state, sent.version
        task = factories.only_open_task(case)
        with pytest.raises(tasks.EngineFailed, match="nobody_receives_this"):
            tasks.complete_task(task, {"note": "go"}, people["practitioner"])
        db.session.rollback()
    db.session.expire_all()
    sent = db.session.get(ProcessInstance, sent.id)
    assert (sent.state, sent.version, sent.status) == (state, version, InstanceStatus.RUNNING)
    assert db.session.get(HumanTask, task.id).state == TaskState.OPEN
    assert db.session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case.id)).all() == [
        sent
    ]


def test_a_receiver_that_fails_to_start_rolls_the_sender_back_too(ctx, people) -> None:
    factories.publish_test_diagram(
        hand_off_receiver(
            message="broken_hand_off", due="no_such_helper(sent_on)", process_id="broken_receiver"
        ),
        "broken_receiver.bpmn",
    )
    with time_machine.travel(NOW, tick=False):
        case, sent = sender_case(people, hand_off_sender(message="broken_hand_off"))
        task = factories.only_open_task(case)
        with pytest.raises(tasks.EngineFailed):
            tasks.complete_task(task, {"note": "go"}, people["practitioner"])
        db.session.rollback()
    db.session.expire_all()
    assert db.session.get(HumanTask, task.id).state == TaskState.OPEN
    assert db.session.get(ProcessInstance, sent.id).status == InstanceStatus.RUNNING


def test_a_process_with_a_message_start_can_be_started_directly(ctx, people) -> None:
    factories.publish_test_diagram(hand_off_receiver(), "receiver.bpmn")
    case = factories.bare_case(people["practitioner"])
    instance = instances.start_process(case, "receiver", {"sent_on": "2026-12-04"}, people["practitioner"])
    db.session.commit()
    assert instance.started_by_id is None and instance.start_message == ""
    [task] = factories.open_tasks(case)
    assert task.due_at == end_of_working_day(date(2026, 12, 7))


def test_the_library_refuses_a_message_nobody_receives_or_two_processes_receive() -> None:
    sender = parse_diagram(hand_off_sender(message="lost"), "sender.bpmn")
    one = parse_diagram(hand_off_receiver(message="twice", process_id="one"), "one.bpmn")
    two = parse_diagram(hand_off_receiver(message="twice", process_id="two"), "two.bpmn")
    problems = message_problems({"sender": sender, "one": one, "two": two})
    assert problems == [
        "The message 'twice' starts more than one process: one, two",
        "'Sender' hands cases on with the message 'lost', but no process starts with it",
    ]


def test_the_shipped_library_hands_every_message_to_exactly_one_process(ctx) -> None:
    from app.workflow.library import get_library

    shipped = {pid: s.diagram for pid, s in get_library().shipped.items()}
    assert message_problems(shipped) == []
    assert any(d.thrown_messages for d in shipped.values())


def test_a_decision_table_beside_a_diagram_is_part_of_its_version() -> None:
    from app.engine import content_hash

    xml = hand_off_receiver()
    assert content_hash(xml) != content_hash(xml, b"<definitions/>")
    with pytest.raises(InvalidDiagram):
        parse_diagram(xml, "receiver.bpmn", dmn=b"<not-dmn")
