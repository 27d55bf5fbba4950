"""bank: payments from Bankgirot's BgMax files, invoice reminder days (issue 18)

Revision ID: 0025_bank
Revises: 0024_einvoice
Create Date: 2026-12-07 12:00:00

"""
from alembic import op
import sqlalchemy as sa

import summit.models.types


# revision identifiers, used by Alembic.
revision = '0025_bank'
down_revision = '0024_einvoice'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bank_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('written_at', sa.String(length=20), nullable=False),
    sa.Column('payments', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_bank_files_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_files')),
    sa.UniqueConstraint('sha256', name=op.f('uq_bank_files_sha256'))
    )
    op.create_table('bank_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=12), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('deduction', sa.Boolean(), nullable=False),
    sa.Column('sender_bankgiro', sa.String(length=10), nullable=False),
    sa.Column('reference', sa.String(length=25), nullable=False),
    sa.Column('reference_code', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('information', sa.Text(), nullable=False),
    sa.Column('payer_name', sa.String(length=200), nullable=False),
    sa.Column('payer_org_number', sa.String(length=12), nullable=False),
    sa.Column('payer_address', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Enum('paid', 'partial', 'overpaid', 'not_owed', 'unmatched', 'deduction', name='bankoutcome', native_enum=False, length=20), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('applied', sa.Integer(), nullable=False),
    sa.Column('settled_at', summit.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('settled_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['bank_files.id'], name=op.f('fk_bank_payments_file_id_bank_files'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_bank_payments_invoice_id_invoices'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_bank_payments_payment_id_payments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['settled_by_id'], ['users.id'], name=op.f('fk_bank_payments_settled_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_payments')),
    sa.UniqueConstraint('serial', 'paid_on', name=op.f('uq_bank_payments_serial_paid_on'))
    )
    with op.batch_alter_table('bank_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_payments_file_id'), ['file_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_payments_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_payments_settled_at'), ['settled_at'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invoice_reminder_days', sa.Integer(), server_default='10', nullable=False))



def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('invoice_reminder_days')

    with op.batch_alter_table('bank_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_payments_settled_at'))
        batch_op.drop_index(batch_op.f('ix_bank_payments_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_bank_payments_file_id'))

    op.drop_table('bank_payments')
    op.drop_table('bank_files')
