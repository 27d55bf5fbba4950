"""impact report: the public summary switch (issue 17)

Revision ID: 0022_impact
Revises: 0021_privacy
Create Date: 2026-12-07 09:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_impact'
down_revision = '0021_privacy'
branch_labels = None
depends_on = None


def upgrade():
    # An event's impact summary is public only once an organizer switches it on.
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('impact_public', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('impact_public')
