"""dashboard indexes

Revision ID: 0019
Revises: 0018

The dashboard counts open work with one index-only scan, and reads only the period's rows: tasks of one kind completed in the period
(assessments authorised) and meetings of one kind held in it (conferences, core groups).
Plain CREATE INDEX on both databases: no table is rebuilt, so the audit triggers stay.

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


# Every column the workload figures read of an open task, so one index-only scan of a manager's
# teams' open work answers them (no row is read from the table).
OPEN_WORK = [
    'state', 'team_id', 'assignee_id', 'process_name', 'bpmn_id', 'name', 'due_at', 'created_at', 'case_id'
]

# Open work in the order cases are counted by step and by pathway: one pass, no sort, for every team
# or some (team_id last, so a manager's teams are read from the index too).
STEPS = ['state', 'process_name', 'bpmn_id', 'name', 'case_id', 'team_id']


def upgrade():
    op.create_index('ix_human_task_kind_completed', 'human_task', ['bpmn_id', 'state', 'completed_at'])
    op.create_index('ix_human_task_open_work', 'human_task', OPEN_WORK)
    op.create_index('ix_human_task_steps', 'human_task', STEPS)
    op.create_index('ix_meeting_kind_held', 'meeting', ['kind', 'held_on'])


def downgrade():
    op.drop_index('ix_human_task_steps', table_name='human_task')
    op.drop_index('ix_human_task_open_work', table_name='human_task')
    op.drop_index('ix_meeting_kind_held', table_name='meeting')
    op.drop_index('ix_human_task_kind_completed', table_name='human_task')
