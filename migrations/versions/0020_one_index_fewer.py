"""one index fewer on human_task

Revision ID: 0020
Revises: 0019

The index on case_id alone is the first column of ix_human_task_case_access (0016), which serves
every lookup it did: one index fewer to write at every engine step.

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_human_task_case_id', table_name='human_task')


def downgrade():
    op.create_index('ix_human_task_case_id', 'human_task', ['case_id'])
