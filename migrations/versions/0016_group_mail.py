"""group mail: mailings, their recipients per round, unsubscribes (issue 16)

Revision ID: 0016_group_mail
Revises: 0014_waiting_list
Create Date: 2026-12-07 05:45:00

"""
from alembic import op
import sqlalchemy as sa

import summit.models.types


# revision identifiers, used by Alembic.
revision = '0016_group_mail'
down_revision = '0014_waiting_list'
branch_labels = None
depends_on = None


def upgrade():
    # Outbox rows queued before this carry no unsubscribe address (none was group mail).
    op.create_table('mail_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('unsubscribed_at', summit.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_subscriptions')),
    sa.UniqueConstraint('email', name=op.f('uq_mail_subscriptions_email')),
    sa.UniqueConstraint('token', name=op.f('uq_mail_subscriptions_token'))
    )
    op.create_table('mailings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('subject_sv', sa.String(length=200), nullable=False),
    sa.Column('subject_en', sa.String(length=200), nullable=False),
    sa.Column('body_sv', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('essential', sa.Boolean(), nullable=False),
    sa.Column('essential_reason', sa.String(length=300), nullable=False),
    sa.Column('status', sa.Enum('draft', 'scheduled', 'sending', 'sent', name='mailingstatus', native_enum=False, length=20), nullable=False),
    sa.Column('send_at', summit.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('resend_mode', sa.Enum('missing', 'everyone', name='resendmode', native_enum=False, length=20), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', summit.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_mailings_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_mailings_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailings'))
    )
    with op.batch_alter_table('mailings', schema=None) as batch_op:
        batch_op.create_index('ix_mailings_due', ['status', 'send_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mailings_event_id'), ['event_id'], unique=False)

    op.create_table('mailing_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailing_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('status', sa.Enum('queued', 'unsubscribed', name='deliverystatus', native_enum=False, length=20), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mailing_id'], ['mailings.id'], name=op.f('fk_mailing_recipients_mailing_id_mailings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_messages.id'], name=op.f('fk_mailing_recipients_outbox_message_id_outbox_messages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailing_recipients')),
    sa.UniqueConstraint('mailing_id', 'round', 'email', name=op.f('uq_mailing_recipients_mailing_id_round_email'))
    )
    with op.batch_alter_table('mailing_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mailing_recipients_mailing_id'), ['mailing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mailing_recipients_outbox_message_id'), ['outbox_message_id'], unique=False)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('list_unsubscribe', sa.String(length=500), nullable=True))



def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('list_unsubscribe')

    with op.batch_alter_table('mailing_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mailing_recipients_outbox_message_id'))
        batch_op.drop_index(batch_op.f('ix_mailing_recipients_mailing_id'))

    op.drop_table('mailing_recipients')
    with op.batch_alter_table('mailings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mailings_event_id'))
        batch_op.drop_index('ix_mailings_due')

    op.drop_table('mailings')
    op.drop_table('mail_subscriptions')
