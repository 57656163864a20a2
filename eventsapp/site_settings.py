"""Values the site fixes once and keeps in the database, the same for every process and every restart.

Today one: the domain every calendar UID ends with (`event-<id>@<domain>`). Calendars key events by
UID, so it must never change, also when the site moves to another BASE_URL: it is taken from the
UID_DOMAIN setting or else BASE_URL's host the first time it is needed, stored, and from then on read
from the database (once per app, kept in app.extensions once it is known to be stored).
"""
import re

from flask import Flask, current_app
from sqlalchemy import String, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Mapped, mapped_column

from .config import host_and_port
from .extensions import Model, db

UID_DOMAIN = "uid_domain"  # the key in site_setting and in app.extensions
DOMAIN_PATTERN = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


class SiteSetting(Model):
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(1000))


def init_app(app: Flask) -> None:
    """Read the UID domain as the app starts, before any request's unit of work (SQLite lets only one
    connection write at a time). A database not migrated yet is read at first use instead."""
    with app.app_context():
        try:
            value = load_uid_domain(app)
            db.session.commit()  # on SQLite the value is stored in the session's transaction
            app.extensions[UID_DOMAIN] = value
        except (OperationalError, ProgrammingError) as error:  # no site_setting table yet, or no database
            db.session.rollback()
            app.logger.debug("UID domain not read at start: %s", error)


def uid_domain() -> str:
    """The domain of every calendar UID, fixed at first use."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]  # the app behind the proxy
    return app.extensions.get(UID_DOMAIN) or load_uid_domain(app)


def load_uid_domain(app: Flask) -> str:
    value, committed = _read_or_store(UID_DOMAIN, lambda: initial_uid_domain(app.config))
    wanted = configured_uid_domain(app.config)
    if wanted and wanted != value:
        app.logger.warning("UID_DOMAIN is %s but calendar UIDs keep %s, fixed when the site first started: "
                           "changing it would duplicate every event in subscribed calendars.", wanted, value)
    if committed:  # else the caller's transaction may still roll the value back: read it again next time
        app.extensions[UID_DOMAIN] = value
    return value


def configured_uid_domain(config) -> str:
    """The UID_DOMAIN setting as a domain is written: " Events.Example.org. " → "events.example.org"."""
    return (config.get("UID_DOMAIN") or "").strip().lower().rstrip(".")


def initial_uid_domain(config) -> str:
    """UID_DOMAIN when set, else BASE_URL's host (what UIDs ended with before the domain was stored)."""
    domain = configured_uid_domain(config) or host_and_port(config["BASE_URL"])[0]
    if not DOMAIN_PATTERN.fullmatch(domain):
        raise ValueError(f"UID_DOMAIN (or else BASE_URL's host) must be a domain name such as events.example.com, "
                         f"not {domain!r}")
    return domain


def stored_setting(key: str, initial) -> str:
    """The value stored under `key`, storing `initial()` first when there is none. When two processes
    store at the same time, the first insert wins (the other is skipped, not an error) and both read
    its value."""
    return _read_or_store(key, initial)[0]


def _read_or_store(key: str, initial) -> tuple[str, bool]:
    """(value, whether it is committed). PostgreSQL: in a transaction of its own, committed at once
    whatever the caller's unit of work does. SQLite lets one connection write at a time, and a second
    one would wait for the caller's own open transaction: there a missing value is stored in the
    caller's transaction, and is committed with it."""
    if db.session.get_bind().dialect.name == "sqlite":
        connection = db.session.connection()
        # Take the write lock before reading: a transaction that reads first and writes later fails at
        # once (SQLITE_BUSY) when another process wrote in between, instead of waiting its turn.
        connection.execute(update(SiteSetting).where(SiteSetting.key == key).values(value=SiteSetting.value))
        if _read(connection, key) is None:
            connection.execute(_insert_unless_present(connection, key, initial()))
        return _found(connection, key), False
    with db.engine.begin() as connection:
        value = _read(connection, key)
        if value is None:
            connection.execute(_insert_unless_present(connection, key, initial()))
            value = _found(connection, key)
    return value, True


def _found(connection: Connection, key: str) -> str:
    value = _read(connection, key)
    if value is None:  # pragma: no cover  # inserted or already there: one of the two
        raise RuntimeError(f"site setting {key!r} was neither stored nor found")
    return value


def _read(connection: Connection, key: str) -> str | None:
    return connection.scalar(select(SiteSetting.value).where(SiteSetting.key == key))


def _insert_unless_present(connection: Connection, key: str, value: str):
    """INSERT ... ON CONFLICT (key) DO NOTHING, in the dialect of the database."""
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    return insert(SiteSetting).values(key=key, value=value).on_conflict_do_nothing(index_elements=["key"])
