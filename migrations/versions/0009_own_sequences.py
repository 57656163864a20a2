"""registration and event_session: their own SEQUENCE counters, added to their event's

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 00:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN, not batch mode: on SQLite batch mode copies and drops the table, and with
# foreign keys on, dropping event_session would take its speakers along (see 0007).
def upgrade():
    op.add_column('registration', sa.Column('sequence', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.add_column('event_session', sa.Column('sequence', sa.Integer(), server_default=sa.text('0'), nullable=False))


def downgrade():
    op.drop_column('event_session', 'sequence')
    op.drop_column('registration', 'sequence')
