"""registration: the separate consent to share one's details with the host, and erasure on request

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 00:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN, not batch mode: on SQLite batch mode copies and drops the table, and with
# foreign keys on that cascades deletes (see 0007, 0009).
def upgrade():
    op.add_column('registration', sa.Column('shares_with_host', sa.Boolean(), server_default=sa.false(),
                                            nullable=False))
    op.add_column('registration', sa.Column('shares_with_host_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('registration', sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column('registration', 'erased_at')
    op.drop_column('registration', 'shares_with_host_at')
    op.drop_column('registration', 'shares_with_host')
