"""Settings that protect a deployment: secure cookies under https, a request size limit, a BASE_URL
that matches where the app is served, and `make run` keeping BASE_URL in step with PORT."""
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eventsapp.config import days_setting, host_and_port

ROOT = Path(__file__).resolve().parent.parent

LOGIN_PAGE_COOKIES = """
import json
from eventsapp import create_app
response = create_app().test_client().get("/auth/login")
print(json.dumps(response.headers.getlist("Set-Cookie")))
"""


def cookies_set_by_login_page(tmp_path, base_url: str) -> list[str]:
    """The Set-Cookie headers of the login page, in a process whose environment holds this BASE_URL
    (settings are read from the environment once, when eventsapp.config is imported)."""
    env = {**os.environ, "BASE_URL": base_url, "SECRET_KEY": "test", "RATELIMIT_ENABLED": "0",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "-c", LOGIN_PAGE_COOKIES], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_cookies_are_secure_when_the_site_is_served_over_https(tmp_path):
    secure = cookies_set_by_login_page(tmp_path, "https://events.example.com")
    assert secure and all("; Secure" in cookie for cookie in secure)
    plain = cookies_set_by_login_page(tmp_path, "http://127.0.0.1:5000")  # `make run` on a laptop
    assert plain and not any("; Secure" in cookie for cookie in plain)


@pytest.mark.parametrize("lang, message", [("en", "What you sent is too large."), ("zh", "您提交的内容过大")])
def test_a_request_body_over_one_mebibyte_is_refused_with_the_error_page(client, lang, message):
    response = client.post(f"/auth/login?lang={lang}",
                           data={"email": "a@example.com", "password": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert message in page and "</html>" in page


def test_a_request_body_over_the_limit_is_refused_with_rate_limits_on(app, database_url, make_event):
    from eventsapp import create_app
    from eventsapp.config import TestConfig
    from eventsapp.extensions import db, limiter

    event = make_event()
    limited = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True)
    limiter.reset()
    client = limited.test_client()
    too_large = {"email": "a@example.com", "password": "x" * (2 * 1024 * 1024)}
    assert client.post("/auth/login", data=too_large).status_code == 413
    assert client.post(f"/events/{event.id}/register", data={"name": "x" * (2 * 1024 * 1024)}).status_code == 413
    assert client.post("/auth/login", data={"email": "a@example.com", "password": "small"}).status_code == 422
    limiter.reset()
    with limited.app_context():
        db.engine.dispose()


def test_max_content_length_leaves_room_for_every_form(client, make_event):
    event = make_event()
    long_but_fine = {"name": "张" * 100, "email": "zhang@example.com", "phone": "13800138000",
                     "organization": "公司" * 200, "job_title": "", "consent": "y", "website": ""}
    assert client.post(f"/events/{event.id}/register", data=long_but_fine).status_code != 413


@pytest.mark.parametrize("url, expected", [
    ("http://127.0.0.1:5000", ("127.0.0.1", 5000)),
    ("https://Events.Example.com/", ("events.example.com", 443)),
    ("http://events.example.com", ("events.example.com", 80)),
    ("http://localhost:8000/path", ("localhost", 8000)),
])
def test_host_and_port_fills_in_the_default_port(url, expected):
    assert host_and_port(url) == expected


def base_url_warnings(records) -> list[str]:
    return [record.getMessage() for record in records
            if record.levelno == logging.WARNING and "BASE_URL" in record.getMessage()]


def test_serving_on_another_address_than_base_url_is_warned_once(app, caplog):
    app.config["BASE_URL"] = "http://127.0.0.1:5000"
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        client.get("/", base_url="http://127.0.0.1:8000")
        client.get("/", base_url="http://127.0.0.1:8000")
    warnings = base_url_warnings(caplog.records)
    assert len(warnings) == 1
    assert "http://127.0.0.1:5000" in warnings[0] and "127.0.0.1:8000" in warnings[0]


@pytest.mark.parametrize("base_url, served_at", [
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ("https://events.example.com", "https://events.example.com"),
    ("https://Events.example.com/", "https://events.example.com:443"),
])
def test_serving_at_base_url_is_not_warned(app, caplog, base_url, served_at):
    app.config["BASE_URL"] = base_url
    with caplog.at_level(logging.WARNING):
        app.test_client().get("/", base_url=served_at)
    assert base_url_warnings(caplog.records) == []


def make_run_commands(*arguments: str, **environment: str) -> str:
    """The gunicorn command `make run` would run (`make -n`: nothing is run), with only these
    of BASE_URL and PORT in the environment."""
    env = {key: value for key, value in os.environ.items() if key not in {"BASE_URL", "PORT"}} | environment
    result = subprocess.run(["make", "-n", "run", *arguments], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    return next(line for line in result.stdout.splitlines() if "gunicorn" in line)


def test_make_run_derives_base_url_from_port():
    assert "BASE_URL='http://127.0.0.1:5000'" in make_run_commands()
    for command in (make_run_commands("PORT=8000"), make_run_commands(PORT="8000")):
        assert "--bind 127.0.0.1:8000" in command and "BASE_URL='http://127.0.0.1:8000'" in command


def test_make_run_keeps_a_given_base_url():
    for command in (make_run_commands("PORT=8000", BASE_URL="https://events.example.com"),
                    make_run_commands("PORT=8000", "BASE_URL=https://events.example.com")):
        assert "BASE_URL='https://events.example.com'" in command and "--bind 127.0.0.1:8000" in command


@pytest.mark.parametrize("value, days", [(None, 180), ("", 180), (" 30 ", 30), ("0", 0)])
def test_retention_days_is_a_whole_number_of_days(monkeypatch, value, days):
    if value is None:
        monkeypatch.delenv("RETENTION_DAYS", raising=False)
    else:
        monkeypatch.setenv("RETENTION_DAYS", value)
    assert days_setting("RETENTION_DAYS", default=180) == days


@pytest.mark.parametrize("value", ["-1", "1.5", "half a year", "180 days"])
def test_a_retention_days_that_is_no_whole_number_stops_the_start(monkeypatch, value):
    """A negative value would purge the people of coming events; better not to start."""
    monkeypatch.setenv("RETENTION_DAYS", value)
    with pytest.raises(ValueError, match="RETENTION_DAYS must be a whole number of days"):
        days_setting("RETENTION_DAYS", default=180)
