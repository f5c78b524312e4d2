"""Every view of a child's data is in the audit trail: one event per page or API read, naming
who, when, the page, and every case it showed (in audit_event_case)."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, text

from app import audit
from app.extensions import db
from app.models import AuditEvent, Case, PenaltyNotice
from app.models.audit import AuditEventCase
from app.oversight.services import record_incident
from app.pathways.cme.register import add_to_register
from app.pathways.legal import framework, ledger
from app.transactions import in_own_transaction
from app.workflow import instances
from tests import factories
from tests.conftest import login


def _views(action: str) -> list[tuple[AuditEvent, set[int]]]:
    """Each event of this action, oldest first, with the ids of the cases it showed."""
    db.session.expire_all()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
    return [
        (
            e,
            set(db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_id == e.id))),
        )
        for e in events
    ]


def _only_view(action: str) -> tuple[AuditEvent, set[int]]:
    views = _views(action)
    assert len(views) == 1, [(e.action, e.detail) for e, _ in views]
    return views[0]


def _events_written_by(client: FlaskClient, url: str, **kwargs: object) -> list[AuditEvent]:
    before = db.session.scalar(select(db.func.max(AuditEvent.id))) or 0
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.id > before)))


@pytest.fixture
def three_cases(ctx, people) -> list[Case]:
    """Three referrals in Early Help's triage queue."""
    return [factories.refer(people["school"], first_name=name) for name in ("Ada", "Ben", "Cal")]


def test_the_worklist_writes_one_view_naming_every_case_on_the_page(client, people, three_cases) -> None:
    login(client, "practitioner@example.org")
    [event] = _events_written_by(client, "/worklist?view=team&sort=child")
    assert event.action == "worklist.viewed" and event.actor_id == people["practitioner"].id
    assert event.detail == "/worklist?view=team&sort=child" and event.at is not None
    assert event.case_id is None  # a list: its cases are in audit_event_case
    [(_, shown)] = _views("worklist.viewed")
    assert shown == {c.id for c in three_cases}


def test_an_empty_list_page_writes_nothing(client, people, three_cases) -> None:
    login(client, "practitioner@example.org")
    assert _events_written_by(client, "/worklist") == []  # nothing claimed: my tasks are empty
    login(client, "social.worker@example.org")
    assert _events_written_by(client, "/cases") == []


def test_a_task_page_records_the_task_and_its_case(client, people, three_cases) -> None:
    task = factories.only_open_task(three_cases[0])
    login(client, "practitioner@example.org")
    [event] = _events_written_by(client, f"/tasks/{task.id}")
    assert (event.action, event.actor_id) == ("task.viewed", people["practitioner"].id)
    assert (event.task_id, event.case_id, event.instance_id) == (task.id, task.case_id, task.instance_id)
    assert _only_view("task.viewed")[1] == {task.case_id}


def test_the_case_list_records_every_case_listed(client, people, three_cases) -> None:
    login(client, "school@example.org")
    [event] = _events_written_by(client, "/cases")
    assert event.action == "cases.listed" and event.actor_id == people["school"].id
    assert _only_view("cases.listed")[1] == {c.id for c in three_cases}


def test_the_case_page_still_records_the_case_viewed(client, people, three_cases) -> None:
    case = three_cases[1]
    login(client, "practitioner@example.org")
    [event] = _events_written_by(client, f"/cases/{case.reference}")
    assert (event.action, event.case_id) == ("case.viewed", case.id)
    assert _only_view("case.viewed")[1] == {case.id}


def test_the_cme_register_records_the_children_on_it(client, people, three_cases) -> None:
    for case in three_cases[:2]:
        add_to_register(
            case.id,
            None,
            case.child.full_name,
            {
                "notice_received_on": date(2026, 11, 16),
                "notification_source": "school",
                "notification_reason": "continuous_absence",
                "last_known_address": "12 Mill Lane",
            },
        )
    db.session.commit()
    login(client, "attendance.officer@example.org")
    [event] = _events_written_by(client, "/cme?status=missing")
    assert event.action == "cme.register_viewed" and event.detail == "/cme?status=missing"
    assert _only_view("cme.register_viewed")[1] == {c.id for c in three_cases[:2]}
    assert _events_written_by(client, "/cme?status=closed") == []  # nobody closed: nothing shown


def test_the_incidents_list_records_the_cases_it_shows(client, three_cases) -> None:
    for case in three_cases[:2]:
        in_own_transaction(partial(record_incident, case.instances[0].id, "A timer failed", None))
    login(client, "manager@example.org")
    [event] = _events_written_by(client, "/incidents")
    assert event.action == "incidents.viewed"
    assert _only_view("incidents.viewed")[1] == {c.id for c in three_cases[:2]}


