"""one-use vouchers and access-code hardening (issue 13)

Revision ID: 0008_vouchers
Revises: 0007_day_one
Create Date: 2026-12-06 12:10:00

"""
from alembic import op
import sqlalchemy as sa

import summit.models.types


# revision identifiers, used by Alembic.
revision = '0008_vouchers'
down_revision = '0007_day_one'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vouchers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('ticket_type_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('price', sa.Integer(), nullable=True),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('recipient_email', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', summit.models.types.UTCDateTime(), nullable=False),
    sa.Column('emailed_at', summit.models.types.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', summit.models.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_vouchers_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_type_id'], ['ticket_types.id'], name=op.f('fk_vouchers_ticket_type_id_ticket_types'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_vouchers_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vouchers')),
    sa.UniqueConstraint('code', name=op.f('uq_vouchers_code'))
    )
    with op.batch_alter_table('vouchers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vouchers_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vouchers_ticket_type_id'), ['ticket_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vouchers_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holder_key', sa.String(length=32), nullable=True))

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voucher_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_tickets_voucher_id'), ['voucher_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tickets_voucher_id_vouchers'), 'vouchers', ['voucher_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tickets_voucher_id_vouchers'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tickets_voucher_id'))
        batch_op.drop_column('voucher_id')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('holder_key')

    with op.batch_alter_table('vouchers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vouchers_user_id'))
        batch_op.drop_index(batch_op.f('ix_vouchers_ticket_type_id'))
        batch_op.drop_index(batch_op.f('ix_vouchers_event_id'))

    op.drop_table('vouchers')
