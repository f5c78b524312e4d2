"""The demo's teams and people: every account's password is 'demo'.

Production refuses to start while any of these accounts is active (app/auth/services.py
DEMO_EMAILS; a test keeps the two lists equal).
"""

from __future__ import annotations

from app.auth.services import create_team, create_user, find_user_by_email
from app.demo.queries import teams_by_name
from app.models import Role, User

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


def ensure_people() -> dict[str, User]:
    """The demo teams and users, creating whichever are missing; users by email."""
    teams = teams_by_name()
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
