"""Publishing a checked bundle (app/processes/publishing): the next numbered version becomes
current with its change note and publisher, audited; running cases keep their version; content
equal to an earlier version makes that one current again; rolling back and forward; refusals
write nothing; and the shipped files never overrule a process owner's publication."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.config import ROOT
from app.extensions import db
from app.models import AuditEvent, HumanTask, ProcessInstance, ProcessVersion, TaskState, User
from app.processes.checks import Bundle, Checked, check
from app.processes.publishing import NOTE_MAX, PublishRefused, clean_note, make_current, publish
from app.workflow.library import content_hash_of, current_version, get_library, publish_shipped
from tests import factories
from tests.fixtures.diagrams import hand_off_receiver, script_step, stepped
from tests.fixtures.forms import fixture_forms_json

PROCESS = "referral_to_early_help"
REFERRAL_BPMN = ROOT / "processes" / f"{PROCESS}.bpmn"
REFERRAL_FORMS = ROOT / "forms" / f"{PROCESS}.json"
TRIAGE = b'<bpmn:userTask id="triage" name="Triage the referral">'


def referral_bundle(triage_name: str = "") -> Bundle:
    """The shipped bundle; with `triage_name`, its triage task renamed (so a new version)."""
    xml = REFERRAL_BPMN.read_bytes()
    if triage_name:
        assert xml.count(TRIAGE) == 1
        xml = xml.replace(TRIAGE, f'<bpmn:userTask id="triage" name="{triage_name}">'.encode())
    return Bundle(REFERRAL_BPMN.name, xml, b"", REFERRAL_FORMS.read_text(encoding="utf-8"))


def checked(triage_name: str = "") -> Checked:
    result = check(referral_bundle(triage_name))
    assert result.publishable, result.errors
    return result


def versions() -> list[ProcessVersion]:
    """The process's versions as the session holds them (the query flushes what is pending)."""
    return list(
        db.session.scalars(
            select(ProcessVersion).where(ProcessVersion.process_id == PROCESS).order_by(ProcessVersion.number)
        )
    )


def current_numbers() -> list[int]:
    return [v.number for v in versions() if v.is_current]


def process_audit() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("process.%")).order_by(AuditEvent.id)
        )
    )


def snapshot() -> tuple[Any, ...]:
    """Everything publishing could write: the versions (number, current, note) and the audit rows."""
    return (
        [(v.number, v.is_current, v.change_note) for v in versions()],
        db.session.scalar(select(func.count()).select_from(ProcessVersion)),
        len(process_audit()),
    )


@pytest.fixture
def owner(people: dict[str, User]) -> User:
    return people["owner"]


@pytest.fixture
def shipped_number(ctx: object) -> int:
    """The number of the version the shipped files published (current when each test starts)."""
    return current_version(PROCESS).number


def test_publishing_makes_the_next_version_current_with_its_note_and_publisher(
    owner: User, shipped_number: int
) -> None:
    published = publish(checked("Triage the new referral"), owner, "  Renamed the\n triage   step ")
    version = published.version
    assert published.restored is False
    assert version.number == shipped_number + 1
    assert version.change_note == "Renamed the triage step"
    assert version.published_by_id == owner.id
    assert version.filename == REFERRAL_BPMN.name
    assert version.forms_json == REFERRAL_FORMS.read_text(encoding="utf-8")
    assert current_numbers() == [shipped_number + 1]
    assert current_version(PROCESS).id == version.id
    triage = next(t for t in get_library().diagram_for(version).user_tasks if t.bpmn_id == "triage")
    assert triage.name == "Triage the new referral"

    [event] = [e for e in process_audit() if e.action == "process.published"]
    assert event.actor_id == owner.id
    assert event.after == {
        "process_id": PROCESS,
        "version": shipped_number + 1,
        "note": "Renamed the triage step",
    }
    assert f"version {shipped_number + 1}" in event.detail and "Renamed the triage step" in event.detail


def test_a_new_process_is_published_as_version_1(owner: User) -> None:
    bundle = Bundle("stepped.bpmn", stepped(script_step("x = 1")), b"", fixture_forms_json("stepped"))
    result = check(bundle)
    assert result.publishable, result.errors
    published = publish(result, owner, "A new process")
    assert (published.version.number, published.version.is_current) == (1, True)
    assert published.version.process_id == "stepped"


