"""accounts: sessions ended server-side, sign-in limits (issue 13)

Revision ID: 0010_accounts
Revises: 0009_payments
Create Date: 2026-12-06 12:10:00

"""
from alembic import op
import sqlalchemy as sa

import summit.models.types


# revision identifiers, used by Alembic.
revision = '0010_accounts'
down_revision = '0009_payments'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
