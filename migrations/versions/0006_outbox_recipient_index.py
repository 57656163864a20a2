"""outbox: an index by recipient and time, for the cap on sign-up mails per address

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 22:45:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_recipient_created_at', ['recipient', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_recipient_created_at')
