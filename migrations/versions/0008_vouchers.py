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
    pass


def downgrade():
    pass
