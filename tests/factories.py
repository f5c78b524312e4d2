"""Test data builders. Each returns real rows made through the product's own services."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.cases.services import Referral, refer_child
from app.demo.people import TEAMS, USERS, ensure_people
from app.extensions import db
from app.models import Case, HumanTask, TaskState, User


def create_people() -> None:
    ensure_people()


def people() -> dict[str, User]:
    """The demo people by short name: practitioner, manager, owner, admin, school, social_worker, ace,
    family_worker, medical, solicitor, chair."""
    by_email = {u.email: u for u in db.session.scalars(select(User))}
    names = {
        "practitioner": "practitioner@example.org",
        "manager": "manager@example.org",
        "owner": "owner@example.org",
        "admin": "admin@example.org",
        "school": "school@example.org",
        "social_worker": "social.worker@example.org",
        "ace": "attendance.officer@example.org",
        "family_worker": "family.worker@example.org",
        "medical": "medical.needs@example.org",
        "solicitor": "solicitor@example.org",
        "chair": "cp.chair@example.org",
    }
    return {short: by_email[email] for short, email in names.items()}


def referral(**overrides: Any) -> Referral:
    values: dict[str, Any] = {
        "first_name": "Amelia",
        "last_name": "Begum",
        "date_of_birth": date(2015, 3, 27),
        "school": "Riverside Primary School",
        "year_group": "Year 5",
        "send_support": False,
        "has_ehcp": False,
        "looked_after": False,
        "has_social_worker": False,
        "social_worker_name": "",
        "attendance_percent": Decimal("84.5"),
        "sessions_possible": 120,
        "unauthorised_sessions": 12,
        "concern_reasons": "Attendance has fallen since October half term.",
        "referrer_name": "Sam Taylor",
        "referrer_role": "Attendance officer",
        "referrer_organisation": "Riverside Primary School",
        "referral_date": date.today() - timedelta(days=1),
    }
    values.update(overrides)
    return Referral(**values)


def refer(user: User, **overrides: Any) -> Case:
    case = refer_child(referral(**overrides), user)
    db.session.commit()
    return case


def open_tasks(case: Case) -> list[HumanTask]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(HumanTask)
            .where(HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN)
            .order_by(HumanTask.created_at)
        )
    )


def only_open_task(case: Case) -> HumanTask:
    tasks = open_tasks(case)
    assert len(tasks) == 1, [t.name for t in tasks]
    return tasks[0]


__all__ = ["TEAMS", "USERS"]


_case_numbers = itertools.count(1)


def bare_case(user: User, **child: Any) -> Case:
    """A case with no process started on it, for runtime tests with test diagrams."""
    from app.models import Child

    c = Child(
        first_name=child.get("first_name", "Noah"),
        last_name=child.get("last_name", "Smith"),
        date_of_birth=date(2014, 5, 2),
        school="Hammond Academy",
        year_group="Year 7",
    )
    case = Case(
        reference=f"T{next(_case_numbers):07d}",
        child=c,
        attendance_percent=Decimal("72.0"),
        concern_reasons="Test",
        referrer_name="Test",
        referrer_role="Test",
        referrer_organisation="Test",
        referral_date=date(2026, 12, 4),
        created_by_id=user.id,
    )
    db.session.add(case)
    db.session.flush()
    return case


def publish_test_diagram(xml: bytes, filename: str = "test.bpmn", form: dict[str, Any] | None = None) -> Any:
    """Publish a test diagram, with its form (fixtures/forms.py's note form unless told), as the
    current version of its process."""
    from app.engine import content_hash, parse_diagram
    from app.models import ProcessVersion
    from tests.fixtures.forms import fixture_forms_json

    diagram = parse_diagram(xml, filename)
    forms_json = fixture_forms_json(diagram.process_id, form)
    digest = content_hash(xml, b"", forms_json.encode("utf-8"))
    existing = db.session.scalar(
        select(ProcessVersion).where(
            ProcessVersion.process_id == diagram.process_id, ProcessVersion.content_hash == digest
        )
    )
    for old in db.session.scalars(
        select(ProcessVersion).where(ProcessVersion.process_id == diagram.process_id)
    ):
        old.is_current = old is existing
    if existing is not None:
        db.session.flush()
        return existing
    version = ProcessVersion(
        process_id=diagram.process_id,
        name=diagram.name,
        filename=filename,
        content_hash=digest,
        bpmn_xml=xml.decode(),
        forms_json=forms_json,
        number=1
        + len(
            list(
                db.session.scalars(
                    select(ProcessVersion.id).where(ProcessVersion.process_id == diagram.process_id)
                )
            )
        ),
        is_current=True,
    )
    db.session.add(version)
    db.session.flush()
    return version
