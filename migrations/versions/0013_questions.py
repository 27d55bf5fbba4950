"""registration questions: per event, per attendee or order, and their answers (issue 16)

Revision ID: 0013_questions
Revises: 0016_group_mail
Create Date: 2026-12-07 05:50:00

"""
from alembic import op
import sqlalchemy as sa

import summit.models.types


# revision identifiers, used by Alembic.
revision = '0013_questions'
down_revision = '0016_group_mail'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('text', 'long_text', 'number', 'date', 'choice', 'multiple_choice', 'yes_no', 'consent', name='answerkind', native_enum=False, length=20), nullable=False),
    sa.Column('scope', sa.Enum('attendee', 'order', name='questionscope', native_enum=False, length=20), nullable=False),
    sa.Column('data_class', sa.Enum('ordinary', 'sensitive', name='dataclass', native_enum=False, length=20), nullable=False),
    sa.Column('label_sv', sa.Text(), nullable=False),
    sa.Column('label_en', sa.Text(), nullable=False),
    sa.Column('help_sv', sa.Text(), nullable=False),
    sa.Column('help_en', sa.Text(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('depends_on_id', sa.Integer(), nullable=True),
    sa.Column('depends_on_value', sa.String(length=40), nullable=False),
    sa.Column('created_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['depends_on_id'], ['questions.id'], name=op.f('fk_questions_depends_on_id_questions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_questions_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    sa.UniqueConstraint('event_id', 'key', name=op.f('uq_questions_event_id_key'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questions_depends_on_id'), ['depends_on_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_event_id'), ['event_id'], unique=False)

    op.create_table('question_ticket_types',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('ticket_type_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_ticket_types_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_type_id'], ['ticket_types.id'], name=op.f('fk_question_ticket_types_ticket_type_id_ticket_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'ticket_type_id', name=op.f('pk_question_ticket_types'))
    )
    op.create_table('answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('answered_at', summit.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_answers_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_answers_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_answers_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers')),
    sa.UniqueConstraint('question_id', 'order_id', 'ticket_id', name=op.f('uq_answers_question_id_order_id_ticket_id'))
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answers_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answers_ticket_id'), ['ticket_id'], unique=False)



def downgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_answers_question_id'))
        batch_op.drop_index(batch_op.f('ix_answers_order_id'))

    op.drop_table('answers')
    op.drop_table('question_ticket_types')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questions_event_id'))
        batch_op.drop_index(batch_op.f('ix_questions_depends_on_id'))

    op.drop_table('questions')
