"""Demo data for a new installation: the teams, the demo users (password 'demo') and a caseload
at different stages on every pathway, made through the product's own services.

Only the command line (`flask seed-demo`) imports this package, and the tests and benches;
an import-linter contract in pyproject.toml holds that line, so nothing a user reaches can
depend on demo data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from app.cases.services import refer_child
from app.demo import attendance, cme, legal, medical, safeguarding
from app.demo.people import ensure_people
from app.demo.progress import STEP_UP_STAGE, advance
from app.demo.queries import has_cases
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
)


def load_demo(case_count: int = 24, seed: int = 20261123) -> str:
    """Create what is missing of the demo data; returns a one-line summary."""
    people = ensure_people()
    published = publish_shipped()
    terms = load_default_terms_if_empty()
    rng = random.Random(seed)
    today = date.today()
    referrer = people["school@example.org"]
    created = 0
    if not has_cases():
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
        for seed_pathway in PATHWAY_SEEDS:
            created += seed_pathway(people, today, rng)
    return (
        f"Demo data ready: {len(people)} users, {len(published)} processes published, "
        f"{created} cases referred" + (f", {terms.added} default school terms loaded" if terms else "")
    )
