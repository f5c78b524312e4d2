"""cases: attendance is recorded only for a referral it applies to

Revision ID: 0011
Revises: 0010

A referral for medical needs, a child missing education or social care is not asked for the
child's attendance, so casework_case.attendance_percent may be empty.

SQLite cannot change a column's nullability in place, and Alembic's batch mode would rebuild
casework_case: copy it, drop the old table and rename the copy. With foreign keys enforced (the
app turns them on for every connection) dropping a table that tasks, instances and the audit
trail refer to fails once there are cases. So on SQLite the column is replaced instead: a new
column, the values copied, the old column dropped, the new one renamed (SQLite 3.35 or later).
No other table is touched.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TABLE, COLUMN = 'casework_case', 'attendance_percent'


def _replace_column(definition: str) -> None:
    op.execute(f'ALTER TABLE {TABLE} ADD COLUMN {COLUMN}_new {definition}')
    op.execute(f'UPDATE {TABLE} SET {COLUMN}_new = {COLUMN}')
    op.execute(f'ALTER TABLE {TABLE} DROP COLUMN {COLUMN}')
    op.execute(f'ALTER TABLE {TABLE} RENAME COLUMN {COLUMN}_new TO {COLUMN}')


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        _replace_column('NUMERIC(5, 1)')
    else:
        op.alter_column(TABLE, COLUMN, existing_type=sa.Numeric(5, 1), nullable=True)


def downgrade():
    missing = op.get_bind().execute(sa.text(f'SELECT count(*) FROM {TABLE} WHERE {COLUMN} IS NULL')).scalar()
    if missing:
        raise RuntimeError(
            f'Cases referred without an attendance figure: {missing}. Revision 0010 cannot hold them: '
            'record their attendance, or keep revision 0011'
        )
    if op.get_bind().dialect.name == 'sqlite':
        _replace_column('NUMERIC(5, 1) NOT NULL DEFAULT 0')  # SQLite adds a NOT NULL column only with a default
    else:
        op.alter_column(TABLE, COLUMN, existing_type=sa.Numeric(5, 1), nullable=False)