def test_a_bundle_with_only_warnings_can_be_published(owner: User, shipped_number: int) -> None:
    bundle = referral_bundle("Triage, warned")
    xml = bundle.bpmn.replace(b'id="end_outcomes_met" name="Closed: outcomes met"', b'id="end_outcomes_met"')
    result = check(Bundle(bundle.filename, xml, b"", bundle.forms))
    assert [(p.reason, p.element_id) for p in result.warnings] == [("unnamed_end", "end_outcomes_met")]
    assert result.publishable
    assert publish(result, owner, "Warned").version.number == shipped_number + 1


def test_running_cases_keep_their_version_and_new_cases_start_on_the_new_one(
    people: dict[str, User], owner: User, shipped_number: int
) -> None:
    before = factories.refer(people["practitioner"])
    [old_instance] = db.session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == before.id))
    old_version_id = old_instance.process_version_id
    assert db.session.get(ProcessVersion, old_version_id).number == shipped_number

    new_version = publish(checked("Triage the referral again"), owner, "Renamed triage").version
    db.session.commit()

    db.session.expire_all()
    assert db.session.get(ProcessInstance, old_instance.id).process_version_id == old_version_id
    assert factories.only_open_task(before).name == "Triage the referral"

    after = factories.refer(people["practitioner"], first_name="Zara")
    [new_instance] = db.session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == after.id))
    assert new_instance.process_version_id == new_version.id
    assert factories.only_open_task(after).name == "Triage the referral again"
    # The old case's task is still open on the old version after the new one exists.
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(HumanTask)
            .where(HumanTask.instance_id == old_instance.id, HumanTask.state == TaskState.OPEN)
        )
        == 1
    )


@pytest.mark.parametrize("note", ["", "   \n\t "])
def test_a_missing_change_note_is_refused_and_nothing_is_written(owner: User, note: str) -> None:
    before = snapshot()
    with pytest.raises(PublishRefused) as refused:
        publish(checked("Triage with no note"), owner, note)
    assert [p.reason for p in refused.value.problems] == ["note_missing"]
    assert "change note" in refused.value.problems[0].message
    assert snapshot() == before


def test_a_change_note_too_long_is_refused(owner: User) -> None:
    before = snapshot()
    with pytest.raises(PublishRefused) as refused:
        publish(checked("Triage, long note"), owner, "x" * (NOTE_MAX + 1))
    assert [p.reason for p in refused.value.problems] == ["note_too_long"]
    assert snapshot() == before
    assert clean_note("y" * NOTE_MAX) == "y" * NOTE_MAX


def test_publishing_the_current_content_again_is_refused_as_unchanged(
    owner: User, shipped_number: int
) -> None:
    before = snapshot()
    with pytest.raises(PublishRefused) as refused:
        publish(checked(), owner, "Nothing new")
    [problem] = refused.value.problems
    assert problem.reason == "unchanged"
    assert f"version {shipped_number}" in problem.message
    assert snapshot() == before


def test_publishing_an_earlier_version_s_content_makes_it_current_again(
    owner: User, shipped_number: int
) -> None:
    publish(checked("Triage the referral, v2"), owner, "Renamed triage")
    count = len(versions())

    restored = publish(checked(), owner, "Back to the shipped one")

    assert restored.restored is True
    assert restored.version.number == shipped_number
    assert len(versions()) == count  # no copy under a new number
    assert current_numbers() == [shipped_number]
    last = process_audit()[-1]
    assert last.action == "process.rolled_back"
    assert last.actor_id == owner.id
    assert last.after == {"process_id": PROCESS, "version": shipped_number, "note": "Back to the shipped one"}


def test_make_current_rolls_back_and_forward_audited(owner: User, shipped_number: int) -> None:
    newer = publish(checked("Triage the referral, v2"), owner, "Renamed triage").version.number

    back = make_current(PROCESS, shipped_number, owner, "The new name confused people")
    assert back.number == shipped_number
    assert current_numbers() == [shipped_number]
    assert current_version(PROCESS).number == shipped_number

    forward = make_current(PROCESS, newer, owner, "Trying the new name again")
    assert forward.number == newer
    assert current_numbers() == [newer]

    rolled = [e for e in process_audit() if e.action == "process.rolled_back"]
    assert [(e.after["version"], e.after["note"], e.actor_id) for e in rolled] == [
        (shipped_number, "The new name confused people", owner.id),
        (newer, "Trying the new name again", owner.id),
    ]


