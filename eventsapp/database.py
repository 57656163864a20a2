"""Column types and mixins shared by every domain's models, SQLite connection settings, and the one INSERT that
skips a row whose unique value is taken."""
import enum
import functools
import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, Enum, Insert, Table, event, func, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column, scoped_session
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """An instant stored in UTC and always returned timezone-aware.

    SQLite has no time zones, so naive values are read back as UTC; writing a naive value is a
    bug (it would be ambiguous), so it raises.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def insert_unless_taken(session: Session | scoped_session[Any], model: type[Any], values: dict[str, Any], *,
                        unique: Any) -> int | None:
    """INSERT one row of `model` in the session's transaction and return its id; None, inserting nothing, when
    the `unique` column's value is taken already (also by a transaction still open: the database waits for it).
    The database skips the row (ON CONFLICT DO NOTHING), so no savepoint is needed to keep the transaction going,
    which on PostgreSQL a unique violation would end. A Core INSERT: no ORM object, no session hook sees it, and
    nothing pending in the session is flushed before it (flush first what the row depends on)."""
    statement = _insert_unless_taken(model.__table__, unique.expression, session.get_bind().dialect.name)
    return session.connection(bind_arguments={"mapper": model}).scalar(statement, values)


@functools.cache
def _insert_unless_taken(table: Table, unique: Column, dialect_name: str) -> Insert:
    """Built once per table, its values given as parameters: callers hold locks (a sign-up, its event's)."""
    insert = postgresql.insert if dialect_name == "postgresql" else sqlite_dialect.insert
    return insert(table).on_conflict_do_nothing(index_elements=[unique]).returning(table.c.id)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )
    # Counted up by the database on every UPDATE of the row. Unlike updated_at (taken before commit),
    # it cannot be overtaken by a transaction that commits later: feeds fingerprint it (feeds/selection.py).
    revision: Mapped[int] = mapped_column(default=1, server_default=text("1"), onupdate=text("revision + 1"))


def enum_column(enum_class: type[enum.Enum]) -> Enum:
    """VARCHAR + CHECK instead of a native enum type: adding a value later is a plain migration."""
    return Enum(enum_class, native_enum=False, length=32, validate_strings=True, create_constraint=True,
                values_callable=lambda members: [member.value for member in members])


@event.listens_for(Engine, "connect")
def configure_sqlite_connection(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys, and let readers work while one writer holds the lock (WAL)."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 30000")  # a writer waits for the lock instead of failing
    cursor.close()
