"""add-ons and approval (issue 16.4)

Revision ID: 0017_addons
Revises: 0013_questions
Create Date: 2026-12-07 05:45:52.980011

"""
from alembic import op
import sqlalchemy as sa

import summit.models.types


# revision identifiers, used by Alembic.
revision = '0017_addons'
down_revision = '0013_questions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('addons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name_sv', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('description_sv', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('vat_percent', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('sale_starts_at', summit.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sale_ends_at', summit.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('badge_label', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_addons_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_addons'))
    )
    with op.batch_alter_table('addons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_addons_event_id'), ['event_id'], unique=False)

    op.create_table('addon_ticket_types',
    sa.Column('addon_id', sa.Integer(), nullable=False),
    sa.Column('ticket_type_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['addon_id'], ['addons.id'], name=op.f('fk_addon_ticket_types_addon_id_addons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_type_id'], ['ticket_types.id'], name=op.f('fk_addon_ticket_types_ticket_type_id_ticket_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('addon_id', 'ticket_type_id', name=op.f('pk_addon_ticket_types'))
    )
    op.create_table('ticket_addons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('addon_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('valid', 'cancelled', 'refunded', name='ticketstatus', native_enum=False, length=20), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('vat_percent', sa.Integer(), nullable=False),
    sa.Column('refunded_amount', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['addon_id'], ['addons.id'], name=op.f('fk_ticket_addons_addon_id_addons')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_ticket_addons_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_addons_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_addons'))
    )
    with op.batch_alter_table('ticket_addons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_addons_addon_id'), ['addon_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_addons_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_addons_ticket_id'), ['ticket_id'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('motivation', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('ticket_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requires_approval', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('approval_hold_hours', sa.Integer(), server_default='48', nullable=False))



def downgrade():
    with op.batch_alter_table('ticket_types', schema=None) as batch_op:
        batch_op.drop_column('approval_hold_hours')
        batch_op.drop_column('requires_approval')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('motivation')

    with op.batch_alter_table('ticket_addons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_addons_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_addons_order_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_addons_addon_id'))

    op.drop_table('ticket_addons')
    op.drop_table('addon_ticket_types')
    with op.batch_alter_table('addons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_addons_event_id'))

    op.drop_table('addons')
