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
    # Plain ADD COLUMNs, not batch mode: on SQLite a batch rebuild copies the table and drops the
    # old one, and the drop checks every foreign key that refers to it (audit rows, tasks,
    # meetings) row by row, which takes hours on a large database.
    op.add_column('process_instance', sa.Column('suspended_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        'process_instance', sa.Column('suspended_reason', sa.Text(), server_default='', nullable=False)
    )
    if op.get_bind().dialect.name == 'sqlite':  # SQLite adds a foreign key only with its column
        op.execute(
            'ALTER TABLE process_instance ADD COLUMN suspended_by_id INTEGER '
            'CONSTRAINT fk_process_instance_suspended_by_id_user_account REFERENCES user_account (id)'
        )
    else:
        op.add_column('process_instance', sa.Column('suspended_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(
            'fk_process_instance_suspended_by_id_user_account',
            'process_instance',
            'user_account',
            ['suspended_by_id'],
            ['id'],
        )
    op.add_column('incident', sa.Column('answers', sa.JSON(), nullable=True))
    op.add_column('incident', sa.Column('retries', sa.Integer(), server_default='0', nullable=False))
    op.add_column('incident', sa.Column('last_retried_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.execute("UPDATE process_instance SET status = 'running' WHERE status = 'suspended'")
    with op.batch_alter_table('incident', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        batch_op.drop_column('last_retried_at')
        batch_op.drop_column('retries')
        batch_op.drop_column('answers')
    with op.batch_alter_table('process_instance', schema=None, reflect_kwargs=NO_FK_REFLECTION) as batch_op:
        if op.get_bind().dialect.name != 'sqlite':  # on SQLite the key goes with its column
            batch_op.drop_constraint('fk_process_instance_suspended_by_id_user_account', type_='foreignkey')
        batch_op.drop_column('suspended_reason')
        batch_op.drop_column('suspended_by_id')
        batch_op.drop_column('suspended_at')
