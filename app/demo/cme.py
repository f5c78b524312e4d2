"""Demo data for children missing education: notifications at every stage, some overdue, and the register.

Each case is opened through the referral service on the CME pathway and moved on with the same
service a form submit uses, with the answers a person would give: the forms and their rules check
them, and the pathway's effects fill the register (whether a notice was late is worked out too).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from app.cases.services import Referral
from app.demo.clock import complete, refer
from app.demo.queries import open_tasks
from app.models import Case, HumanTask, User
from app.timescales import school_days
from app.timescales.term_dates import load_default_terms_if_empty

PROCESS = "children_missing_education"
ACE = "attendance.officer@example.org"
SCHOOL = "school@example.org"

ADDRESSES = [
    "Flat 3, 41 Goldhawk Road, London W12 8QQ",
    "22 Askew Crescent, London W12 9DP",
    "Flat 9, Edith Summerskill House, London SW6 7PT",
    "5 Bloemfontein Road, London W12 7BX",
    "118 Munster Road, London SW6 5RF",
    "Flat 1, 7 Fulham Palace Road, London W6 9PB",
    "63 Wormholt Road, London W12 0LU",
    "14 Lillie Road, London SW6 1TU",
]

# (first, last, school, reason, days since the notification, stage)
CHILDREN: list[tuple[str, str, str, str, int, str]] = [
    ("Leon", "Marsh", "", "never_registered", 3, "notified"),
    ("Hana", "Ibrahim", "Fulham Cross Secondary", "continuous_absence", 9, "enquiring"),
    ("Kacper", "Nowak", "Hammond Academy", "continuous_absence", 8, "deletion_due"),
    ("Amira", "Yusuf", "Parkview Primary School", "deleted_from_roll", 12, "tracking"),
    ("Jayden", "Clarke", "", "moved_away", 40, "not_found"),
    ("Sophie", "Reid", "St Mary's CE Primary", "deleted_from_roll", 20, "found_on_roll"),
    ("Tomasz", "Lewandowski", "Northgate High School", "moved_away", 25, "moved_la"),
    ("Ella", "Grant", "Riverside Primary School", "deleted_from_roll", 18, "not_suitable"),
]


def _iso(day: date) -> str:
    return day.isoformat()


def _open(case: Case, name_prefix: str) -> HumanTask:
    return next(t for t in open_tasks(case) if t.name.startswith(name_prefix))


def _do(case: Case, name: str, who: User, data: dict[str, Any]) -> None:
    complete(_open(case, name), data, who)


def _notification(
    reason: str, school: str, notified: date, address: str, first_absence: date | None
) -> dict[str, Any]:
    late_notice = reason == "deleted_from_roll"
    return {
        "notification_source": "school" if school else "other_la",
        "notifying_organisation": f"Attendance lead, {school}" if school else "CME officer, Ealing Council",
        "notice_received_on": _iso(notified),
        "notification_reason": reason,
        "reason_details": "",
        "school_name": school,
        "first_absence_date": _iso(first_absence) if first_absence else None,
        "register_notice": "deletion" if late_notice else "no",
        "register_change_date": _iso(notified - timedelta(days=7)) if late_notice else None,
        "last_known_address": address,
        "date_last_seen": _iso(notified - timedelta(days=12)),
        "risk_level": "high" if reason == "moved_away" else "standard",
        "risk_reasons": "Sudden move with no forwarding address."
        if reason == "moved_away"
        else "No known concerns.",
    }


def _enquiries(prefix: str, on: date, concern: str = "no") -> dict[str, Any]:
    made = (
        ["parents", "home_visit", "s2s"] if prefix == "school" else ["home_visit", "s2s", "health", "housing"]
    )
    return {
        f"{prefix}_enquiries_made": made,
        f"{prefix}_enquiries_details": "Home visit: no answer, post piling up. S2S: no new registration.",
        f"{prefix}_enquiries_completed_on": _iso(on),
        f"{prefix}_safeguarding_concern": concern,
        f"{prefix}_safeguarding_details": "",
    }


def _whereabouts(outcome: str, on: date, address: str) -> dict[str, Any]:
    return {
        "cme_outcome": outcome,
        "found_on": _iso(on) if outcome != "not_found" else None,
        "current_address": address,
        "new_school": "Kennet Valley Primary, Reading" if outcome == "on_roll" else "",
        "new_school_confirmed": "yes" if outcome == "on_roll" else "",
        "new_local_authority": "Slough Borough Council" if outcome == "moved_la" else "",
        "information_passed_on": _iso(on) if outcome == "moved_la" else None,
        "ehe_team_told_on": None,
        "parent_names": "Kerry Grant" if outcome == "not_suitable" else "",
        "education_concerns": "At home since deletion; no work set or seen."
        if outcome == "not_suitable"
        else "",
        "tracking_notes": "Found through School2School and a call to the new council's CME officer."
        if outcome != "not_found"
        else "Home Office: no record of departure. Health: not registered with a new GP. Police informed.",
    }


def seed(people: dict[str, User], today: date, rng: random.Random) -> int:
    """Open the demo CME cases; return how many were opened."""
    load_default_terms_if_empty()
    ace, school = people[ACE], people[SCHOOL]
    addresses = ADDRESSES[:]
    rng.shuffle(addresses)
    opened = 0
    for (first, last, school_name, reason, ago, stage), address in zip(CHILDREN, addresses, strict=True):
        notified = today - timedelta(days=ago)
        first_absence = None
        if reason == "continuous_absence":
            # Notified after 10 school days; deletion is due 20 school days after the first day of absence.
            first_absence = school_days.add_school_days(
                notified, -10 if stage == "enquiring" else -14, school_name
            )
        referral = Referral(
            first_name=first,
            last_name=last,
            date_of_birth=date(today.year - rng.randint(6, 15), rng.randint(1, 12), rng.randint(1, 28)),
            school=school_name or "Not on a school roll",
            year_group=f"Year {rng.randint(1, 10)}",
            send_support=False,
            has_ehcp=False,
            looked_after=False,
            has_social_worker=False,
            social_worker_name="",
            attendance_percent=None,  # not asked: the child is not on a roll, or cannot be found
            sessions_possible=None,
            unauthorised_sessions=None,
            concern_reasons="Not seen at school or at home; whereabouts not known.",
            referrer_name="Jo Patel" if school_name else "Sam Chen",
            referrer_role="Attendance lead" if school_name else "CME officer",
            referrer_organisation=school_name or "Ealing Council",
            referral_date=notified,
        )
        case = refer(referral, school if school_name else ace, PROCESS)
        opened += 1
        if stage == "notified":
            continue
        _do(
            case,
            "Record the notification",
            ace,
            _notification(reason, school_name, notified, address, first_absence),
        )
        if stage == "enquiring":
            continue
        enquired = min(notified + timedelta(days=3), today)
        if reason == "continuous_absence":
            _do(case, "Make the school's", school, _enquiries("school", enquired))
            _do(case, "Make the local authority's", ace, _enquiries("la", enquired))
            continue  # the deletion decision waits for the 20th school day
        _do(case, "Make the local authority's", ace, _enquiries("la", enquired))
        if stage == "tracking":
            continue
        outcome = {
            "not_found": "not_found",
            "found_on_roll": "on_roll",
            "moved_la": "moved_la",
            "not_suitable": "not_suitable",
        }[stage]
        _do(
            case,
            "Record where the child is",
            ace,
            _whereabouts(outcome, min(enquired + timedelta(days=5), today), address),
        )
    return opened
