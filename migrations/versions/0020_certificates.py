"""certificates of attendance and presentation, bulk runs (issue 17)

Revision ID: 0020_certificates
Revises: 0019_surveys
Create Date: 2026-12-07 08:50:00

"""
from alembic import op
import sqlalchemy as sa

import summit.models.types


# revision identifiers, used by Alembic.
revision = '0020_certificates'
down_revision = '0019_surveys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('attendance', 'presentation', name='certificatekind', native_enum=False, length=20), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=True),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='badgejobstatus', native_enum=False, length=20), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('archive', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', summit.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', summit.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lease_until', summit.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('renderer', sa.String(length=120), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_certificate_runs_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_certificate_runs_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_runs')),
    sa.UniqueConstraint('token', name=op.f('uq_certificate_runs_token'))
    )
    with op.batch_alter_table('certificate_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_runs_event_id'), ['event_id'], unique=False)

    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('attendance', 'presentation', name='certificatekind', native_enum=False, length=20), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('days', sa.JSON(), nullable=False),
    sa.Column('sessions', sa.JSON(), nullable=False),
    sa.Column('issued_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', summit.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_certificates_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_certificates_ticket_id_tickets'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_certificates_withdrawn_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('token', name=op.f('uq_certificates_token'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_certificates_ticket', ['ticket_id'], unique=False)
        batch_op.create_index('ix_certificates_user_event', ['user_id', 'event_id'], unique=False)



def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('ix_certificates_user_event')
        batch_op.drop_index('ix_certificates_ticket')
        batch_op.drop_index(batch_op.f('ix_certificates_event_id'))

    op.drop_table('certificates')
    with op.batch_alter_table('certificate_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_runs_event_id'))

    op.drop_table('certificate_runs')
