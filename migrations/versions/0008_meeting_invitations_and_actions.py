"""meetings: who was invited and the actions agreed

Revision ID: 0008
Revises: 0007

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invited', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('actions', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('actions')
        batch_op.drop_column('invited')
