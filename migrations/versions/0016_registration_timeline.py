"""registration: when a person first held a seat, joined a waiting list, was checked in

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 00:00:00.000000

The dashboards draw seats and the waiting list over time from these. Existing rows get the best
reading of what they hold: a seat since their promotion or sign-up, a waiting list since sign-up.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration') as batch_op:
        batch_op.add_column(sa.Column('seated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('waitlisted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE registration SET seated_at = COALESCE(promoted_at, created_at) "
               "WHERE status IN ('confirmed', 'checked_in')")
    op.execute("UPDATE registration SET waitlisted_at = created_at WHERE status = 'waitlisted'")


def downgrade():
    with op.batch_alter_table('registration') as batch_op:
        batch_op.drop_column('checked_in_at')
        batch_op.drop_column('waitlisted_at')
        batch_op.drop_column('seated_at')
