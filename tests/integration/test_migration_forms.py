"""Migration 0012 gives the versions already in a database their forms, hashed with the diagram,
so start-up finds the shipped pathways published and publishes nothing twice.

Run on a SQLite file of its own (whatever DATABASE_URL says), because it needs a database at
revision 0011 holding process versions.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from app import create_app
from app.config import ROOT, Settings
from app.engine import content_hash
from app.extensions import db
from app.models import ProcessVersion
from app.workflow.library import publish_shipped
from tests import factories

MIGRATIONS = str(ROOT / "migrations")


def test_versions_published_before_forms_were_data_get_their_forms_and_are_not_published_again(
    tmp_path: Path,
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
        upgrade(directory=MIGRATIONS, revision="0011")
        factories.create_people()
        # As the product published before 0012: the diagram and its tables, hashed without forms.
        for shipped in app.extensions["library"].shipped.values():
            db.session.execute(
                text(
                    "insert into process_version (process_id, name, filename, content_hash, bpmn_xml, "
                    "dmn_xml, number, published_at, is_current) values (:p, :n, :f, :h, :x, :d, 1, "
                    "current_timestamp, 1)"
                ),
                {
                    "p": shipped.diagram.process_id,
                    "n": shipped.diagram.name,
                    "f": shipped.path.name,
                    "h": content_hash(shipped.xml, shipped.dmn),
                    "x": shipped.xml.decode(),
                    "d": shipped.dmn.decode(),
                },
            )
        db.session.commit()

        upgrade(directory=MIGRATIONS)  # 0012 and every later one, as the models now read them
        versions = db.session.scalars(select(ProcessVersion)).all()
        assert len(versions) == len(app.extensions["library"].shipped)
        for version in versions:
            assert json.loads(version.forms_json)["process"] == version.process_id
            assert version.content_hash == content_hash(
                version.bpmn_xml.encode(), version.dmn_xml.encode(), version.forms_json.encode()
            )
        assert publish_shipped() == []  # the shipped pathways are these versions
        db.session.rollback()

        downgrade(directory=MIGRATIONS, revision="0011")
        hashes = set(db.session.execute(text("select content_hash from process_version")).scalars())
        assert hashes == {content_hash(s.xml, s.dmn) for s in app.extensions["library"].shipped.values()}
        db.session.remove()
