"""api: the answers kept for a POST sent with an Idempotency-Key (24 hours)

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29 00:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'idempotent_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=64), nullable=False),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('status', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotent_answer')),
        sa.UniqueConstraint('scope', name=op.f('uq_idempotent_answer_scope')),
    )
    with op.batch_alter_table('idempotent_answer') as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotent_answer_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('idempotent_answer') as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotent_answer_created_at'))
    op.drop_table('idempotent_answer')
