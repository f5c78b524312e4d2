"""The referral page asks what applies to the pathway chosen, and chooses nothing for the referrer."""

from __future__ import annotations

from app.extensions import db
from app.models import Case
from tests.conftest import login
from tests.integration.test_pages import REFERRAL, text


def cases() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Case)) or 0


def test_a_referral_that_does_not_say_what_it_is_about_is_refused(client, people) -> None:
    login(client, "school@example.org")
    unsaid = {k: v for k, v in REFERRAL.items() if k != "pathway"}
    response = client.post("/referrals/new", data=unsaid)
    assert response.status_code == 400
    assert "Select what you are telling us about" in text(response)
    assert cases() == 0
