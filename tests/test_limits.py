"""Rate limits: counted in Redis, so every process shares the counts; they survive a Redis outage, say
when they are counted per process, and limit login guesses per account as well as per address."""
import json
import logging
import os
import socket
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from eventsapp import create_app
from eventsapp.config import TestConfig
from eventsapp.extensions import db, limiter

SIGN_UP = {"name": "Zhang Wei", "email": "zhang.wei@example.com", "phone": "138 0013 8000",
           "organization": "Shentong Metro", "job_title": "", "consent": "y", "website": ""}
API_PERSON = {"name": "张伟", "email": "zhang.wei@example.com", "phone": "138 0013 8000",
              "organization": "上海申通地铁", "job_title": "质量经理", "consent": True}

# The real Redis, in a database of this run's own: .ci/run's two simultaneous runs use two (TEST_REDIS_DB),
# and each test counts under a key prefix of its own, deleted after.
TEST_REDIS_URL = f"redis://127.0.0.1:6379/{int(os.environ.get('TEST_REDIS_DB', '15'))}"
START_REDIS = ("start one with `redis-server --daemonize yes --port 6379 --bind 127.0.0.1` "
               "(Debian: `apt-get install redis-server`); .ci/run starts one itself")
PROJECT = Path(__file__).resolve().parent.parent

# Another process, as gunicorn runs several: a fresh interpreter with its own Flask-Limiter (nothing counted in
# its memory) sends the requests it reads on stdin and prints what it was answered.
OTHER_PROCESS = """
import json, sys
from eventsapp import create_app
from eventsapp.config import TestConfig
asked = json.load(sys.stdin)
client = create_app(TestConfig, **asked["config"]).test_client()
answers = []
for sent in asked["requests"]:
    response = client.post(sent["path"], data=sent.get("data"), json=sent.get("json"),
                           environ_base={"REMOTE_ADDR": sent["address"]})
    answers.append({"status": response.status_code, "retry_after": response.headers.get("Retry-After"),
                    "type": response.mimetype, "json": response.get_json(silent=True)})
print(json.dumps(answers))
"""


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


@dataclass(frozen=True)
class RedisLimits:
    store: redis.Redis
    prefix: str

    @property
    def config(self) -> dict:
        return {"REDIS_URL": TEST_REDIS_URL, "RATELIMIT_STORAGE_URI": TEST_REDIS_URL,
                "RATELIMIT_KEY_PREFIX": self.prefix}

    def counts(self) -> dict[str, int]:
        """The counters of this test in Redis, by key after the prefix: `10.0.0.1/registration.register/...`."""
        start = f"LIMITS:LIMITER/{self.prefix}/"
        return {key[len(start):]: int(self.store.get(key) or 0) for key in self.store.scan_iter(start + "*")}


@pytest.fixture
def redis_limits():
    """Limits counted in the real Redis (TEST_REDIS_URL) under a key prefix of this test's own, deleted after.
    Redis not answering fails the test, saying how to start one (never a skip)."""
    store = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2, socket_timeout=2, decode_responses=True)
    if (down := not_answering(store)) is not None:
        pytest.fail(f"The rate-limit tests need Redis at {TEST_REDIS_URL}, which does not answer ({down}): "
                    f"{START_REDIS}.", pytrace=False)
    # Flask-Limiter keeps the first RATELIMIT_KEY_PREFIX it is given for good (one limiter for every app of this
    # process): cleared, so the next create_app takes this test's prefix, and cleared again after.
    limiter._key_prefix = ""
    limits = RedisLimits(store, f"test-limits-{uuid.uuid4().hex}")
    yield limits
    limiter._key_prefix = ""
    keys = list(store.scan_iter(f"LIMITS:LIMITER/{limits.prefix}/*"))
    if keys:
        store.delete(*keys)
    store.close()


def not_answering(store: redis.Redis) -> str | None:
    try:
        store.ping()
    except redis.RedisError as error:
        return str(error)
    return None


