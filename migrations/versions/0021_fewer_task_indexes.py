"""three fewer indexes on human_task

Revision ID: 0021
Revises: 0020

Every engine step writes every index on human_task; the lists and the dashboard (0016, 0019)
had added eight. Three of them are merged into others: the team queue's (state, team_id,
assignee_id) is the first three columns of ix_human_task_open_work; the unallocated work's
(state, assignee_id, created_at, case_id) is ix_human_task_assignee_age with case_id added; and
a case's next due date (case_id, state, due_at) and who may see a case (case_id, team_id,
assignee_id, completed_by_id) are one index on a case's tasks.

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_human_task_team_assignee', table_name='human_task')
    op.drop_index('ix_human_task_unallocated', table_name='human_task')
    op.drop_index('ix_human_task_case_open_due', table_name='human_task')
    op.drop_index('ix_human_task_assignee_age', table_name='human_task')
    op.create_index(
        'ix_human_task_assignee_age', 'human_task', ['state', 'assignee_id', 'created_at', 'id', 'case_id']
    )
    op.drop_index('ix_human_task_case_access', table_name='human_task')
    op.create_index(
        'ix_human_task_case_access',
        'human_task',
        ['case_id', 'state', 'due_at', 'team_id', 'assignee_id', 'completed_by_id'],
    )


def downgrade():
    op.drop_index('ix_human_task_case_access', table_name='human_task')
    op.create_index(
        'ix_human_task_case_access', 'human_task', ['case_id', 'team_id', 'assignee_id', 'completed_by_id']
    )
    op.drop_index('ix_human_task_assignee_age', table_name='human_task')
    op.create_index('ix_human_task_assignee_age', 'human_task', ['state', 'assignee_id', 'created_at', 'id'])
    op.create_index('ix_human_task_case_open_due', 'human_task', ['case_id', 'state', 'due_at'])
    op.create_index('ix_human_task_unallocated', 'human_task', ['state', 'assignee_id', 'created_at', 'case_id'])
    op.create_index('ix_human_task_team_assignee', 'human_task', ['state', 'team_id', 'assignee_id'])
