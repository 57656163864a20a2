"""Rate limits: they survive a Redis outage, say when they are counted per process, and limit
login guesses per account as well as per address."""
import logging
import socket

import pytest

from eventsapp import create_app
from eventsapp.config import TestConfig
from eventsapp.extensions import db, limiter

SIGN_UP = {"name": "Zhang Wei", "email": "zhang.wei@example.com", "phone": "138 0013 8000",
           "organization": "Shentong Metro", "job_title": "", "consent": "y", "website": ""}


def closed_port_url() -> str:
    """A Redis URL on a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def limited_app(database_url, app):
    """`limited_app(**config)`: the app with rate limits on. The limiter is one object shared by every
    app of the test run, so what an outage leaves in it (in-memory fallback, counts) is undone here."""
    made = []

    def make(**config):
        config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
        made.append(create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True, **config))
        if config["RATELIMIT_STORAGE_URI"] == "memory://":
            limiter.reset()
        return made[-1]

    yield make
    limiter._storage_dead = False  # no public API to leave the fallback; the next app brings its own storage
    if getattr(limiter, "_fallback_storage", None) is not None:
        limiter._fallback_storage.reset()
    for served in made:
        with served.app_context():
            db.engine.dispose()


def test_sign_up_and_login_work_while_redis_is_down(limited_app, make_event, make_user, caplog):
    event = make_event()
    make_user(email="organizer@example.com", password="the real password")
    url = closed_port_url()
    client = limited_app(REDIS_URL=url, RATELIMIT_STORAGE_URI=url).test_client()
    with caplog.at_level(logging.WARNING):
        signed_up = client.post(f"/events/{event.id}/register", data=SIGN_UP)
        logged_in = client.post("/auth/login", data={"email": "organizer@example.com", "password": "the real password"})
    assert signed_up.status_code == 302 and "/registrations/" in signed_up.headers["Location"]
    assert logged_in.status_code == 302 and logged_in.headers["Location"] == "/manage/"
    assert any("in-memory" in record.getMessage() for record in caplog.records if record.levelno == logging.WARNING)


def test_limits_still_count_in_memory_while_redis_is_down(limited_app, make_user):
    url = closed_port_url()
    client = limited_app(REDIS_URL=url, RATELIMIT_STORAGE_URI=url).test_client()
    codes = [client.post("/auth/login", data={"email": f"guess{i}@example.com", "password": "x"}).status_code
             for i in range(11)]
    assert codes == [422] * 10 + [429]


def test_login_guesses_are_limited_per_account_from_any_address(limited_app, make_user):
    make_user(email="target@example.com", password="the real password")
    client = limited_app().test_client()
    codes = []
    for i in range(11):  # a botnet: each guess from another address, in another spelling of the address
        email = "Target@Example.com " if i % 2 else "target@example.com"
        codes.append(client.post("/auth/login", data={"email": email, "password": f"guess {i}"},
                                 environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"}).status_code)
    assert codes == [422] * 10 + [429]
    other = client.post("/auth/login", data={"email": "someone.else@example.com", "password": "x"},
                        environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert other.status_code == 422  # other accounts are not locked out


def test_a_successful_login_does_not_use_up_the_account_limit(limited_app, make_user):
    make_user(email="boss@example.com", password="the real password")
    client = limited_app().test_client()
    for i in range(12):
        response = client.post("/auth/login", data={"email": "boss@example.com", "password": "the real password"},
                               environ_base={"REMOTE_ADDR": f"10.0.2.{i + 1}"})
        assert response.status_code == 302
        client.post("/auth/logout")


def test_limits_counted_per_process_are_announced_at_start(database_url, caplog):
    with caplog.at_level(logging.WARNING):
        create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, TESTING=False, RATELIMIT_ENABLED=True,
                   REDIS_URL=None)
    assert any("REDIS_URL" in record.getMessage() for record in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, TESTING=False, RATELIMIT_ENABLED=False)
        create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True)  # tests: quiet
        create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, TESTING=False, RATELIMIT_ENABLED=True,
                   REDIS_URL="redis://127.0.0.1:6379/14")
    assert not any("REDIS_URL" in record.getMessage() for record in caplog.records)
