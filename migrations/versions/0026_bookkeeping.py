"""bookkeeping: the accounts the SIE export books on, per event and per ticket type and add-on (issue 18.6)

Revision ID: 0026_bookkeeping
Revises: 0025_bank
Create Date: 2026-12-07 14:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0026_bookkeeping'
down_revision = '0025_bank'
branch_labels = None
depends_on = None


def upgrade():
    # The event's accounts by role; a role not given takes BAS's account.
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'ledger_accounts',
                sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'),
                server_default='{}',
                nullable=False,
            )
        )
    # A ticket type's or add-on's own sales account; NULL: the event's for its VAT rate.
    for table in ('ticket_types', 'addons'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('sales_account', sa.String(length=4), nullable=True))


def downgrade():
    for table in ('addons', 'ticket_types'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('sales_account')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('ledger_accounts')
