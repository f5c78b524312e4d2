"""Lists read the cases a user may see as one set (access.visible); a single case is checked with
access.case_visibility. Both must give every user exactly the same cases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.access import case_visibility, visible
from app.demo.progress import task_data
from app.extensions import db
from app.models import Case, User
from app.tasks.services import claim_task, complete_task
from tests import factories


def _cases(condition) -> set[str]:
    return set(db.session.scalars(select(Case.reference).where(condition)))


def test_the_list_form_and_the_single_case_form_agree_for_every_user(ctx, people) -> None:
    referred = factories.refer(people["school"])  # Schools' triage queue, referred by the school
    claimed = factories.refer(people["school"], first_name="Ada")
    claim_task(factories.only_open_task(claimed), people["practitioner"])
    done = factories.refer(people["school"], first_name="Ben")
    task = factories.only_open_task(done)
    claim_task(task, people["family_worker"])
    complete_task(task, task_data("referral.triage", date.today(), {}), people["family_worker"])
    given = factories.refer(people["practitioner"], first_name="Cy")
    db.session.commit()

    everyone = list(db.session.scalars(select(User)))
    for user in everyone:
        assert _cases(visible(user)) == _cases(case_visibility(user)), user.email
    # And the sets are not trivially everything or nothing.
    assert given.reference in _cases(visible(people["practitioner"]))
    assert _cases(visible(people["solicitor"])) == set()
    assert {referred.reference, claimed.reference, done.reference, given.reference} <= _cases(
        visible(people["admin"])
    )
