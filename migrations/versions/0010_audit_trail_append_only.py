"""audit trail: the cases each view showed, and a trail the database will not let anyone change

Revision ID: 0010
Revises: 0009

audit_event_case lists every case a view event showed (one narrow row per case), so the
trail can be searched by case through an index on both databases.

Triggers refuse UPDATE and DELETE on audit_event and audit_event_case (and TRUNCATE on
PostgreSQL), whoever sends them: the app, a script, or someone at a SQL prompt with the
app's credentials. Alembic's autogenerate does not see triggers, so `flask db check` stays
clean. On SQLite a later migration that rebuilds one of these tables (batch mode copies the
table and drops the old one) drops its triggers with it and must make them again.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TABLES = ('audit_event', 'audit_event_case')

POSTGRES_FUNCTION = """
create function audit_trail_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'The audit trail cannot be changed: % on % refused', tg_op, tg_table_name
        using errcode = 'restrict_violation';
end;
$$
"""


def upgrade():
    op.create_table('audit_event_case',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['casework_case.id'], name=op.f('fk_audit_event_case_case_id_casework_case')),
    sa.ForeignKeyConstraint(['event_id'], ['audit_event.id'], name=op.f('fk_audit_event_case_event_id_audit_event')),
    sa.PrimaryKeyConstraint('event_id', 'case_id', name=op.f('pk_audit_event_case'))
    )
    with op.batch_alter_table('audit_event_case', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_case_case_event', ['case_id', 'event_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRES_FUNCTION)
        for table in TABLES:
            op.execute(
                f'create trigger {table}_append_only before update or delete on {table} '
                'for each row execute function audit_trail_refuse_change()'
            )
            op.execute(
                f'create trigger {table}_no_truncate before truncate on {table} '
                'for each statement execute function audit_trail_refuse_change()'
            )
    else:
        for table in TABLES:
            for verb in ('update', 'delete'):
                op.execute(
                    f'create trigger {table}_no_{verb} before {verb} on {table} begin '
                    f"select raise(abort, 'The audit trail cannot be changed: {verb.upper()} on {table} refused'); "
                    'end'
                )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f'drop trigger {table}_no_truncate on {table}')
            op.execute(f'drop trigger {table}_append_only on {table}')
        op.execute('drop function audit_trail_refuse_change()')
    else:
        for table in TABLES:
            for verb in ('update', 'delete'):
                op.execute(f'drop trigger {table}_no_{verb}')

    with op.batch_alter_table('audit_event_case', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_case_case_event')

    op.drop_table('audit_event_case')
