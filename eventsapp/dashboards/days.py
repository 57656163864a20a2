"""Local days in SQL: the calendar day at the venue of a stored UTC instant, computed by the database so
that a chart's query returns one row per day, whatever the number of registrations.

The offsets come from Python's tz database (timezones.offset_changes), written into the statement as a
CASE over the zone's changes, so SQLite (which knows no zones) and PostgreSQL give the same day.
"""
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Date, Integer, case, literal, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..database import UTCDateTime
from ..timezones import offset_changes

# The zone's changes are read over this span around the event; an instant outside it (none in practice:
# sign-ups open weeks before) takes the offset at the nearer end.
SPAN_BEFORE, SPAN_AFTER = timedelta(days=3 * 366), timedelta(days=366)


class shifted_date(FunctionElement):
    """date(instant + minutes): the calendar date of a UTC instant moved by a number of minutes."""

    type = Date()
    inherit_cache = True


@compiles(shifted_date, "sqlite")
def _shifted_date_on_sqlite(element, compiler, **kw) -> str:
    moment, minutes = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"date({moment}, ({minutes}) || ' minutes')"


@compiles(shifted_date, "postgresql")
def _shifted_date_on_postgresql(element, compiler, **kw) -> str:
    moment, minutes = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(({moment} AT TIME ZONE 'UTC') + ({minutes}) * INTERVAL '1 minute' AS DATE)"


def local_day(moment: ColumnElement, tz_name: str, around: datetime) -> ColumnElement:
    """The day at the venue (zone `tz_name`) of the instant `moment`, for instants near `around`."""
    periods = offset_changes(tz_name, around - SPAN_BEFORE, around + SPAN_AFTER)
    minutes: list[ColumnElement] = [literal_column(str(int(offset.total_seconds() // 60))) for _, offset in periods]
    if len(periods) == 1:
        return shifted_date(moment, minutes[0])
    whens = [(moment < literal(since, UTCDateTime()), offset)
             for (since, _), offset in zip(periods[1:], minutes, strict=False)]
    return shifted_date(moment, case(*whens, else_=minutes[-1]))


class periods_since(FunctionElement):
    """floor((instant - start) / seconds): which period of `seconds` after `start` an instant falls in (negative
    before it). Whole seconds, so a check-in at 14:15:00 is in the second quarter hour after 14:00, exactly."""

    type = Integer()
    inherit_cache = True


@compiles(periods_since, "sqlite")
def _periods_since_on_sqlite(element, compiler, **kw) -> str:
    moment, start, seconds = (compiler.process(clause, **kw) for clause in element.clauses)
    elapsed = f"(CAST(strftime('%s', {moment}) AS INTEGER) - CAST(strftime('%s', {start}) AS INTEGER))"
    # SQLite's integer division truncates towards zero: shifted far into the positive first, it floors.
    return f"(({elapsed} + {seconds} * 100000) / {seconds} - 100000)"


@compiles(periods_since, "postgresql")
def _periods_since_on_postgresql(element, compiler, **kw) -> str:
    moment, start, seconds = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(FLOOR(FLOOR(EXTRACT(EPOCH FROM ({moment} - {start}))) / {seconds}) AS INTEGER)"


def as_date(value: date | str) -> date:
    """SQLite answers a date as text, PostgreSQL as a date."""
    return value if isinstance(value, date) else date.fromisoformat(value)
