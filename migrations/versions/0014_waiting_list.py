"""waiting list: people in line for full ticket types, and the offers that hold seats for them (issue 16)

Revision ID: 0014_waiting_list
Revises: 0012_order_history
Create Date: 2026-12-07 05:47:40

"""
from alembic import op
import sqlalchemy as sa

import summit.models.types


# revision identifiers, used by Alembic.
revision = '0014_waiting_list'
down_revision = '0012_order_history'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('waiting_list_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('ticket_type_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'offered', 'bought', 'lapsed', 'left', 'removed', name='waitingstatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('offered_at', summit.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('offered_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', summit.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_waiting_list_entries_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offered_by_id'], ['users.id'], name=op.f('fk_waiting_list_entries_offered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_waiting_list_entries_order_id_orders'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_type_id'], ['ticket_types.id'], name=op.f('fk_waiting_list_entries_ticket_type_id_ticket_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waiting_list_entries')),
    sa.UniqueConstraint('token', name=op.f('uq_waiting_list_entries_token'))
    )
    with op.batch_alter_table('waiting_list_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waiting_list_entries_email'), ['email'], unique=False)
        batch_op.create_index('ix_waiting_list_entries_event_status', ['event_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_waiting_list_entries_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_waiting_list_entries_ticket_type_id'), ['ticket_type_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offer_hours', sa.Integer(), server_default='48', nullable=False))



def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('offer_hours')

    with op.batch_alter_table('waiting_list_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waiting_list_entries_ticket_type_id'))
        batch_op.drop_index(batch_op.f('ix_waiting_list_entries_order_id'))
        batch_op.drop_index('ix_waiting_list_entries_event_status')
        batch_op.drop_index(batch_op.f('ix_waiting_list_entries_email'))

    op.drop_table('waiting_list_entries')
