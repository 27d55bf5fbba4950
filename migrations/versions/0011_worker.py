"""worker: badge runs rendered by `flask worker`, request ids carried into its work, one
worker at a time tidies an ended reservation (issue 15)

Revision ID: 0011_worker
Revises: 0010_accounts
Create Date: 2026-12-07 03:00:00

"""
from alembic import op
import sqlalchemy as sa

import summit.models.types


# revision identifiers, used by Alembic.
revision = '0011_worker'
down_revision = '0010_accounts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('badge_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renderer', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('request_id', sa.String(length=64), nullable=True))
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_id', sa.String(length=64), nullable=True))
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expiring_until', summit.models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('expiring_until')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('request_id')
    with op.batch_alter_table('badge_jobs', schema=None) as batch_op:
        batch_op.drop_column('request_id')
        batch_op.drop_column('renderer')
