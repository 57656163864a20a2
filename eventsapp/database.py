"""Column types and mixins shared by every domain's models."""
from datetime import UTC, datetime

import enum

from sqlalchemy import DateTime, Enum, func
from sqlalchemy.orm import Mapped, mapped_column
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


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )


def enum_column(enum_class: type[enum.Enum]) -> Enum:
    """VARCHAR + CHECK instead of a native enum type: adding a value later is a plain migration."""
    return Enum(enum_class, native_enum=False, length=32, validate_strings=True, create_constraint=True,
                values_callable=lambda members: [member.value for member in members])
