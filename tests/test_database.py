"""Pooled connections (database.py): one idle for a while is tested before use, one used moments ago is not."""
from sqlalchemy import select

from eventsapp.catalogue.version import catalogue_version
from eventsapp.database import IDLE_SINCE, PING_WHEN_IDLE_SECONDS, note_idle_since, ping_if_idle
from eventsapp.extensions import db


def checked_in_connection():
    """The pool's only connection, checked in: (its DB-API connection, its pool record)."""
    db.session.remove()
    db.engine.dispose()
    with db.engine.connect() as connection:
        fairy = connection.connection
        return fairy.dbapi_connection, fairy._connection_record


def test_a_connection_that_died_while_idle_is_replaced_before_a_request_uses_it(app_ctx):
    dead, record = checked_in_connection()
    dead.close()  # as a database restart or a firewall's idle timeout would
    record.info[IDLE_SINCE] -= PING_WHEN_IDLE_SECONDS + 1
    assert db.session.scalar(select(1)) == 1
    assert db.session.connection().connection.dbapi_connection is not dead


def test_a_tested_connection_is_handed_out_outside_a_transaction(app_ctx):
    """The ping's own transaction is ended: a connection must come out of the pool as it went in."""
    _, record = checked_in_connection()
    record.info[IDLE_SINCE] -= PING_WHEN_IDLE_SECONDS + 1
    assert catalogue_version() is not None  # sets autocommit, which a driver refuses inside a transaction


class CountingConnection:
    """Stands for a DB-API connection: counts the cursors opened (a ping opens one)."""

    def __init__(self):
        self.cursors = 0

    def cursor(self):
        self.cursors += 1
        return self

    def execute(self, statement):
        pass

    def close(self):
        pass

    def rollback(self):
        pass


def test_a_connection_used_moments_ago_is_not_tested_again(monkeypatch):
    """No round trip before each request: that is what pool_pre_ping would cost every time."""
    record = Record()
    connection = CountingConnection()
    monkeypatch.setattr("eventsapp.database.time.monotonic", lambda: 1000.0)
    note_idle_since(connection, record)
    ping_if_idle(connection, record, None)
    assert connection.cursors == 0
    monkeypatch.setattr("eventsapp.database.time.monotonic", lambda: 1000.0 + PING_WHEN_IDLE_SECONDS)
    ping_if_idle(connection, record, None)
    assert connection.cursors == 1


class Record:
    def __init__(self):
        self.info = {}
