"""catalogue_version: one number every change of the catalogue replaces, so that a feed poll reads one
row to know whether what it keeps is still current

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29 00:00:00.000000

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'catalogue_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_version')),
    )
    # A random start: a process that kept feeds of another database never takes them for this one's.
    op.bulk_insert(table, [{'id': 1, 'version': secrets.randbits(62)}])


def downgrade():
    op.drop_table('catalogue_version')
