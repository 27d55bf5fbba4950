"""einvoice: Peppol e-invoices queued for the access point (issue 18.1)

Revision ID: 0024_einvoice
Revises: 0023_billing
Create Date: 2026-12-08 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import summit.models.types


# revision identifiers, used by Alembic.
revision = '0024_einvoice'
down_revision = '0023_billing'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('einvoice_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('receiver', sa.String(length=50), nullable=False),
    sa.Column('state', sa.Enum('queued', 'sent', 'failed', name='deliverystate', native_enum=False, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', summit.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claim_token', sa.String(length=64), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('reference', sa.String(length=300), nullable=True),
    sa.Column('created_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', summit.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_einvoice_deliveries_invoice_id_invoices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_einvoice_deliveries')),
    sa.UniqueConstraint('invoice_id', name=op.f('uq_einvoice_deliveries_invoice_id'))
    )
    with op.batch_alter_table('einvoice_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_einvoice_deliveries_due', ['state', 'next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('einvoice_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_einvoice_deliveries_due')
    op.drop_table('einvoice_deliveries')
