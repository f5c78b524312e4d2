"""A case's meeting history (the meetings its tasks recorded: app/pathways/meetings.py keeps them).

The history lives in the `meeting` table so that long-running plans do not grow their workflow
data by a round each review.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Meeting


def meetings_for_case(case_id: int) -> list[Meeting]:
    """The case's meetings, most recent first."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.case_id == case_id)
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        )
    )
