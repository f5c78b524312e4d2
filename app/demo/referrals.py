"""The children, schools and concerns the demo invents, as referrals from a school."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from app.cases.services import Referral

FIRST = [
    "Amelia",
    "Noah",
    "Isla",
    "Mohammed",
    "Ava",
    "Leo",
    "Zara",
    "Oscar",
    "Maya",
    "Theo",
    "Aisha",
    "Jack",
    "Sofia",
    "Harry",
    "Fatima",
    "Alfie",
    "Lily",
    "Kai",
    "Ruby",
    "Yusuf",
]
LAST = [
    "Begum",
    "Smith",
    "Nowak",
    "Okoro",
    "Jones",
    "Patel",
    "Murphy",
    "Hussain",
    "Williams",
    "Ahmed",
    "Taylor",
    "Kowalski",
    "Brown",
    "Mensah",
    "Davies",
    "Ali",
]
SCHOOLS = [
    "Riverside Primary School",
    "St Mary's CE Primary",
    "Hammond Academy",
    "Fulham Cross Secondary",
    "Northgate High School",
    "Parkview Primary School",
]
CONCERNS = [
    "Attendance has fallen since the autumn half term. Parent reports anxiety about school; the child has "
    "missed most Mondays. School has held an attendance meeting and offered a phased timetable.",
    "Frequent lateness after registration closes and unauthorised absences. Younger sibling also affected. "
    "Family recently moved into temporary accommodation.",
    "Parent says the child is unwell but no medical evidence has been provided. School nurse referral made; "
    "concerns about emotionally based school avoidance.",
    "Child is a young carer for a parent with a long-term illness. Attendance has dropped sharply this term.",
    "Absences following a dispute with peers. The child says they feel unsafe on the way to school.",
]


def demo_referral(rng: random.Random, today: date) -> Referral:
    attendance = Decimal(rng.choice([38.5, 47.0, 62.4, 71.8, 78.2, 84.9, 86.5, 88.0, 89.6, 91.2]))
    possible = rng.randint(60, 140)
    age = rng.randint(5, 15)
    has_sw = rng.random() < 0.15
    return Referral(
        first_name=rng.choice(FIRST),
        last_name=rng.choice(LAST),
        date_of_birth=date(today.year - age, rng.randint(1, 12), rng.randint(1, 28)),
        school=rng.choice(SCHOOLS),
        year_group=f"Year {max(1, min(11, age - 4))}",
        send_support=rng.random() < 0.25,
        has_ehcp=rng.random() < 0.08,
        looked_after=rng.random() < 0.04,
        has_social_worker=has_sw,
        social_worker_name="Chris Okafor" if has_sw else "",
        attendance_percent=attendance,
        sessions_possible=possible,
        unauthorised_sessions=int(possible * (100 - float(attendance)) / 100 * rng.uniform(0.4, 0.9)),
        concern_reasons=rng.choice(CONCERNS),
        referrer_name=rng.choice(["Sam Taylor", "Helen Carter", "Imran Qureshi"]),
        referrer_role=rng.choice(["Designated safeguarding lead", "Attendance officer", "Head of year"]),
        referrer_organisation="",
        referral_date=today - timedelta(days=rng.choice([0, 0, 1, 2, 3, 6, 9, 14, 21, 30])),
    )


def school_referral(rng: random.Random, today: date) -> Referral:
    """A demo referral from the child's school."""
    referral = demo_referral(rng, today)
    return Referral(**{**referral.__dict__, "referrer_organisation": referral.school})
