"""outbox: a message may be queued unwritten, naming what to write (a sign-up's mail, written after the
seat lock is released)

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29 00:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message') as batch_op:
        batch_op.add_column(sa.Column('to_write', sa.JSON(none_as_null=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message') as batch_op:
        batch_op.drop_column('to_write')
