"""The data of the engine-overhead bench: one Referral to Early Help along its longest path.

The referral, the start data the process gets, and for each task on the path the dict its
form's to_task_data() would hand to complete_task(). check_form_fields() makes sure those
dicts still match the forms. build_app() sets up the database the app path runs on (migrated,
with the demo people and the shipped processes) and describe_database() says what it is.
Used by bench/engine_overhead.py.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from app import create_app
from app.auth import passwords
from app.cases.services import Referral
from app.config import Settings
from app.demo.people import ensure_people
from app.engine import ParsedDiagram
from app.extensions import db
from app.models import User
from app.workflow.library import publish_shipped

ROOT = Path(__file__).resolve().parent.parent
PROCESS_ID = "referral_to_early_help"
BPMN_FILE = ROOT / "processes" / "referral_to_early_help.bpmn"
END_EVENT = "Closed: outcomes met"
REFERRER_EMAIL = "school@example.org"  # Schools: refers the child
WORKER_EMAIL = "practitioner@example.org"  # Early Help: works every task on the path

TODAY = date.today()
REFERRAL_DATE = TODAY - timedelta(days=1)
START_LABEL = "start (refer child)"


def _iso(days_from_today: int) -> str:
    return (TODAY + timedelta(days=days_from_today)).isoformat()


# What each task's form hands to complete_task(): TaskForm.to_task_data() gives every field
# of forms/referral_to_early_help.py, converted to plain values (dates as ISO strings, an
# empty date as None, checkboxes as lists). The gateway variables steer the path.
# check_form_fields() makes sure the keys still match the forms.
TRIAGE = {
    "existing_involvement": "none",
    "triage_decision": "seek_consent",
    "triage_reasons": "Attendance 84.5% this term, mostly Mondays. No social worker and no open plan. "
    "The family would benefit from coordinated support, so offer consent-based Early Help.",
}
CONSENT = {
    "consent": "given",
    "consent_date": _iso(0),
    "consent_given_by": "Rehana Begum, mother",
    "consent_share_with": ["school", "health"],
    "consent_notes": "",
}
ALLOCATE = {
    "lead_practitioner_name": "Dana Lewis",
    "lead_practitioner_service": "early_help",
    "family_had_say": "yes",
    "allocation_date": _iso(0),
    "allocation_notes": "Dana already knows the family from the sibling's primary school.",
}
ASSESSMENT = {
    "assessment_date": _iso(0),
    "needs_identified": ["school_attendance", "emotional_wellbeing", "parenting"],
    "other_needs": "",
    "child_voice": "Mondays are hard after weekends at dad's; worried about a friendship group.",
    "family_strengths": "Warm relationships, mum keen to engage, grandparents nearby.",
    "assessment_summary": "Emotionally based school avoidance on Mondays and a chaotic morning routine "
    "with the younger sibling's drop-off. Family wants a calmer start to the week.",
}
TAF_MEETING = {
    "taf_meeting_date": _iso(0),
    "family_attended": "yes",
    "taf_attendees": "Class teacher, school nurse, Dana Lewis (lead practitioner)",
    "plan_outcomes": "Attendance above 92% by the end of term; no missed Mondays for 4 weeks running.",
    "plan_actions": "School: phased Monday start and breakfast club from next week. Nurse: weekly "
    "check-in. Dana: morning-routine support at home, fortnightly.",
    "next_review_date": _iso(42),
}
REVIEW_CONTINUE = {
    "review_date": _iso(0),
    "review_attendance_percent": 89.5,
    "review_progress": "Mondays improving; breakfast club is working. Keep the plan for another cycle.",
    "review_child_views": "Likes breakfast club; still nervous on Monday mornings.",
    "review_outcome": "continue",
    "next_review_date": _iso(42),
    "review_outcome_reasons": "",
}
REVIEW_CLOSE = {
    "review_date": _iso(0),
    "review_attendance_percent": 95.0,
    "review_progress": "Attendance back above 95%. Family and school agree the outcomes are met.",
    "review_child_views": "Happy to come in on Mondays now.",
    "review_outcome": "close_improved",
    "next_review_date": None,
    "review_outcome_reasons": "",
}

# (label, bpmn id of the task that must be open, form data)
STEPS: list[tuple[str, str, dict[str, Any]]] = [
    ("triage", "triage", TRIAGE),
    ("seek_consent", "seek_consent", CONSENT),
    ("allocate_lead_practitioner", "allocate_lead_practitioner", ALLOCATE),
    ("early_help_assessment", "early_help_assessment", ASSESSMENT),
    ("taf_meeting", "taf_meeting", TAF_MEETING),
    ("taf_review (continue)", "taf_review", REVIEW_CONTINUE),
    ("taf_review (close_improved)", "taf_review", REVIEW_CLOSE),
]
LABELS = [START_LABEL, *(label for label, _, _ in STEPS)]
REQUESTS_PER_LIFECYCLE = len(LABELS)


def make_referral() -> Referral:
    return Referral(
        first_name="Amelia",
        last_name="Begum",
        date_of_birth=date(2015, 3, 27),
        school="Riverside Primary School",
        year_group="Year 5",
        send_support=False,
        has_ehcp=False,
        looked_after=False,
        has_social_worker=False,
        social_worker_name="",
        attendance_percent=Decimal("84.5"),
        sessions_possible=120,
        unauthorised_sessions=12,
        concern_reasons="Attendance has fallen since October half term; most absences are Mondays.",
        referrer_name="Sam Taylor",
        referrer_role="Attendance officer",
        referrer_organisation="Riverside Primary School",
        referral_date=REFERRAL_DATE,
    )


def bare_start_data() -> dict[str, Any]:
    """The same start data app.cases.services.referral_start_data() gives the process."""
    r = make_referral()
    return {
        "case_reference": "C0000001",
        "child_name": f"{r.first_name} {r.last_name}",
        "referral_date": r.referral_date.isoformat(),
        "attendance_percent": float(r.attendance_percent),
        "has_social_worker": r.has_social_worker,
        "looked_after": r.looked_after,
        "concern_reasons": r.concern_reasons,
    }


class BenchError(RuntimeError):
    """The lifecycle did not go the way the bench expects (wrong task open, wrong end)."""


def form_field_names(form_class: type) -> set[str]:
    """The data fields a task form declares (read from the class: no form is built)."""
    from wtforms.fields.core import UnboundField

    return {
        name
        for name in dir(form_class)
        if not name.startswith("_")
        and name not in ("csrf_token", "submit")
        and isinstance(getattr(form_class, name, None), UnboundField)
    }


def check_form_fields(diagram: ParsedDiagram) -> None:
    """The data dicts must carry exactly the fields each task's form would produce."""
    from tests.fixtures.forms import shipped_form

    form_keys = {t.bpmn_id: t.form_key for t in diagram.user_tasks}
    for label, bpmn_id, data in STEPS:
        expected = form_field_names(shipped_form(form_keys[bpmn_id]))
        if set(data) != expected:
            raise BenchError(
                f"{label}: the data has {sorted(set(data) - expected)} that the form lacks and "
                f"lacks {sorted(expected - set(data))} that the form has; update the dicts at the top"
            )


