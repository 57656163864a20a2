"""The catalogue's version: one number that every transaction changing what the public feeds show of the
catalogue (a published or cancelled event, its co-hosts, talks and speakers; a venue and its rooms; a
campaign; an organization's names; a deleted event's tombstone) replaces as it commits.

A reader that keeps something made from the catalogue (the calendar feeds, feeds/kept.py) asks with
one read of one row whether anything changed since: the same number means nothing did.

- Noted from the ORM (mapper events for rows saved through the session, do_orm_execute for UPDATE,
  DELETE and INSERT statements run through it), so every process and path counts: web, worker,
  commands. A statement run on a bare connection does not (none touches the catalogue); neither does a
  data migration, which must set a new version itself.
- Not counted, as no feed can show them yet: a draft that stays a draft, a new organization, campaign,
  venue or room (a feed of theirs is a 404 until then, and a 404 is never kept); an organization's other
  details.
  The SQLite seat lock's no-op UPDATE says so with CATALOGUE_UNCHANGED: a sign-up is no change here.
- Set as the last statement before COMMIT: the row is locked for the moment of the commit only, after
  every other lock the transaction takes, so it never waits in a cycle with them.
- Each new version is random, not the last one plus one: a database restored from a backup, or a
  replica promoted without the last commits, would otherwise count again through numbers a running
  process has kept, for other data.
"""
import secrets

from flask import current_app
from sqlalchemy import BigInteger, Engine, Insert, create_engine, event, inspect, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, object_session

from ..extensions import Model, db
from .models import (
    Campaign,
    DeletedEvent,
    Event,
    EventSession,
    EventStatus,
    Organization,
    Room,
    Speaker,
    Venue,
    event_co_host,
)

CHANGED_KEY = "catalogue.changed"  # in a session's info: its transaction changed the catalogue
CATALOGUE_UNCHANGED = "catalogue_unchanged"  # an execution option: this statement changes nothing shown
THE_ROW = 1
ORGANIZATION_SHOWN = ("name_zh", "name_en")  # what feeds show of an organization (host lines, calendar names)
CATALOGUE_MODELS = (Campaign, Organization, Venue, Room, Event, EventSession, Speaker, DeletedEvent)
# A new campaign, organization, venue or room shows in no feed until an event or a talk names it.
COUNTED_ON_INSERT = (Event, EventSession, Speaker, DeletedEvent)
CATALOGUE_TABLES = frozenset(model.__tablename__ for model in CATALOGUE_MODELS) | {event_co_host.name}
NOT_COUNTED_ON_INSERT = frozenset(model.__tablename__ for model in CATALOGUE_MODELS if model not in COUNTED_ON_INSERT)


class CatalogueVersion(Model):
    id: Mapped[int] = mapped_column(primary_key=True)  # one row, THE_ROW
    version: Mapped[int] = mapped_column(BigInteger)


def new_version() -> int:
    return secrets.randbits(62)


@event.listens_for(CatalogueVersion.__table__, "after_create")
def _insert_the_row(table, connection, **kwargs) -> None:
    connection.execute(table.insert().values(id=THE_ROW, version=new_version()))


VERSION_QUERY = select(CatalogueVersion.version).where(CatalogueVersion.id == THE_ROW)  # built once: polls are many


def catalogue_version() -> int | None:
    """The current version; None when the row is missing (then nothing may be kept).

    Read in autocommit on a small engine of its own, without the app's ping before each checkout (a
    round trip, as much as the read): a connection the database dropped (it restarted) fails the read,
    SQLAlchemy then discards the pool's connections, and the read is tried once more."""
    try:
        return _read_version()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        return _read_version()


def _read_version() -> int | None:
    with version_engine().connect() as connection:
        return connection.scalar(VERSION_QUERY)


def version_engine() -> Engine:
    """The app's engine for reading the version, made on first use (per process: after gunicorn's fork)."""
    engine = current_app.extensions.get("catalogue.version_engine")
    if engine is None:
        engine = create_engine(db.engine.url, pool_size=1, max_overflow=4, isolation_level="AUTOCOMMIT")
        engine = current_app.extensions.setdefault("catalogue.version_engine", engine)
    return engine


def _note(session: Session | None) -> None:
    if session is not None:
        session.info[CHANGED_KEY] = True


def _shown(row) -> bool:
    """Whether feeds show this row now or showed it before this change (a draft is in none)."""
    if isinstance(row, Event):
        history = inspect(row).attrs.status.history
        return any(status not in (EventStatus.DRAFT, None) for status in (*history.deleted, row.status))
    return True


def _note_insert(mapper, connection, target) -> None:
    if isinstance(target, COUNTED_ON_INSERT) and _shown(target):
        _note(object_session(target))


def _note_delete(mapper, connection, target) -> None:
    if _shown(target):
        _note(object_session(target))


def _note_update(mapper, connection, target) -> None:
    """Called for every dirty row, changed or not: a row whose columns and co-hosts are as they were is
    no change (e.g. an event whose list of registrations was touched)."""
    session = object_session(target)
    if session is None or not _shown(target):
        return
    state = inspect(target)
    if isinstance(target, Organization):
        changed = any(state.attrs[name].history.has_changes() for name in ORGANIZATION_SHOWN)
    else:
        changed = session.is_modified(target, include_collections=False) or (
            isinstance(target, Event) and state.attrs.co_hosts.history.has_changes())
    if changed:
        _note(session)


for model in CATALOGUE_MODELS:
    event.listen(model, "after_insert", _note_insert)
    event.listen(model, "after_delete", _note_delete)
    event.listen(model, "after_update", _note_update)


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    """UPDATE, DELETE and INSERT statements (ORM bulk or Core, e.g. co-hosts moved when two organizations
    merge) skip the mapper events: any of them on a catalogue table counts."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    if state.execution_options.get(CATALOGUE_UNCHANGED):
        return
    name = getattr(getattr(state.statement, "table", None), "name", None)
    if name in CATALOGUE_TABLES and not (isinstance(state.statement, Insert) and name in NOT_COUNTED_ON_INSERT):
        _note(state.session)


@event.listens_for(Session, "before_commit")
def _set_a_new_version(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint's release: the transaction goes on
        return
    session.flush()  # before_commit comes before the commit's own flush
    if session.info.pop(CHANGED_KEY, False):
        session.connection().execute(update(CatalogueVersion).where(CatalogueVersion.id == THE_ROW)
                                     .values(version=new_version()))


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    """What a transaction rolled back (or closed without commit) changed nothing. A savepoint's end is not
    the transaction's: a change rolled back with it may count all the same, which costs a render, no more."""
    if transaction.parent is None:
        session.info.pop(CHANGED_KEY, None)
