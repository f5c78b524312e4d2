"""Demo data: teams, the four demo users (password 'demo') and a caseload at different stages."""

from __future__ import annotations

import importlib
import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.auth.services import create_team, create_user, find_user_by_email
from app.cases.services import Referral, refer_child
from app.extensions import db
from app.models import Role, Team, User
from app.timescales.term_dates import load_default_terms_if_empty
from app.workflow.library import publish_shipped

TEAMS = [
    ("Schools", "Schools", "Designated safeguarding leads and attendance officers in schools"),
    ("Early Help", "Early Help", "Family support: consent-based help with a lead practitioner"),
    ("CAS", "CAS", "Contact and Assessment Service (children's social care front door)"),
    ("ACE", "ACE", "Attendance, Children missing education and Employment team"),
    (
        "Medical Needs",
        "Medical Needs",
        "The named officer and specialist outreach for children who cannot attend school for health reasons",
    ),
    ("Legal Services", "Legal Services", "The council's solicitors for education and children's cases"),
    (
        "Child Protection Chairs",
        "Child Protection Chairs",
        "Independent chairs who convene and chair child protection conferences",
    ),
]

USERS = [
    ("practitioner@example.org", "Priya Shah", Role.PRACTITIONER, ["Early Help", "Schools"]),
    (
        "manager@example.org",
        "Morgan Ellis",
        Role.MANAGER,
        ["Early Help", "CAS", "ACE", "Schools", "Medical Needs", "Legal Services", "Child Protection Chairs"],
    ),
    ("owner@example.org", "Olu Adeyemi", Role.PROCESS_OWNER, ["Early Help"]),
    ("admin@example.org", "Alex Admin", Role.ADMIN, []),
    ("school@example.org", "Sam Taylor", Role.PRACTITIONER, ["Schools"]),
    ("social.worker@example.org", "Chris Okafor", Role.PRACTITIONER, ["CAS"]),
    ("attendance.officer@example.org", "Jo Brennan", Role.PRACTITIONER, ["ACE"]),
    ("family.worker@example.org", "Dana Lewis", Role.PRACTITIONER, ["Early Help"]),
    ("medical.needs@example.org", "Ruth Adebayo", Role.PRACTITIONER, ["Medical Needs"]),
    ("solicitor@example.org", "Ben Harper", Role.PRACTITIONER, ["Legal Services"]),
    ("cp.chair@example.org", "Grace Whitfield", Role.PRACTITIONER, ["Child Protection Chairs"]),
]

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


def _ensure_people() -> dict[str, User]:
    teams: dict[str, Team] = {t.name: t for t in db.session.scalars(select(Team))}
    for name, lane, description in TEAMS:
        if name not in teams:
            teams[name] = create_team(name, lane, description)
    people = {}
    for email, name, role, team_names in USERS:
        user = find_user_by_email(email) or create_user(
            email, name, "demo", role, [teams[t] for t in team_names]
        )
        people[email] = user
    return people


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


SOCIAL_CARE_CASES = 6  # stepped up from Early Help to CAS
DIRECT_CAS_CASES = 3  # referred to CAS directly weeks ago: a deadline near, plans under review
# Each pathway's demo module opens its own cases through the product's services.
PATHWAY_SEEDS: tuple[str, ...] = (
    "app.demo_attendance",
    "app.demo_legal",
    "app.demo_medical",
    "app.demo_cme",
    "app.demo_safeguarding",
)


def load_demo(case_count: int = 24, seed: int = 20261123) -> str:
    """Create what is missing of the demo data; returns a one-line summary."""
    people = _ensure_people()
    published = publish_shipped()
    terms = load_default_terms_if_empty()
    rng = random.Random(seed)
    today = date.today()
    referrer = people["school@example.org"]
    created = 0
    if db.session.scalar(select(User.id).where(User.email == "school@example.org")) and not _has_cases():
        from app.demo_progress import STEP_UP_STAGE, advance
        from app.demo_social_care import add_social_care

        stepped_up = []
        for n in range(case_count + SOCIAL_CARE_CASES):
            case = refer_child(school_referral(rng, today), referrer)
            if n < case_count:
                advance(case, n, rng, people)
            else:  # stepped up to CAS, then decided, assessed or on a plan
                advance(case, STEP_UP_STAGE, rng, people)
                stepped_up.append(case)
            created += 1
        direct = [school_referral(rng, today) for _ in range(DIRECT_CAS_CASES)]
        created += len(direct)
        add_social_care(stepped_up, direct, people, today)
        for module in PATHWAY_SEEDS:
            created += importlib.import_module(module).seed(people, today, rng)
    return (
        f"Demo data ready: {len(people)} users, {len(published)} processes published, "
        f"{created} cases referred" + (f", {terms.added} default school terms loaded" if terms else "")
    )


def school_referral(rng: random.Random, today: date) -> Referral:
    """A demo referral from the child's school."""
    referral = demo_referral(rng, today)
    return Referral(**{**referral.__dict__, "referrer_organisation": referral.school})


def _has_cases() -> bool:
    from app.models import Case

    return db.session.scalar(select(Case.id).limit(1)) is not None
