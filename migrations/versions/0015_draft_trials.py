"""draft trials

Revision ID: 0015
Revises: 0014

A process owner's test run of a draft: its workflow, its clock and what happened at each step.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('draft_trial',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.LargeBinary(), nullable=False),
    sa.Column('days_on', sa.Integer(), nullable=False),
    sa.Column('log_json', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_draft_trial_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['draft_id'], ['process_draft.id'], name=op.f('fk_draft_trial_draft_id_process_draft'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_trial'))
    )
    with op.batch_alter_table('draft_trial', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_trial_draft_id'), ['draft_id'], unique=False)



def downgrade():
    with op.batch_alter_table('draft_trial', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_trial_draft_id'))

    op.drop_table('draft_trial')
