"""attendee list actions: an explicit waiting-list order, the reason of a cancellation on someone's
behalf, and the messages organizers send to an event's attendees

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-10 00:00:00.000000

Existing waiting lists keep their order: waitlist_rank stays empty, which means arrival order (the id).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration') as batch_op:
        batch_op.add_column(sa.Column('waitlist_rank', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cancellation_reason', sa.Text(), server_default='', nullable=False))
    op.create_table(
        'announcement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('subject_zh', sa.String(length=150), nullable=False),
        sa.Column('subject_en', sa.String(length=150), nullable=False),
        sa.Column('body_zh', sa.Text(), nullable=False),
        sa.Column('body_en', sa.Text(), nullable=False),
        sa.Column('filter_status', sa.String(length=32), nullable=False),
        sa.Column('filter_company', sa.String(length=32), nullable=False),
        sa.Column('filter_search', sa.String(length=100), nullable=False),
        sa.Column('recipient_count', sa.Integer(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('submission_key', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_announcement_event_id_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sent_by_id'], ['user.id'], name=op.f('fk_announcement_sent_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement')),
        sa.UniqueConstraint('submission_key', name=op.f('uq_announcement_submission_key')),
    )
    op.create_index(op.f('ix_announcement_event_id'), 'announcement', ['event_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_announcement_event_id'), table_name='announcement')
    op.drop_table('announcement')
    with op.batch_alter_table('registration') as batch_op:
        batch_op.drop_column('cancellation_reason')
        batch_op.drop_column('waitlist_rank')
