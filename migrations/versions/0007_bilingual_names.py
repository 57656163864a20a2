"""bilingual speakers, rooms and cancellation reasons

Speaker name, job title and organization, room name and an event's cancellation reason each become
a Chinese and an English column (`<name>_zh`, `<name>_en`).

Upgrade: the one text there was goes into both languages, so every reader sees exactly what they saw
before, whichever language they read in, and the organizer finds it in both fields to translate.
Downgrade: the one language when the other is empty or the same; otherwise both, "中文 / English"
(the way the demo wrote two-language names in one field), cut to the old column's length.

Columns are added and dropped in place, never by copying a table (Alembic's batch mode on SQLite):
with foreign keys enforced, dropping the old `event` or `room` table would cascade to registrations
and agenda items. SQLite drops a column in place from version 3.35 on.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 00:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# table: [(column, its type)]; a length of None is unlimited text
SPLIT_COLUMNS = {
    'speaker': [('name', 100), ('job_title', 150), ('organization', 200)],
    'room': [('name', 120)],
    'event': [('cancellation_reason', None)],
}


def column_type(length):
    return sa.Text() if length is None else sa.String(length)


def upgrade():
    for table, columns in SPLIT_COLUMNS.items():
        for name, length in columns:
            for lang in ('zh', 'en'):
                op.add_column(table, sa.Column(f'{name}_{lang}', column_type(length), server_default='',
                                               nullable=False))
        rows = table_of(table, columns)
        op.execute(rows.update().values({f'{name}_{lang}': rows.c[name] for name, _ in columns
                                         for lang in ('zh', 'en')}))
        for name, _ in columns:
            op.drop_column(table, name)


def downgrade():
    for table, columns in SPLIT_COLUMNS.items():
        for name, length in columns:
            op.add_column(table, sa.Column(name, column_type(length), server_default='', nullable=False))
        rows = table_of(table, columns)
        op.execute(rows.update().values({name: one_text(rows, name, length) for name, length in columns}))
        for name, _ in columns:
            op.drop_column(table, f'{name}_zh')
            op.drop_column(table, f'{name}_en')


def table_of(table, columns):
    return sa.table(table, *[sa.column(f'{name}{suffix}', column_type(length))
                             for name, length in columns for suffix in ('', '_zh', '_en')])


def one_text(rows, name, length):
    """The Chinese text, or the English one when there is no Chinese; both when they differ."""
    zh, en = rows.c[f'{name}_zh'], rows.c[f'{name}_en']
    both = zh + ' / ' + en
    if length is not None:
        both = sa.func.substr(both, 1, length)
    return sa.case((sa.or_(en == '', en == zh), zh), (zh == '', en), else_=both)
