"""refund states, disputes and abandoned Checkout Sessions (issue 13)

Revision ID: 0009_payments
Revises: 0008_vouchers
Create Date: 2026-12-06 12:10:00

"""
from alembic import op
import sqlalchemy as sa

import summit.models.types


# revision identifiers, used by Alembic.
revision = '0009_payments'
down_revision = '0008_vouchers'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
