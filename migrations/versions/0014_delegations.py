"""registration: delegations (a company's seat quota for an event), invited people, and their history

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 00:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

OLD_STATUSES = ('confirmed', 'waitlisted', 'cancelled', 'checked_in')
NEW_STATUSES = (*OLD_STATUSES, 'invited')
STATUS_CHECK = 'ck_registration_registrationstatus'
CHANGE_KINDS = ('granted', 'quota_changed', 'withdrawn', 'named', 'named_to_waitlist', 'promoted',
                'invitation_resent', 'confirmed', 'declined', 'expired', 'swapped', 'cancelled')


def status_type(statuses) -> sa.Enum:
    return sa.Enum(*statuses, name='registrationstatus', native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.create_table(
        'delegation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('quota', sa.Integer(), nullable=False),
        sa.Column('confirm_days', sa.Integer(), server_default=sa.text('3'), nullable=False),
        sa.Column('changes_close_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('granted_by_id', sa.Integer(), nullable=True),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.Column('revision', sa.Integer(), server_default=sa.text('1'), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_delegation_event_id_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['granted_by_id'], ['user.id'], name=op.f('fk_delegation_granted_by_id_user')),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_delegation_organization_id_organization')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delegation')),
        sa.UniqueConstraint('event_id', 'organization_id', name=op.f('uq_delegation_event_id')),
    )
    op.create_index(op.f('ix_delegation_organization_id'), 'delegation', ['organization_id'], unique=False)
    upgrade_registration()
    # Created after registration's rebuild: on SQLite, rebuilding a table others refer to cascades deletes.
    op.create_table(
        'delegation_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('delegation_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum(*CHANGE_KINDS, name='delegationchangekind', native_enum=False,
                                  create_constraint=True, length=32), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=True),
        sa.Column('replaced_registration_id', sa.Integer(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('details', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_delegation_change_actor_id_user')),
        sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'],
                                name=op.f('fk_delegation_change_delegation_id_delegation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registration.id'],
                                name=op.f('fk_delegation_change_registration_id_registration')),
        sa.ForeignKeyConstraint(['replaced_registration_id'], ['registration.id'],
                                name=op.f('fk_delegation_change_replaced_registration_id_registration')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delegation_change')),
    )
    op.create_index(op.f('ix_delegation_change_delegation_id'), 'delegation_change', ['delegation_id'], unique=False)


def upgrade_registration():
    """The new status `invited` changes the CHECK constraint of registration.status: PostgreSQL replaces it;
    SQLite cannot alter a constraint, so the table is rebuilt (safe only while no table refers to it)."""
    delegation_id = sa.Column('delegation_id', sa.Integer(), nullable=True)
    confirm_by = sa.Column('confirm_by', sa.DateTime(timezone=True), nullable=True)
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('registration', recreate='always') as batch_op:
            batch_op.alter_column('status', type_=status_type(NEW_STATUSES), existing_type=status_type(OLD_STATUSES),
                                  existing_nullable=False)
            batch_op.add_column(delegation_id)
            batch_op.add_column(confirm_by)
            batch_op.create_foreign_key(op.f('fk_registration_delegation_id_delegation'), 'delegation',
                                        ['delegation_id'], ['id'])
    else:
        op.drop_constraint(op.f(STATUS_CHECK), 'registration', type_='check')
        op.create_check_constraint(op.f(STATUS_CHECK), 'registration', sa.column('status').in_(NEW_STATUSES))
        op.add_column('registration', delegation_id)
        op.add_column('registration', confirm_by)
        op.create_foreign_key(op.f('fk_registration_delegation_id_delegation'), 'registration', 'delegation',
                              ['delegation_id'], ['id'])
    op.create_index(op.f('ix_registration_delegation_id'), 'registration', ['delegation_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_delegation_change_delegation_id'), table_name='delegation_change')
    op.drop_table('delegation_change')
    # An invitation not confirmed was no registration yet: the old schema has no word for it.
    op.execute("UPDATE registration SET status = 'cancelled' WHERE status = 'invited'")
    op.drop_index(op.f('ix_registration_delegation_id'), table_name='registration')
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('registration', recreate='always') as batch_op:
            batch_op.drop_constraint(op.f('fk_registration_delegation_id_delegation'), type_='foreignkey')
            batch_op.drop_column('confirm_by')
            batch_op.drop_column('delegation_id')
            batch_op.alter_column('status', type_=status_type(OLD_STATUSES), existing_type=status_type(NEW_STATUSES),
                                  existing_nullable=False)
    else:
        op.drop_constraint(op.f('fk_registration_delegation_id_delegation'), 'registration', type_='foreignkey')
        op.drop_column('registration', 'confirm_by')
        op.drop_column('registration', 'delegation_id')
        op.drop_constraint(op.f(STATUS_CHECK), 'registration', type_='check')
        op.create_check_constraint(op.f(STATUS_CHECK), 'registration', sa.column('status').in_(OLD_STATUSES))
    op.drop_index(op.f('ix_delegation_organization_id'), table_name='delegation')
    op.drop_table('delegation')
