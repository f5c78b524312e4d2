"""process owners' drafts, and who published each version and why

Revision ID: 0013
Revises: 0012

A version now records the change note its publisher gave and who they were (versions published
before, from processes/, have neither). A draft holds a process owner's revision of a process
until it is published.

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change_note', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_process_version_published_by_id_user_account', 'user_account', ['published_by_id'], ['id']
        )
        batch_op.create_unique_constraint('uq_process_version_process_id_number', ['process_id', 'number'])
    op.create_table(
        'process_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('process_id', sa.String(length=120), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('bpmn_xml', sa.Text(), nullable=False),
        sa.Column('dmn_xml', sa.Text(), server_default='', nullable=False),
        sa.Column('forms_json', sa.Text(), server_default='', nullable=False),
        sa.Column('base_version_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('problems_json', sa.Text(), server_default='[]', nullable=False),
        sa.Column('has_errors', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['base_version_id'], ['process_version.id'], name=op.f('fk_process_draft_base_version_id_process_version')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_process_draft_created_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_process_draft')),
    )
    with op.batch_alter_table('process_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_draft_process_id'), ['process_id'], unique=False)


def downgrade():
    with op.batch_alter_table('process_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_draft_process_id'))
    op.drop_table('process_draft')
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.drop_constraint('uq_process_version_process_id_number', type_='unique')
        batch_op.drop_constraint('fk_process_version_published_by_id_user_account', type_='foreignkey')
        batch_op.drop_column('published_by_id')
        batch_op.drop_column('change_note')
