"""check-in: a check-in code and a certificate address per registration, who checked them in, and every
check-in attempt with its nonce

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 00:00:00.000000

People who hold a seat already get their check-in code here (new ones get it when they are seated).
"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

OUTCOMES = ('checked_in', 'already_checked_in', 'other_event', 'cancelled', 'waitlisted', 'unknown', 'not_open',
            'closed')
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # as registration/models.py (CHECKIN_ALPHABET), frozen here


def upgrade():
    with op.batch_alter_table('registration') as batch_op:
        batch_op.add_column(sa.Column('checked_in_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('checkin_code', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('certificate_code', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_registration_checked_in_by_id_user'), 'user',
                                    ['checked_in_by_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_registration_checkin_code'), ['checkin_code'])
        batch_op.create_unique_constraint(batch_op.f('uq_registration_certificate_code'), ['certificate_code'])
    connection = op.get_bind()
    seated = connection.execute(sa.text(
        "SELECT id FROM registration WHERE status IN ('confirmed', 'checked_in') AND erased_at IS NULL")).scalars()
    for registration_id in list(seated):
        code = "".join(secrets.choice(ALPHABET) for _ in range(10))
        connection.execute(sa.text("UPDATE registration SET checkin_code = :code WHERE id = :id"),
                           {"code": code, "id": registration_id})
    op.create_table(
        'check_in_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=True),
        sa.Column('requested', sa.String(length=80), server_default='', nullable=False),
        sa.Column('outcome', sa.Enum(*OUTCOMES, name='outcome', native_enum=False, length=32, create_constraint=True),
                  nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_check_in_attempt_event_id_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registration.id'],
                                name=op.f('fk_check_in_attempt_registration_id_registration'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['staff_id'], ['user.id'], name=op.f('fk_check_in_attempt_staff_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in_attempt')),
        sa.UniqueConstraint('nonce', name=op.f('uq_check_in_attempt_nonce')),
    )
    with op.batch_alter_table('check_in_attempt') as batch_op:
        batch_op.create_index(batch_op.f('ix_check_in_attempt_event_id'), ['event_id'], unique=False)


def downgrade():
    op.drop_table('check_in_attempt')
    with op.batch_alter_table('registration') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_registration_certificate_code'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_registration_checkin_code'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_registration_checked_in_by_id_user'), type_='foreignkey')
        batch_op.drop_column('certificate_code')
        batch_op.drop_column('checkin_code')
        batch_op.drop_column('checked_in_by_id')
