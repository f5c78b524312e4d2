"""A subject access export: one file with everything held about a child, for a manager who may
see the case or an administrator; the export is itself in the audit trail."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import func, insert, select

from app.audit import VIEW_ACTIONS
from app.auth.services import create_user
from app.extensions import db
from app.models import AuditEvent, Case, Meeting, Role, User
from app.models.audit import AuditEventCase
from app.tasks import services as tasks
from tests import factories
from tests.conftest import login


@pytest.fixture
def worked_case(ctx, client, people) -> Case:
    """A referral triaged by a practitioner (with answers), with a meeting, seen on its own page
    and on a list page that showed another child too."""
    case = factories.refer(people["school"], first_name="Ada", last_name="Lovelace")
    other = factories.refer(people["school"], first_name="Ben", last_name="Other")
    task = factories.only_open_task(case)
    tasks.complete_task(
        task,
        {
            "existing_involvement": "none",
            "triage_decision": "seek_consent",
            "triage_reasons": "Mum asked for help",
        },
        people["practitioner"],
    )
    db.session.add(
        Meeting(
            case_id=case.id,
            instance_id=task.instance_id,
            task_id=task.id,
            kind="taf_meeting",
            held_on=date(2026, 11, 2),
            attendees="Mum, school, lead practitioner",
            decisions="Morning routine plan",
        )
    )
    db.session.commit()
    login(client, "practitioner@example.org")
    assert client.get(f"/cases/{case.reference}").status_code == 200
    listed = db.session.execute(
        insert(AuditEvent).values(action="cases.listed", actor_id=people["family_worker"].id, detail="/cases")
    ).inserted_primary_key[0]
    db.session.execute(insert(AuditEventCase), [{"event_id": listed, "case_id": c.id} for c in (case, other)])
    db.session.commit()
    return case


@pytest.fixture
def legal_manager(ctx, teams) -> User:
    user = create_user(
        "legal.manager@example.org", "Lee Gale", "legal-manager-pw", Role.MANAGER, [teams["Legal Services"]]
    )
    db.session.commit()
    return user


def _export(client, case: Case, **form: str) -> dict:
    response = client.post(f"/cases/{case.reference}/subject-access", data=form)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert re.match(
        rf'attachment; filename="subject-access-{case.reference}-\d{{4}}-\d\d-\d\d\.json"',
        response.headers["Content-Disposition"],
    )
    return json.loads(response.get_data())


def test_the_page_says_what_the_file_holds_and_the_case_page_links_to_it(client, people, worked_case) -> None:
    login(client, "manager@example.org")
    case_page = client.get(f"/cases/{worked_case.reference}").get_data(as_text=True)
    assert f'href="/cases/{worked_case.reference}/subject-access"' in case_page
    page = client.get(f"/cases/{worked_case.reference}/subject-access")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Subject access export for Ada Lovelace" in html and "every view of the case" in html
    db.session.expire_all()
    viewed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.subject_access_viewed"))
    assert viewed is not None and viewed.case_id == worked_case.id
    login(client, "practitioner@example.org")
    assert 'id="trail-links"' not in client.get(f"/cases/{worked_case.reference}").get_data(as_text=True)


def test_the_file_holds_the_child_the_answers_the_meetings_and_every_view(
    client, people, worked_case
) -> None:
    login(client, "manager@example.org")
    held = _export(client, worked_case, request_reference="SAR-2026-014")
    assert held["Child"]["First name"] == "Ada" and held["Child"]["Date of birth"] == "2015-03-27"
    assert held["About this file"]["Request reference"] == "SAR-2026-014"
    [case] = held["Cases"]
    assert case["Reference"] == worked_case.reference
    assert case["Referral"]["Reasons for concern"].startswith("Attendance has fallen")
    assert case["Processes"][0]["Process"] and case["Processes"][0]["Version"] >= 1
    [triage] = [t for t in case["Tasks"] if t["Task"] == "Triage the referral"]
    assert triage["Completed by"] == people["practitioner"].name
    answers = {a["Question"]: a["Answer"] for a in triage["Answers"]}
    assert "Mum asked for help" in answers.values()
    assert all(
        not re.fullmatch(r"[a-z_]+", question) for question in answers
    )  # the questions, not field names
    assert case["Meetings"][0]["Decided"] == "Morning routine plan"
    trail = case["Audit trail (every view and change of the case)"]
    whats = [(e["Action code"], e["Who"]) for e in trail]
    assert ("case.referred", people["school"].name) in whats
    assert ("task.completed", people["practitioner"].name) in whats
    assert ("case.viewed", people["practitioner"].name) in whats  # the case page
    [listed] = [e for e in trail if e["Action code"] == "cases.listed"]  # a list page that showed it
    assert (
        listed["Who"] == people["family_worker"].name
        and listed["Other children's cases the same page showed"] == 1
    )
    assert "Ben" not in json.dumps(held)  # the other child on that list is not named


def test_the_export_is_recorded_as_a_change_by_the_requester(client, people, worked_case) -> None:
    login(client, "manager@example.org")
    _export(client, worked_case, request_reference="SAR-7")
    db.session.expire_all()
    [made] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.subject_access_exported"))
    assert made.actor_id == people["manager"].id and made.case_id == worked_case.id
    assert "case.subject_access_exported" not in VIEW_ACTIONS
    assert made.after["request_reference"] == "SAR-7" and made.after["cases"] == [worked_case.reference]
    assert "SAR-7" in made.detail


def test_a_reference_too_long_is_explained_and_nothing_is_made(client, worked_case) -> None:
    login(client, "manager@example.org")
    response = client.post(
        f"/cases/{worked_case.reference}/subject-access", data={"request_reference": "x" * 201}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The request reference must be 200 characters or fewer" in html and 'value="' + "x" * 201 in html
    db.session.expire_all()
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.subject_access_exported"))
        is None
    )


def test_only_managers_who_may_see_the_case_and_administrators_may_export(
    client, people, worked_case, legal_manager
) -> None:
    def count() -> int:  # what the requests did, signing in aside
        return db.session.scalar(select(func.count()).where(AuditEvent.action.not_like("auth.%")))

    before = count()
    login(client, "practitioner@example.org")  # works the case, but is not a manager
    for reference in (worked_case.reference, "C9999999"):
        assert client.get(f"/cases/{reference}/subject-access").status_code == 403
        assert client.post(f"/cases/{reference}/subject-access").status_code == 403
    login(client, "legal.manager@example.org", "legal-manager-pw")
    for reference in (worked_case.reference, "C9999999"):
        assert client.get(f"/cases/{reference}/subject-access").status_code == 404
        assert client.post(f"/cases/{reference}/subject-access").status_code == 404
    db.session.expire_all()
    exported = select(AuditEvent).where(AuditEvent.action.like("case.subject_access%"))
    assert db.session.scalar(exported) is None
    assert count() == before
    login(client, "admin@example.org")
    assert _export(client, worked_case)["Child"]["Last name"] == "Lovelace"


def test_another_case_of_the_child_goes_in_only_for_those_who_may_see_it(
    client, people, worked_case, teams
) -> None:
    second = factories.bare_case(people["admin"])
    second.child_id = worked_case.child_id  # the same child, a case no team of the manager holds
    db.session.commit()
    login(client, "manager@example.org")
    assert "1 other case that you may not see" in client.get(
        f"/cases/{worked_case.reference}/subject-access"
    ).get_data(as_text=True).replace("\n", " ")
    held = _export(client, worked_case)
    assert [c["Reference"] for c in held["Cases"]] == [worked_case.reference]
    assert held["About this file"]["Cases of this child not included"].startswith("1 case(s)")
    login(client, "admin@example.org")
    held = _export(client, worked_case)
    assert [c["Reference"] for c in held["Cases"]] == [worked_case.reference, second.reference]
