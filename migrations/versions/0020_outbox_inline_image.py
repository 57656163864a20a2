"""outbox: an inline image beside the HTML body (the QR of a check-in code), with its Content-ID

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29 06:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message') as batch_op:
        batch_op.add_column(sa.Column('inline_image', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('inline_image_cid', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message') as batch_op:
        batch_op.drop_column('inline_image_cid')
        batch_op.drop_column('inline_image')
