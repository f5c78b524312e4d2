"""Migration 0011 lets a case have no attendance figure, keeping every case and what refers to it.

Run on a SQLite file of its own (whatever DATABASE_URL says), because it needs a database at
revision 0010 holding cases; PostgreSQL changes the column in place.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, text

from app import create_app
from app.audit import record
from app.config import ROOT, Settings
from app.extensions import db
from app.models import Case
from tests import factories

MIGRATIONS = str(ROOT / "migrations")


def test_a_database_with_cases_moves_to_0011_and_back_with_every_case_and_link_kept(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(
        env="test",
        secret_key="test-secret",
        database_url=f"sqlite:///{tmp_path / 'before.db'}",
        scheduler_enabled=False,
        processes_dir=ROOT / "processes",
        instance_dir=tmp_path,
    )
    app = create_app(settings, WTF_CSRF_ENABLED=False)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0010")
        factories.create_people()
        user = factories.people()["school"]
        case = factories.bare_case(user)
        record("case.referred", user, case=case)  # the audit trail refers to the case
        db.session.commit()
        case_id = case.id

        upgrade(directory=MIGRATIONS, revision="0011")
        db.session.expire_all()
        assert db.session.get(Case, case_id).attendance_percent == Decimal("72.0")
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        unasked = factories.bare_case(user)
        unasked.attendance_percent = None
        db.session.commit()

        with pytest.raises(SystemExit):  # the flask db command's way to refuse
            downgrade(directory=MIGRATIONS, revision="0010")
        assert "Cases referred without an attendance figure: 1." in capfd.readouterr().err
        db.session.rollback()
        # A plain DELETE: the ORM would load the case's processes with today's columns.
        db.session.execute(delete(Case).where(Case.id == unasked.id))
        db.session.commit()
        downgrade(directory=MIGRATIONS, revision="0010")
        assert db.session.execute(text("select attendance_percent from casework_case")).scalars().all() == [
            Decimal("72.0")
        ]
        db.session.remove()
