"""covering indexes for the cases a user may see

Revision ID: 0020
Revises: 0019

Lists of cases read a user's teams' tasks, their own tasks and their referrals as index ranges
(app/access.py visible_case_ids). The index on completed_by_id alone is replaced by one that
also covers case_id.

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_human_task_team_case', 'human_task', ['team_id', 'case_id'])
    op.create_index('ix_human_task_assignee_case', 'human_task', ['assignee_id', 'case_id'])
    op.create_index('ix_human_task_completed_by_case', 'human_task', ['completed_by_id', 'case_id'])
    op.drop_index('ix_human_task_completed_by_id', table_name='human_task')


def downgrade():
    op.create_index('ix_human_task_completed_by_id', 'human_task', ['completed_by_id'])
    op.drop_index('ix_human_task_completed_by_case', table_name='human_task')
    op.drop_index('ix_human_task_assignee_case', table_name='human_task')
    op.drop_index('ix_human_task_team_case', table_name='human_task')
