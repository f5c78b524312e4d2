"""What the children missing education pathway's named Python costs, per case.

One lifecycle is a CME case along its longest path: the referral, then five task submissions
through app.tasks.services.complete_task (the one pipeline), each committed:

    notification -> the local authority's enquiries -> the school's enquiries
        -> the deletion decision, 20 school days after the first absence -> where the child is

Every rule, calculation and effect of app/pathways/cme is wrapped with a timer, so the figure is
the share of each submission spent in them (rules that read the register, the school-day count,
the register writes), beside the whole pipeline. The clock is moved with time_machine, as the
scenario tests do, on the council's default term dates.

    .venv/bin/python -m bench.cme_pathway                       # N=40, 3 repeats, temp SQLite
    .venv/bin/python -m bench.cme_pathway --database-url postgresql+psycopg:///scratch
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import time_machine

from app.cases.services import Referral, refer_child
from app.extensions import db
from app.models import HumanTask, TaskState, User
from app.tasks.services import complete_task
from bench.pathway_timing import run

NOTIFIED, FIRST_ABSENCE, DAY_21 = date(2026, 11, 16), date(2026, 11, 2), date(2026, 11, 30)
ACE, SCHOOL, MANAGER = "attendance.officer@example.org", "school@example.org", "manager@example.org"
STEPS: list[tuple[str, date, str, dict[str, Any]]] = [
    (
        "Record the notification",
        NOTIFIED,
        ACE,
        {
            "notification_source": "school",
            "notifying_organisation": "Jo Patel, attendance lead, Hammond Academy",
            "notice_received_on": NOTIFIED.isoformat(),
            "notification_reason": "continuous_absence",
            "school_name": "Hammond Academy",
            "first_absence_date": FIRST_ABSENCE.isoformat(),
            "register_notice": "no",
            "last_known_address": "Flat 4, 12 Mill Lane, London W6 9AA",
            "date_last_seen": "2026-10-23",
            "risk_level": "standard",
            "risk_reasons": "Aged 12, no social worker, no known concerns.",
        },
    ),
    *[
        (
            f"Make the {who}'s reasonable enquiries",
            date(2026, 11, 20),
            email,
            {
                f"{key}_enquiries_made": ["home_visit"],
                f"{key}_enquiries_details": "No answer; neighbours say the flat is empty.",
                f"{key}_enquiries_completed_on": "2026-11-20",
                f"{key}_safeguarding_concern": "no",
            },
        )
        for who, key, email in (("local authority", "la", ACE), ("school", "school", SCHOOL))
    ],
    (
        "Decide whether the school may delete",
        DAY_21,
        MANAGER,
        {
            "deletion_decision": "approve",
            "all_sessions_gno": "yes",
            "sickness_grounds": "no",
            "deletion_date": DAY_21.isoformat(),
            "deletion_decision_reasons": "20 school days coded N then O; enquiries found nothing.",
        },
    ),
    (
        "Record where the child is",
        date(2026, 12, 2),
        ACE,
        {
            "cme_outcome": "on_roll",
            "found_on": "2026-12-02",
            "current_address": "14 Church Road, Reading RG1 2AB",
            "new_school": "Kennet Valley Primary, Reading",
            "new_school_confirmed": "yes",
            "tracking_notes": "S2S shows a new registration; the school confirmed by phone.",
        },
    ),
]


def lifecycle(people: dict[str, User], n: int) -> None:
    referral = Referral(
        first_name="Kacper",
        last_name=f"Nowak{n}",
        date_of_birth=date(2014, 5, 1),
        school="Hammond Academy",
        year_group="Year 7",
        send_support=False,
        has_ehcp=False,
        looked_after=False,
        has_social_worker=False,
        social_worker_name="",
        attendance_percent=Decimal("0.0"),
        sessions_possible=None,
        unauthorised_sessions=None,
        concern_reasons="Absent without permission since 2 November.",
        referrer_name="Jo Patel",
        referrer_role="Attendance lead",
        referrer_organisation="Hammond Academy",
        referral_date=NOTIFIED,
    )
    with time_machine.travel(datetime(2026, 11, 16, 9, tzinfo=UTC), tick=False) as clock:
        case = refer_child(referral, people[SCHOOL], process_id="children_missing_education")
        db.session.commit()
        for prefix, day, email, answers in STEPS:
            clock.move_to(datetime(day.year, day.month, day.day, 10, tzinfo=UTC))
            task = next(
                t
                for t in db.session.scalars(
                    db.select(HumanTask).where(
                        HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN
                    )
                )
                if t.name.startswith(prefix)
            )
            complete_task(task, answers, people[email])
            db.session.commit()


def main() -> None:
    run(__doc__ or "", "cme.", "CME", lifecycle, len(STEPS))


if __name__ == "__main__":
    main()
