"""saved views of the lists, and indexes for searching cases and processes

Revision ID: 0016
Revises: 0015

A person's named filters for the case list or the process list. The indexes let the lists page
through 100,000 cases in index order: by referral date, by the next due date of a case's open
tasks, by the step a case waits at, and processes by when they started or last changed; and
answer "may this person see this case" from the index alone (who holds, held or finished its
tasks), which every list asks of each case it walks.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

INDEXES = [
    ('ix_child_first_name_lower', 'child', [sa.text('lower(first_name)')]),
    ('ix_child_last_name_lower', 'child', [sa.text('lower(last_name)')]),
    ('ix_child_school_lower', 'child', [sa.text('lower(school)')]),
    ('ix_child_name', 'child', ['last_name', 'first_name', 'id']),
    ('ix_casework_case_referral', 'casework_case', ['referral_date', 'id']),
    ('ix_human_task_case_access', 'human_task', ['case_id', 'team_id', 'assignee_id', 'completed_by_id']),
    ('ix_human_task_stage', 'human_task', ['state', 'bpmn_id', 'case_id', 'instance_id']),
    ('ix_human_task_case_open_due', 'human_task', ['case_id', 'state', 'due_at']),
    ('ix_human_task_state_due', 'human_task', ['state', 'due_at', 'case_id']),
    ('ix_human_task_unallocated', 'human_task', ['state', 'assignee_id', 'created_at', 'case_id']),
    ('ix_process_instance_started', 'process_instance', ['started_at', 'id']),
    ('ix_process_instance_updated', 'process_instance', ['updated_at', 'id']),
]


def upgrade():
    op.create_table('saved_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('query', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_saved_view_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_view')),
    sa.UniqueConstraint('user_id', 'kind', 'name', name='uq_saved_view_user_id_kind_name'),
    )
    op.create_index(op.f('ix_saved_view_user_id'), 'saved_view', ['user_id'], unique=False)
    # Plain CREATE INDEX on both databases: no table is rebuilt (and no trigger dropped).
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index(op.f('ix_saved_view_user_id'), table_name='saved_view')
    op.drop_table('saved_view')
