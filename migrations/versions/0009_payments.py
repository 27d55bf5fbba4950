"""refund states, disputes and abandoned Checkout Sessions (issue 13)

Revision ID: 0009_payments
Revises: 0008_vouchers
Create Date: 2026-12-06 12:10:00

"""

import sqlalchemy as sa
from alembic import op

import summit.models.types

# revision identifiers, used by Alembic.
revision = "0009_payments"
down_revision = "0008_vouchers"
branch_labels = None
depends_on = None


def upgrade():
    # A refund has a status now; the ones recorded before were all taken as final, so
    # they are backfilled as succeeded (the server default fills existing rows).
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                sa.Enum(
                    "pending",
                    "requires_action",
                    "succeeded",
                    "failed",
                    "canceled",
                    name="refundstatus",
                    native_enum=False,
                    length=20,
                ),
                server_default="succeeded",
                nullable=False,
            )
        )

    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dispute_ref", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("dispute_status", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("dispute_reason", sa.String(length=60), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("dispute_amount", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("disputed_at", summit.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "dispute_closed_at", summit.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "dispute_decision",
                sa.Enum("keep", "cancel", name="disputedecision", native_enum=False, length=20),
                nullable=True,
            )
        )
        batch_op.create_unique_constraint(batch_op.f("uq_payments_dispute_ref"), ["dispute_ref"])


def downgrade():
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_payments_dispute_ref"), type_="unique")
        batch_op.drop_column("dispute_decision")
        batch_op.drop_column("dispute_closed_at")
        batch_op.drop_column("disputed_at")
        batch_op.drop_column("dispute_amount")
        batch_op.drop_column("dispute_reason")
        batch_op.drop_column("dispute_status")
        batch_op.drop_column("dispute_ref")

    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_column("status")
