"""suspend instances, retry incidents

Revision ID: 0018
Revises: 0017

A manager may suspend a running process (who, when and why are kept on the instance while it is
suspended; the status column is a plain string with no CHECK constraint on either database, so
'suspended' needs no change to it). An incident raised by a failed submission keeps the answers
sent, so that it can be retried once the cause is fixed, and counts its retries.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# Reflect only the table being rebuilt: following its foreign keys would reflect `child`, whose
# expression indexes (0016) SQLAlchemy cannot reflect on SQLite.
NO_FK_REFLECTION = {'resolve_fks': False}


def upgrade():
    with op.batch_alter_table('process_instance', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.add_column(sa.Column('suspended_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('suspended_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('suspended_reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_foreign_key(
            batch_op.f('fk_process_instance_suspended_by_id_user_account'), 'user_account', ['suspended_by_id'], ['id']
        )
    with op.batch_alter_table('incident', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.add_column(sa.Column('answers', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('retries', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_retried_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.execute("UPDATE process_instance SET status = 'running' WHERE status = 'suspended'")
    with op.batch_alter_table('incident', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.drop_column('last_retried_at')
        batch_op.drop_column('retries')
        batch_op.drop_column('answers')
    with op.batch_alter_table('process_instance', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_process_instance_suspended_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('suspended_reason')
        batch_op.drop_column('suspended_by_id')
        batch_op.drop_column('suspended_at')
