"""accounts: company members (role, mobile, verified address); organizations: contact and verification

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 00:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN, not batch mode: on SQLite batch mode copies and drops the table, and with
# foreign keys on that cascades deletes (see 0007, 0009).
def upgrade():
    op.add_column('user', sa.Column('company_role', sa.Enum('lead', 'member', name='companyrole', native_enum=False,
                                                            create_constraint=True, length=32), nullable=True))
    op.add_column('user', sa.Column('phone', sa.String(length=32), server_default='', nullable=False))
    op.add_column('user', sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('organization', sa.Column('contact_phone', sa.String(length=32), server_default='', nullable=False))
    op.add_column('organization', sa.Column('contact_email', sa.String(length=254), server_default='',
                                            nullable=False))
    op.add_column('organization', sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True))
    # Organizations entered by organizers before company accounts existed count as checked.
    op.execute("UPDATE organization SET verified_at = created_at")


def downgrade():
    op.drop_column('organization', 'verified_at')
    op.drop_column('organization', 'contact_email')
    op.drop_column('organization', 'contact_phone')
    op.drop_column('user', 'email_verified_at')
    op.drop_column('user', 'phone')
    op.drop_column('user', 'company_role')
