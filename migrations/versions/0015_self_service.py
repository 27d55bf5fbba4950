"""self service: cancellation policy, invoice credits, revoked secrets (issue 16)

Revision ID: 0015_self_service
Revises: 0017_addons
Create Date: 2026-12-07 05:46:03

"""
from alembic import op
import sqlalchemy as sa

import summit.models.types


# revision identifiers, used by Alembic.
revision = '0015_self_service'
down_revision = '0017_addons'
branch_labels = None
depends_on = None


def upgrade():
    # Events made before this keep self-service off until an organizer sets a policy.
    op.create_table('invoice_credits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('fee', sa.Integer(), nullable=False),
    sa.Column('vat_percent', sa.Integer(), nullable=False),
    sa.Column('created_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_invoice_credits_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_invoice_credits_ticket_id_tickets'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_credits')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_invoice_credits_ticket_id'))
    )
    with op.batch_alter_table('invoice_credits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_credits_order_id'), ['order_id'], unique=False)

    op.create_table('revoked_secrets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('revoked_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_revoked_secrets_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revoked_secrets')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_revoked_secrets_secret_hash'))
    )
    with op.batch_alter_table('revoked_secrets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revoked_secrets_ticket_id'), ['ticket_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancel_policy', sa.Enum('off', 'full_refund', 'refund_minus_fee', 'transfer_only', name='cancelpolicy', native_enum=False, length=20), server_default='off', nullable=False))
        batch_op.add_column(sa.Column('cancel_deadline', summit.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancel_fee', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('transfer_deadline', summit.models.types.UTCDateTime(timezone=True), nullable=True))

def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('transfer_deadline')
        batch_op.drop_column('cancel_fee')
        batch_op.drop_column('cancel_deadline')
        batch_op.drop_column('cancel_policy')

    with op.batch_alter_table('revoked_secrets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revoked_secrets_ticket_id'))

    op.drop_table('revoked_secrets')
    with op.batch_alter_table('invoice_credits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_credits_order_id'))

    op.drop_table('invoice_credits')
