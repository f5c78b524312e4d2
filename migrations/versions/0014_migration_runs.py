"""migration runs: batches of instances moved between versions

Revision ID: 0014
Revises: 0013

A batch of running instances moved from one version of a process to another: who asked, why,
how far it has got, and the instances that could not move with the reason.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('migration_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=120), nullable=False),
    sa.Column('source_version_id', sa.Integer(), nullable=False),
    sa.Column('target_version_id', sa.Integer(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('running', 'finished', 'failed', name='migrationstatus', native_enum=False, length=20), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('moved', sa.Integer(), nullable=False),
    sa.Column('refused_json', sa.Text(), nullable=False),
    sa.Column('instance_ids_json', sa.Text(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['source_version_id'], ['process_version.id'], name=op.f('fk_migration_run_source_version_id_process_version')),
    sa.ForeignKeyConstraint(['started_by_id'], ['user_account.id'], name=op.f('fk_migration_run_started_by_id_user_account')),
    sa.ForeignKeyConstraint(['target_version_id'], ['process_version.id'], name=op.f('fk_migration_run_target_version_id_process_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_migration_run'))
    )
    with op.batch_alter_table('migration_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_migration_run_process_id'), ['process_id'], unique=False)



def downgrade():
    with op.batch_alter_table('migration_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_migration_run_process_id'))

    op.drop_table('migration_run')
