"""audit: the audit log of changes, exports and views of attendee data

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 00:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

ORIGINS = ('organizer', 'company', 'public', 'system')


def upgrade():
    op.create_table(
        'audit_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('origin', sa.Enum(*ORIGINS, name='origin', native_enum=False, length=32, create_constraint=True),
                  nullable=False),
        sa.Column('kind', sa.String(length=64), nullable=False),
        sa.Column('subject_type', sa.String(length=32), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=True),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('label', sa.String(length=300), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry')),
    )
    with op.batch_alter_table('audit_entry') as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_entry_event_id_id', ['event_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_entry_kind_id', ['kind', 'id'], unique=False)


def downgrade():
    op.drop_table('audit_entry')
