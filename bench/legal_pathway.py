"""What the legal planning pathway's named Python costs, per case.

One lifecycle is a legal planning case along the penalty-notice path, the one that runs the most
of app/pathways/legal: the referral, then five task submissions through
app.tasks.services.complete_task (the one pipeline), each committed:

    check support (calculation: the child's school) -> the legal planning meeting
        -> the manager's route: penalty notice
        -> issue the notice (4 rules: the sessions, the window's school weeks, the reason below
           the threshold, the ledger's 2-in-3-years limit; a calculation reading the ledger again
           for the notice's terms; an effect writing the ledger row)
        -> record the payment (a rule reading the ledger; an effect updating it)

Every rule, calculation and effect named `legal.*` is wrapped with a timer, so the figure is the
share of each submission spent in them, beside the whole pipeline. Each lifecycle is a different
child, so the ledger grows by one notice a case, as a council's does. The clock is moved with
time_machine, as the scenario tests do, on the council's default term dates.

    .venv/bin/python -m bench.legal_pathway                       # N=40, 3 repeats, temp SQLite
    .venv/bin/python -m bench.legal_pathway --database-url postgresql+psycopg:///scratch
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

REFERRED = date(2026, 12, 1)
ACE, MANAGER = "attendance.officer@example.org", "manager@example.org"
STEPS: list[tuple[str, date, str, dict[str, Any]]] = [
    (
        "Check support was offered first",
        date(2026, 12, 2),
        ACE,
        {
            "support_position": "not_worked",
            "support_evidence": "Early Help plan since September; attendance fell from 88% to 79%.",
            "liable_parents": "Sarah Begum, mother",
        },
    ),
    (
        "Hold the legal planning meeting with the parent",
        date(2026, 12, 3),
        ACE,
        {
            "lpm_held_on": "2026-12-02",
            "lpm_attendees": "Sarah Begum, mother; Jo Brennan, attendance officer",
            "lpm_parent_views": "Mornings are hard since the move.",
            "lpm_agreed": "Discussed with the family; see the case notes.",
            "lpm_recommended_route": "penalty_notice",
        },
    ),
    (
        "Decide the legal route",
        date(2026, 12, 4),
        MANAGER,
        {"legal_route": "penalty_notice", "route_reasons": "Support has not worked."},
    ),
    (
        "Issue the penalty notice",
        date(2026, 12, 7),
        ACE,
        {
            "pn_decision": "issue",
            "pn_parent_name": "Sarah Begum",
            "pn_unauthorised_sessions": "12",
            "pn_window_start": "2026-10-05",
            "pn_window_end": "2026-11-27",
            "pn_issued_on": "2026-12-07",
        },
    ),
    (
        "Record the penalty notice payment",
        date(2026, 12, 20),
        ACE,
        {"pn_paid_on": "2026-12-20", "pn_paid_amount": "80"},
    ),
]


def lifecycle(people: dict[str, User], n: int) -> None:
    referral = Referral(
        first_name="Amelia",
        last_name=f"Begum{n}",
        date_of_birth=date(2015, 3, 27),
        school="Hammond Academy",
        year_group="Year 6",
        send_support=False,
        has_ehcp=False,
        looked_after=False,
        has_social_worker=False,
        social_worker_name="",
        attendance_percent=Decimal("79.0"),
        sessions_possible=140,
        unauthorised_sessions=24,
        concern_reasons="Unauthorised absence continued despite support.",
        referrer_name="Jo Brennan",
        referrer_role="Attendance officer",
        referrer_organisation="ACE",
        referral_date=REFERRED,
    )
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False) as clock:
        case = refer_child(referral, people[ACE], process_id="attendance_legal_planning")
        db.session.commit()
        for name, day, email, answers in STEPS:
            clock.move_to(datetime(day.year, day.month, day.day, 10, tzinfo=UTC))
            task = db.session.scalars(
                db.select(HumanTask).where(
                    HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN, HumanTask.name == name
                )
            ).one()
            complete_task(task, answers, people[email])
            db.session.commit()


def main() -> None:
    run(__doc__ or "", "legal.", "legal planning", lifecycle, len(STEPS))


if __name__ == "__main__":
    main()
