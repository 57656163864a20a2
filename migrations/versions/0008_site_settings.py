"""site settings: values fixed once for the site, first the domain of every calendar UID

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 00:20:00.000000

The table starts empty: the app stores the UID domain the first time it starts (UID_DOMAIN, else
BASE_URL's host, so an existing site keeps the UIDs its subscribers' calendars already hold).

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'site_setting',
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('value', sa.String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_site_setting')),
    )


def downgrade():
    op.drop_table('site_setting')
