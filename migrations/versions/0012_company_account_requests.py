"""accounts: invitations, join requests, verification requests; the language of each user's mails

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 00:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def timestamps() -> list[sa.Column]:
    return [sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
            sa.Column('revision', sa.Integer(), server_default=sa.text('1'), nullable=False)]


def foreign_key(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=f'fk_{table}_{column}_{target}')


# Plain CREATE TABLE / ADD COLUMN, not batch mode: on SQLite batch mode copies and drops the table, and
# with foreign keys on that cascades deletes (see 0007, 0009).
def upgrade():
    op.create_table(
        'invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        *timestamps(),
        foreign_key('invitation', 'invited_by_id', 'user'),
        foreign_key('invitation', 'organization_id', 'organization'),
        sa.PrimaryKeyConstraint('id', name='pk_invitation'),
        sa.UniqueConstraint('token_hash', name='uq_invitation_token_hash'),
    )
    op.create_index('ix_invitation_invited_by_id', 'invitation', ['invited_by_id'])
    op.create_index('ix_invitation_organization_id', 'invitation', ['organization_id'])
    op.create_table(
        'join_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('phone', sa.String(length=32), nullable=False),
        sa.Column('password_hash', sa.String(length=256), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('status', sa.Enum('pending', 'approved', 'refused', name='joinstatus', native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        *timestamps(),
        foreign_key('join_request', 'decided_by_id', 'user'),
        foreign_key('join_request', 'organization_id', 'organization'),
        sa.PrimaryKeyConstraint('id', name='pk_join_request'),
    )
    op.create_index('ix_join_request_decided_by_id', 'join_request', ['decided_by_id'])
    op.create_index('ix_join_request_organization_id', 'join_request', ['organization_id'])
    op.create_table(
        'verification_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('rejection_reason', sa.Text(), nullable=False),
        *timestamps(),
        foreign_key('verification_request', 'decided_by_id', 'user'),
        foreign_key('verification_request', 'organization_id', 'organization'),
        sa.PrimaryKeyConstraint('id', name='pk_verification_request'),
    )
    op.create_index('ix_verification_request_decided_by_id', 'verification_request', ['decided_by_id'])
    op.create_index('ix_verification_request_organization_id', 'verification_request', ['organization_id'])
    op.add_column('user', sa.Column('language', sa.String(length=2), server_default='zh', nullable=False))
    # Company accounts made before this revision wait for the organizers like new ones.
    op.execute("INSERT INTO verification_request (organization_id, rejection_reason) "
               "SELECT id, '' FROM organization WHERE verified_at IS NULL")


def downgrade():
    op.drop_column('user', 'language')
    for table in ('verification_request', 'join_request', 'invitation'):
        op.drop_table(table)  # their indexes go with them
