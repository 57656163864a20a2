"""registration: an index on (event_id, email), so that a sign-up reads the address's last SEQUENCE at the event
(its cancelled registrations too) without going over the event's every registration while it holds the seat lock

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
    # CONCURRENTLY on PostgreSQL: sign-ups go on while the index is built (it cannot run in a transaction).
    with op.get_context().autocommit_block():
        op.create_index('ix_registration_event_id_email', 'registration', ['event_id', 'email'],
                        postgresql_concurrently=True)


def downgrade():
    with op.get_context().autocommit_block():
        op.drop_index('ix_registration_event_id_email', table_name='registration', postgresql_concurrently=True)