@pytest.mark.parametrize(
    ("number", "note", "reason"),
    [(999, "Roll back", "no_version"), (None, "Roll back", "unchanged"), (0, "  ", "note_missing")],
    ids=["no-such-version", "already-current", "no-note"],
)
def test_make_current_refusals_write_nothing(
    owner: User, shipped_number: int, number: int | None, note: str, reason: str
) -> None:
    publish(checked("Triage the referral, v2"), owner, "Renamed triage")
    target = shipped_number + 1 if number is None else (number or shipped_number)
    before = snapshot()
    with pytest.raises(PublishRefused) as refused:
        make_current(PROCESS, target, owner, note)
    assert [p.reason for p in refused.value.problems] == [reason]
    assert snapshot() == before


def test_publish_shipped_leaves_a_process_owner_s_version_current(owner: User, shipped_number: int) -> None:
    mine = publish(checked("Triage, the owner's way"), owner, "Owner's change").version

    published = publish_shipped()

    assert [p.version.process_id for p in published if p.version.process_id == PROCESS] == []
    assert current_version(PROCESS).id == mine.id
    assert current_numbers() == [mine.number]


def test_publish_shipped_still_restores_the_files_over_a_version_without_a_note(shipped_number: int) -> None:
    """The control for the test above: what protects the owner's version is its change note."""
    bundle = referral_bundle("Triage, not from an owner")
    forms = bundle.forms
    for version in versions():
        version.is_current = False
    db.session.add(
        ProcessVersion(
            process_id=PROCESS,
            name="Referral to Early Help",
            filename=bundle.filename,
            content_hash=content_hash_of(bundle.bpmn.decode(), "", forms),
            bpmn_xml=bundle.bpmn.decode(),
            forms_json=forms,
            number=shipped_number + 1,
            is_current=True,
        )
    )
    db.session.flush()

    published = publish_shipped()

    [mine] = [p for p in published if p.version.process_id == PROCESS]
    assert mine.restored is True and mine.version.number == shipped_number
    assert current_numbers() == [shipped_number]


def test_a_bundle_with_errors_is_refused_with_its_errors_and_adds_no_version(owner: User) -> None:
    xml = REFERRAL_BPMN.read_bytes().replace(b'name="Early Help"', b'name="Nobody"')
    result = check(Bundle(REFERRAL_BPMN.name, xml, b"", REFERRAL_FORMS.read_text(encoding="utf-8")))
    assert result.errors and not result.publishable
    before = snapshot()
    with pytest.raises(PublishRefused) as refused:
        publish(result, owner, "Renamed the lane")
    assert refused.value.problems == result.errors
    assert [p.reason for p in refused.value.problems] == ["lane_team"]
    assert "Nobody" in str(refused.value)
    assert snapshot() == before


def test_a_bundle_the_engine_could_not_read_is_refused(owner: User) -> None:
    result = check(Bundle("broken.bpmn", b"<not xml"))
    before = snapshot()
    with pytest.raises(PublishRefused) as refused:
        publish(result, owner, "Broken")
    assert [p.reason for p in refused.value.problems] == ["not_xml"]
    assert snapshot() == before


def _receiver(process_id: str, message: str, owner: User) -> ProcessVersion:
    bundle = Bundle(
        f"{process_id}.bpmn",
        hand_off_receiver(message, process_id=process_id),
        b"",
        fixture_forms_json(process_id),
    )
    result = check(bundle)
    assert result.publishable, result.errors
    return publish(result, owner, f"Starts with {message}").version


def test_rolling_back_cannot_make_a_message_start_two_processes(owner: User) -> None:
    _receiver("receiver_a", "shared_start", owner)  # version 1 starts with shared_start
    _receiver("receiver_a", "own_start", owner)  # version 2 does not, so the message is free
    _receiver("receiver_b", "shared_start", owner)  # and another process takes it, rightly

    with pytest.raises(PublishRefused):
        make_current("receiver_a", 1, owner, "Back to version 1")
