"""session feedback and the participant list (issue 17.1, 17.6)

Revision ID: 0018_feedback
Revises: 0015_self_service
Create Date: 2026-12-07 08:49:26.386663

"""
from alembic import op
import sqlalchemy as sa

import summit.models.types


# revision identifiers, used by Alembic.
revision = '0018_feedback'
down_revision = '0015_self_service'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('after_event_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.Column('queued_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_after_event_mails_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_messages.id'], name=op.f('fk_after_event_mails_outbox_message_id_outbox_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_after_event_mails_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_after_event_mails')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_after_event_mails_ticket_id'))
    )
    with op.batch_alter_table('after_event_mails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_after_event_mails_event_id'), ['event_id'], unique=False)

    op.create_table('participant_listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('sektor', sa.String(length=40), nullable=False),
    sa.Column('wants_to_meet', sa.String(length=280), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('consented_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_participant_listings_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_participant_listings_ticket_id_tickets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_participant_listings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_listings')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_participant_listings_event_id_user_id'))
    )
    with op.batch_alter_table('participant_listings', schema=None) as batch_op:
        batch_op.create_index('ix_participant_listings_event_sektor', ['event_id', 'sektor'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_listings_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_listings_user_id'), ['user_id'], unique=False)

    op.create_table('session_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_session_ratings_score_range')),
    sa.ForeignKeyConstraint(['session_id'], ['program_sessions.id'], name=op.f('fk_session_ratings_session_id_program_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_session_ratings_ticket_id_tickets'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_ratings')),
    sa.UniqueConstraint('ticket_id', 'session_id', name=op.f('uq_session_ratings_ticket_id_session_id'))
    )
    with op.batch_alter_table('session_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_ratings_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('session_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_ratings_session_id'))

    op.drop_table('session_ratings')
    with op.batch_alter_table('participant_listings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_listings_user_id'))
        batch_op.drop_index(batch_op.f('ix_participant_listings_ticket_id'))
        batch_op.drop_index('ix_participant_listings_event_sektor')

    op.drop_table('participant_listings')
    with op.batch_alter_table('after_event_mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_after_event_mails_event_id'))

    op.drop_table('after_event_mails')