@dataclass(frozen=True)
class People:
    referrer_id: int
    worker_id: int


# -- set-up ---------------------------------------------------------------------------------


def build_app(database_url: str, instance_dir: Path) -> tuple[Flask, People]:
    # argon2 at production cost makes creating the demo people slow; as tests/conftest.py does.
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    url = Settings.from_env({"CASEWORK_ENV": "test", "DATABASE_URL": database_url}).database_url
    settings = Settings(
        env="test",
        secret_key="bench",
        database_url=url,
        scheduler_enabled=False,
        processes_dir=ROOT / "processes",
        instance_dir=instance_dir,
    )
    app = create_app(settings)
    with app.app_context():
        logging.disable(logging.INFO)  # migrations/env.py reconfigures logging: silence its INFO lines
        try:
            upgrade(directory=str(ROOT / "migrations"))
        finally:
            logging.disable(logging.NOTSET)
        people = ensure_people()
        publish_shipped()
        db.session.commit()
        ids = People(referrer_id=people[REFERRER_EMAIL].id, worker_id=people[WORKER_EMAIL].id)
        db.session.remove()
    return app, ids


def _filesystem(path: Path) -> str:
    """The type of the filesystem holding path (tmpfs makes SQLite commits cheaper)."""
    try:
        mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "?"
    best = ("", "?")
    resolved = str(path.resolve())
    for mount_point, fs_type in mounts:
        inside = resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) > len(best[0]):
            best = (mount_point, fs_type)
    return best[1]


def describe_database(app: Flask) -> str:
    with app.app_context():
        sql_engine = db.engine
        url = sql_engine.url
        if sql_engine.dialect.name == "sqlite":
            journal = db.session.execute(text("pragma journal_mode")).scalar()
            sync = db.session.execute(text("pragma synchronous")).scalar()
            path = Path(url.database or "")
            desc = (
                f"SQLite {sqlite3.sqlite_version} file {path} on {_filesystem(path.parent)} "
                f"(journal_mode={journal}, synchronous={sync})"
            )
        else:
            version = db.session.execute(text("show server_version")).scalar()
            desc = f"{sql_engine.dialect.name} {version} at {url.render_as_string(hide_password=True)}"
        db.session.remove()
    return desc


def load_user(user_id: str) -> User | None:
    """The user with their teams, as a request loads them but without the server-side session
    check (app/auth/sessions.py): what the benches measure the check against."""
    user = (
        db.session.execute(select(User).options(joinedload(User.teams)).where(User.id == int(user_id)))
        .unique()
        .scalar_one_or_none()
    )
    return user if user is not None and user.active else None