def test_penalty_notice_history_records_every_case_whose_notices_it_shows(client, people) -> None:
    case = factories.refer(people["school"], first_name="Maya")
    earlier = factories.refer(people["school"], first_name="Maya")  # the same child, an older case
    instances.start_process(case, "attendance_legal_planning", instances.case_facts(case), people["ace"])
    db.session.add(
        PenaltyNotice(
            case_id=earlier.id,
            child_id=earlier.child_id,
            child_key=ledger.key_of(earlier.child),
            instance_id=earlier.instances[0].id,
            task_id=factories.only_open_task(earlier).id,
            parent_name="Sara Begum",
            parent_key=framework.parent_key("Sara Begum"),
            offence_from=date(2026, 9, 7),
            offence_to=date(2026, 10, 16),
            unauthorised_sessions=12,
            issued_on=date(2026, 10, 20),
            served_on=date(2026, 10, 22),
            amount=80,
            sequence=1,
        )
    )
    db.session.commit()
    login(client, "attendance.officer@example.org")
    page = client.get(f"/cases/{case.reference}/penalty-notices")
    assert "Sara Begum" in page.get_data(as_text=True)  # the older case's notice is on the page
    event, shown = _only_view("penalty_notices.viewed")
    assert (event.case_id, event.actor_id) == (case.id, people["ace"].id)
    assert shown == {case.id, earlier.id}
    assert _views("case.viewed") == []  # the case page's own event is for the case page


@pytest.fixture
def token(ctx) -> str:
    result = ctx.test_cli_runner().invoke(args=["users", "create-token", "practitioner@example.org"])
    return result.output.strip()


def test_every_api_read_is_a_view_event(client, people, three_cases, token) -> None:
    bearer = {"Authorization": f"Bearer {token}"}
    [listed] = _events_written_by(client, "/api/v1/tasks?view=team", headers=bearer)
    assert (listed.action, listed.actor_id, listed.detail) == (
        "api.read",
        people["practitioner"].id,
        "/api/v1/tasks?view=team",
    )
    [read] = _events_written_by(client, f"/api/v1/cases/{three_cases[0].reference}", headers=bearer)
    assert (read.action, read.case_id) == ("api.read", three_cases[0].id)
    assert [shown for _, shown in _views("api.read")] == [{c.id for c in three_cases}, {three_cases[0].id}]
    assert _events_written_by(client, "/api/v1/tasks", headers=bearer) == []  # none of mine: empty


def test_which_views_showed_a_case_is_one_indexed_query(client, people, three_cases) -> None:
    ada, ben, _ = three_cases
    login(client, "practitioner@example.org")
    client.get("/worklist?view=team")
    client.get(f"/cases/{ada.reference}")
    client.get(f"/tasks/{factories.only_open_task(ben).id}")
    assert [e.action for e in audit.views_of_case(ada.id)] == ["worklist.viewed", "case.viewed"]
    assert [e.action for e in audit.views_of_case(ben.id)] == ["worklist.viewed", "task.viewed"]

    query = audit.views_of_case_query(ada.id)
    sql = str(query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("set local enable_seqscan = off"))  # tiny tables: ask for an index
        plan = "\n".join(db.session.scalars(text(f"explain {sql}")))
        assert "Seq Scan on audit_event_case" not in plan and "ix_audit_event_case_case_event" in plan, plan
        db.session.rollback()
    else:
        plan = "\n".join(row[-1] for row in db.session.execute(text(f"explain query plan {sql}")))
        assert "USING COVERING INDEX ix_audit_event_case_case_event (case_id=?)" in plan, plan
        assert "SCAN audit_event_case" not in plan, plan


def test_every_view_action_reads_as_plain_english_in_the_trail() -> None:
    for action in audit.VIEW_ACTIONS:
        label = audit.action_label(action)
        assert label != action and label[0].isupper() and "." not in label, action
        assert label.startswith(("Viewed", "Read")), label  # plainly a view, for the chronology to leave out


def test_a_long_list_is_written_in_batches_and_names_each_case_once(
    ctx, people, three_cases, monkeypatch
) -> None:
    monkeypatch.setattr(audit, "_LINK_BATCH", 2)
    ids = [c.id for c in three_cases]
    audit.record_view("cases.listed", people["admin"], [*ids, ids[0]], page="/cases?")
    db.session.commit()
    event, shown = _only_view("cases.listed")
    assert shown == set(ids) and event.detail == "/cases"
    count = db.session.scalar(select(db.func.count()).where(AuditEventCase.event_id == event.id))
    assert count == 3
