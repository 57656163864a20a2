"""Values the site fixes once and keeps in the database, the same for every process and every restart.

Today one: the domain every calendar UID ends with (`event-<id>@<domain>`). Calendars key events by
UID, so it must never change, also when the site moves to another BASE_URL: it is taken from the
UID_DOMAIN setting or else BASE_URL's host the first time it is needed, stored, and from then on read
from the database (once per app, kept in app.extensions once it is known to be stored).
"""
import ipaddress
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
DOMAIN_LABEL = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
DOMAIN_PATTERN = re.compile(rf"{DOMAIN_LABEL}(\.{DOMAIN_LABEL})*")
# A URL host may also have "_" in its labels: browsers and DNS serve such hosts (Events_Site.example.org).
HOST_LABEL = r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?"
HOST_PATTERN = re.compile(rf"{HOST_LABEL}(\.{HOST_LABEL})*")


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
    value, committed = _read_or_store(UID_DOMAIN, lambda: first_uid_domain(app))
    wanted = configured_uid_domain(app.config)
    if wanted and wanted != value:
        app.logger.warning("UID_DOMAIN is %s but calendar UIDs keep %s, fixed when the site first started: "
                           "changing it would duplicate every event in subscribed calendars.", wanted, value)
    if committed:  # else the caller's transaction may still roll the value back: read it again next time
        app.extensions[UID_DOMAIN] = value
    return value


def configured_uid_domain(config) -> str:
    """The UID_DOMAIN setting as a domain is written, in ASCII: " Events.Example.org. " → "events.example.org",
    "活动.上海.cn" → "xn--6fr513d.xn--fhqz97e.cn"."""
    return to_ascii(config.get("UID_DOMAIN") or "")


def initial_uid_domain(config) -> str:
    """UID_DOMAIN when set, else BASE_URL's host (what UIDs ended with before the domain was stored), in ASCII.
    Raises ValueError when it is no domain name."""
    domain = configured_uid_domain(config)
    if not domain:
        return base_url_host(config["BASE_URL"])
    if not DOMAIN_PATTERN.fullmatch(domain):
        raise ValueError(f"UID_DOMAIN must be a domain name such as events.example.com, not {config['UID_DOMAIN']!r}")
    return domain


def base_url_host(base_url: str) -> str:
    """BASE_URL's host as UIDs end with it: a domain in ASCII (IDNA), or an IP address."""
    host = host_and_port(base_url)[0]
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        pass
    ascii_host = to_ascii(host)
    if not HOST_PATTERN.fullmatch(ascii_host):
        raise ValueError(f"BASE_URL's host must be a domain name such as events.example.com, not {host!r} "
                         f"(or set UID_DOMAIN)")
    return ascii_host


def to_ascii(domain: str) -> str:
    """A domain name in its ASCII (IDNA) form, lower-case, without a final dot: "活动.上海.cn." →
    "xn--6fr513d.xn--fhqz97e.cn". A label IDNA can not encode is left as is, for the caller to refuse."""
    labels = domain.strip().rstrip(".").split(".")
    return ".".join(_label_to_ascii(label) for label in labels).lower()


def _label_to_ascii(label: str) -> str:
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:  # too long, or not allowed in a domain name
        return label


def first_uid_domain(app: Flask) -> str:
    """The domain about to be stored for good; a warning when it is only the host of a local address."""
    domain = initial_uid_domain(app.config)
    if is_local_host(domain):
        app.logger.warning(
            "Calendar UIDs end with @%s from now on: stored and kept, but a host every computer has (BASE_URL "
            "is not set?). On a real site, set UID_DOMAIN (or BASE_URL) before the first start: two sites with "
            "the same UID domain collide in a calendar subscribed to both.", domain)
    return domain


def is_local_host(host: str) -> bool:
    """127.0.0.1, ::1, localhost and the like: hosts every machine has, so no site's own."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


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
