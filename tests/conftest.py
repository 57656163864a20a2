"""Fixtures: an app on a fresh schema per test (SQLite file, or DATABASE_URL's PostgreSQL)."""
import contextvars
import functools
import os
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event as sa_event
from sqlalchemy import select, text
from werkzeug import security
from werkzeug.serving import make_server

from eventsapp import create_app
from eventsapp.accounts.models import CompanyRole, Role, User
from eventsapp.catalogue.details import RoomDetails, SpeakerDetails
from eventsapp.catalogue.models import Campaign, Event, EventSession, EventStatus, Organization, Room, Speaker, Venue
from eventsapp.catalogue.uscc import uscc_check_character
from eventsapp.config import TestConfig
from eventsapp.database import utcnow
from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage
from eventsapp.mail.writing import write_left_unwritten

ORGANIZER_PASSWORD = "correct horse battery"

pytest_plugins = ["tests.mail.smtp_servers"]  # smtp_server & co., for the mail and the end-to-end tests


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("DATABASE_URL") or "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def _schema(database_url):
    """Tables are created once per run from the models; tests/test_migrations.py checks the migrations."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask


@pytest.fixture
def serve_app(database_url, app):
    """`serve_app(**config)`: the app on a threaded WSGI server on a free loopback port, for tests
    that need real parallel requests or a real browser. BASE_URL points at the server."""
    running = []

    def serve(**config) -> LiveServer:
        served = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, **config)
        server = make_server("127.0.0.1", 0, served, threaded=True)
        served.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"  # e-mailed links lead back here
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        running.append((server, thread, served))
        return LiveServer(url=served.config["BASE_URL"], app=served)

    yield serve
    for server, thread, served in running:
        server.shutdown()
        server.server_close()
        thread.join()
        with served.app_context():
            dispose_engines(served)


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production, even while a test holds one open
    for its factories (otherwise `g`, the locale and the DB session would leak between requests)."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(_schema, database_url):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.session.remove()
        empty_all_tables()
        dispose_engines(app)


def dispose_engines(app: Flask) -> None:
    """The app's connections, and those of the catalogue version's own engine (catalogue/version.py)."""
    db.engine.dispose()
    version_engine = app.extensions.get("catalogue.version_engine")
    if version_engine is not None:
        version_engine.dispose()


def empty_all_tables() -> None:
    """Every table but the catalogue's version, whose one row every database has (each test's app keeps
    its feeds in its own memory, so a number carried over from an earlier test cannot mislead it)."""
    tables = [table for table in db.metadata.sorted_tables if table.name != "catalogue_version"]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def make_organization(app_ctx):
    def make(**fields) -> Organization:
        fields.setdefault("name_zh", "测试公司")
        fields.setdefault("name_en", "Test Company")
        return _save(Organization(**fields))

    return make


@pytest.fixture
def make_venue(app_ctx):
    def make(rooms: tuple[str | RoomDetails, ...] = ("Hall A",), **fields) -> Venue:
        """A room given as a plain name has that name in both languages."""
        fields.setdefault("name_zh", "测试会场")
        fields.setdefault("name_en", "Test Venue")
        fields.setdefault("address_zh", "上海市浦东新区测试路1号")
        fields.setdefault("address_en", "1 Test Road, Pudong")
        fields.setdefault("timezone", "Asia/Shanghai")
        venue = Venue(**fields)
        venue.rooms = [Room(name_zh=room, name_en=room, position=i) if isinstance(room, str)
                       else Room(name_zh=room.name_zh, name_en=room.name_en, position=i)
                       for i, room in enumerate(rooms)]
        return _save(venue)

    return make


@pytest.fixture
def make_campaign(app_ctx):
    counter = iter(range(1, 10_000))

    def make(**fields) -> Campaign:
        n = next(counter)
        fields.setdefault("slug", f"campaign-{n}")
        fields.setdefault("year", 2026)
        fields.setdefault("name_zh", f"质量提升系列活动 {n}")
        fields.setdefault("name_en", f"Quality Campaign {n}")
        return _save(Campaign(**fields))

    return make


@pytest.fixture
def make_event(app_ctx, make_campaign, make_organization, make_venue, now):
    def make(status: EventStatus = EventStatus.PUBLISHED, starts_in: timedelta = timedelta(days=7),
             hours: float = 3, **fields) -> Event:
        fields.setdefault("campaign", fields.pop("campaign", None) or make_campaign())
        fields.setdefault("host", fields.pop("host", None) or make_organization())
        fields.setdefault("venue", fields.pop("venue", None) or make_venue())
        fields.setdefault("starts_at", now + starts_in)
        fields.setdefault("ends_at", fields["starts_at"] + timedelta(hours=hours))
        fields.setdefault("timezone", "Asia/Shanghai")
        fields.setdefault("capacity", 50)
        fields.setdefault("title_zh", "质量开放日")
        fields.setdefault("title_en", "Quality Open Day")
        return _save(Event(status=status, **fields))

    return make


@pytest.fixture
def make_session(app_ctx):
    def make(event: Event, *, offset_minutes: int = 0, minutes: int = 30, speakers=(), **fields) -> EventSession:
        """Speakers: SpeakerDetails, or (name, job title, organization) the same in both languages."""
        fields.setdefault("title_zh", "主题演讲")
        fields.setdefault("title_en", "Keynote")
        starts_at = event.starts_at + timedelta(minutes=offset_minutes)
        session = EventSession(event=event, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes),
                               **fields)
        session.speakers = [_speaker(speaker, position) for position, speaker in enumerate(speakers)]
        return _save(session)

    return make


def _speaker(speaker: SpeakerDetails | tuple[str, str, str], position: int) -> Speaker:
    if not isinstance(speaker, SpeakerDetails):
        name, job_title, organization = speaker
        speaker = SpeakerDetails(name, name, job_title, job_title, organization, organization)
    return Speaker(position=position, **asdict(speaker))


def _save(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


@pytest.fixture
def make_user(app_ctx):
    """`make_user(email, role, password, **fields)`. The password is stored with a cheap hash unless
    `production_hash=True`: scrypt costs about 80 ms to make and as much at each login, which over a
    thousand tests is minutes. Login checks any scheme the hash names, so the flows are the same; the
    sign-up, invitation and reset tests keep the production scheme, as they make their users themselves."""

    def make(email: str = "organizer@example.com", role: Role = Role.ORGANIZER, password: str = ORGANIZER_PASSWORD,
             production_hash: bool = False, **fields) -> User:
        user = User(email=email, role=role, **fields)
        if production_hash:
            user.set_password(password)
        else:
            user.password_hash = cheap_password_hash(password)
        return _save(user)

    return make


@functools.cache
def cheap_password_hash(password: str) -> str:
    return security.generate_password_hash(password, method="pbkdf2:sha256:1000")


@pytest.fixture
def make_company(app_ctx, now):
    """An organization with a company account, verified by the organizers unless `verified=False`."""
    counter = iter(range(1, 10_000))

    def make(verified: bool = True, **fields) -> Organization:
        n = next(counter)
        fields.setdefault("name_zh", f"测试企业{n}")
        fields.setdefault("name_en", f"Test Company {n}")
        fields.setdefault("uscc", valid_uscc(n))
        return _save(Organization(verified_at=now if verified else None, **fields))

    return make


def valid_uscc(n: int) -> str:
    """The n-th made-up Unified Social Credit Code with a right check character."""
    first_17 = f"91310000{n:09d}"
    return first_17 + uscc_check_character(first_17)


@pytest.fixture
def make_company_member(make_user, make_company, now):
    """`make_company_member(company, role=CompanyRole.MEMBER)`: a user of that company (a new verified one
    if none is given), lead contact by default, with a verified address; password ORGANIZER_PASSWORD."""
    counter = iter(range(1, 10_000))

    def make(company: Organization | None = None, role: CompanyRole = CompanyRole.LEAD, **fields) -> User:
        fields.setdefault("email", f"member{next(counter)}@company.example")
        fields.setdefault("name", "测试成员")
        fields.setdefault("email_verified_at", now)
        return make_user(role=Role.COMPANY_MEMBER, organization=company or make_company(), company_role=role,
                         **fields)

    return make


class AuthActions:
    def __init__(self, client, make_user):
        self._client = client
        self._make_user = make_user

    def login(self, email: str = "organizer@example.com", password: str = ORGANIZER_PASSWORD, **user_fields):
        self._make_user(email=email, password=password, **user_fields)
        return self._client.post("/auth/login", data={"email": email, "password": password})

    def login_as(self, user: User, password: str = ORGANIZER_PASSWORD):
        """Log an existing user in (e.g. one from make_company_member)."""
        response = self._client.post("/auth/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, "the login failed"
        return response

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client, make_user):
    return AuthActions(client, make_user)


@pytest.fixture
def outbox(app_ctx):
    """The queued messages, oldest first, read fresh from the database."""

    def read(recipient: str | None = None) -> list[OutboxMessage]:
        write_left_unwritten(now=utcnow())  # what a service called here queued unwritten, as the worker would
        db.session.expire_all()
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if recipient:
            query = query.where(OutboxMessage.recipient == recipient)
        return list(db.session.scalars(query))

    return read


@pytest.fixture
def count_queries(app_ctx):
    """`with count_queries() as counted: ...` then `len(counted)` is the number of SQL statements."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", record)

    return counting
