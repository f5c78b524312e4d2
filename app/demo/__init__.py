"""Demo data for a new installation: the teams, the demo users (password 'demo') and a caseload
at different stages on every pathway, made through the product's own services.

The demo looks like a service that has run for months: cases are referred over the past half
year and every step happens at its own moment, with timers fired when they fell due
(app/demo/clock.py), so a manager's figures (overdue work, assessments in every census band,
conferences on time and late, incidents) are real on first start.

Only the command line (`flask seed-demo`) imports this package, and the tests and benches;
an import-linter contract in pyproject.toml holds that line, so nothing a user reaches can
depend on demo data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from app.cases.services import Referral
from app.demo import assessments, attendance, cme, conferences, incidents, legal, medical, safeguarding
from app.demo.clock import at, catch_up, claim, history, moment, refer
from app.demo.people import ensure_people
from app.demo.progress import STEP_UP_STAGE, advance, referral_age
from app.demo.queries import has_cases, open_team_tasks
from app.demo.referrals import school_referral
from app.demo.social_care import add_social_care
from app.models import User
from app.timescales.term_dates import load_default_terms_if_empty
from app.workflow.library import publish_shipped

SOCIAL_CARE_CASES = 6  # stepped up from Early Help to CAS
DIRECT_CAS_CASES = 3  # referred to CAS directly weeks ago: a deadline near, plans under review
# Each pathway's demo module opens its own cases through the product's services.
PATHWAY_SEEDS: tuple[Callable[[dict[str, User], date, random.Random], int], ...] = (
    attendance.seed,
    legal.seed,
    medical.seed,
    cme.seed,
    safeguarding.seed,
    conferences.seed,
)
HISTORY_DAYS = 200  # the service's teams, people and processes date from then


def load_demo(case_count: int = 24, seed: int = 20261123) -> str:
    """Create what is missing of the demo data; returns a one-line summary."""
    with history() as now:
        today = now.date()
        with at(moment(today - timedelta(days=HISTORY_DAYS), 9)):
            people = ensure_people()
            published = publish_shipped()
            terms = load_default_terms_if_empty()
        rng = random.Random(seed)
        created = 0
        if not has_cases():
            created = _caseload(people, case_count, rng)
            catch_up(now)  # every timer due by now fires, each when it fell due
            _share_out(people, rng)
            incidents.seed(people, rng)
    return (
        f"Demo data ready: {len(people)} users, {len(published)} processes published, "
        f"{created} cases referred" + (f", {terms.added} default school terms loaded" if terms else "")
    )


def _caseload(people: dict[str, User], case_count: int, rng: random.Random) -> int:
    """Refer the demo's children and take each case along its pathway; returns how many."""
    today = date.today()
    referrer = people["school@example.org"]
    created, stepped_up = 0, []
    for n in range(case_count + SOCIAL_CARE_CASES):
        stage = n if n < case_count else STEP_UP_STAGE
        referral = school_referral(rng, today)
        referred = today - timedelta(days=referral_age(stage, rng))
        case = refer(Referral(**{**referral.__dict__, "referral_date": referred}), referrer)
        advance(case, stage, rng, people)
        if n >= case_count:  # stepped up to CAS, then decided, assessed or on a plan
            stepped_up.append(case)
        created += 1
    direct = [school_referral(rng, today) for _ in range(DIRECT_CAS_CASES + assessments.total())]
    created += len(direct)
    add_social_care(stepped_up, direct[:DIRECT_CAS_CASES], people, today)
    assessments.seed(people, today, rng, direct[DIRECT_CAS_CASES:])
    for seed_pathway in PATHWAY_SEEDS:
        created += seed_pathway(people, today, rng)
    return created


# Who takes work from each team's queue, and how much of it: the social worker and the
# attendance officer carry heavy caseloads; the rest waits in the queues, some of it for weeks.
HOLDERS = {
    "CAS": ("social.worker@example.org", 0.7),
    "ACE": ("attendance.officer@example.org", 0.6),
    "Medical Needs": ("medical.needs@example.org", 0.5),
    "Legal Services": ("solicitor@example.org", 0.5),
}


def _share_out(people: dict[str, User], rng: random.Random) -> None:
    """The practitioners take some of their team's open work, hours or days after it arrived."""
    for task in open_team_tasks(list(HOLDERS)):
        email, share = HOLDERS[task.lane]
        if rng.random() < share:
            claim(task, people[email], timedelta(hours=rng.choice([1, 4, 26, 74])))
