"""The catalogue's version: one number that every transaction changing what the public sees of the
catalogue (campaigns, organizations, venues and rooms, events, their co-hosts, talks and speakers, and
the tombstones of deleted events) counts up as it commits.

A reader that keeps something made from the catalogue (the calendar feeds, feeds/kept.py) asks with
one read of one row whether anything changed since: the same number means nothing did.

- Counted from the ORM's flushes (mapper events), so every path that saves a catalogue row through
  the session counts, whatever its process (web, worker, command). A statement that bypasses the ORM
  (a bulk UPDATE) does not: none changes catalogue rows (the SQLite seat lock's no-op UPDATE is one
  on purpose, as a sign-up is not a change of the catalogue).
- Counted up as the last statement before COMMIT: the row is locked for the moment of the commit
  only, after every other lock the transaction takes, so it never waits in a cycle with them.
- A database made anew starts at a random number, so a process that kept feeds of an earlier
  database never takes them for this one's.
"""
import secrets

from sqlalchemy import BigInteger, event, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, object_session

from ..extensions import Model, db
from .models import Campaign, DeletedEvent, Event, EventSession, Organization, Room, Speaker, Venue

CHANGED_KEY = "catalogue.changed"  # in a session's info: its transaction changed the catalogue
THE_ROW = 1
CATALOGUE_MODELS = (Campaign, Organization, Venue, Room, Event, EventSession, Speaker, DeletedEvent)


class CatalogueVersion(Model):
    id: Mapped[int] = mapped_column(primary_key=True)  # one row, THE_ROW
    version: Mapped[int] = mapped_column(BigInteger)


def first_version() -> int:
    return secrets.randbits(52)


@event.listens_for(CatalogueVersion.__table__, "after_create")
def _insert_the_row(table, connection, **kwargs) -> None:
    connection.execute(table.insert().values(id=THE_ROW, version=first_version()))


VERSION_QUERY = select(CatalogueVersion.version).where(CatalogueVersion.id == THE_ROW)  # built once: polls are many


def catalogue_version() -> int | None:
    """The current version; None when the row is missing (then nothing may be kept). Read outside any
    transaction: one round trip, and nothing to roll back after."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.scalar(VERSION_QUERY)


def _note_change(mapper, connection, target) -> None:
    session = object_session(target)
    if session is not None:
        session.info[CHANGED_KEY] = True


def _note_update(mapper, connection, target) -> None:
    """Called for every dirty row, changed or not: a row whose columns and co-hosts are as they were is
    no change (e.g. an event whose list of registrations was touched)."""
    session = object_session(target)
    if session is None:
        return
    co_hosts_changed = isinstance(target, Event) and inspect(target).attrs.co_hosts.history.has_changes()
    if co_hosts_changed or session.is_modified(target, include_collections=False):
        session.info[CHANGED_KEY] = True


for model in CATALOGUE_MODELS:
    event.listen(model, "after_insert", _note_change)
    event.listen(model, "after_delete", _note_change)
    event.listen(model, "after_update", _note_update)


@event.listens_for(Session, "before_commit")
def _count_up(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint's release: the transaction goes on
        return
    session.flush()  # before_commit comes before the commit's own flush
    if session.info.pop(CHANGED_KEY, False):
        session.connection().execute(update(CatalogueVersion).where(CatalogueVersion.id == THE_ROW)
                                     .values(version=CatalogueVersion.version + 1))


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    """What a transaction rolled back (or closed without commit) changed nothing. A savepoint's end is not
    the transaction's: a change rolled back with it may count all the same, which costs a render, no more."""
    if transaction.parent is None:
        session.info.pop(CHANGED_KEY, None)
