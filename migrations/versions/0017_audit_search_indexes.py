"""audit search indexes: each filter of the audit search is an index range in id order

Revision ID: 0017
Revises: 0016

The audit search (app/trail/search.py) reads the trail newest first by id, a page at a time
(keyset on id). An index on (actor_id, id), (action, id) and (case_id, id) makes a search by
person, by action or by case one index range read backwards, on SQLite and PostgreSQL alike (a
PostgreSQL index on actor_id alone keeps equal keys in row order, not id order). They replace
the indexes on actor_id and case_id alone, which they cover.

Plain CREATE and DROP INDEX only: rebuilding audit_event with Alembic's batch mode on SQLite
would drop the triggers that keep the trail append-only (migration 0010).

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_event_actor_id_id', 'audit_event', ['actor_id', 'id'], unique=False)
    op.create_index('ix_audit_event_action_id', 'audit_event', ['action', 'id'], unique=False)
    op.create_index('ix_audit_event_case_id_id', 'audit_event', ['case_id', 'id'], unique=False)
    op.drop_index('ix_audit_event_actor_id', table_name='audit_event')
    op.drop_index('ix_audit_event_case_id', table_name='audit_event')


def downgrade():
    op.create_index('ix_audit_event_case_id', 'audit_event', ['case_id'], unique=False)
    op.create_index('ix_audit_event_actor_id', 'audit_event', ['actor_id'], unique=False)
    op.drop_index('ix_audit_event_case_id_id', table_name='audit_event')
    op.drop_index('ix_audit_event_action_id', table_name='audit_event')
    op.drop_index('ix_audit_event_actor_id_id', table_name='audit_event')
