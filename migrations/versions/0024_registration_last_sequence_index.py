"""registration: an index on (event_id, email, sequence), so that a sign-up reads the address's last SEQUENCE
at the event without going over the event's every registration while it holds the seat lock

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-29 00:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_registration_event_id_email_sequence', 'registration', ['event_id', 'email', 'sequence'])


def downgrade():
    op.drop_index('ix_registration_event_id_email_sequence', table_name='registration')
