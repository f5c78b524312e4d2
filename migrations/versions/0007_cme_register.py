"""children missing education register

Revision ID: 0007
Revises: 0006

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cme_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('child_name', sa.String(length=200), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('notifying_organisation', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('last_known_address', sa.Text(), nullable=False),
    sa.Column('date_last_seen', sa.Date(), nullable=True),
    sa.Column('school', sa.String(length=200), nullable=False),
    sa.Column('first_absence_date', sa.Date(), nullable=True),
    sa.Column('risk_level', sa.String(length=20), nullable=False),
    sa.Column('notice_late', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('missing', 'found', 'closed', name='cmestatus', native_enum=False, length=20), nullable=False),
    sa.Column('school_enquiries_on', sa.Date(), nullable=True),
    sa.Column('la_enquiries_on', sa.Date(), nullable=True),
    sa.Column('deleted_from_roll_on', sa.Date(), nullable=True),
    sa.Column('found_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=200), nullable=False),
    sa.Column('next_review_on', sa.Date(), nullable=True),
    sa.Column('enquiries_summary', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['casework_case.id'], ),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cme_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cme_record_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cme_record_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cme_record_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('cme_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cme_record_status'))
        batch_op.drop_index(batch_op.f('ix_cme_record_instance_id'))
        batch_op.drop_index(batch_op.f('ix_cme_record_case_id'))

    op.drop_table('cme_record')
