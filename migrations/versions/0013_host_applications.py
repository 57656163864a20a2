"""hosting: calls for hosts, host applications, internal comments

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 00:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('host_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('text_zh', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('revision', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_host_call_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_host_call')),
    sa.UniqueConstraint('campaign_id', name=op.f('uq_host_call_campaign_id'))
    )
    op.create_table('host_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('submitted', 'withdrawn', 'accepted', 'declined', name='applicationstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('theme_zh', sa.String(length=300), nullable=False),
    sa.Column('theme_en', sa.String(length=300), nullable=False),
    sa.Column('sharing', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('other_dates', sa.Text(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('site_name', sa.String(length=200), nullable=False),
    sa.Column('site_address', sa.String(length=300), nullable=False),
    sa.Column('site_district', sa.String(length=100), nullable=False),
    sa.Column('site_city', sa.String(length=100), nullable=False),
    sa.Column('expected_capacity', sa.Integer(), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=False),
    sa.Column('contact_phone', sa.String(length=32), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('revision', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_host_application_ends_after_start')),
    sa.CheckConstraint('expected_capacity > 0', name=op.f('ck_host_application_expected_capacity_positive')),
    sa.ForeignKeyConstraint(['call_id'], ['host_call.id'], name=op.f('fk_host_application_call_id_host_call'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_host_application_event_id_event'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_host_application_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_host_application_reviewed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_host_application_submitted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_host_application_venue_id_venue'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_host_application'))
    )
    op.create_index(op.f('ix_host_application_call_id'), 'host_application', ['call_id'], unique=False)
    op.create_index(op.f('ix_host_application_organization_id'), 'host_application', ['organization_id'],
                    unique=False)
    # One application waiting for review per company and call.
    op.create_index('uq_host_application_call_id_organization_id_submitted', 'host_application',
                    ['call_id', 'organization_id'], unique=True, sqlite_where=sa.text("status = 'submitted'"),
                    postgresql_where=sa.text("status = 'submitted'"))

    op.create_table('application_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['host_application.id'], name=op.f('fk_application_comment_application_id_host_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_application_comment_author_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_comment'))
    )
    op.create_index(op.f('ix_application_comment_application_id'), 'application_comment', ['application_id'],
                    unique=False)



def downgrade():
    op.drop_index(op.f('ix_application_comment_application_id'), table_name='application_comment')
    op.drop_table('application_comment')
    op.drop_index('uq_host_application_call_id_organization_id_submitted', table_name='host_application')
    op.drop_index(op.f('ix_host_application_organization_id'), table_name='host_application')
    op.drop_index(op.f('ix_host_application_call_id'), table_name='host_application')
    op.drop_table('host_application')
    op.drop_table('host_call')
