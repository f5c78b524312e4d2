"""process versions hold their task forms (form-js definitions) with the diagram

Revision ID: 0012
Revises: 0011

Each version gets the forms of its process from forms/<process id>.json as they are when this
migration runs: until now every version of a process shared one set of Python form classes,
and these files are those classes written as data. The content hash then covers the forms
too, computed as app.engine.content_hash computes it, so start-up finds the shipped pathways
already published and publishes nothing twice.

"""
import hashlib
from pathlib import Path

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

FORMS = Path(__file__).resolve().parents[2] / "forms"


def _hash(xml: bytes, dmn: bytes, forms: bytes) -> str:
    digest = hashlib.sha256(xml)
    if dmn:
        digest.update(b"\0dmn\0")
        digest.update(dmn)
    if forms:
        digest.update(b"\0forms\0")
        digest.update(forms)
    return digest.hexdigest()


def _rehash(with_forms: bool) -> None:
    versions = sa.table(
        "process_version",
        sa.column("id", sa.Integer),
        sa.column("process_id", sa.String),
        sa.column("bpmn_xml", sa.Text),
        sa.column("dmn_xml", sa.Text),
        sa.column("forms_json", sa.Text),
        sa.column("content_hash", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(versions.c.id, versions.c.process_id, versions.c.bpmn_xml, versions.c.dmn_xml)).all()
    for id_, process_id, bpmn, dmn in rows:
        path = FORMS / f"{process_id}.json"
        forms = path.read_text(encoding="utf-8") if with_forms and path.exists() else ""
        digest = _hash(bpmn.encode("utf-8"), (dmn or "").encode("utf-8"), forms.encode("utf-8"))
        connection.execute(
            versions.update().where(versions.c.id == id_).values(forms_json=forms, content_hash=digest)
        )


def upgrade():
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forms_json', sa.Text(), server_default='', nullable=False))
    _rehash(with_forms=True)


def downgrade():
    _rehash(with_forms=False)
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.drop_column('forms_json')