def in_another_process(config: dict, requests: list[dict]) -> list[dict]:
    asked = json.dumps({"config": config, "requests": requests})
    done = subprocess.run([sys.executable, "-c", OTHER_PROCESS], input=asked, capture_output=True, text=True,
                          cwd=PROJECT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


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


def test_every_process_shares_the_counts_in_redis(limited_app, redis_limits, database_url, make_event, make_user):
    """gunicorn's processes, on one host or several, count in the one Redis. Every app of this test process
    shares one limiter (so one storage): a second app here would share the counts whatever the storage, so
    the other process is a fresh interpreter, whose memory has counted nothing."""
    event = make_event()
    make_user(email="target@example.com", password="the real password")
    limits = {"SIGNUP_RATE_LIMIT": "3 per hour", "API_SIGNUP_RATE_LIMIT": "3 per hour",
              "LOGIN_ACCOUNT_RATE_LIMIT": "3 per hour"}  # password reset: 3 per hour per address, always

    def attempt(kind: str, n: int, *, other: bool = False) -> dict:
        """The n-th try of a kind; `other`: from another address, or for another account."""
        if kind == "form":
            return {"path": f"/events/{event.id}/register", "address": "10.1.0.2" if other else "10.1.0.1",
                    "data": {**SIGN_UP, "email": f"form{n}@example.com"}}
        if kind == "api":
            return {"path": f"/api/v1/events/{event.id}/registrations", "address": "10.2.0.2" if other else "10.2.0.1",
                    "json": {**API_PERSON, "email": f"api{n}@example.com"}}
        email = "someone.else@example.com" if other else "target@example.com"
        if kind == "login":  # each guess from another address: the per-account limit, not the per-address one
            return {"path": "/auth/login", "address": f"10.3.0.{n}", "data": {"email": email, "password": f"guess {n}"}}
        return {"path": "/auth/reset", "address": "10.4.0.1", "data": {"email": email}}

    def send(client, sent: dict):
        return client.post(sent["path"], data=sent.get("data"), json=sent.get("json"),
                           environ_base={"REMOTE_ADDR": sent["address"]})

    kinds = ("form", "api", "login", "reset")
    allowed = {"form": 302, "api": 201, "login": 422, "reset": 200}
    config = {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
              **redis_limits.config, **limits}
    client = limited_app(**redis_limits.config, **limits).test_client()

    here = {kind: [send(client, attempt(kind, n)).status_code for n in (1, 2)] for kind in kinds}
    assert here == {kind: [allowed[kind]] * 2 for kind in kinds}
    counted = redis_limits.counts()
    assert {kind: counted.get(key) for kind, key in {
        "form": "10.1.0.1/registration.register/3/1/hour",
        "api": "10.2.0.1/api.sign_up/3/1/hour",
        "login": "login-account:target@example.com/auth.login/3/1/hour",
        "reset": "mail-request:auth.request_reset:target@example.com/auth.request_reset/3/1/hour",
    }.items()} == dict.fromkeys(kinds, 2), counted

    there = in_another_process(config, [attempt(kind, n, other=other) for kind in kinds
                                        for n, other in ((3, False), (4, False), (5, True))])
    assert [answer["status"] for answer in there] == [code for kind in kinds
                                                      for code in (allowed[kind], 429, allowed[kind])]
    form_over, api_over = there[1], there[4]
    assert form_over["type"] == "text/html" and int(form_over["retry_after"]) > 0
    assert api_over["type"] == "application/json" and api_over["json"]["code"] == "rate_limited"
    assert int(api_over["retry_after"]) > 0

    # Back here, after two tries of each: refused, by what the other process counted.
    over = {kind: send(client, attempt(kind, 6)) for kind in kinds}
    assert {kind: response.status_code for kind, response in over.items()} == dict.fromkeys(kinds, 429)
    assert all(0 < int(response.headers["Retry-After"]) <= 3600 for response in over.values())
    # The HTML error page, in the default language (zh): "Too many requests. Please wait a moment and try again."
    assert over["form"].mimetype == "text/html" and "请求过于频繁" in over["form"].get_data(as_text=True)
    assert over["api"].get_json()["code"] == "rate_limited" and over["api"].get_json()["errors"] == {}


def test_api_sign_up_works_and_counts_in_memory_while_redis_is_down(limited_app, make_event, caplog):
    event = make_event()
    url = closed_port_url()
    client = limited_app(REDIS_URL=url, RATELIMIT_STORAGE_URI=url, API_SIGNUP_RATE_LIMIT="2 per hour").test_client()
    with caplog.at_level(logging.WARNING):
        answers = [client.post(f"/api/v1/events/{event.id}/registrations",
                               json={**API_PERSON, "email": f"person{n}@example.com"}) for n in range(3)]
    assert [answer.status_code for answer in answers] == [201, 201, 429]
    assert answers[2].get_json()["code"] == "rate_limited" and int(answers[2].headers["Retry-After"]) > 0
    assert any("in-memory" in record.getMessage() for record in caplog.records if record.levelno == logging.WARNING)
